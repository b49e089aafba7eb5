// Connection rules (counts, statistics, autapse/multapse flags), weight and delay arrays
// and distributions, determinism under a seed, static connections through
// get_connections, and bad input: each a clear message with nothing half-built left.
#include <doctest/doctest.h>
#include <nestjit/nestjit.h>

#include <cmath>
#include <map>
#include <numeric>
#include <set>

namespace {

using nestjit::ConnRule;
using nestjit::ConnSpec;
using nestjit::Distribution;

struct Edges {
  std::vector<double> source, target, weight, delay;
};

Edges edges(nestjit::Kernel& k, const nestjit::NodeCollection& a, const nestjit::NodeCollection& b) {
  auto c = k.get_connections(a, b);
  return {c.get("source"), c.get("target"), c.get("weight"), c.get("delay")};
}

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }
double sd(const std::vector<double>& v) {
  double m = mean(v), s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / double(v.size() - 1));
}

}  // namespace

TEST_CASE("one_to_one and all_to_all make the pairs they name") {
  nestjit::Kernel k;
  auto a = k.create("parrot_neuron", 5), b = k.create("parrot_neuron", 5);
  k.connect(a, b, ConnRule::one_to_one);
  auto e = edges(k, a, b);
  REQUIRE(e.source.size() == 5);
  for (size_t i = 0; i < 5; ++i) CHECK(e.target[i] - e.source[i] == 5);
  k.connect(b, a);
  CHECK(k.get_connections(b, a).size() == 25);
  CHECK(k.num_connections() == 30);
  // all_to_all within one population without autapses: n (n - 1).
  ConnSpec no_self(ConnRule::all_to_all);
  no_self.allow_autapses = false;
  k.connect(a, a, no_self);
  auto self = edges(k, a, a);
  CHECK(self.source.size() == 20);
  for (size_t i = 0; i < self.source.size(); ++i) CHECK(self.source[i] != self.target[i]);
}

TEST_CASE("fixed_indegree: every target gets exactly K sources, flags honoured") {
  nestjit::Kernel k;
  auto pop = k.create("parrot_neuron", 50);
  ConnSpec spec = ConnSpec::fixed_indegree_of(49);
  spec.allow_autapses = false;
  spec.allow_multapses = false;
  k.connect(pop, pop, spec);
  auto e = edges(k, pop, pop);
  std::map<double, std::set<double>> in;
  for (size_t i = 0; i < e.source.size(); ++i) {
    CHECK(e.source[i] != e.target[i]);
    CHECK(in[e.target[i]].insert(e.source[i]).second);  // no multapse
  }
  REQUIRE(in.size() == 50);
  for (auto& [t, s] : in) CHECK(s.size() == 49);  // all others: the only way without both
  // 50 is more than the 49 distinct sources without autapses and multapses.
  spec.indegree = 50;
  CHECK_THROWS_WITH_AS(k.connect(pop, pop, spec), doctest::Contains("indegree = 50 is more than the 49"),
                       nestjit::Error);
  CHECK(k.num_connections() == 50 * 49);
}

TEST_CASE("fixed_indegree with multapses: exact in-degrees, sources uniform") {
  nestjit::Kernel k;
  auto src = k.create("parrot_neuron", 100), tgt = k.create("parrot_neuron", 200);
  k.connect(src, tgt, ConnSpec::fixed_indegree_of(100));
  auto e = edges(k, src, tgt);
  std::map<double, int> indeg;
  std::vector<double> out(100, 0.0);
  for (size_t i = 0; i < e.source.size(); ++i) {
    ++indeg[e.target[i]];
    out[size_t(e.source[i]) - 1] += 1;
  }
  for (auto& [t, n] : indeg) CHECK(n == 100);
  // Out-degrees are Binomial(20000, 1/100): mean 200, sd 14.1.
  CHECK(std::fabs(mean(out) - 200.0) < 1e-9);
  CHECK(sd(out) == doctest::Approx(std::sqrt(20000 * 0.01 * 0.99)).epsilon(0.2));
}

TEST_CASE("fixed_outdegree and fixed_total_number: exact counts, flags honoured") {
  nestjit::Kernel k;
  auto pop = k.create("parrot_neuron", 30);
  ConnSpec out = ConnSpec::fixed_outdegree_of(29);
  out.allow_autapses = false;
  out.allow_multapses = false;
  k.connect(pop, pop, out);
  auto e = edges(k, pop, pop);
  std::map<double, std::set<double>> per_source;
  for (size_t i = 0; i < e.source.size(); ++i) {
    CHECK(e.source[i] != e.target[i]);
    CHECK(per_source[e.source[i]].insert(e.target[i]).second);
  }
  for (auto& [s, t] : per_source) CHECK(t.size() == 29);
  k.reset();
  auto a = k.create("parrot_neuron", 20), b = k.create("parrot_neuron", 20);
  ConnSpec total = ConnSpec::fixed_total_number_of(400);
  total.allow_multapses = false;
  k.connect(a, b, total);  // all 400 distinct pairs
  auto t = edges(k, a, b);
  std::set<std::pair<double, double>> pairs;
  for (size_t i = 0; i < t.source.size(); ++i) pairs.insert({t.source[i], t.target[i]});
  CHECK(pairs.size() == 400);
  total.N = 401;
  CHECK_THROWS_WITH_AS(k.connect(a, b, total), doctest::Contains("N = 401 is more than the 400"), nestjit::Error);
}

TEST_CASE("pairwise_bernoulli: the count within 4 sd of n p, no autapses when asked") {
  nestjit::Kernel k;
  auto pop = k.create("parrot_neuron", 400);
  ConnSpec spec = ConnSpec::pairwise_bernoulli_with(0.1);
  spec.allow_autapses = false;
  k.connect(pop, pop, spec);
  auto e = edges(k, pop, pop);
  const double n = 400.0 * 399.0, p = 0.1;
  CHECK(std::fabs(double(e.source.size()) - n * p) < 4 * std::sqrt(n * p * (1 - p)));
  for (size_t i = 0; i < e.source.size(); ++i) CHECK(e.source[i] != e.target[i]);
  // p = 1 connects every pair; p = 0 none.
  k.reset();
  auto a = k.create("parrot_neuron", 10);
  k.connect(a, a, ConnSpec::pairwise_bernoulli_with(1.0));
  k.connect(a, a, ConnSpec::pairwise_bernoulli_with(0.0));
  CHECK(k.num_connections() == 100);
  CHECK_THROWS_WITH_AS(k.connect(a, a, ConnSpec::pairwise_bernoulli_with(1.5)),
                       doctest::Contains("p must be in [0, 1]"), nestjit::Error);
}

TEST_CASE("weights and delays: constant, array, distributions, delays rounded to the grid") {
  nestjit::Kernel k;
  auto a = k.create("parrot_neuron", 2), b = k.create("parrot_neuron", 2);
  nestjit::SynSpec s;
  s.weight = std::vector<double>{1, 2, 3, 4};
  s.delay = std::vector<double>{1.0, 1.04, 2.35, 2.25};
  k.connect(a, b, ConnRule::all_to_all, s);
  auto e = edges(k, a, b);
  CHECK(e.weight == std::vector<double>{1, 2, 3, 4});
  CHECK(e.delay == std::vector<double>{10 * 0.1, 10 * 0.1, 24 * 0.1, 23 * 0.1});

  auto big = k.create("parrot_neuron", 100);
  struct Case {
    Distribution d;
    double mean, sd;
  };
  const double ln_m = std::exp(0.5 + 0.125), ln_sd = std::sqrt((std::exp(0.25) - 1) * std::exp(1.25));
  for (const Case& c : {Case{Distribution::uniform(2, 4), 3, 2 / std::sqrt(12.0)},
                        Case{Distribution::normal(5, 2), 5, 2}, Case{Distribution::lognormal(0.5, 0.5), ln_m, ln_sd},
                        Case{Distribution::exponential(3), 3, 3}}) {
    k.reset();
    big = k.create("parrot_neuron", 100);
    nestjit::SynSpec r;
    r.weight = c.d;
    k.connect(big, big, ConnRule::all_to_all, r);
    auto w = k.get_connections(big, big).get("weight");
    REQUIRE(w.size() == 10000);
    CHECK(std::fabs(mean(w) - c.mean) < 4 * c.sd / 100.0);
    CHECK(sd(w) == doctest::Approx(c.sd).epsilon(0.05));
  }
  k.reset();
  big = k.create("parrot_neuron", 100);
  nestjit::SynSpec clipped;
  clipped.weight = Distribution::normal_clipped(0, 1, -0.5, 2.0);
  clipped.delay = Distribution::uniform(0.5, 3.0);
  k.connect(big, big, ConnRule::all_to_all, clipped);
  auto c = k.get_connections(big, big);
  for (double w : c.get("weight")) CHECK((w >= -0.5 && w <= 2.0));
  std::set<long> ds;
  for (double d : c.get("delay")) {
    ds.insert(std::lround(d / 0.1));
    CHECK(std::fabs(d / 0.1 - std::round(d / 0.1)) < 1e-9);
  }
  CHECK(*ds.begin() == 5);
  CHECK(*ds.rbegin() == 30);
}

TEST_CASE("the same seed gives the same network and the same spikes, another seed another") {
  auto run = [](uint64_t seed) {
    nestjit::Kernel k({.resolution_ms = 0.1, .rng_seed = seed});
    auto pg = k.create("poisson_generator", 1, {{"rate", 200.0}});
    auto pop = k.create("parrot_neuron", 50), relay = k.create("parrot_neuron", 50);
    auto sr = k.create("spike_recorder");
    nestjit::SynSpec s;
    s.weight = Distribution::normal(1.0, 0.1);
    s.delay = Distribution::uniform(1.0, 2.0);
    k.connect(pop, relay, ConnSpec::fixed_indegree_of(5), s);
    k.connect(pg, pop);
    k.connect(relay, sr);
    k.simulate(100.0);
    auto c = k.get_connections(pop, relay);
    return std::make_tuple(c.get("source"), c.get("weight"), c.get("delay"), k.spike_events(sr[0]).times);
  };
  CHECK(run(7) == run(7));
  CHECK(std::get<0>(run(7)) != std::get<0>(run(8)));
  CHECK(std::get<3>(run(7)) != std::get<3>(run(8)));
}

TEST_CASE("get_connections / set on static synapses") {
  nestjit::Kernel k;
  auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0}}});
  auto p = k.create("parrot_neuron", 3);
  auto sr = k.create("spike_recorder");
  k.connect(sg, p);
  k.connect(p, sr);
  auto c = k.get_connections(sg, p);
  REQUIRE(c.size() == 3);
  CHECK(c.get("receptor") == std::vector<double>{0, 0, 0});
  c.set("delay", 2.0);
  c.set("weight", 0.5);
  CHECK(k.get_connections(sg, p).get("delay") == std::vector<double>{2.0, 2.0, 2.0});
  CHECK_THROWS_WITH_AS(c.set("tau", 1.0), doctest::Contains("'tau' cannot be set"), nestjit::Error);
  CHECK_THROWS_WITH_AS(c.get("tau"), doctest::Contains("static_synapse has no variable 'tau'"), nestjit::Error);
  k.simulate(10.0);
  auto ev = k.spike_events(sr[0]);
  REQUIRE(ev.times.size() == 3);
  CHECK(ev.times[0] == doctest::Approx(1.0 + 2.0));  // the parrots fire on arrival, 2 ms late
}

TEST_CASE("bad input: a clear message and nothing half-built") {
  nestjit::Kernel k;
  auto pg = k.create("poisson_generator", 1, {{"rate", 10.0}});
  auto p = k.create("parrot_neuron", 10);
  // A missing receptor (parrots have 0 and 1).
  nestjit::SynSpec r;
  r.receptor_type = 3;
  CHECK_THROWS_WITH_AS(k.connect(pg, p, ConnRule::all_to_all, r),
                       doctest::Contains("cannot connect poisson_generator #1 to parrot_neuron #2: a parrot_neuron has receptors 0"),
                       nestjit::Error);
  CHECK(k.num_connections() == 0);
  // A delay below the resolution, given constant and drawn: nothing stays.
  nestjit::SynSpec d;
  d.delay = 0.04;
  CHECK_THROWS_WITH_AS(k.connect(p, p, ConnRule::all_to_all, d),
                       doctest::Contains("delay 0.04 ms is shorter than the resolution 0.1 ms"), nestjit::Error);
  d.delay = Distribution::uniform(0.0, 1.0);  // some draws fall below 0.05 ms
  CHECK_THROWS_WITH_AS(k.connect(p, p, ConnRule::all_to_all, d), doctest::Contains("shorter than the resolution"),
                       nestjit::Error);
  CHECK(k.num_connections() == 0);
  // A negative rate; an unknown device parameter: the device keeps its parameters.
  CHECK_THROWS_WITH_AS(k.set_status(pg, {{"rate", -5.0}}),
                       doctest::Contains("poisson_generator: rate must be non-negative, not -5 Hz"), nestjit::Error);
  CHECK_THROWS_WITH_AS(k.set_status(pg, {{"start", 5.0}, {"rte", 5.0}}),
                       doctest::Contains("unknown parameter 'rte' (parameters: rate, origin, start, stop)"),
                       nestjit::Error);
  CHECK(k.get_status(pg[0]).at("rate") == 10.0);
  CHECK(k.get_status(pg[0]).at("start") == 0.0);
  CHECK_THROWS_WITH_AS(k.create("poisson_generator", 3, {{"rate", -1.0}}), doctest::Contains("rate must be non-negative"),
                       nestjit::Error);
  // Distributions with invalid arguments.
  nestjit::SynSpec w;
  w.weight = Distribution::normal(0.0, -1.0);
  CHECK_THROWS_WITH_AS(k.connect(p, p, ConnRule::all_to_all, w),
                       doctest::Contains("weight: normal(mean=0, std=-1): std must be positive"), nestjit::Error);
  w.weight = Distribution::uniform(2.0, 1.0);
  CHECK_THROWS_WITH_AS(k.connect(p, p, ConnRule::all_to_all, w), doctest::Contains("max must be greater than min"),
                       nestjit::Error);
  w.weight = Distribution::exponential(0.0);
  CHECK_THROWS_WITH_AS(k.connect(p, p, ConnRule::all_to_all, w), doctest::Contains("beta must be positive"),
                       nestjit::Error);
  w.weight = Distribution::normal_clipped(0.0, 1.0, 50.0, 51.0);
  CHECK_THROWS_WITH_AS(k.connect(p, p, ConnRule::all_to_all, w), doctest::Contains("too far out in the tail"),
                       nestjit::Error);
  w.weight = std::vector<double>{1.0, 2.0};
  CHECK_THROWS_WITH_AS(k.connect(p, p, ConnRule::all_to_all, w),
                       doctest::Contains("weight array has 2 values for the 100 connections"), nestjit::Error);
  CHECK(k.num_connections() == 0);
  // A variable the built-in static synapse does not have (it would be dropped silently).
  nestjit::SynSpec extra;
  extra.params["tau_plus"] = 20.0;
  CHECK_THROWS_WITH_AS(k.connect(p, p, ConnRule::all_to_all, extra),
                       doctest::Contains("the built-in static_synapse has no variable 'tau_plus'"),
                       nestjit::Error);
  CHECK(k.num_connections() == 0);
  // Devices that take no input.
  CHECK_THROWS_WITH_AS(k.connect(p, pg), doctest::Contains("a poisson_generator takes no input"), nestjit::Error);
  // The kernel still works: same node count, and it simulates.
  CHECK(k.create("parrot_neuron")[0] == 12);  // 1 generator + 10 parrots, none of the failed 3
  k.connect(pg, p);
  k.simulate(10.0);
}

TEST_CASE("a missing receptor of a NESTML neuron is refused at connect") {
  nestjit::Kernel k;
  auto installed = k.install_source("two.nestml", R"(model two_port_neuron:
    state:
        V mV = 0 mV
    input:
        a <- spike
        b <- spike
    onReceive(a):
        V += 1 mV
    onReceive(b):
        V += 2 mV
)");
  REQUIRE_MESSAGE(installed.ok, installed.report());
  auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0}}});
  auto n = k.create("two_port_neuron");
  nestjit::SynSpec s;
  s.receptor_type = 3;
  CHECK_THROWS_WITH_AS(k.connect(sg, n, ConnRule::all_to_all, s),
                       doctest::Contains("two_port_neuron has spike receptors 1..2; receptor_type 3 does not exist"),
                       nestjit::Error);
  s.receptor_type = 2;
  k.connect(sg, n, ConnRule::all_to_all, s);
  auto dc = k.create("dc_generator");
  CHECK_THROWS_WITH_AS(k.connect(dc, n), doctest::Contains("has 0 continuous input port(s)"), nestjit::Error);
  CHECK(k.num_connections() == 1);
}

TEST_CASE("recorded data is written as CSV") {
  nestjit::Kernel k;
  auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0, 2.5}}});
  auto p = k.create("parrot_neuron");
  auto sr = k.create("spike_recorder");
  k.connect(sg, p);
  k.connect(p, sr);
  k.simulate(5.0);
  const std::string path = "/tmp/nestjit_test_spikes.csv";
  k.write_csv(sr[0], path);
  std::FILE* f = std::fopen(path.c_str(), "r");
  REQUIRE(f);
  char buf[256] = {};
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  CHECK(std::string(buf, n) == "sender,time_ms\n2,2\n2,3.5\n");
  CHECK_THROWS_WITH_AS(k.write_csv(p[0], path), doctest::Contains("records nothing"), nestjit::Error);
}

TEST_CASE("bad input through a plastic synapse: missing receptor, short delay, bad parameter") {
  nestjit::Kernel k;
  auto installed = k.install_source("count.nestml", R"(model count_synapse:
    state:
        w real = 1
    input:
        pre_spikes <- spike
    output:
        spike
    onReceive(pre_spikes):
        emit_spike(w)
)");
  REQUIRE_MESSAGE(installed.ok, installed.report());
  auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0}}});
  auto p = k.create("parrot_neuron", 3);
  nestjit::SynSpec s;
  s.synapse_model = "count_synapse";
  s.receptor_type = 4;
  CHECK_THROWS_WITH_AS(k.connect(sg, p, ConnRule::all_to_all, s),
                       doctest::Contains("a parrot_neuron has receptors 0 (repeat) and 1 (do not repeat), not 4"),
                       nestjit::Error);
  s.receptor_type = 0;
  s.delay = 0.04;
  CHECK_THROWS_WITH_AS(k.connect(sg, p, ConnRule::all_to_all, s),
                       doctest::Contains("delay 0.04 ms is shorter than the resolution 0.1 ms"), nestjit::Error);
  s.delay = 1.0;
  s.params["tau"] = 3.0;
  CHECK_THROWS_WITH_AS(k.connect(sg, p, ConnRule::all_to_all, s),
                       doctest::Contains("synapse model 'count_synapse' has no parameter or state variable 'tau'"),
                       nestjit::Error);
  CHECK(k.num_connections() == 0);
  s.params.clear();
  k.connect(sg, p, ConnRule::all_to_all, s);
  k.simulate(5.0);
  CHECK(k.num_connections() == 3);
}
