// Lowering: sema::CheckedModel -> nir::Model. Units disappear here: a literal with a unit
// and a bare unit name become their internal numbers, spike ports become their summed
// weight times the internal scale of 1/s, inline expressions are expanded where used.
//
// The passes are listed once, in the order they run (each lives in lib/nir/lowering/ in the
// file its comment names); the analysis of the equations follows the lowering proper.
#include "nir/lower.h"

#include "nir/equations.h"
#include "nir/lowering/lowerer.h"

namespace nestjit::nir {

std::unique_ptr<Model> lower(const sema::CheckedModel& model, const LowerOptions& options,
                             DiagnosticList& diags) {
  lowering::Lowerer l(model, options, diags);
  l.allocate_slots();             // slots.cpp
  l.lower_functions();            // blocks.cpp
  l.lower_initialisation();       // blocks.cpp
  l.lower_parameter_guards();     // blocks.cpp (guards.cpp)
  l.lower_odes();                 // odes.cpp
  l.lower_update();               // blocks.cpp (statements.cpp, expressions.cpp)
  l.lower_on_receive_handlers();  // blocks.cpp
  l.lower_on_conditions();        // blocks.cpp
  l.lower_recordable_inlines();   // blocks.cpp
  if (l.failed()) return nullptr;
  analyse_equations(l.model(), model.file, diags);  // equations.cpp
  if (diags.has_errors()) return nullptr;
  return l.take_model();
}

}  // namespace nestjit::nir
