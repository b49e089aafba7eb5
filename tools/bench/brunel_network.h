// The Brunel network of ../shared/golden/network/brunel/README.md, built with the public
// API: 8000 E + 2000 I iaf_psc_exp_neuron, fixed in-degree 800 E + 200 I, J = 0.1 mV
// (J_ex = 18.69 pA), g = 5, delay 1.5 ms, one poisson_generator at eta = 0.9 (13.5 kHz) onto
// every neuron, V_m uniform in [E_L, V_th]. Shared by bench_brunel and the Brunel test.
#pragma once
#include <nestjit/nestjit.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace nestjit::brunel {

constexpr size_t kExcitatory = 8000, kInhibitory = 2000;
constexpr double kJex = 18.69185976526526;  // pA: the PSC whose PSP peaks at 0.1 mV
constexpr double kG = 5.0, kDelay = 1.5, kRate = 13500.0;

struct Network {
  NodeCollection neurons, recorder;
  double build_wall_s = 0;
};

// Builds the network into `k` (which must have iaf_psc_exp_neuron installed).
inline Network build(Kernel& k, uint64_t seed) {
  auto t0 = std::chrono::steady_clock::now();
  Network net;
  net.neurons = k.create("iaf_psc_exp_neuron", kExcitatory + kInhibitory);
  // Initial V_m uniform in [E_L, V_th] = [-70, -55] mV from a stream of its own.
  std::mt19937_64 vm_rng(seed);
  std::uniform_real_distribution<double> vm(-70.0, -55.0);
  for (size_t i = 0; i < net.neurons.size(); ++i)
    k.set_status({net.neurons[i], 1}, {{"V_m", vm(vm_rng)}});
  const NodeCollection exc{net.neurons.first, kExcitatory};
  const NodeCollection inh{net.neurons.first + kExcitatory, kInhibitory};
  auto noise = k.create("poisson_generator", 1, {{"rate", kRate}});
  net.recorder = k.create("spike_recorder");
  SynSpec ex, in;
  ex.weight = kJex;
  ex.delay = kDelay;
  in.weight = -kG * kJex;
  in.delay = kDelay;
  k.connect(noise, net.neurons, ConnRule::all_to_all, ex);
  k.connect(exc, net.neurons, ConnSpec::fixed_indegree_of(800), ex);
  k.connect(inh, net.neurons, ConnSpec::fixed_indegree_of(200), in);
  k.connect(net.neurons, net.recorder);
  net.build_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return net;
}

struct Statistics {
  double rate_E_Hz = 0, rate_I_Hz = 0, cv_isi_mean = 0;
  size_t spikes = 0, cv_neurons = 0;
};

// The README's statistics over (0, T]: rates per population, mean CV of the ISIs over the
// neurons with at least 3 spikes (std with ddof 0).
inline Statistics statistics(const SpikeEvents& ev, uint64_t first, double T_ms) {
  std::vector<std::vector<double>> per(kExcitatory + kInhibitory);
  for (size_t i = 0; i < ev.times.size(); ++i) per[ev.senders[i] - first].push_back(ev.times[i]);
  Statistics s;
  s.spikes = ev.times.size();
  double cv_sum = 0;
  size_t e = 0, in = 0;
  for (size_t n = 0; n < per.size(); ++n) {
    (n < kExcitatory ? e : in) += per[n].size();
    if (per[n].size() < 3) continue;
    std::vector<double> isi;
    for (size_t j = 1; j < per[n].size(); ++j) isi.push_back(per[n][j] - per[n][j - 1]);
    double m = 0, v = 0;
    for (double x : isi) m += x;
    m /= double(isi.size());
    for (double x : isi) v += (x - m) * (x - m);
    cv_sum += std::sqrt(v / double(isi.size())) / m;
    ++s.cv_neurons;
  }
  s.rate_E_Hz = double(e) / double(kExcitatory) / (T_ms * 1e-3);
  s.rate_I_Hz = double(in) / double(kInhibitory) / (T_ms * 1e-3);
  s.cv_isi_mean = s.cv_neurons ? cv_sum / double(s.cv_neurons) : 0.0;
  return s;
}

}  // namespace nestjit::brunel
