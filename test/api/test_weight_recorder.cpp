// The weight_recorder device as PyNEST uses it: create one, name it in a synapse model's
// "weight_recorder" property through copy_model or set_defaults, and read what every
// transmitted spike recorded. Expected events are worked out by hand in the comments.
#include <doctest/doctest.h>

#include <nestjit/nestjit.h>
#include <filesystem>
#include <fstream>
#include <string>

#include "test_support.h"

namespace {

// Sends 2, 3, 4, ... with its successive presynaptic spikes.
const char* kCounting = R"(model counting_synapse:
    state:
        w real = 1
    input:
        pre_spikes <- spike
    output:
        spike
    onReceive(pre_spikes):
        w += 1
        emit_spike(w)
)";

struct Setup {
  nestjit::Kernel k{{.resolution_ms = 0.1}};
  nestjit::NodeCollection gens, parrots, wr;
  Setup() {
    auto r = k.install_source("counting.nestml", kCounting);
    REQUIRE_MESSAGE(r.ok, r.report());
    gens = k.create("spike_generator", 2);
    k.set_status({gens[0], 1}, {{"spike_times", std::vector<double>{2.0, 5.0}}});
    k.set_status({gens[1], 1}, {{"spike_times", std::vector<double>{3.5}}});
    parrots = k.create("parrot_neuron", 2);
    wr = k.create("weight_recorder");
  }
  void connect(const std::string& model) {
    nestjit::SynSpec s;
    s.synapse_model = model;
    s.receptor_type = 1;  // the parrots do not repeat these
    k.connect(gens, parrots, nestjit::ConnRule::all_to_all, s);
  }
};

}  // namespace

TEST_CASE("weight_recorder: every transmitted spike of a model that names it, as NEST records it") {
  Setup s;
  s.k.copy_model("counting_synapse", "counting_rec", {{"weight_recorder", double(s.wr[0])}});
  s.connect("counting_rec");
  s.k.simulate(10.0);
  const auto ev = s.k.weight_events(s.wr[0]);
  // Spikes in time order: gen0 at 2.0 over its two connections (weights 2, 2), gen1 at 3.5
  // (2, 2), gen0 at 5.0 (3, 3). Ports: the connection's index among its source's.
  REQUIRE(ev.times.size() == 6);
  const uint64_t g0 = s.gens[0], g1 = s.gens[1], p0 = s.parrots[0], p1 = s.parrots[1];
  CHECK(ev.senders == std::vector<uint64_t>{g0, g0, g1, g1, g0, g0});
  CHECK(ev.targets == std::vector<uint64_t>{p0, p1, p0, p1, p0, p1});
  CHECK(ev.times == std::vector<double>{2.0, 2.0, 3.5, 3.5, 5.0, 5.0});
  CHECK(ev.weights == std::vector<double>{2, 2, 2, 2, 3, 3});
  CHECK(ev.receptors == std::vector<long>{1, 1, 1, 1, 1, 1});
  CHECK(ev.ports == std::vector<long>{0, 1, 0, 1, 0, 1});
  CHECK(std::get<double>(s.k.get_node_status(s.wr[0]).at("n_events")) == 6.0);
  CHECK(std::get<std::string>(s.k.get_node_status(s.wr[0]).at("element_type")) == "recorder");

  // As CSV, one line per event.
  const auto path = std::filesystem::temp_directory_path() / "nestjit_weight_recorder.csv";
  s.k.write_csv(s.wr[0], path.string());
  std::ifstream in(path);
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  CHECK(header == "sender,target,time_ms,weight,receptor,port");
  CHECK(first == std::to_string(g0) + "," + std::to_string(p0) + ",2,2,1,0");
  std::filesystem::remove(path);

  // n_events = 0 drops the events (PyNEST's idiom).
  s.k.set_status(s.wr, {{"n_events", 0.0}});
  CHECK(s.k.weight_events(s.wr[0]).times.empty());
}

TEST_CASE("weight_recorder: set_defaults of the model, the window and the senders/targets filters") {
  Setup s;
  s.k.set_status(s.wr, {{"start", 2.0}, {"stop", 5.0}, {"targets", std::vector<double>{double(s.parrots[1])}}});
  s.k.set_defaults("counting_synapse", {{"weight_recorder", double(s.wr[0])}});
  s.connect("counting_synapse");
  s.k.simulate(10.0);
  const auto ev = s.k.weight_events(s.wr[0]);
  // Window 2 < t <= 5 drops the spike at 2.0; only the connections onto parrot 1.
  CHECK(ev.times == std::vector<double>{3.5, 5.0});
  CHECK(ev.targets == std::vector<uint64_t>{s.parrots[1], s.parrots[1]});
  CHECK(ev.weights == std::vector<double>{2, 3});
  CHECK(s.k.get_list(s.wr[0], "targets") == std::vector<double>{double(s.parrots[1])});
}

TEST_CASE("weight_recorder: agrees with the connection's weight history on the corpus stdp_synapse") {
  auto model = nestjit::test::shared_path("corpus/models/synapses/stdp_synapse.nestml");
  auto neuron = nestjit::test::shared_path("corpus/models/neurons/iaf_psc_exp_neuron.nestml");
  if (!model || !neuron) return;
  nestjit::Kernel k;
  REQUIRE(k.install_file(*model).ok);
  REQUIRE(k.install_file(*neuron).ok);
  auto pre = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{5, 12, 20, 31, 44}}});
  auto post = k.create("iaf_psc_exp_neuron", 1, {{"I_e", 400.0}});
  auto wr = k.create("weight_recorder");
  k.copy_model("stdp_synapse", "stdp_rec", {{"weight_recorder", double(wr[0])}});
  nestjit::SynSpec s;
  s.synapse_model = "stdp_rec";
  s.weight = 100.0;
  s.record_weights = true;
  k.connect(pre, post, nestjit::ConnRule::all_to_all, s);
  k.simulate(60.0);
  const auto ev = k.weight_events(wr[0]);
  const auto history = k.get_connections(pre, post).weight_history(0);
  REQUIRE(ev.times.size() == 5);
  REQUIRE(history.size() == 5);
  for (size_t i = 0; i < 5; ++i) {
    CHECK(ev.times[i] == history[i].first);
    CHECK(ev.weights[i] == history[i].second);
  }
  CHECK(ev.weights.back() != 100.0);  // the post neuron fires: the weight did change
}

TEST_CASE("weight_recorder: misuse is refused with a message, the kernel unchanged") {
  Setup s;
  nestjit::SynSpec per_connect;
  per_connect.synapse_model = "counting_synapse";
  per_connect.params["weight_recorder"] = double(s.wr[0]);
  CHECK_THROWS_WITH_AS(s.k.connect(s.gens, s.parrots, nestjit::ConnRule::all_to_all, per_connect),
                       doctest::Contains("cannot be given per connect(); set it with set_defaults"),
                       nestjit::Error);
  CHECK(s.k.num_connections() == 0);
  const std::string not_wr = "node " + std::to_string(s.parrots[0]) + " is not a weight_recorder";
  CHECK_THROWS_WITH_AS(s.k.set_defaults("counting_synapse", {{"weight_recorder", double(s.parrots[0])}}),
                       doctest::Contains(not_wr.c_str()),
                       nestjit::Error);
  CHECK_THROWS_WITH_AS(s.k.set_defaults("static_synapse", {{"weight_recorder", double(s.wr[0])}}),
                       doctest::Contains("built-in static_synapse"), nestjit::Error);
  CHECK_THROWS_WITH_AS(s.k.create("weight_recorder", 1, {{"interval", 1.0}}),
                       doctest::Contains("weight_recorder: unknown parameter 'interval' (parameters: senders, targets, origin, start, stop)"),
                       nestjit::Error);
  CHECK_THROWS_WITH_AS(s.k.connect(s.gens, s.wr), doctest::Contains("a weight_recorder takes no connections"),
                       nestjit::Error);
  CHECK_THROWS_WITH_AS(s.k.weight_events(s.gens[0]), doctest::Contains("is not a weight_recorder"),
                       nestjit::Error);
  // Nothing of the above stayed: a plain connect and simulate still work.
  s.connect("counting_synapse");
  s.k.simulate(10.0);
  CHECK(s.k.num_connections() == 4);
}
