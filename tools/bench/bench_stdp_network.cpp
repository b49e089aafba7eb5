// bench_stdp_network: 100 parrots fed by a 10 Hz poisson_generator, all-to-all through the
// seed's stdp_synapse onto 1000 seed Izhikevich neurons (I_e uniform in [1, 3] pA), 1000 ms
// (../shared/golden/network/stdp100x1000, stdp_network.h). Reference: NEST 3.10 with the
// NESTML-generated pair, 1.48 s CPU of Simulate on this machine. Also prints the final
// weight mean and sd and the rates next to NEST's seed means.
#include <CLI/CLI.hpp>
#include <nestjit/nestjit.h>

#include "bench_report.h"
#include "stdp_network.h"
#include "stdp_sweep.h"

int main(int argc, char** argv) {
  CLI::App app{"nestjit bench_stdp_network"};
  bool json = false;
  int repeat = 3;
  double T = 1000.0;
  std::string models = NESTJIT_STDP_MODEL_DIR;
  app.add_flag("--json", json, "one JSON object per run");
  app.add_option("--repeat", repeat, "runs");
  app.add_option("-T", T, "simulated time (ms)");
  app.add_option("--models", models, "directory of the seed's models");
  CLI11_PARSE(app, argc, argv);
  std::vector<nestjit::bench::Run> runs;
  for (int i = 0; i < repeat; ++i) {
    nestjit::Kernel k({.resolution_ms = 0.1, .rng_seed = uint64_t(1 + i)});
    const double i0 = nestjit::bench::wall_seconds();
    for (const auto& r : stdp_window::install_models(k, models))
      if (!r.ok) {
        std::fprintf(stderr, "%s", r.report().c_str());
        return 1;
      }
    const double install_s = nestjit::bench::wall_seconds() - i0;
    auto net = nestjit::stdp_network::build(k);
    nestjit::bench::Run run;
    run.benchmark = "bench_stdp_network";
    run.build_wall_s = net.build_wall_s;
    nestjit::bench::simulate_timed(k, T, run);
    nestjit::bench::print(run, json);
    const auto s = nestjit::stdp_network::statistics(k, net, T);
    std::fprintf(stderr,
                 "  seed %d: install %.3f s; w mean %.6f sd %.5f (NEST 0.99993 +- 0.0014, "
                 "0.0234 +- 0.0023); rate pre %.2f Hz, post %.2f Hz (NEST 10.0, 10.46 +- 1.5)\n",
                 1 + i, install_s, s.w_mean, s.w_sd, s.rate_pre_Hz, s.rate_post_Hz);
    runs.push_back(run);
  }
  nestjit::bench::summary_against(runs, {{"NEST with the NESTML pair", 1.48}});
  // NEST needs the seed's co-generated module (seed_stdp_module); quietly nothing without it.
  nestjit::bench::run_nest(R"(import nest, time, numpy as np
nest.set_verbosity('M_ERROR'); nest.ResetKernel()
try:
    nest.Install('seed_stdp_module')
except Exception:
    raise SystemExit(0)
nest.resolution = 0.1; nest.rng_seed = 1
N = 'izhikevich_neuron_nestml__with_stdp_synapse_nestml'
S = 'stdp_synapse_nestml__with_izhikevich_neuron_nestml'
pg = nest.Create('poisson_generator', params={'rate': 10.0})
pre = nest.Create('parrot_neuron', 100)
post = nest.Create(N, 1000)
post.I_e = np.random.default_rng(42).uniform(1.0, 3.0, 1000)
nest.Connect(pg, pre, syn_spec={'weight': 1.0, 'delay': 1.0})
nest.Connect(pre, post, 'all_to_all', {'synapse_model': S, 'w': 1.0, 'delay': 1.0})
c = time.process_time(); nest.Simulate(1000.0)
print(f"NEST (this machine) STDP network: simulate {time.process_time() - c:.3f} s CPU")
)");
  return 0;
}
