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

namespace {

struct Point {
  int t_input;
  double dt, dw, w_before, w_after;
};

nestjit::InstallResult install_or_die(nestjit::Kernel& k, const std::string& path,
                                      const nestjit::InstallOptions& opts) {
  auto r = k.install_file(path, opts);
  std::fputs(r.report().c_str(), stderr);
  if (!r.ok) {
    std::fprintf(stderr, "stdp_window: could not load %s\n", path.c_str());
    std::exit(1);
  }
  return r;
}

}  // namespace

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
  nestjit::InstallOptions syn_opts;
  syn_opts.post_ports = {"post_spikes"};
  syn_opts.weight_variable = "w";
  syn_opts.delay_variable = "d";
  auto neuron = install_or_die(kernel, model_dir + "/izhikevich_neuron.nestml", {});
  auto synapse = install_or_die(kernel, model_dir + "/stdp_synapse.nestml", syn_opts);
  if (timing) {
    for (const auto* r : {&neuron, &synapse})
      std::printf("load %-20s parse %.2f ms, check %.2f ms, ODE analysis %.2f ms, IR %.2f ms, "
                  "JIT %.2f ms, total %.2f ms\n",
                  r->models.at(0).c_str(), r->timings.parse_ms, r->timings.check_ms,
                  r->timings.ode_ms, r->timings.ir_ms, r->timings.jit_ms, r->timings.total_ms());
    std::printf("load both models: %.2f ms\n",
                neuron.timings.total_ms() + synapse.timings.total_ms());
  }

  const double sim_time = 1000, spike_pre = 300, delay = 15;
  const double lambda = kernel.get_default("stdp_synapse", "lambda");
  std::vector<Point> points;
  auto t0 = std::chrono::steady_clock::now();
  for (int t = 1; t < sim_time - 100; t += 5) {
    kernel.reset();
    auto sg_pre = kernel.create("spike_generator", 1,
                                {{"spike_times", std::vector<double>{spike_pre, sim_time - 2}}});
    auto sg_post = kernel.create("spike_generator", 1, {{"spike_times", std::vector<double>{double(t)}}});
    auto pre = kernel.create("parrot_neuron");
    auto post = kernel.create("izhikevich_neuron");
    auto sr_pre = kernel.create("spike_recorder");
    auto sr_post = kernel.create("spike_recorder");
    kernel.connect(sg_pre, pre);
    kernel.connect(sg_post, post, nestjit::ConnRule::all_to_all, {.weight = 9999.0});
    kernel.connect(pre, sr_pre);
    kernel.connect(post, sr_post);
    kernel.connect(pre, post, nestjit::ConnRule::all_to_all,
                   {.synapse_model = "stdp_synapse", .delay = delay});
    auto syn = kernel.get_connections(pre, {}, "stdp_synapse");
    double w_before = syn.get("w").at(0);
    kernel.simulate(sim_time);
    double w_after = syn.get("w").at(0);
    auto pre_spikes = kernel.spike_events(sr_pre[0]);
    auto post_spikes = kernel.spike_events(sr_post[0]);
    if (pre_spikes.times.empty() || post_spikes.times.empty()) {
      std::fprintf(stderr, "stdp_window: no pre or post spike for input time %d\n", t);
      return 1;
    }
    points.push_back({t, post_spikes.times[0] - pre_spikes.times[0], (w_after - w_before) / lambda,
                      w_before, w_after});
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
