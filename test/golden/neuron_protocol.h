// Runs one of NEST's reference protocols (../shared/golden/neurons/<model>/protocol.json)
// with nestjit and compares against NEST's trace.csv and spikes.csv.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace golden {

struct Comparison {
  bool ran = false;          // false: the protocol could not be run (see error)
  std::string error;
  bool exact = false;        // every ODE variable solved by propagators
  size_t rows = 0, columns = 0;
  std::vector<double> spikes, nest_spikes;
  std::vector<double> times;                                   // trace rows (ms)
  std::map<std::string, std::vector<double>> ours, nest;       // trace columns
  // Largest relative difference |ours - NEST| / (|NEST| + column scale) over the rows before
  // NEST's first spike, and over all rows; with where it happened.
  double max_rel_before_first_spike = 0, max_rel_overall = 0;
  std::string worst_where;
  std::string first_divergence;  // first row where the relative difference exceeds 1e-6
  // Parameters and state variables whose value before simulating differs from NEST's
  // status_before_simulate (relative 1e-12), as "name: nestjit x, NEST y".
  std::vector<std::string> status_mismatches;
  size_t status_compared = 0;
};

// `dir` is the golden folder of one model, e.g. "golden/neurons/iaf_psc_exp_neuron_nestml".
Comparison run_protocol(const std::string& shared_dir, const std::string& dir);

}  // namespace golden
