// The volume_transmitter as a host program uses it (PyNEST's pattern): create one, feed it
// spikes, name it in a neuromodulated synapse's parameters. Expected weights are worked out
// by hand in the comments; the errors name what is wrong.
#include <doctest/doctest.h>

#include <nestjit/nestjit.h>
#include <string>
#include <utility>

namespace {

// Counts neuromodulator spikes and sends w + n with each presynaptic spike.
const char* kCounter = R"(model vt_counter_synapse:
    state:
        w real = 1
        n real = 0
    input:
        pre_spikes <- spike
        mod_spikes <- spike
    output:
        spike
    onReceive(mod_spikes):
        n += 1
    onReceive(pre_spikes):
        emit_spike(w + n)
)";

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct Setup {
  nestjit::Kernel k{{.resolution_ms = 0.1}};
  nestjit::NodeCollection pre_gen, vt_gen, vt, target;
  explicit Setup(double deliver_interval = 1) {
    auto r = k.install_source("counter.nestml", kCounter);
    REQUIRE_MESSAGE(r.ok, r.report());
    // Pre spikes stamped 4.5 and 10 ms; neuromodulator spikes reach the transmitter at 4.0
    // and 5.0 ms (generator times 3 and 4, 1 ms delay).
    pre_gen = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{4.5, 10.0}}});
    vt_gen = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{3.0, 4.0}}});
    vt = k.create("volume_transmitter", 1, {{"deliver_interval", deliver_interval}});
    target = k.create("parrot_neuron");
    k.connect(vt_gen, vt);
  }
  nestjit::SynSpec spec(double vt_id) {
    nestjit::SynSpec s;
    s.synapse_model = "vt_counter_synapse";
    s.record_weights = true;
    s.receptor_type = 1;  // the parrot does not repeat these
    if (vt_id > 0) s.params["volume_transmitter"] = vt_id;
    return s;
  }
};

}  // namespace

TEST_CASE("volume_transmitter: neuromodulator spikes reach the synapse that names it") {
  // Slices are 1 ms (the only delay). A presynaptic spike is handled after the slice it
  // was stamped in, and the transmitter hands over at the end of a slice, before that: so
  // with a hand-over every slice, the spike at 5.0 has reached the synapse by the time the
  // pre spike stamped 4.5 is sent (weight 1 + 2), as upstream orders it too. Handing over
  // every 20 ms, the pre spike at 4.5 sees only the spikes collected up to 4.5 (weight 2).
  // The pre spike at 10 sees both either way (weight 3).
  for (auto [interval, first_weight] : {std::pair{1.0, 3.0}, std::pair{20.0, 2.0}}) {
    CAPTURE(interval);
    Setup s(interval);
    s.k.connect(s.pre_gen, s.target, nestjit::ConnRule::all_to_all, s.spec(double(s.vt[0])));
    s.k.simulate(30.0);
    auto conn = s.k.get_connections(s.pre_gen, {}, "vt_counter_synapse");
    REQUIRE(conn.size() == 1);
    const auto h = conn.weight_history(0);
    REQUIRE(h.size() == 2);
    CHECK(h[0].second == first_weight);
    CHECK(h[1].second == 3.0);
    CHECK(conn.get("n")[0] == 2.0);
  }
}

TEST_CASE("volume_transmitter: a neuromodulated synapse without one, or with a wrong node") {
  Setup s;
  try {
    s.k.connect(s.pre_gen, s.target, nestjit::ConnRule::all_to_all, s.spec(0));
    FAIL("no error");
  } catch (const nestjit::Error& e) {
    CHECK(contains(e.what(), "vt_counter_synapse"));
    CHECK(contains(e.what(), "mod_spikes"));
    CHECK(contains(e.what(), "volume_transmitter"));
  }
  try {
    s.k.connect(s.pre_gen, s.target, nestjit::ConnRule::all_to_all, s.spec(double(s.target[0])));
    FAIL("no error");
  } catch (const nestjit::Error& e) {
    CHECK(contains(e.what(), "is a parrot_neuron, not a volume_transmitter"));
  }
  try {
    s.k.connect(s.pre_gen, s.target, nestjit::ConnRule::all_to_all, s.spec(2.5));
    FAIL("no error");
  } catch (const nestjit::Error& e) {
    CHECK(contains(e.what(), "volume_transmitter must be a node id"));
  }
  CHECK(s.k.get_connections(s.pre_gen, {}, "vt_counter_synapse").size() == 0);
  // The kernel is still usable: a correct connection works.
  s.k.connect(s.pre_gen, s.target, nestjit::ConnRule::all_to_all, s.spec(double(s.vt[0])));
  s.k.simulate(12.0);
  CHECK(s.k.get_connections(s.pre_gen, {}, "vt_counter_synapse").weight_history(0).size() == 2);
}

TEST_CASE("volume_transmitter: deliver_interval must be a whole number of slices") {
  nestjit::Kernel k;
  for (double bad : {0.0, -1.0, 1.5}) {
    CAPTURE(bad);
    try {
      k.create("volume_transmitter", 1, {{"deliver_interval", bad}});
      FAIL("no error");
    } catch (const nestjit::Error& e) {
      CHECK(contains(e.what(), "deliver_interval must be a whole number"));
    }
  }
}

TEST_CASE("volume_transmitter: a connect() that fails on a drawn delay leaves the transmitter as it was") {
  // Some delays drawn from uniform(0, 0.5) fall below half a step: the whole call is refused.
  // Connections made before the bad draw must not stay registered with the transmitter (it
  // would hand its spikes to synapses that no longer exist: a use after free that valgrind
  // reports on the old code).
  Setup s;
  auto targets = s.k.create("parrot_neuron", 50);
  auto spec = s.spec(double(s.vt[0]));
  spec.delay = nestjit::Distribution::uniform(0.0, 0.5);
  CHECK_THROWS_WITH_AS(s.k.connect(s.pre_gen, targets, nestjit::ConnRule::all_to_all, spec),
                       doctest::Contains("shorter than the resolution"), nestjit::Error);
  CHECK(s.k.num_connections() == 1);  // vt_gen -> vt only
  s.k.connect(s.pre_gen, s.target, nestjit::ConnRule::all_to_all, s.spec(double(s.vt[0])));
  s.k.simulate(30.0);
  const auto h = s.k.get_connections(s.pre_gen, {}, "vt_counter_synapse").weight_history(0);
  REQUIRE(h.size() == 2);
  CHECK(h[1].second == 3.0);
}
