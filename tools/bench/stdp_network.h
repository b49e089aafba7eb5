// The STDP network of ../shared/golden/network/stdp100x1000/README.md, built with the public
// API: one 10 Hz poisson_generator -> 100 parrot_neuron (static, weight 1, delay 1 ms; each
// parrot its own train), all-to-all through the seed's stdp_synapse (w 1, delay 1 ms, seed
// defaults) onto 1000 seed izhikevich_neuron with I_e uniform in [1, 3] pA; spike recorders
// on both. Shared by bench_stdp_network and the network test. Needs the seed's models
// installed (stdp_window::install_models).
//
// One difference from the reference protocol: its I_e values come from numpy's
// default_rng(42); here from std::mt19937_64(42), the same distribution (the mean of 1000
// draws differs by about 0.02 pA, far below what moves the rates).
#pragma once
#include <nestjit/nestjit.h>

#include <chrono>
#include <cmath>
#include <random>
#include <vector>

namespace nestjit::stdp_network {

constexpr size_t kPre = 100, kPost = 1000;
constexpr double kRateHz = 10.0;

struct Network {
  NodeCollection generator, parrots, post, sr_pre, sr_post;
  double build_wall_s = 0;
};

inline Network build(Kernel& k) {
  const auto t0 = std::chrono::steady_clock::now();
  Network net;
  net.generator = k.create("poisson_generator", 1, {{"rate", kRateHz}});
  net.parrots = k.create("parrot_neuron", kPre);
  net.post = k.create("izhikevich_neuron", kPost);
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> current(1.0, 3.0);
  std::vector<double> I_e(kPost);
  for (double& x : I_e) x = current(rng);
  k.set_status(net.post, {{"I_e", I_e}});
  net.sr_pre = k.create("spike_recorder");
  net.sr_post = k.create("spike_recorder");
  SynSpec drive;
  drive.weight = 1.0;
  drive.delay = 1.0;
  k.connect(net.generator, net.parrots, ConnRule::all_to_all, drive);
  SynSpec stdp;
  stdp.synapse_model = "stdp_synapse";
  stdp.weight = 1.0;
  stdp.delay = 1.0;
  k.connect(net.parrots, net.post, ConnRule::all_to_all, stdp);
  k.connect(net.parrots, net.sr_pre);
  k.connect(net.post, net.sr_post);
  net.build_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return net;
}

// The reference's per-seed figures (per_seed.csv's columns).
struct Statistics {
  double w_mean = 0, w_sd = 0;  // final weights of the plastic synapses (sd with ddof 0)
  double rate_pre_Hz = 0, rate_post_Hz = 0;
  size_t n_pre_spikes = 0, n_post_spikes = 0, n_synapses = 0;
};

inline Statistics statistics(Kernel& k, const Network& net, double T_ms) {
  Statistics s;
  const auto w = k.get_connections(net.parrots, net.post, "stdp_synapse").get("w");
  s.n_synapses = w.size();
  for (double x : w) s.w_mean += x;
  s.w_mean /= double(w.size());
  for (double x : w) s.w_sd += (x - s.w_mean) * (x - s.w_mean);
  s.w_sd = std::sqrt(s.w_sd / double(w.size()));
  s.n_pre_spikes = k.spike_events(net.sr_pre[0]).times.size();
  s.n_post_spikes = k.spike_events(net.sr_post[0]).times.size();
  s.rate_pre_Hz = double(s.n_pre_spikes) / double(kPre) / (T_ms / 1000.0);
  s.rate_post_Hz = double(s.n_post_spikes) / double(kPost) / (T_ms / 1000.0);
  return s;
}

}  // namespace nestjit::stdp_network
