// Vectors at run time (issue 8): the multisynapse-vector neuron against its scalar
// counterpart, the FIR filter against a direct convolution, vector elements in the status,
// and an out-of-range index stopping the simulation with a message.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nestjit/nestjit.h>
#include <string>

#include "test_support.h"

namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
}

// One spike generator per receptor 1..n: times[r] with weights[r] onto receptor r + 1.
void drive_receptors(nestjit::Kernel& k, const nestjit::NodeCollection& n,
                     const std::vector<std::vector<double>>& times,
                     const std::vector<double>& weights, double delay = 1.0) {
  for (size_t r = 0; r < times.size(); ++r) {
    auto sg = k.create("spike_generator", 1, {{"spike_times", times[r]}});
    nestjit::SynSpec syn;
    syn.weight = weights[r];
    syn.delay = delay;
    syn.receptor_type = int(r) + 1;
    k.connect(sg, n, nestjit::ConnRule::all_to_all, syn);
  }
}

// V_m of one neuron fed by three spike generators on receptors 1, 2, 3 (weights of both signs).
std::vector<double> multisynapse_trace(nestjit::Kernel& k, const std::string& model) {
  auto n = k.create(model);
  auto mm = k.create("multimeter", 1, {{"interval", k.resolution()},
                                       {"record_from", std::vector<std::string>{"V_m"}}});
  k.connect(mm, n);
  const std::vector<std::vector<double>> times = {{2.0, 7.5, 13.1}, {4.0, 9.3}, {5.5, 20.0}};
  drive_receptors(k, n, times, {900.0, -400.0, 600.0});
  k.simulate(40.0);
  return k.multimeter_events(mm[0]).values["V_m"];
}

// One multimeter (interval h) on `record` of node n, fed by one spike generator (weight,
// delay 1 ms); simulates T ms and returns the samples.
nestjit::MultimeterEvents record_with_input(nestjit::Kernel& k, const nestjit::NodeCollection& n,
                                            const std::string& record,
                                            const std::vector<double>& spike_times,
                                            double weight, double T) {
  auto mm = k.create("multimeter", 1, {{"interval", k.resolution()},
                                       {"record_from", std::vector<std::string>{record}}});
  k.connect(mm, n);
  auto sg = k.create("spike_generator", 1, {{"spike_times", spike_times}});
  nestjit::SynSpec syn;
  syn.weight = weight;
  syn.delay = 1.0;
  k.connect(sg, n, nestjit::ConnRule::all_to_all, syn);
  k.simulate(T);
  return k.multimeter_events(mm[0]);
}

}  // namespace

TEST_CASE("vectors: spikes[3] on receptors 1..3 give the V_m of three scalar ports (1e-12)") {
  NESTJIT_REQUIRE_SHARED(path,
                         "corpus/tests/nest_tests/resources/iaf_psc_exp_multisynapse_vectors.nestml");
  const std::string vec_src = nestjit::test::read_text(path);
  // The scalar counterpart: the same model with ports spikes1..3 instead of spikes[3].
  std::string scalar_src = vec_src;
  replace_all(scalar_src, "spikes[3] <- spike", "spikes1 <- spike\n        spikes2 <- spike\n        spikes3 <- spike");
  for (int i = 0; i < 3; ++i)
    replace_all(scalar_src, "spikes[" + std::to_string(i) + "]", "spikes" + std::to_string(i + 1));
  replace_all(scalar_src, "model iaf_psc_exp_multisynapse_vectors_neuron", "model scalar_counterpart");
  REQUIRE(scalar_src.find("spikes[") == std::string::npos);

  nestjit::Kernel k;
  auto r1 = k.install_source("vectors", vec_src);
  REQUIRE_MESSAGE(r1.ok, r1.report());
  auto r2 = k.install_source("scalar", scalar_src);
  REQUIRE_MESSAGE(r2.ok, r2.report());
  CHECK(k.model_info("iaf_psc_exp_multisynapse_vectors_neuron").spike_receptors == 3);
  const auto rt = k.model_info("iaf_psc_exp_multisynapse_vectors_neuron").receptor_types;
  CHECK(rt == std::map<std::string, int>{{"SPIKES_0", 1}, {"SPIKES_1", 2}, {"SPIKES_2", 3}});
  CHECK(k.model_info("scalar_counterpart").receptor_types ==
        std::map<std::string, int>{{"SPIKES1", 1}, {"SPIKES2", 2}, {"SPIKES3", 3}});
  auto v = multisynapse_trace(k, "iaf_psc_exp_multisynapse_vectors_neuron");
  k.reset();
  auto s = multisynapse_trace(k, "scalar_counterpart");
  REQUIRE(v.size() == s.size());
  REQUIRE(v.size() > 300);
  double spread = 0.0;
  for (size_t i = 0; i < v.size(); ++i) {
    CHECK(std::fabs(v[i] - s[i]) <= 1e-12);  // mV
    spread = std::max(spread, std::fabs(v[i] - v[0]));
  }
  CHECK(spread > 0.1);  // the inputs moved V_m: the comparison is not of two flat lines
}

TEST_CASE("vectors: the FIR filter's y is the direct convolution of its input with h") {
  NESTJIT_REQUIRE_SHARED(path, "corpus/tests/nest_tests/resources/FIR_filter.nestml");
  std::string src = nestjit::test::read_text(path);
  // The size of x and h is the parameter N, fixed when the model is installed: order 5.
  replace_all(src, "N integer = 1", "N integer = 5");
  nestjit::Kernel k;
  auto r = k.install_source("fir", src);
  REQUIRE_MESSAGE(r.ok, r.report());
  const std::vector<double> h = {0.5, -0.25, 2.0, 1.0, 0.125};
  nestjit::Params p;
  for (size_t j = 0; j < h.size(); ++j) p["h_" + std::to_string(j)] = h[j];
  auto n = k.create("fir_filter", 1, p);
  const std::vector<double> spike_times = {1.0, 1.3, 1.4, 2.0, 2.1, 3.7};
  auto ev = record_with_input(k, n, "y", spike_times, 1.0, 10.0);
  const auto& y = ev.values["y"];
  REQUIRE(y.size() == ev.times.size());
  // Input per step: a spike at t_s with delay d is read in the step ending at t_s + d
  // (SEMANTICS.md 2.1), and the multimeter samples at the end of each step.
  const double hres = k.resolution();
  auto step_of = [&](double t) { return long(std::lround(t / hres)); };
  std::vector<double> x(size_t(step_of(12.0)), 0.0);
  for (double t : spike_times) x[size_t(step_of(t + 1.0))] += 1.0;
  size_t compared = 0;
  double largest = 0.0;
  for (size_t i = 0; i < y.size(); ++i) {
    const long kstep = step_of(ev.times[i]);
    double expect = 0.0;
    for (size_t j = 0; j < h.size(); ++j)
      if (kstep - long(j) >= 0) expect += h[j] * x[size_t(kstep - long(j))];
    CAPTURE(ev.times[i]);
    CHECK(y[i] == doctest::Approx(expect).epsilon(1e-7));
    ++compared;
    largest = std::max(largest, std::fabs(expect));
  }
  CHECK(compared > 50);
  CHECK(largest >= 2.0);
}

TEST_CASE("vectors: elements are status entries x_0..x_{n-1} and recordables") {
  nestjit::Kernel k;
  auto r = k.install_source("v", R"(
model vec:
    parameters:
        n integer = 3
        w[n] real = 2.5
    state:
        acc[n] real = 0
        i integer = 0
    update:
        acc[i] += w[i] * (i + 1)
        i = (i + 1) % n
)");
  REQUIRE_MESSAGE(r.ok, r.report());
  auto recs = k.recordables("vec");
  CHECK(std::find(recs.begin(), recs.end(), "acc_2") != recs.end());
  auto n = k.create("vec", 1, {{"w_1", 10.0}});
  k.simulate(0.6);  // six steps: each element updated twice
  auto st = k.get_status(n[0]);
  CHECK(st.at("w_0") == doctest::Approx(2.5));
  CHECK(st.at("w_1") == doctest::Approx(10.0));
  CHECK(st.at("acc_0") == doctest::Approx(2 * 2.5 * 1));
  CHECK(st.at("acc_1") == doctest::Approx(2 * 10.0 * 2));
  CHECK(st.at("acc_2") == doctest::Approx(2 * 2.5 * 3));
}

TEST_CASE("vectors: an index outside the vector stops the simulation with a message") {
  nestjit::Kernel k;
  auto r = k.install_source("v", R"(
model overrun:
    state:
        x[4] real = 0
        i integer = 0
    update:
        x[i] = i + 1
        i += 1
)");
  REQUIRE_MESSAGE(r.ok, r.report());
  auto n = k.create("overrun", 2);
  std::string msg;
  try {
    k.simulate(1.0);
  } catch (const std::exception& e) {
    msg = e.what();
  }
  // Steps 1..4 write x[0..3]; the 5th writes x[4] at t = 0.5 ms.
  CHECK(msg.find("index 4 is outside vector 'x' of size 4 in overrun #1 at t = 0.5 ms") !=
        std::string::npos);
  // The instance stays intact: the out-of-range write went nowhere (x_0 keeps 1). A failing
  // instance stops at the end of the step in which it failed (the 5th), so i is 5.
  auto st = k.get_status(n[0]);
  CHECK(st.at("x_0") == doctest::Approx(1.0));
  CHECK(st.at("x_3") == doctest::Approx(4.0));
  CHECK(st.at("i") == doctest::Approx(5.0));
}

TEST_CASE("vectors: a constant index outside the vector is a load-time error") {
  nestjit::Kernel k;
  auto r = k.install_source("v", R"(
model bad_index:
    state:
        x[2] real = 0
    update:
        x[2] = 1
)");
  CHECK_FALSE(r.ok);
  CHECK(r.report().find("error[E-INDEX-RANGE]: index 2 is outside vector 'x' of size 2") !=
        std::string::npos);
}

// spec/CORPUS.md 4, test_vectors.py: after 1 ms (10 steps) V_m = -0.3 mV, every g_in = 11 mV,
// g_ex[1] = -2 mV (the others keep 1 mV).
TEST_CASE("reference: Vectors.nestml (g_in = 11, g_ex[1] = -2, V_m = -0.3)") {
  NESTJIT_REQUIRE_SHARED(path, "corpus/tests/nest_tests/resources/Vectors.nestml");
  nestjit::Kernel k;
  auto r = k.install_file(path);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto n = k.create("vectors");
  k.simulate(1.0);
  auto st = k.get_status(n[0]);
  CHECK(st.at("V_m") == doctest::Approx(-0.3).epsilon(1e-7));
  for (int i = 0; i < 20; ++i) CHECK(st.at("g_in_" + std::to_string(i)) == doctest::Approx(11.0));
  CHECK(st.at("g_ex_1") == doctest::Approx(-2.0));
  CHECK(st.at("g_ex_0") == doctest::Approx(1.0));
  CHECK(st.at("g_ex_9") == doctest::Approx(1.0));
  CHECK(st.count("g_ex_10") == 0);
}

// spec/CORPUS.md 4, test_vectors.py: with h = 1 ms, after 10 steps the ring buffers hold the
// start-of-step values x = 42 exp(-k/tau) (analytic) and y = 42 tau / (42 k + tau) (y' = -y^2/tau,
// numeric), k = 0..9, tau = 4 ms.
TEST_CASE("reference: vectors_with_nonlin_eq.nestml ring buffers of x and y") {
  NESTJIT_REQUIRE_SHARED(path, "corpus/tests/nest_tests/resources/vectors_with_nonlin_eq.nestml");
  nestjit::Kernel k({.resolution_ms = 1.0});
  auto r = k.install_file(path);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto n = k.create("vectors_with_nonlin_eq");
  k.simulate(10.0);
  auto st = k.get_status(n[0]);
  const double tau = 4.0;
  for (int i = 0; i < 10; ++i) {
    CAPTURE(i);
    CHECK(st.at("x_buf_" + std::to_string(i)) == doctest::Approx(42.0 * std::exp(-i / tau)).epsilon(1e-7));
    CHECK(st.at("y_buf_" + std::to_string(i)) ==
          doctest::Approx(42.0 * tau / (42.0 * i + tau)).epsilon(1e-6));
  }
}

// A kernel outside the exp-polynomial family, fitted numerically at install (kernel_fit.h):
// the convolution with one spike (weight w, read in the step ending at 2 ms) is
// w * k(t - 2 ms) at every sample, propagated exactly.
TEST_CASE("kernels: a numerically fitted kernel exp(-t/2ms) sin(t/ms) convolves exactly") {
  nestjit::Kernel k;
  auto r = k.install_source("fit", R"(
model fitted_kernel:
    state:
        x real = 0
    equations:
        kernel g = exp(-t / (2 ms)) * sin(t / ms)
        recordable inline c real = convolve(g, spikes)
    input:
        spikes <- spike
    update:
        integrate_odes()
)");
  REQUIRE_MESSAGE(r.ok, r.report());
  auto n = k.create("fitted_kernel");
  auto ev = record_with_input(k, n, "c", {1.0}, 3.0, 12.0);
  const auto& c = ev.values["c"];
  REQUIRE(c.size() > 90);
  double largest = 0.0;
  for (size_t i = 0; i < c.size(); ++i) {
    const double u = ev.times[i] - 2.0;
    const double expect = u < 0 ? 0.0 : 3.0 * std::exp(-u / 2.0) * std::sin(u);
    CAPTURE(ev.times[i]);
    CHECK(c[i] == doctest::Approx(expect).scale(1.0).epsilon(1e-9));
    largest = std::max(largest, std::fabs(expect));
  }
  CHECK(largest > 1.0);
}

// spec/CORPUS.md 4, test_multisynapse.py: spike generators at [20, 80], [40, 60], [30, 70] ms
// with weights 1000, -1000, 500 and delay 0.1 ms on receptors 1..3 (SPIKES1..3, or SPIKES_0..2
// of the vector port); the last V_m sample after 125 ms, checked to 7 decimals upstream.
TEST_CASE("reference: iaf_psc_exp_multisynapse{,_vectors} last V_m (-72.77625579314515, -72.77067117288824)") {
  struct Case {
    const char* file;
    const char* model;
    double last_v;
    const char* conv_state;
  };
  const Case cases[] = {
      {"iaf_psc_exp_multisynapse", "iaf_psc_exp_multisynapse_neuron", -72.77625579314515,
       "I_kernel3__X__spikes3"},
      {"iaf_psc_exp_multisynapse_vectors", "iaf_psc_exp_multisynapse_vectors_neuron",
       -72.77067117288824, "I_kernel3__X__spikes_2"},
  };
  for (const Case& c : cases) {
    const std::string model = c.model;
    CAPTURE(model);
    NESTJIT_REQUIRE_SHARED(path, std::string("corpus/tests/nest_tests/resources/") + c.file + ".nestml");
    nestjit::Kernel k;
    auto r = k.install_file(path);
    REQUIRE_MESSAGE(r.ok, r.report());
    auto n = k.create(c.model);
    auto mm = k.create("multimeter", 1, {{"interval", k.resolution()},
                                         {"record_from", std::vector<std::string>{"V_m"}}});
    k.connect(mm, n);
    const std::vector<std::vector<double>> times = {{20.0, 80.0}, {40.0, 60.0}, {30.0, 70.0}};
    drive_receptors(k, n, times, {1000.0, -1000.0, 500.0}, 0.1);
    k.simulate(125.0);
    auto ev = k.multimeter_events(mm[0]);
    REQUIRE(!ev.values["V_m"].empty());
    const double diff = ev.values["V_m"].back() - c.last_v;
    CAPTURE(diff);
    CHECK(std::fabs(diff) < 1.5e-7);
    MESSAGE(model << ": last V_m differs from upstream by " << diff << " mV");
    // The convolution states carry upstream's names.
    auto recs = k.recordables(c.model);
    CHECK(std::find(recs.begin(), recs.end(), c.conv_state) != recs.end());
  }
}

// A continuous vector port I[3] is three continuous inputs, receptors 0..2 for currents
// (SEMANTICS.md 2.4); I[k] reads element k, here with a loop index.
TEST_CASE("vectors: a continuous vector port maps element k to current receptor k") {
  nestjit::Kernel k;
  auto r = k.install_source("v", R"(
model cont_vec:
    state:
        total pA = 0 pA
        j integer = 0
    input:
        I[3] pA <- continuous
    update:
        total = 0 pA
        for j in 0 ... 3 step 1:
            total += (j + 1) * I[j]
)");
  REQUIRE_MESSAGE(r.ok, r.report());
  CHECK(k.model_info("cont_vec").continuous_ports ==
        std::vector<std::string>{"I_0", "I_1", "I_2"});
  auto n = k.create("cont_vec");
  const double amps[] = {5.0, 7.0, 11.0};
  for (int i = 0; i < 3; ++i) {
    auto dc = k.create("dc_generator", 1, {{"amplitude", amps[i]}});
    nestjit::SynSpec syn;
    syn.receptor_type = i;
    k.connect(dc, n, nestjit::ConnRule::all_to_all, syn);
  }
  k.simulate(5.0);
  CHECK(k.get_status(n[0]).at("total") == doctest::Approx(1 * 5.0 + 2 * 7.0 + 3 * 11.0));
}

// onReceive(sp[k]) runs for spikes on element k only (receptor k + 1).
TEST_CASE("vectors: onReceive of a vector port element") {
  nestjit::Kernel k;
  auto r = k.install_source("v", R"(
model orv:
    state:
        n0 real = 0
        n2 real = 0
    input:
        sp[3] <- spike
    onReceive(sp[0]):
        n0 += sp[0] * s
    onReceive(sp[2]):
        n2 += sp[2] * s
)");
  REQUIRE_MESSAGE(r.ok, r.report());
  auto n = k.create("orv");
  drive_receptors(k, n, {{1.0, 2.0}, {1.0, 2.0}, {1.0, 2.0}}, {2.0, 3.0, 5.0});
  k.simulate(5.0);
  auto st = k.get_status(n[0]);
  CHECK(st.at("n0") == doctest::Approx(2 * 2.0));
  CHECK(st.at("n2") == doctest::Approx(2 * 5.0));
}
