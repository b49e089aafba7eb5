// ODE analysis (after lowering): which variables are solved exactly and which numerically,
// the propagator blocks, the jumps caused by spikes, and one numeric system per
// integrate_odes argument list - the rules of LANGUAGE.md 7.4-7.5 and SEMANTICS.md 2.
#pragma once
#include "nir/model.h"
#include "support/diagnostic.h"

namespace nestjit::nir {

void analyse_equations(Model& model, const SourceFilePtr& file, DiagnosticList& diags);

}  // namespace nestjit::nir
