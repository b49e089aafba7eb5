// bench_seed_sweep: the seed's 180-run STDP-window sweep (post input times 1, 6, ..., 896;
// examples/stdp_window, stdp_sweep.h), all runs with their set-up (reset, create, connect,
// simulate, read-out) timed as one; installing the two models (parse, check, JIT) is
// build_wall_s. Reference (NEST 3.10 on this machine, one thread): the whole sweep 1.15 s,
// its Simulate calls alone 0.48 s. The JSON's spikes and synaptic_events are summed over
// the 180 runs; bytes_per_synapse is that of the last run's static synapses.
#include <CLI/CLI.hpp>
#include <nestjit/nestjit.h>

#include "bench_report.h"
#include "stdp_sweep.h"

int main(int argc, char** argv) {
  CLI::App app{"nestjit bench_seed_sweep"};
  bool json = false;
  int repeat = 3;
  std::string models = NESTJIT_STDP_MODEL_DIR;
  app.add_flag("--json", json, "one JSON object per run");
  app.add_option("--repeat", repeat, "runs");
  app.add_option("--models", models, "directory of the seed's models");
  CLI11_PARSE(app, argc, argv);
  std::vector<nestjit::bench::Run> runs;
  for (int i = 0; i < repeat; ++i) {
    nestjit::Kernel k;
    nestjit::bench::Run run;
    run.benchmark = "bench_seed_sweep";
    const double i0 = nestjit::bench::wall_seconds();
    for (const auto& r : stdp_window::install_models(k, models))
      if (!r.ok) {
        std::fprintf(stderr, "%s", r.report().c_str());
        return 1;
      }
    run.build_wall_s = nestjit::bench::wall_seconds() - i0;
    size_t points = 0;
    nestjit::Kernel::NetworkCounters last;
    const double c0 = nestjit::bench::cpu_seconds(), w0 = nestjit::bench::wall_seconds();
    points = stdp_window::sweep(k, 1, 900, 5, [&](nestjit::Kernel& kk) {
               last = kk.network_counters();
               run.spikes += last.spikes;
               run.synaptic_events += last.synaptic_events;
             }).size();
    run.simulate_cpu_s = nestjit::bench::cpu_seconds() - c0;
    run.simulate_wall_s = nestjit::bench::wall_seconds() - w0;
    if (points != 180) {
      std::fprintf(stderr, "bench_seed_sweep: %zu runs instead of 180\n", points);
      return 1;
    }
    if (last.static_synapses > 0)
      run.bytes_per_synapse = double(last.static_bytes) / double(last.static_synapses);
    run.peak_rss_mb = nestjit::bench::peak_rss_mb();
    nestjit::bench::print(run, json);
    runs.push_back(run);
  }
  nestjit::bench::summary_against(
      runs, {{"NEST whole sweep", 1.15}, {"NEST Simulate calls alone", 0.48}});
  // NEST needs the seed's co-generated module (seed_stdp_module); quietly nothing without it.
  nestjit::bench::run_nest(R"(import nest, time
nest.set_verbosity('M_ERROR')
try:
    nest.Install('seed_stdp_module')
except Exception:
    raise SystemExit(0)
N = 'izhikevich_neuron_nestml__with_stdp_synapse_nestml'
S = 'stdp_synapse_nestml__with_izhikevich_neuron_nestml'
c = time.process_time(); sim = 0.0
for t in range(1, 900, 5):
    nest.ResetKernel(); nest.resolution = 0.1
    sg_pre = nest.Create('spike_generator', params={'spike_times': [300.0, 998.0]})
    sg_post = nest.Create('spike_generator', params={'spike_times': [float(t)]})
    pre = nest.Create('parrot_neuron'); post = nest.Create(N)
    nest.Connect(sg_pre, pre); nest.Connect(sg_post, post, syn_spec={'weight': 9999.0})
    nest.Connect(pre, post, syn_spec={'synapse_model': S, 'delay': 15.0})
    s = time.process_time(); nest.Simulate(1000.0); sim += time.process_time() - s
print(f"NEST (this machine) seed sweep: {time.process_time() - c:.3f} s CPU, Simulate alone {sim:.3f} s")
)");
  return 0;
}
