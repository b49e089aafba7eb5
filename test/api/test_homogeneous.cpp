// @homogeneous synapse parameters (LANGUAGE.md: decorators): one value for every connection
// of the model. Set through set_defaults / copy_model (which also reach the connections made
// so far), refused per connection and per connect(), as the reference's common properties.
#include <doctest/doctest.h>
#include <nestjit/nestjit.h>

namespace {

const char* kScaled = R"(model scaled_synapse:
    parameters:
        scale real = 2 @homogeneous
        offset real = 0
    state:
        w real = 1
    input:
        pre_spikes <- spike
    output:
        spike
    onReceive(pre_spikes):
        emit_spike(w * scale + offset)
)";

struct Setup {
  nestjit::Kernel k;
  nestjit::NodeCollection gen, parrots, wr;
  Setup() {
    auto r = k.install_source("scaled.nestml", kScaled);
    REQUIRE_MESSAGE(r.ok, r.report());
    gen = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{2.0, 6.0}}});
    parrots = k.create("parrot_neuron", 2);
    wr = k.create("weight_recorder");
  }
  nestjit::SynSpec spec(const std::string& model) {
    nestjit::SynSpec s;
    s.synapse_model = model;
    s.receptor_type = 1;
    return s;
  }
};

}  // namespace

TEST_CASE("@homogeneous: set_defaults changes it for every connection, made before or after") {
  Setup s;
  s.k.set_defaults("scaled_synapse", {{"weight_recorder", double(s.wr[0])}});
  s.k.connect(s.gen, s.parrots, nestjit::ConnRule::all_to_all, s.spec("scaled_synapse"));
  auto conns = s.k.get_connections(s.gen, {}, "scaled_synapse");
  CHECK(conns.get("scale") == std::vector<double>{2.0, 2.0});
  s.k.simulate(4.0);  // the spike at 2.0 goes out with scale 2
  s.k.set_defaults("scaled_synapse", {{"scale", 5.0}});
  CHECK(conns.get("scale") == std::vector<double>{5.0, 5.0});
  CHECK(std::get<double>(s.k.get_defaults("scaled_synapse").at("scale")) == 5.0);
  s.k.simulate(6.0);  // the spike at 6.0 with scale 5
  CHECK(s.k.weight_events(s.wr[0]).weights == std::vector<double>{2, 2, 5, 5});
  // A heterogeneous parameter set through the defaults holds for new connections only.
  s.k.set_defaults("scaled_synapse", {{"offset", 1.0}});
  CHECK(conns.get("offset") == std::vector<double>{0.0, 0.0});
}

TEST_CASE("@homogeneous: a copy has its own value, per connection and per connect it is refused") {
  Setup s;
  s.k.copy_model("scaled_synapse", "scaled_3", {{"scale", 3.0}});
  s.k.connect(s.gen, s.parrots, nestjit::ConnRule::all_to_all, s.spec("scaled_3"));
  s.k.connect(s.gen, s.parrots, nestjit::ConnRule::all_to_all, s.spec("scaled_synapse"));
  CHECK(s.k.get_connections(s.gen, {}, "scaled_3").get("scale") == std::vector<double>{3.0, 3.0});
  CHECK(s.k.get_connections(s.gen, {}, "scaled_synapse").get("scale") == std::vector<double>{2.0, 2.0});

  auto conns = s.k.get_connections(s.gen, {}, "scaled_synapse");
  CHECK_THROWS_WITH_AS(conns.set_at(0, "scale", 7.0),
                       doctest::Contains("set: 'scale' of synapse model 'scaled_synapse' is @homogeneous, one value for all its connections"),
                       nestjit::Error);
  CHECK_THROWS_WITH_AS(conns.set("scale", 7.0), doctest::Contains("is @homogeneous"), nestjit::Error);
  conns.set_at(0, "offset", 4.0);  // heterogeneous: per connection is fine
  CHECK(conns.get("offset") == std::vector<double>{4.0, 0.0});
  CHECK(conns.get("scale") == std::vector<double>{2.0, 2.0});

  auto per_connect = s.spec("scaled_synapse");
  per_connect.params["scale"] = 9.0;
  const size_t before = s.k.num_connections();
  CHECK_THROWS_WITH_AS(s.k.connect(s.gen, s.parrots, nestjit::ConnRule::all_to_all, per_connect),
                       doctest::Contains("connect: 'scale' of synapse model 'scaled_synapse' is @homogeneous"),
                       nestjit::Error);
  CHECK(s.k.num_connections() == before);
}
