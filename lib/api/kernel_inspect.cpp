// Kernel::describe_model and Kernel::dump_model: read-only views of an installed model for
// people (the REPL's %show and %dump).
#include <fmt/format.h>

#include "api/kernel_impl.h"
#include "jit/jit.h"
#include "nir/print.h"
#include "sema/ast_dump.h"
#include "syntax/parser.h"

namespace nestjit {

namespace {

const char* variable_kind(nir::SlotRole role) {
  switch (role) {
    case nir::SlotRole::Parameter: return "parameter";
    case nir::SlotRole::State: return "state";
    case nir::SlotRole::Internal: return "internal";
    default: return nullptr;
  }
}

// What the numeric solver setting means for a system that is not solved exactly.
std::pair<std::string, std::string> numeric_solver(const nir::Model& m) {
  switch (m.numeric_solver) {
    case nir::NumericSolver::Rkf45: return {"rk45", "RKF45 as the reference simulator's GSL, chosen by numeric_solver"};
    case nir::NumericSolver::Cvode: return {"cvode", "CVODE (BDF), chosen by numeric_solver"};
    case nir::NumericSolver::ForwardEuler: return {"forward-Euler", "one Euler step per call, chosen by numeric_solver"};
    case nir::NumericSolver::Auto: break;
  }
  return {"auto", "RKF45 as the reference simulator's GSL; an instance whose Jacobian turns "
                  "out stiff switches to CVODE"};
}

// The model's source parsed and checked again (the kernel keeps only the lowered model) and
// printed as a tree with the types sema gave it.
std::string checked_ast(const runtime::LoadedModel& m) {
  const std::string& name = m.ir->name;
  if (!m.source_file)
    throw Error(fmt::format("dump_model: the source of '{}' is not kept, so its AST cannot be shown", name));
  DiagnosticList diags;
  auto unit = syntax::parse(m.source_file, diags);
  sema::CheckOptions options;
  if (m.ir->is_synapse) options.synapse_models.push_back(name);
  if (unit) {
    auto checked = sema::check(*unit, options, diags);
    for (const auto& cm : checked)
      if (cm->ast->name == name) return sema::dump_ast(*cm);
  }
  throw Error(fmt::format("dump_model: '{}' no longer checks from its source {}", name,
                          m.source_file->path));
}

}  // namespace

ModelDescription Kernel::describe_model(const std::string& model) const {
  const nir::Model& ir = *impl_->model(model).ir;
  ModelDescription d;
  for (const auto& s : ir.slots)
    if (const char* kind = variable_kind(s.role)) d.variables.push_back({s.name, kind, s.unit, s.recordable});
  for (const auto& p : ir.spike_ports) d.spike_ports.push_back(p.is_post ? p.name + " (post)" : p.name);

  auto names = [&](const std::vector<int>& vars) {
    std::vector<std::string> out;
    for (int v : vars) out.push_back(ir.ode_vars[size_t(v)].name);
    return out;
  };
  for (const auto& b : ir.analytic_blocks)
    d.ode_systems.push_back({names(b.vars), "propagator",
                             "linear with constant coefficients: solved exactly, "
                             "x(t+h) = exp(A h) x(t) + ..."});
  for (const auto& c : ir.convolutions)
    d.ode_systems.push_back({names(c.vars), c.from_post_archive ? "archive" : "propagator",
                             c.from_post_archive
                                 ? fmt::format("kernel {} on post port {}: read from the "
                                               "neuron's spike history", c.kernel, c.port_name)
                                 : fmt::format("kernel {} convolved with port {}: exact",
                                               c.kernel, c.port_name)});
  const auto [solver, why] = numeric_solver(ir);
  for (const auto& sys : ir.numeric_systems) {
    std::vector<int> own(sys.vars.begin(), sys.vars.begin() + sys.writeback);
    std::vector<int> odes;
    for (int v : own)
      if (!ir.ode_vars[size_t(v)].is_convolution && !ir.ode_vars[size_t(v)].analytic)
        odes.push_back(v);  // analytic ones ride along in y but are set by propagators
    d.ode_systems.push_back(
        {names(odes), solver,
         fmt::format("{}: not linear with constant coefficients (or coupled to such a "
                     "variable){}; {} Jacobian",
                     ir.all_numeric ? "solver \"numeric\"" : "numeric",
                     ir.all_numeric ? ", or the model asks for numeric integration" : "", 
                     sys.jacobian.empty() ? "difference-quotient" : "symbolic") +
             "; " + why});
  }
  return d;
}

std::string Kernel::dump_model(const std::string& model, const std::string& what) const {
  const runtime::LoadedModel& loaded = impl_->model(model);
  const nir::Model& ir = *loaded.ir;
  if (what == "ast") return checked_ast(loaded);
  if (what == "ir") return nir::to_text(ir);
  if (what == "llvm") {
    std::string error;
    std::string text = jit::optimised_ir(ir, error);
    if (text.empty()) throw Error(fmt::format("dump_model: LLVM IR of '{}': {}", model, error));
    return text;
  }
  throw Error(fmt::format("dump_model: cannot dump '{}' (use \"ast\", \"ir\" or \"llvm\")", what));
}

}  // namespace nestjit
