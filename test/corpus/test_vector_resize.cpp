// Size parameters changed at run time (issue 8): set_status of a parameter that sizes
// vectors moves the instance to a model variant laid out for the new size, so that
// simulating it gives exactly what a model installed with that default gives.
#include <doctest/doctest.h>

#include <cmath>
#include <nestjit/nestjit.h>
#include <string>

#include "test_support.h"

namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
}

// A decaying buffer per receptor of a vector port, summed into V; N sizes both.
const char* kSized = R"(
model sized:
    parameters:
        N integer = 2
        tau ms = 5 ms
        w[N] real = 1.5
    state:
        V real = 0
        g[N] real = 0.25
    input:
        spikes[N] <- spike
    update:
        j integer = 0
        V = 0
        for j in 0 ... N step 1:
            g[j] = g[j] * exp(-resolution() / tau) + w[j] * spikes[j] * s * (j + 1)
            V += g[j]
)";

// V and every g_k of one instance fed on receptors 1..n, sampled every step for 20 ms.
nestjit::MultimeterEvents drive(nestjit::Kernel& k, const nestjit::NodeCollection& n, int receptors) {
  std::vector<std::string> rec = {"V"};
  for (int j = 0; j < receptors; ++j) rec.push_back("g_" + std::to_string(j));
  auto mm = k.create("multimeter", 1, {{"interval", k.resolution()}, {"record_from", rec}});
  k.connect(mm, n);
  for (int r = 1; r <= receptors; ++r) {
    auto sg = k.create("spike_generator", 1,
                       {{"spike_times", std::vector<double>{1.0 + r, 4.5 + 0.7 * r, 12.0}}});
    nestjit::SynSpec syn;
    syn.weight = 0.5 * r;
    syn.receptor_type = r;
    k.connect(sg, n, nestjit::ConnRule::all_to_all, syn);
  }
  k.simulate(20.0);
  return k.multimeter_events(mm[0]);
}

}  // namespace

TEST_CASE("vector resize: set_status of N then simulate equals the model installed with that N") {
  std::string five = kSized;
  replace_all(five, "N integer = 2", "N integer = 5");
  nestjit::Kernel a, b;
  REQUIRE(a.install_source("sized", kSized).ok);
  REQUIRE(b.install_source("sized", five).ok);
  auto na = a.create("sized");
  a.set_status(na, {{"N", 5.0}, {"w_4", 3.0}});  // w_4 exists only in the new layout
  auto nb = b.create("sized", 1, {{"w_4", 3.0}});
  auto st = a.get_status(na[0]);
  CHECK(st.at("N") == 5.0);
  for (int j = 0; j < 5; ++j) CHECK(st.count("g_" + std::to_string(j)) == 1);
  CHECK(st.count("g_5") == 0);
  CHECK(a.get_status(na[0]) == b.get_status(nb[0]));
  auto ea = drive(a, na, 5), eb = drive(b, nb, 5);
  REQUIRE(ea.times == eb.times);
  for (const auto& [name, values] : eb.values) {
    CAPTURE(name);
    REQUIRE(ea.values.at(name).size() == values.size());
    for (size_t i = 0; i < values.size(); ++i) CHECK(ea.values.at(name)[i] == values[i]);
  }
  CHECK(eb.values.at("g_4").back() > 0.0);  // receptor 5 was driven and is recorded
}

TEST_CASE("vector resize: existing elements keep their values, new ones get the initializer") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("sized", kSized).ok);
  auto n = k.create("sized", 1, {{"g_1", 7.0}, {"tau", 1e9}});
  k.set_status(n, {{"N", 4.0}});
  auto st = k.get_status(n[0]);
  CHECK(st.at("g_0") == 0.25);
  CHECK(st.at("g_1") == 7.0);
  CHECK(st.at("g_2") == 0.25);
  CHECK(st.at("g_3") == 0.25);
  CHECK(st.at("w_3") == 1.5);
  CHECK(st.at("tau") == 1e9);
  // Shrinking drops the last elements; growing again gives them the initializer anew.
  k.set_status(n, {{"N", 1.0}});
  st = k.get_status(n[0]);
  CHECK(st.count("g_1") == 0);
  k.set_status(n, {{"N", 2.0}});
  CHECK(k.get_status(n[0]).at("g_1") == 0.25);
  // Other instances keep their layout.
  auto other = k.create("sized");
  CHECK(k.get_status(other[0]).count("g_2") == 0);
  auto recs = k.recordables("sized");
  CHECK(std::find(recs.begin(), recs.end(), "g_2") == recs.end());
}

TEST_CASE("vector resize: recordables follow the new layout, and recorded elements are kept") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("sized", kSized).ok);
  auto n = k.create("sized");
  k.set_status(n, {{"N", 3.0}});
  // g_2 is a recordable of the instance now.
  auto mm = k.create("multimeter", 1, {{"interval", k.resolution()},
                                       {"record_from", std::vector<std::string>{"g_2"}}});
  k.connect(mm, n);
  k.simulate(2.0);  // samples arrive one min_delay late (SEMANTICS.md 2.7)
  auto ev = k.multimeter_events(mm[0]);
  REQUIRE(!ev.values.at("g_2").empty());
  CHECK(ev.values.at("g_2")[0] == doctest::Approx(0.25 * std::exp(-0.1 / 5.0)).epsilon(1e-12));
  // Shrinking away a recorded element is refused, the instance unchanged.
  std::string msg;
  try {
    k.set_status(n, {{"N", 2.0}});
  } catch (const std::exception& e) {
    msg = e.what();
  }
  CHECK(msg.find("'g_2' is recorded by a multimeter and would not exist with the new vector "
                 "size") != std::string::npos);
  CHECK(k.get_status(n[0]).at("N") == 3.0);
  CHECK(k.get_status(n[0]).count("g_2") == 1);
  // Growing keeps the multimeter's element and its samples continue.
  k.set_status(n, {{"N", 6.0}});
  k.simulate(1.0);
  CHECK(k.multimeter_events(mm[0]).values.at("g_2").size() > ev.values.at("g_2").size());
}

TEST_CASE("vector resize: bad sizes and layouts that cannot be built are clear errors") {
  nestjit::Kernel k;
  auto r = k.install_source("fixed_index", R"(
model fixed_index:
    parameters:
        N integer = 3 [[N <= 8]]
    state:
        x[N] real = 1
    update:
        x[2] += 1
)");
  REQUIRE_MESSAGE(r.ok, r.report());
  auto n = k.create("fixed_index");
  auto error_of = [&](double v) {
    try {
      k.set_status(n, {{"N", v}});
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error_of(2.5).find("'N' sizes the vector(s) x of model 'fixed_index' and must be a "
                           "whole number from 1 to 1048576, not 2.5") != std::string::npos);
  CHECK(error_of(0).find("must be a whole number") != std::string::npos);
  // x[2] is outside a vector of size 2: the variant is not built, the instance is unchanged.
  const std::string e2 = error_of(2);
  CHECK(e2.find("model 'fixed_index' cannot be laid out with N = 2") != std::string::npos);
  CHECK(e2.find("error[E-INDEX-RANGE]: index 2 is outside vector 'x' of size 2") != std::string::npos);
  // The guard is checked on the new layout and restores the old one when it fails.
  const std::string e10 = error_of(10);
  CHECK(e10.find("violates the guard [[N <= 8]]") != std::string::npos);
  auto st = k.get_status(n[0]);
  CHECK(st.at("N") == 3.0);
  CHECK(st.count("x_2") == 1);
  CHECK(st.count("x_3") == 0);
  k.simulate(0.3);
  CHECK(k.get_status(n[0]).at("x_2") == 4.0);
}

// spec/CORPUS.md 4, test_vectors.py: VectorsResize sums x[0 ... N) into y; after N = 5 (x's
// initializer 1 for every element) y = 5.
TEST_CASE("reference: VectorsResize.nestml with N set to 5 after create gives y = 5") {
  NESTJIT_REQUIRE_SHARED(path, "corpus/tests/nest_tests/resources/VectorsResize.nestml");
  nestjit::Kernel k;
  auto r = k.install_file(path);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto n = k.create("vector_resize");
  k.simulate(0.5);
  CHECK(k.get_status(n[0]).at("y") == 1.0);
  k.set_status(n, {{"N", 5.0}});
  k.simulate(0.5);
  auto st = k.get_status(n[0]);
  CHECK(st.at("y") == 5.0);
  CHECK(st.at("x_4") == 1.0);
}

// fir_filter_test.py sets the order N and the coefficients h with SetStatus on an instance of
// the model as written (N = 1); the output is the direct convolution of the binned input.
TEST_CASE("reference: FIR_filter.nestml with N and h set by set_status is the direct convolution") {
  NESTJIT_REQUIRE_SHARED(path, "corpus/tests/nest_tests/resources/FIR_filter.nestml");
  nestjit::Kernel k;
  auto r = k.install_file(path);
  REQUIRE_MESSAGE(r.ok, r.report());
  const std::vector<double> h = {0.5, -0.25, 2.0, 1.0, 0.125, -3.0, 0.75};
  nestjit::Params p = {{"N", double(h.size())}};
  for (size_t j = 0; j < h.size(); ++j) p["h_" + std::to_string(j)] = h[j];
  auto n = k.create("fir_filter");
  k.set_status(n, p);
  auto mm = k.create("multimeter", 1, {{"interval", k.resolution()},
                                       {"record_from", std::vector<std::string>{"y"}}});
  k.connect(mm, n);
  const std::vector<double> spike_times = {1.0, 1.3, 1.4, 2.0, 2.1, 3.7, 3.8};
  auto sg = k.create("spike_generator", 1, {{"spike_times", spike_times}});
  k.connect(sg, n);  // weight 1, delay 1 ms
  k.simulate(10.0);
  auto ev = k.multimeter_events(mm[0]);
  const auto& y = ev.values.at("y");
  const double res = k.resolution();
  auto step_of = [&](double t) { return long(std::lround(t / res)); };
  std::vector<double> x(size_t(step_of(12.0)), 0.0);
  for (double t : spike_times) x[size_t(step_of(t + 1.0))] += 1.0;
  double largest = 0.0;
  REQUIRE(y.size() > 50);
  for (size_t i = 0; i < y.size(); ++i) {
    const long s = step_of(ev.times[i]);
    double expect = 0.0;
    for (size_t j = 0; j < h.size(); ++j)
      if (s - long(j) >= 0) expect += h[j] * x[size_t(s - long(j))];
    CAPTURE(ev.times[i]);
    CHECK(y[i] == doctest::Approx(expect).epsilon(1e-12));
    largest = std::max(largest, std::fabs(expect));
  }
  CHECK(largest >= 3.0);
}

// A synapse model's connections share one row layout, so its size parameters stay fixed.
TEST_CASE("vector resize: a synapse's size parameter is refused with a message") {
  nestjit::Kernel k;
  auto r = k.install_source("sized_synapse", R"(
model sized_synapse:
    parameters:
        N integer = 2
        w real = 1
    state:
        buf[N] real = 0
    input:
        pre_spikes <- spike
    output:
        spike
    onReceive(pre_spikes):
        buf[0] += 1
        emit_spike(w, 1 ms)
)");
  REQUIRE_MESSAGE(r.ok, r.report());
  auto pre = k.create("parrot_neuron");
  auto post = k.create("parrot_neuron");
  nestjit::SynSpec s;
  s.synapse_model = "sized_synapse";
  s.params["N"] = 4.0;
  std::string msg;
  try {
    k.connect(pre, post, nestjit::ConnRule::all_to_all, s);
  } catch (const std::exception& e) {
    msg = e.what();
  }
  INFO(msg);
  CHECK(msg.find("'N' sizes vectors of synapse model 'sized_synapse' and is fixed at 2 for its "
                 "connections") != std::string::npos);
}

// Connections are not re-checked when a size shrinks: a spike to a receptor the new layout
// no longer has stops simulate with a message (docs/architecture.md, differences).
TEST_CASE("vector resize: a spike to a receptor removed by a smaller size is an error, not a crash") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("sized", kSized).ok);
  auto n = k.create("sized");
  k.set_status(n, {{"N", 3.0}});
  auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0}}});
  nestjit::SynSpec syn;
  syn.receptor_type = 3;
  k.connect(sg, n, nestjit::ConnRule::all_to_all, syn);
  k.set_status(n, {{"N", 2.0}});
  std::string msg;
  try {
    k.simulate(5.0);
  } catch (const std::exception& e) {
    msg = e.what();
  }
  CHECK(msg.find("sized #1") != std::string::npos);
  CHECK(msg.find("has no receptor 3") != std::string::npos);
}

// Defaults go through the same path: set_defaults / copy_model with another N create
// instances of the new layout.
TEST_CASE("vector resize: copy_model and set_defaults with another size create resized instances") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("sized", kSized).ok);
  k.copy_model("sized", "sized4", {{"N", 4.0}, {"g_3", 2.0}});
  auto n = k.create("sized4");
  auto st = k.get_status(n[0]);
  CHECK(st.at("N") == 4.0);
  CHECK(st.at("g_3") == 2.0);
  CHECK(st.at("g_2") == 0.25);
  k.set_defaults("sized", {{"N", 3.0}});
  auto m = k.create("sized", 2);
  CHECK(k.get_status(m[1]).count("g_2") == 1);
  CHECK(k.get_status(m[1]).count("g_3") == 0);
}

TEST_CASE("vector resize: spikes in flight when an instance changes layout reach it in the new one") {
  // Kernel a resizes instance 1 from N = 2 to 3 at t = 10 ms while spikes sent at 8.5 and
  // 9.5 ms are still in flight (delay 2 ms); kernel b has N = 3 from the start. The elements
  // both layouts share (g_0, g_1) must follow the same trace in both, for both instances
  // (instance 2 is not resized, but its pool is rebuilt around it).
  std::string three = kSized;
  replace_all(three, "N integer = 2", "N integer = 3");
  auto run = [](nestjit::Kernel& k, bool resize) {
    auto n = k.create("sized", 2);
    auto mm = k.create("multimeter", 1,
                       {{"interval", k.resolution()}, {"record_from", std::vector<std::string>{"g_0", "g_1"}}});
    k.connect(mm, n);
    for (int r = 1; r <= 2; ++r) {
      auto sg = k.create("spike_generator", 1,
                         {{"spike_times", std::vector<double>{3.0, 8.5 + r - 1, 14.0}}});
      nestjit::SynSpec syn;
      syn.weight = 0.5 * r;
      syn.delay = 2.0;
      syn.receptor_type = r;
      k.connect(sg, n, nestjit::ConnRule::all_to_all, syn);
    }
    k.simulate(10.0);
    if (resize) k.set_status(nestjit::NodeCollection{n.first, 1, n.epoch}, {{"N", 3.0}});
    k.simulate(10.0);
    return k.multimeter_events(mm[0]);
  };
  nestjit::Kernel a, b;
  REQUIRE(a.install_source("sized", kSized).ok);
  REQUIRE(b.install_source("sized", three).ok);
  auto ea = run(a, true), eb = run(b, false);
  REQUIRE(ea.times == eb.times);
  REQUIRE(ea.senders == eb.senders);
  for (const char* name : {"g_0", "g_1"}) {
    CAPTURE(name);
    const auto& va = ea.values.at(name);
    const auto& vb = eb.values.at(name);
    REQUIRE(va.size() == vb.size());
    for (size_t i = 0; i < va.size(); ++i) CHECK(va[i] == vb[i]);
  }
  // The spikes that were in flight at 10 ms arrived: g_1 jumps at 11.5 ms (sent at 9.5).
  bool jumped = false;
  for (size_t i = 1; i < ea.times.size(); ++i)
    if (std::fabs(ea.times[i] - 11.6) < 1e-9 && ea.senders[i] == 1)
      jumped = ea.values.at("g_1")[i] > 0.5;
  CHECK(jumped);
}
