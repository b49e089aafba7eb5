// Per-model cost: JIT time (source to machine code) and simulation time per neuron-step,
// for every .nestml neuron model in a folder (default: the corpus' library neurons in
// ../shared). Each model runs N neurons driven by a constant current and Poisson-like
// regular spike input for T ms. Prints a table; asserts nothing.
//
// Reference points (NEST on this machine, from the issue): NESTML-generated Izhikevich
// (RKF45) about 170 ns per neuron-step, NEST's Euler built-in about 10 ns, exact-integration
// models about 20-30 ns.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nestjit/nestjit.h>
#include <vector>

#include "codegen/codegen.h"

int main(int argc, char** argv) {
  CLI::App app{"nestjit per-model JIT and simulation cost"};
  std::string dir = NESTJIT_SHARED_DIR "/corpus/models/neurons";
  int n = 1000;
  double T = 100.0, current = 200.0;
  app.add_option("--models", dir, "folder with .nestml neuron models");
  app.add_option("-n", n, "neurons per model");
  app.add_option("-T", T, "simulated time (ms)");
  app.add_option("--current", current, "dc current into the first continuous port (pA)");
  bool no_lanes = false;
  app.add_flag("--no-lanes", no_lanes, "compile without lane blocks (the per-instance loop), to compare");
  CLI11_PARSE(app, argc, argv);
  nestjit::codegen::set_lane_blocks(!no_lanes);
  if (!std::filesystem::exists(dir)) {
    std::fprintf(stderr, "bench_neurons: %s does not exist (pass --models)\n", dir.c_str());
    return 1;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".nestml") files.push_back(e.path());
  std::sort(files.begin(), files.end());

  std::printf("%-36s %9s %8s %8s %14s %9s\n", "model", "JIT [ms]", "exact", "numeric",
              "ns/neuron-step", "spikes");
  for (const auto& f : files) {
    nestjit::Kernel k;
    auto r = k.install_file(f.string());
    if (!r.ok || r.models.empty()) {
      std::printf("%-36s   (does not load: %s)\n", f.stem().c_str(),
                  r.diagnostics.empty() ? "?" : r.diagnostics[0].code.c_str());
      continue;
    }
    const std::string model = r.models[0];
    auto info = k.model_info(model);
    try {
      auto pop = k.create(model, size_t(n));
      auto dc = k.create("dc_generator", 1, {{"amplitude", current}});
      auto sg = k.create("spike_generator", 1,
                         {{"spike_times", std::vector<double>{10, 20, 30, 40, 50, 60, 70, 80, 90}}});
      auto sr = k.create("spike_recorder");
      if (!info.continuous_ports.empty()) k.connect(dc, pop);
      nestjit::SynSpec syn;
      syn.weight = 100.0;
      syn.receptor_type = info.spike_receptors > 1 ? 1 : 0;
      k.connect(sg, pop, nestjit::ConnRule::all_to_all, syn);
      k.connect(pop, sr);
      auto t0 = std::chrono::steady_clock::now();
      k.simulate(T);
      double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
      double steps = T / k.resolution();
      std::printf("%-36s %9.2f %8zu %8zu %14.1f %9zu\n", model.c_str(), r.timings.total_ms(),
                  info.exact_variables, info.numeric_variables, ns / (steps * n),
                  k.spike_events(sr[0]).times.size());
    } catch (const nestjit::Error& e) {
      std::printf("%-36s   (does not run: %s)\n", model.c_str(), e.what());
    }
  }
  return 0;
}
