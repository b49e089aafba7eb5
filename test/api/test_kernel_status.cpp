// The status dictionaries the Python package stands on: node status with devices, model
// defaults, SetDefaults, CopyModel, per-node arrays, kernel status, connections' status.
#include <doctest/doctest.h>

#include <nestjit/nestjit.h>

namespace {

const char* kLeaky = R"(model leaky_neuron:
    parameters:
        tau ms = 10 ms
        E_L mV = -70 mV
        V_th mV = -55 mV
    state:
        V_m mV = E_L
    equations:
        V_m' = -(V_m - E_L) / tau
    input:
        spikes <- spike
    output:
        spike
    update:
        integrate_odes()
        V_m += spikes * mV * s
    onCondition(V_m >= V_th):
        V_m = E_L
        emit_spike()
)";

double num(const nestjit::Params& p, const std::string& key) {
  auto it = p.find(key);
  REQUIRE_MESSAGE(it != p.end(), key);
  return std::get<double>(it->second);
}

std::string str(const nestjit::Params& p, const std::string& key) {
  auto it = p.find(key);
  REQUIRE_MESSAGE(it != p.end(), key);
  return std::get<std::string>(it->second);
}

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const nestjit::Error& e) {
    return e.what();
  }
  return "(no error)";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("node status has the model, the id and device settings; recorders count events") {
  nestjit::Kernel k;
  auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0, 2.5}}});
  auto p = k.create("parrot_neuron");
  auto sr = k.create("spike_recorder");
  auto mm = k.create("multimeter", 1, {{"record_from", std::vector<std::string>{}}});
  k.connect(sg, p);
  k.connect(p, sr);
  auto s = k.get_node_status(sg[0]);
  CHECK(str(s, "model") == "spike_generator");
  CHECK(str(s, "element_type") == "stimulator");
  CHECK(num(s, "global_id") == 1.0);
  CHECK(std::get<std::vector<double>>(s.at("spike_times")) == std::vector<double>{1.0, 2.5});
  CHECK(std::get<std::vector<std::string>>(k.get_node_status(mm[0]).at("record_from")).empty());
  CHECK(num(k.get_node_status(sr[0]), "n_events") == 0.0);
  k.simulate(10.0);
  CHECK(num(k.get_node_status(sr[0]), "n_events") == 2.0);
  CHECK(str(k.get_node_status(sr[0]), "element_type") == "recorder");
  k.set_status(sr, {{"n_events", 0.0}});
  CHECK(k.spike_events(sr[0]).times.empty());
  CHECK(contains(error_of([&] { k.set_status(sr, {{"n_events", 3.0}}); }), "only be set to 0"));
}

TEST_CASE("a list with one value per node sets each node; a wrong length is an error") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("leaky.nestml", kLeaky).ok);
  auto pop = k.create("leaky_neuron", 3);
  k.set_status(pop, {{"V_m", std::vector<double>{-60.0, -61.0, -62.0}}, {"tau", 5.0}});
  CHECK(num(k.get_node_status(pop[0]), "V_m") == -60.0);
  CHECK(num(k.get_node_status(pop[2]), "V_m") == -62.0);
  CHECK(num(k.get_node_status(pop[1]), "tau") == 5.0);
  auto e = error_of([&] { k.set_status(pop, {{"V_m", std::vector<double>{1.0, 2.0}}}); });
  CHECK(contains(e, "'V_m' needs one number, or one per node (3), not a list of 2"));
}

TEST_CASE("get_defaults is a dictionary; set_defaults changes nodes created afterwards") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("leaky.nestml", kLeaky).ok);
  auto d = k.get_defaults("leaky_neuron");
  CHECK(num(d, "tau") == 10.0);
  CHECK(num(d, "V_m") == -70.0);
  CHECK(str(d, "model") == "leaky_neuron");
  CHECK(str(d, "element_type") == "neuron");
  CHECK(std::get<std::vector<std::string>>(d.at("recordables")) == std::vector<std::string>{"V_m"});
  auto before = k.create("leaky_neuron");
  k.set_defaults("leaky_neuron", {{"tau", 20.0}});
  CHECK(num(k.get_defaults("leaky_neuron"), "tau") == 20.0);
  CHECK(num(k.get_node_status(before[0]), "tau") == 10.0);
  CHECK(num(k.get_node_status(k.create("leaky_neuron")[0]), "tau") == 20.0);
  CHECK(contains(error_of([&] { k.set_defaults("leaky_neuron", {{"nope", 1.0}}); }),
                 "model 'leaky_neuron' has no property 'nope'"));
  CHECK(contains(error_of([&] { k.get_defaults("nothing"); }), "unknown model 'nothing'"));
  CHECK(num(k.get_defaults("static_synapse"), "weight") == 1.0);
  CHECK(num(k.get_defaults("dc_generator"), "amplitude") == 0.0);
  k.reset();  // SetDefaults lasts until reset, as upstream
  CHECK(num(k.get_defaults("leaky_neuron"), "tau") == 10.0);
}

TEST_CASE("copy_model makes a new name with its own defaults, for nodes and synapses") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("leaky.nestml", kLeaky).ok);
  k.copy_model("leaky_neuron", "slow_neuron", {{"tau", 50.0}});
  auto slow = k.create("slow_neuron", 2);
  CHECK(str(k.get_node_status(slow[0]), "model") == "slow_neuron");
  CHECK(num(k.get_node_status(slow[1]), "tau") == 50.0);
  CHECK(num(k.get_defaults("leaky_neuron"), "tau") == 10.0);
  k.copy_model("static_synapse", "strong", {{"weight", 7.0}, {"delay", 2.0}});
  nestjit::SynSpec spec;
  spec.synapse_model = "strong";
  k.connect(slow, slow, nestjit::ConnRule::one_to_one, spec);
  auto strong = k.get_connections({}, {}, "strong");
  REQUIRE(strong.size() == 2);
  CHECK(strong.get("weight") == std::vector<double>{7.0, 7.0});
  CHECK(strong.get("delay") == std::vector<double>{2.0, 2.0});
  CHECK(strong.synapse_models() == std::vector<std::string>{"strong", "strong"});
  CHECK(k.get_connections({}, {}, "static_synapse").size() == 0);
  strong.set_at(1, "weight", 3.0);
  CHECK(strong.get("weight") == std::vector<double>{7.0, 3.0});
  CHECK(strong.status(1).at("source") == double(slow[1]));
  CHECK(contains(error_of([&] { k.copy_model("leaky_neuron", "slow_neuron"); }), "exists already"));
  CHECK(contains(error_of([&] { k.copy_model("nothing", "x"); }), "unknown model 'nothing'"));
  k.reset();
  CHECK(contains(error_of([&] { k.create("slow_neuron"); }), "unknown model 'slow_neuron'"));
}

TEST_CASE("kernel status: resolution before nodes exist, rng_seed, read-only time") {
  nestjit::Kernel k;
  auto s = k.get_kernel_status();
  CHECK(num(s, "resolution") == 0.1);
  CHECK(num(s, "rng_seed") == 143202461.0);
  CHECK(num(s, "biological_time") == 0.0);
  k.set_kernel_status({{"resolution", 0.25}, {"rng_seed", 42.0}});
  CHECK(k.resolution() == 0.25);
  CHECK(num(k.get_kernel_status(), "rng_seed") == 42.0);
  k.create("parrot_neuron");
  k.simulate(5.0);
  CHECK(num(k.get_kernel_status(), "biological_time") == 5.0);
  CHECK(num(k.get_kernel_status(), "network_size") == 1.0);
  CHECK(contains(error_of([&] { k.set_kernel_status({{"resolution", 0.5}}); }),
                 "only be changed before any node is created"));
  CHECK(contains(error_of([&] { k.set_kernel_status({{"biological_time", 1.0}}); }), "read-only"));
  CHECK(contains(error_of([&] { k.set_kernel_status({{"wibble", 1.0}}); }),
                 "unknown kernel property 'wibble'"));
  CHECK(contains(error_of([&] { k.set_kernel_status({{"rng_seed", 0.5}}); }), "rng_seed must be"));
  // A bad key changes nothing, the kernel stays usable.
  k.simulate(1.0);
  CHECK(k.time() == doctest::Approx(6.0));
}
