// bench_brunel: the Brunel network of ../shared/golden/network/brunel (brunel_network.h),
// 1000 ms. Reference: NEST 3.10 built-in 18.0 s, NESTML-generated 26.7 s CPU of Simulate;
// NEST needs 37.6 bytes per static synapse.
#include <CLI/CLI.hpp>
#include <nestjit/nestjit.h>

#include "bench_report.h"
#include "codegen/codegen.h"
#include "brunel_network.h"

int main(int argc, char** argv) {
  CLI::App app{"nestjit bench_brunel"};
  bool json = false;
  int repeat = 3;
  double T = 1000.0;
  std::string model = NESTJIT_SHARED_DIR "/corpus/models/neurons/iaf_psc_exp_neuron.nestml";
  bool no_lanes = false;
  app.add_flag("--json", json, "one JSON object per run");
  app.add_flag("--no-lanes", no_lanes, "compile without lane blocks (the per-instance loop), to compare");
  app.add_option("--repeat", repeat, "runs");
  app.add_option("-T", T, "simulated time (ms)");
  app.add_option("--model", model, "iaf_psc_exp_neuron.nestml");
  CLI11_PARSE(app, argc, argv);
  nestjit::codegen::set_lane_blocks(!no_lanes);
  std::vector<nestjit::bench::Run> runs;
  for (int i = 0; i < repeat; ++i) {
    nestjit::Kernel k({.resolution_ms = 0.1, .rng_seed = uint64_t(12345 + i)});
    auto r = k.install_file(model);
    if (!r.ok) {
      std::fprintf(stderr, "%s", r.report().c_str());
      return 1;
    }
    auto net = nestjit::brunel::build(k, uint64_t(42 + i));
    nestjit::bench::Run run;
    run.benchmark = "bench_brunel";
    run.build_wall_s = net.build_wall_s;
    const double c0 = nestjit::bench::cpu_seconds(), w0 = nestjit::bench::wall_seconds();
    k.simulate(T);
    run.simulate_cpu_s = nestjit::bench::cpu_seconds() - c0;
    run.simulate_wall_s = nestjit::bench::wall_seconds() - w0;
    const auto stats = k.network_counters();
    run.spikes = stats.spikes;
    run.synaptic_events = stats.synaptic_events;
    run.bytes_per_synapse = double(stats.static_bytes) / double(stats.static_synapses);
    run.peak_rss_mb = nestjit::bench::peak_rss_mb();
    nestjit::bench::print(run, json);
    runs.push_back(run);
  }
  nestjit::bench::summary(runs, 18.0, 26.7);
  nestjit::bench::run_nest(R"(import nest, time, numpy as np
nest.set_verbosity('M_ERROR'); nest.ResetKernel(); nest.resolution = 0.1; nest.rng_seed = 12345
J = 18.69185976526526
pop = nest.Create('iaf_psc_exp', 10000)
pop.V_m = np.random.default_rng(42).uniform(-70.0, -55.0, 10000)
noise = nest.Create('poisson_generator', params={'rate': 13500.0})
nest.Connect(noise, pop, syn_spec={'weight': J, 'delay': 1.5})
nest.Connect(pop[:8000], pop, {'rule': 'fixed_indegree', 'indegree': 800}, {'weight': J, 'delay': 1.5})
nest.Connect(pop[8000:], pop, {'rule': 'fixed_indegree', 'indegree': 200}, {'weight': -5 * J, 'delay': 1.5})
c = time.process_time(); nest.Simulate(1000.0)
print(f"NEST (this machine) iaf_psc_exp Brunel: simulate {time.process_time() - c:.3f} s CPU")
)");
  return 0;
}
