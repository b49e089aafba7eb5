// sema::CheckedModel -> nir::Model.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nir/model.h"
#include "sema/model.h"
#include "support/diagnostic.h"

namespace nestjit::nir {

struct LowerOptions {
  // Synapses: ports fed by the postsynaptic neuron's spikes (default: ports named "post...").
  std::vector<std::string> post_ports;
  // Synapses: variables bound to the connection's weight and delay (NESTML's
  // weight_variable / delay_variable). Empty: "w" or "weight" for the weight, none for delay.
  std::string weight_variable;
  std::string delay_variable;
  std::string numeric_solver = "auto";  // or "rk45", "cvode", "forward-Euler"
  std::string solver = "analytic";      // or "numeric": no propagators at all
  // Values of vector-size parameters to lay out instead of their defaults (a model variant
  // for an instance whose size parameter was changed by set_status).
  std::map<std::string, long> vector_sizes;
};

// nullptr when the model uses something the runtime cannot run yet (reported in diags).
std::unique_ptr<Model> lower(const sema::CheckedModel& model, const LowerOptions& options,
                             DiagnosticList& diags);

}  // namespace nestjit::nir
