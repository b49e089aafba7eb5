// The seed's STDP-window sweep as a reusable function (the example program and the tests
// both run it). Uses only the public API.
#pragma once
#include <nestjit/nestjit.h>
#include <functional>
#include <string>
#include <vector>

namespace stdp_window {

struct Point {
  int t_input;  // time of the postsynaptic kick (ms)
  double dt;    // first post spike - first pre spike (ms)
  double dw;    // (w_after - w_before) / lambda
  double w_before, w_after;
};

// Installs izhikevich_neuron.nestml and stdp_synapse.nestml from `model_dir` with the seed's
// options (post port post_spikes, weight variable w, delay variable d). Returns the two
// install results; check .ok.
std::vector<nestjit::InstallResult> install_models(nestjit::Kernel& kernel,
                                                   const std::string& model_dir);

// One simulation per post input time in range(first, last, step) (the seed: 1, 900, 5).
// Throws nestjit::Error if a run yields no pre or no post spike. `after_run`, when given, is
// called after each run's simulate (before the next reset), e.g. to sum its counters.
std::vector<Point> sweep(nestjit::Kernel& kernel, int first = 1, int last = 900, int step = 5,
                         const std::function<void(nestjit::Kernel&)>& after_run = {});

}  // namespace stdp_window
