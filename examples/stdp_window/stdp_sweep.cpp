#include "stdp_sweep.h"

#include <fmt/format.h>

namespace stdp_window {

std::vector<nestjit::InstallResult> install_models(nestjit::Kernel& kernel,
                                                   const std::string& model_dir) {
  nestjit::InstallOptions syn;
  syn.post_ports = {"post_spikes"};
  syn.weight_variable = "w";
  syn.delay_variable = "d";
  return {kernel.install_file(model_dir + "/izhikevich_neuron.nestml"),
          kernel.install_file(model_dir + "/stdp_synapse.nestml", syn)};
}

std::vector<Point> sweep(nestjit::Kernel& kernel, int first, int last, int step,
                         const std::function<void(nestjit::Kernel&)>& after_run) {
  const double sim_time = 1000, spike_pre = 300, delay = 15;
  const double lambda = kernel.get_default("stdp_synapse", "lambda");
  std::vector<Point> points;
  for (int t = first; t < last; t += step) {
    kernel.reset();
    auto sg_pre = kernel.create("spike_generator", 1,
                                {{"spike_times", std::vector<double>{spike_pre, sim_time - 2}}});
    auto sg_post =
        kernel.create("spike_generator", 1, {{"spike_times", std::vector<double>{double(t)}}});
    auto pre = kernel.create("parrot_neuron");
    auto post = kernel.create("izhikevich_neuron");
    auto sr_pre = kernel.create("spike_recorder");
    auto sr_post = kernel.create("spike_recorder");
    nestjit::SynSpec kick;
    kick.weight = 9999.0;
    nestjit::SynSpec stdp;
    stdp.synapse_model = "stdp_synapse";
    stdp.delay = delay;
    kernel.connect(sg_pre, pre);
    kernel.connect(sg_post, post, nestjit::ConnRule::all_to_all, kick);
    kernel.connect(pre, sr_pre);
    kernel.connect(post, sr_post);
    kernel.connect(pre, post, nestjit::ConnRule::all_to_all, stdp);
    auto syn = kernel.get_connections(pre, {}, "stdp_synapse");
    const double w_before = syn.get("w").at(0);
    kernel.simulate(sim_time);
    if (after_run) after_run(kernel);
    const double w_after = syn.get("w").at(0);
    auto pre_spikes = kernel.spike_events(sr_pre[0]);
    auto post_spikes = kernel.spike_events(sr_post[0]);
    if (pre_spikes.times.empty() || post_spikes.times.empty())
      throw nestjit::Error(fmt::format("no pre or post spike for post input time {} ms", t));
    points.push_back({t, post_spikes.times[0] - pre_spikes.times[0],
                      (w_after - w_before) / lambda, w_before, w_after});
  }
  return points;
}

}  // namespace stdp_window
