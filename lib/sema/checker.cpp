// The checker: resolves names, types every expression (with physical dimensions), and
// applies the language's context conditions. Each condition reports its own stable code.
//
// The passes are listed once, in the order they run; each lives in lib/sema/checking/ in the
// file named after its family of conditions (the structural ones are in cocos.cpp).
#include <fmt/format.h>
#include <map>

#include "sema/checking/checker.h"
#include "sema/model.h"

namespace nestjit::sema {

namespace {

std::unique_ptr<CheckedModel> check_model(const ast::Model& model, const SourceFilePtr& file,
                                          const CheckOptions& options, DiagnosticList& diags) {
  checking::Checker c(model, file, options, diags);
  c.check_block_multiplicity();
  c.add_predefined();
  c.declare_ports();
  c.declare_kernels();
  c.declare_variables();
  c.check_variable_initializers();
  c.declare_inlines();
  c.check_equations();
  c.check_update();
  c.check_on_receive_handlers();
  c.check_on_conditions();
  c.check_functions();
  c.check_integrate_odes_called();
  c.run_cocos();
  return c.take_model();
}

}  // namespace

std::vector<std::unique_ptr<CheckedModel>> check(const ast::CompilationUnit& unit,
                                                 const CheckOptions& options,
                                                 DiagnosticList& diags) {
  std::vector<std::unique_ptr<CheckedModel>> out;
  std::map<std::string, SourceSpan> names;
  for (const auto& m : unit.models) {
    auto [it, fresh] = names.emplace(m.name, m.name_span);
    if (!fresh)
      diags.error("E-MODEL-NAME-DUPLICATE", unit.file, m.name_span,
                  fmt::format("model '{}' is defined twice in this file", m.name),
                  fmt::format("the first definition is at line {}", it->second.line));
    out.push_back(check_model(m, unit.file, options, diags));
  }
  return out;
}

}  // namespace nestjit::sema
