// Library synapse models against NEST (../shared/golden/synapses/<model>, protocol in the
// golden README): pre spikes at 10, 50, 90, 130, 170 ms through a parrot, the postsynaptic
// neuron forced to fire at 15, 45, 95, 125, 175 ms, delays 1 ms. Compared: the weight sent
// with every presynaptic spike (NEST's weight_recorder), the final weight, the postsynaptic
// spikes and V_m trace.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nestjit/nestjit.h>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.h"

namespace {

std::string strip(std::string name) {
  // "stdp_synapse_nestml__with_iaf_psc_exp_neuron_nestml" -> "stdp_synapse"
  if (auto p = name.find("__with_"); p != std::string::npos) name = name.substr(0, p);
  if (name.size() > 7 && name.compare(name.size() - 7, 7, "_nestml") == 0) name.resize(name.size() - 7);
  return name;
}

// exact_weights: how many of the recorded weights must match to 1e-9 (the rest, and the
// final weight and V_m trace, within later_tolerance relative).
void check_synapse(const std::string& model, size_t exact_weights = size_t(-1),
                   double later_tolerance = 1e-9) {
  auto result_path = nestjit::test::shared_path("golden/synapses/" + model + "/result.json");
  if (!result_path) {
    MESSAGE("skipped: ../shared/golden/synapses/" << model << " is absent");
    return;
  }
  nlohmann::json r;
  {
    std::ifstream in(*result_path);
    r = nlohmann::json::parse(in);
  }
  const auto& p = r.at("protocol");
  const std::string neuron = strip(r.at("neuron_model").get<std::string>());
  const std::string synapse = strip(r.at("synapse_model").get<std::string>());
  const std::string shared = NESTJIT_SHARED_DIR;
  nestjit::Kernel k({.resolution_ms = p.at("resolution_ms").get<double>()});
  auto n = k.install_file(shared + "/corpus/models/neurons/" + neuron + ".nestml");
  REQUIRE_MESSAGE(n.ok, n.report());
  nestjit::InstallOptions so;
  so.weight_variable = r.at("weight_param").get<std::string>();
  auto s = k.install_file(shared + "/corpus/models/synapses/" + synapse + ".nestml", so);
  REQUIRE_MESSAGE(s.ok, s.report());

  const auto& delays = p.at("delays_ms");
  auto sg_pre = k.create("spike_generator", 1,
                         {{"spike_times", p.at("PRE_TIMES_generator").get<std::vector<double>>()}});
  auto sg_post = k.create("spike_generator", 1,
                          {{"spike_times", p.at("POST_TIMES_generator").get<std::vector<double>>()}});
  auto pre = k.create("parrot_neuron");
  auto post = k.create(neuron);
  auto sr = k.create("spike_recorder");
  auto mm = k.create("multimeter", 1, {{"interval", k.resolution()}, {"record_from", std::vector<std::string>{"V_m"}}});
  nestjit::SynSpec to_parrot;
  to_parrot.delay = delays.at("sg->parrot").get<double>();
  k.connect(sg_pre, pre, nestjit::ConnRule::all_to_all, to_parrot);
  nestjit::SynSpec kick;
  kick.weight = 9999.0;
  kick.delay = delays.at("sg->post (w=9999)").get<double>();
  k.connect(sg_post, post, nestjit::ConnRule::all_to_all, kick);
  k.connect(post, sr);
  k.connect(mm, post);
  nestjit::SynSpec plastic;
  plastic.synapse_model = synapse;
  plastic.delay = delays.at("pre->post plastic").get<double>();
  plastic.record_weights = true;
  // The synapse's defaults as NEST had them for the run (upstream's triplet test, for one,
  // changes A2_plus): every numeric one that is a variable of our model.
  const auto info = k.model_info(synapse);
  for (const auto& [key, value] : p.at("synapse_defaults").items()) {
    if (!value.is_number() || key == "weight" || key == "delay") continue;
    bool known = std::find(info.parameters.begin(), info.parameters.end(), key) != info.parameters.end() ||
                 std::find(info.state.begin(), info.state.end(), key) != info.state.end();
    if (known) plastic.params[key] = value.get<double>();
  }
  if (p.contains("VT_TIMES") && !p.at("VT_TIMES").is_null()) {
    // Neuromodulated: a spike generator drives a parrot that feeds a volume_transmitter
    // (1 ms static connections, so the transmitter sees spikes 2 ms after VT_TIMES; NEST's
    // weights match only with that path), which the synapse names, as PyNEST's
    // {"volume_transmitter": vt}. The transmitter hands its spikes over every min-delay
    // slice (1 ms), and the synapse integrates to each hand-over.
    auto sg_vt = k.create("spike_generator", 1,
                          {{"spike_times", p.at("VT_TIMES").get<std::vector<double>>()}});
    auto vt_parrot = k.create("parrot_neuron");
    auto vt = k.create("volume_transmitter");
    k.connect(sg_vt, vt_parrot);
    k.connect(vt_parrot, vt);
    plastic.params["volume_transmitter"] = double(vt[0]);
  }
  k.connect(pre, post, nestjit::ConnRule::all_to_all, plastic);
  auto conn = k.get_connections(pre, {}, synapse);
  REQUIRE(conn.size() == 1);
  k.simulate(p.at("T_sim_ms").get<double>());

  const auto times = r.at("weight_recorder_times").get<std::vector<double>>();
  const auto weights = r.at("weight_recorder_weights").get<std::vector<double>>();
  const auto history = conn.weight_history(0);
  REQUIRE(history.size() == times.size());
  for (size_t i = 0; i < times.size(); ++i) {
    CAPTURE(i);
    CHECK(history[i].first == doctest::Approx(times[i]).epsilon(1e-12));
    const double tol = i < exact_weights ? 1e-9 : later_tolerance;
    CHECK(std::fabs(history[i].second - weights[i]) <= tol * std::max(1.0, std::fabs(weights[i])));
  }
  const double w_final = r.at("w_final").get<double>();
  const double final_tol = exact_weights >= times.size() ? 1e-9 : later_tolerance;
  CHECK(std::fabs(conn.get(so.weight_variable)[0] - w_final) <= final_tol * std::max(1.0, w_final));
  CHECK(k.spike_events(sr[0]).times.size() == r.at("post_spikes").size());
  const auto post_spikes = r.at("post_spikes").get<std::vector<double>>();
  const auto ours = k.spike_events(sr[0]).times;
  for (size_t i = 0; i < std::min(ours.size(), post_spikes.size()); ++i)
    CHECK(ours[i] == doctest::Approx(post_spikes[i]).epsilon(1e-12));
  // The postsynaptic membrane sees the weights sent: its trace checks them too.
  std::ifstream vm(shared + "/golden/synapses/" + model + "/post_V_m.csv");
  std::string line;
  std::getline(vm, line);
  auto ev = k.multimeter_events(mm[0]);
  size_t row = 0;
  double worst = 0;
  while (std::getline(vm, line) && row < ev.times.size()) {
    std::stringstream ss(line);
    std::string t, v;
    std::getline(ss, t, ',');
    std::getline(ss, v, ',');
    worst = std::max(worst, std::fabs(ev.values["V_m"][row] - std::stod(v)) / 70.0);
    ++row;
  }
  CHECK(row == ev.times.size());
  MESSAGE(model << ": largest V_m difference relative to 70 mV: " << worst);
  CHECK(worst <= (exact_weights >= times.size() ? 1e-9 : later_tolerance));
}

}  // namespace

#define SYNAPSE_GOLDEN(name) \
  TEST_CASE("synapse " #name " matches NEST") { check_synapse(#name); }

SYNAPSE_GOLDEN(static_synapse)
SYNAPSE_GOLDEN(stdp_synapse)
SYNAPSE_GOLDEN(stdp_nn_pre_centered_synapse)
SYNAPSE_GOLDEN(stdp_nn_restr_symm_synapse)
SYNAPSE_GOLDEN(stdp_nn_symm_synapse)
SYNAPSE_GOLDEN(tsodyks_synapse)
SYNAPSE_GOLDEN(neuromodulated_stdp_synapse)

// stdp_triplet (co-generated with iaf_psc_delta_fixed_timestep in NEST), to 1e-9 like the
// others. Its post handler reads the moved trace tr_o2 at the post spike time; at 131 ms two
// post spikes (96, 126 ms) are processed together, and by then NEST's neuron has pruned the
// history entry at 46 ms (read by the synapse at 51 ms, and more than max_delay + min_delay
// before the spike at 126 ms). With no entry before 96 ms left, NEST's getter returns the
// initial value: tr_o2(96) = 0, not 1.1976 as a replay gives (0.00858 more weight). nestjit
// keeps the same pruned history (runtime/spike_archive.h) and so gets NEST's numbers; this
// is upstream behaviour reproduced on purpose, not the textbook triplet rule.
SYNAPSE_GOLDEN(stdp_triplet_synapse)

// noisy_synapse sends w + A_noise * N(0, 1) with every spike: NEST's five weights come from
// its own random stream, so nestjit's are compared in distribution. Run: 4000 pre spikes
// (1 ms apart) through the library model onto a parrot; the weights sent must have mean w
// and standard deviation A_noise (each within 4 standard errors), and NEST's five recorded
// weights must agree with nestjit's mean within 4 standard errors of the difference. With
// only five reference values the comparison with NEST is weak; the model's own statistics
// carry the test.
TEST_CASE("synapse noisy_synapse matches NEST in distribution") {
  auto result_path = nestjit::test::shared_path("golden/synapses/noisy_synapse/result.json");
  if (!result_path) {
    MESSAGE("skipped: ../shared/golden/synapses/noisy_synapse is absent");
    return;
  }
  nlohmann::json r;
  {
    std::ifstream in(*result_path);
    r = nlohmann::json::parse(in);
  }
  const std::string shared = NESTJIT_SHARED_DIR;
  nestjit::Kernel k({.resolution_ms = 0.1});
  nestjit::InstallOptions so;
  so.weight_variable = "w";
  auto s = k.install_file(shared + "/corpus/models/synapses/noisy_synapse.nestml", so);
  REQUIRE_MESSAGE(s.ok, s.report());
  const size_t n = 4000;
  std::vector<double> times;
  for (size_t i = 1; i <= n; ++i) times.push_back(double(i));
  auto gen = k.create("spike_generator", 1, {{"spike_times", times}});
  auto pre = k.create("parrot_neuron");
  auto post = k.create("parrot_neuron");
  k.connect(gen, pre);
  nestjit::SynSpec spec;
  spec.synapse_model = "noisy_synapse";
  spec.record_weights = true;
  spec.receptor_type = 1;  // the target parrot does not repeat these
  k.connect(pre, post, nestjit::ConnRule::all_to_all, spec);
  k.simulate(double(n) + 10.0);
  const auto h = k.get_connections(pre, {}, "noisy_synapse").weight_history(0);
  REQUIRE(h.size() == n);
  const double w = 1.0, sd = r.at("protocol").at("synapse_defaults").at("A_noise").get<double>();
  double sum = 0, sum2 = 0;
  size_t within_one_sd = 0;
  for (const auto& [t, x] : h) {
    sum += x;
    sum2 += x * x;
    if (std::fabs(x - w) <= sd) ++within_one_sd;
  }
  const double mean = sum / double(n);
  const double sample_sd = std::sqrt((sum2 - double(n) * mean * mean) / double(n - 1));
  CHECK(std::fabs(mean - w) <= 4 * sd / std::sqrt(double(n)));
  CHECK(std::fabs(sample_sd - sd) <= 4 * sd / std::sqrt(2.0 * double(n)));
  const double p = 0.6826894921370859;  // P(|Z| <= 1)
  CHECK(std::fabs(double(within_one_sd) / double(n) - p) <= 4 * std::sqrt(p * (1 - p) / double(n)));
  // The weights differ from spike to spike (a fresh draw each time).
  CHECK(h[0].second != h[1].second);

  const auto nest = r.at("weight_recorder_weights").get<std::vector<double>>();
  double nest_mean = 0;
  for (double x : nest) nest_mean += x / double(nest.size());
  MESSAGE("noisy_synapse: nestjit mean " << mean << " sd " << sample_sd << "; NEST's " << nest.size()
                                         << " weights: mean " << nest_mean);
  CHECK(std::fabs(nest_mean - mean) <= 4 * sd * std::sqrt(1.0 / double(nest.size()) + 1.0 / double(n)));
}
