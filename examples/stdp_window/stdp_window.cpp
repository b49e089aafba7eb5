// The seed experiment: the STDP window of a NESTML STDP synapse onto a NESTML Izhikevich
// neuron. For every post input time in range(1, 900, 5): a fresh network, a presynaptic
// parrot driven at 300 and 998 ms, the postsynaptic neuron kicked at the input time, the
// parrot connected to the neuron through the STDP synapse with a 15 ms delay; after
// 1000 ms, dt = first post spike - first pre spike and dw = (w_after - w_before) / lambda.
// Uses only the public API (include/nestjit), as any host application would.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <fstream>
#include <nestjit/nestjit.h>

#include "stdp_sweep.h"

int main(int argc, char** argv) {
  CLI::App app{"STDP window of the seed's NESTML stdp_synapse and izhikevich_neuron"};
  std::string out_path = "stdp_window.csv";
  std::string model_dir = NESTJIT_STDP_MODEL_DIR;
  bool timing = false, quiet = false;
  app.add_option("--out", out_path, "CSV file to write (columns dt,dw)");
  app.add_option("--models", model_dir, "folder with izhikevich_neuron.nestml and stdp_synapse.nestml");
  app.add_flag("--time", timing, "print how long each load stage took");
  app.add_flag("--quiet", quiet, "do not print the table");
  CLI11_PARSE(app, argc, argv);

  nestjit::Kernel kernel({.resolution_ms = 0.1});
  auto installed = stdp_window::install_models(kernel, model_dir);
  for (const auto& r : installed) {
    std::fputs(r.report().c_str(), stderr);
    if (!r.ok) {
      std::fprintf(stderr, "stdp_window: could not load the models in %s\n", model_dir.c_str());
      return 1;
    }
  }
  const auto& neuron = installed[0];
  const auto& synapse = installed[1];
  if (timing) {
    for (const auto* r : {&neuron, &synapse})
      std::printf("load %-20s parse %.2f ms, check %.2f ms, ODE analysis %.2f ms, IR %.2f ms, "
                  "JIT %.2f ms, total %.2f ms\n",
                  r->models.at(0).c_str(), r->timings.parse_ms, r->timings.check_ms,
                  r->timings.ode_ms, r->timings.ir_ms, r->timings.jit_ms, r->timings.total_ms());
    std::printf("load both models: %.2f ms\n",
                neuron.timings.total_ms() + synapse.timings.total_ms());
  }

  auto t0 = std::chrono::steady_clock::now();
  std::vector<stdp_window::Point> points;
  try {
    points = stdp_window::sweep(kernel);
  } catch (const nestjit::Error& e) {
    std::fprintf(stderr, "stdp_window: %s\n", e.what());
    return 1;
  }
  double sweep_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

  std::ofstream csv(out_path);
  if (!csv) {
    std::fprintf(stderr, "stdp_window: cannot write %s\n", out_path.c_str());
    return 1;
  }
  csv << "dt,dw\n";
  for (const auto& p : points) csv << fmt::format("{},{}\n", p.dt, p.dw);
  if (!quiet) {
    std::printf("%10s %22s\n", "dt [ms]", "dw [lambda]");
    for (const auto& p : points) std::printf("%10g %22.15g\n", p.dt, p.dw);
  }
  std::printf("wrote %zu points to %s", points.size(), out_path.c_str());
  if (timing) std::printf(" (sweep of %zu simulations took %.0f ms)", points.size(), sweep_ms);
  std::printf("\n");
  return 0;
}
