// bench_unconnected: 10,000 iaf_psc_exp_neuron, I_e 500 pA, V_m uniform in [E_L, V_th],
// no connections, 1000 ms (issue 7's first benchmark). Reference: NEST 3.10 built-in
// iaf_psc_exp 1.49 s, NESTML-generated 2.10 s CPU of Simulate.
#include <CLI/CLI.hpp>
#include <nestjit/nestjit.h>

#include <random>

#include "bench_report.h"
#include "codegen/codegen.h"

int main(int argc, char** argv) {
  CLI::App app{"nestjit bench_unconnected"};
  bool json = false;
  int repeat = 3;
  std::string model = NESTJIT_SHARED_DIR "/corpus/models/neurons/iaf_psc_exp_neuron.nestml";
  bool no_lanes = false;
  app.add_flag("--json", json, "one JSON object per run");
  app.add_flag("--no-lanes", no_lanes, "compile without lane blocks (the per-instance loop), to compare");
  app.add_option("--repeat", repeat, "runs");
  app.add_option("--model", model, "iaf_psc_exp_neuron.nestml");
  CLI11_PARSE(app, argc, argv);
  nestjit::codegen::set_lane_blocks(!no_lanes);
  std::vector<nestjit::bench::Run> runs;
  for (int i = 0; i < repeat; ++i) {
    nestjit::Kernel k;
    auto r = k.install_file(model);
    if (!r.ok) {
      std::fprintf(stderr, "%s", r.report().c_str());
      return 1;
    }
    const double t0 = nestjit::bench::wall_seconds();
    auto pop = k.create("iaf_psc_exp_neuron", 10000, {{"I_e", 500.0}});
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> vm(-70.0, -55.0);
    for (size_t n = 0; n < pop.size(); ++n) k.set_status({pop[n], 1}, {{"V_m", vm(rng)}});
    auto sr = k.create("spike_recorder");
    k.connect(pop, sr);
    nestjit::bench::Run run;
    run.benchmark = "bench_unconnected";
    run.build_wall_s = nestjit::bench::wall_seconds() - t0;
    const double c0 = nestjit::bench::cpu_seconds(), w0 = nestjit::bench::wall_seconds();
    k.simulate(1000.0);
    run.simulate_cpu_s = nestjit::bench::cpu_seconds() - c0;
    run.simulate_wall_s = nestjit::bench::wall_seconds() - w0;
    run.spikes = k.spike_events(sr[0]).times.size();
    run.peak_rss_mb = nestjit::bench::peak_rss_mb();
    nestjit::bench::print(run, json);
    runs.push_back(run);
  }
  nestjit::bench::summary(runs, 1.49, 2.10);
  nestjit::bench::run_nest(R"(import nest, time, numpy as np
nest.set_verbosity('M_ERROR'); nest.ResetKernel(); nest.resolution = 0.1
pop = nest.Create('iaf_psc_exp', 10000, {'I_e': 500.0})
pop.V_m = np.random.default_rng(42).uniform(-70.0, -55.0, 10000)
c = time.process_time(); nest.Simulate(1000.0)
print(f"NEST (this machine) iaf_psc_exp: simulate {time.process_time() - c:.3f} s CPU")
)");
  return 0;
}
