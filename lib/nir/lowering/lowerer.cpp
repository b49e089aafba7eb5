// The Lowerer's construction (option checks) and the block bookkeeping every pass shares.
#include "nir/lowering/lowerer.h"

#include <fmt/format.h>

namespace nestjit::nir::lowering {

Lowerer::Lowerer(const sema::CheckedModel& cm, const LowerOptions& opts, DiagnosticList& diags)
    : cm_(cm), ast_(*cm.ast), opts_(opts), diags_(diags), m_(std::make_unique<Model>()) {
  m_->name = ast_.name;
  m_->is_synapse = cm.is_synapse;
  if (opts.solver == "numeric") m_->all_numeric = true;
  else if (opts.solver != "analytic")
    error("E-OPTION", ast_.name_span, fmt::format("unknown solver '{}'", opts.solver),
          "use \"analytic\" or \"numeric\"");
  if (opts.numeric_solver == "forward-Euler") m_->numeric_solver = NumericSolver::ForwardEuler;
  else if (opts.numeric_solver == "rk45") m_->numeric_solver = NumericSolver::Rkf45;
  else if (opts.numeric_solver == "cvode") m_->numeric_solver = NumericSolver::Cvode;
  else if (opts.numeric_solver == "auto") m_->numeric_solver = NumericSolver::Auto;
  else
    error("E-OPTION", ast_.name_span,
          fmt::format("unknown numeric solver '{}'", opts.numeric_solver),
          "use \"auto\", \"rk45\", \"cvode\" or \"forward-Euler\"");
}

void Lowerer::error(const std::string& code, SourceSpan span, std::string msg, std::string hint) {
  diags_.error(code, cm_.file, span, std::move(msg), std::move(hint));
  failed_ = true;
}

void Lowerer::begin_block() {
  local_of_.clear();
  local_types_.clear();
}

void Lowerer::end_block(CodeBlock& cb) {
  cb.locals = static_cast<int>(local_types_.size());
  cb.local_types = local_types_;
}

CodeBlock Lowerer::lower_block(const ast::Block& b, Where) {
  CodeBlock cb;
  begin_block();
  cb.body = lower_stmts(b);
  end_block(cb);
  return cb;
}

}  // namespace nestjit::nir::lowering
