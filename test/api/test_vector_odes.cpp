// ODEs of vector states (issue 8): `x[i]' = f(i)` is one ODE per element with i the
// element's index, solved exactly or numerically exactly as the same system written with
// one scalar state per element.
#include <doctest/doctest.h>

#include <cmath>
#include <nestjit/nestjit.h>
#include <string>
#include <vector>

namespace {

// Records `names` of one instance every step for 30 ms, driven by spikes of weight 2.
std::map<std::string, std::vector<double>> trace(const std::string& source, const std::string& model,
                                                 const std::vector<std::string>& names,
                                                 const nestjit::Params& params = {}) {
  nestjit::Kernel k;
  auto r = k.install_source(model, source);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto n = k.create(model, 1, params);
  auto mm = k.create("multimeter", 1, {{"interval", k.resolution()}, {"record_from", names}});
  k.connect(mm, n);
  auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{3.0, 9.5, 9.6}}});
  nestjit::SynSpec syn;
  syn.weight = 2.0;
  k.connect(sg, n, nestjit::ConnRule::all_to_all, syn);
  k.simulate(30.0);
  return k.multimeter_events(mm[0]).values;
}

void check_same(const std::map<std::string, std::vector<double>>& vec,
                const std::map<std::string, std::vector<double>>& scalar,
                const std::vector<std::pair<std::string, std::string>>& pairs) {
  for (const auto& [v, s] : pairs) {
    CAPTURE(v);
    const auto& a = vec.at(v);
    const auto& b = scalar.at(s);
    REQUIRE(a.size() == b.size());
    REQUIRE(a.size() > 250);
    double largest = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
      CHECK(std::fabs(a[i] - b[i]) <= 1e-12 * std::max(1.0, std::fabs(b[i])));
      largest = std::max(largest, std::fabs(b[i]));
    }
    CHECK(largest > 0.1);  // the variable moved
  }
}

const std::vector<std::pair<std::string, std::string>> kPairs = {
    {"x_0", "x0"}, {"x_1", "x1"}, {"x_2", "x2"}};

}  // namespace

TEST_CASE("vector ODEs: x[i]' = -x[i] / (tau (i + 1)) + input is solved exactly like three scalars") {
  const char* vec = R"(
model lin:
    parameters:
        tau ms = 4 ms
    state:
        x[3] real = 0.5
    equations:
        x[i]' = -x[i] / (tau * (i + 1)) + (i + 1) * spikes / 3
    input:
        spikes <- spike
    update:
        integrate_odes()
)";
  const char* scalar = R"(
model lin:
    parameters:
        tau ms = 4 ms
    state:
        x0 real = 0.5
        x1 real = 0.5
        x2 real = 0.5
    equations:
        x0' = -x0 / (tau * 1) + 1 * spikes / 3
        x1' = -x1 / (tau * 2) + 2 * spikes / 3
        x2' = -x2 / (tau * 3) + 3 * spikes / 3
    input:
        spikes <- spike
    update:
        integrate_odes()
)";
  auto a = trace(vec, "lin", {"x_0", "x_1", "x_2"}, {{"x_1", 1.5}});
  auto b = trace(scalar, "lin", {"x0", "x1", "x2"}, {{"x1", 1.5}});
  check_same(a, b, kPairs);
  // The exact solution: x_2 decays with tau * 3 from 0.5 until the first spike.
  CHECK(a.at("x_2")[9] == doctest::Approx(0.5 * std::exp(-1.0 / 12.0)).epsilon(1e-12));
}

TEST_CASE("vector ODEs: a nonlinear x[i]' is integrated numerically like three scalars") {
  const char* vec = R"(
model nonlin:
    parameters:
        tau ms = 4 ms
    state:
        x[3] real = 1
        y real = 0.2
    equations:
        x[i]' = -x[i]**2 / tau + (i + 1) * y / tau
        y' = -y / tau + x[0] * x[2] / (10 * tau) + spikes
    input:
        spikes <- spike
    update:
        integrate_odes()
)";
  const char* scalar = R"(
model nonlin:
    parameters:
        tau ms = 4 ms
    state:
        x0 real = 1
        x1 real = 1
        x2 real = 1
        y real = 0.2
    equations:
        x0' = -x0**2 / tau + 1 * y / tau
        x1' = -x1**2 / tau + 2 * y / tau
        x2' = -x2**2 / tau + 3 * y / tau
        y' = -y / tau + x0 * x2 / (10 * tau) + spikes
    input:
        spikes <- spike
    update:
        integrate_odes()
)";
  auto a = trace(vec, "nonlin", {"x_0", "x_1", "x_2", "y"});
  auto b = trace(scalar, "nonlin", {"x0", "x1", "x2", "y"});
  auto pairs = kPairs;
  pairs.push_back({"y", "y"});
  check_same(a, b, pairs);
}

TEST_CASE("vector ODEs: x[1]' defines one element; integrate_odes(x) selects every element") {
  const char* vec = R"(
model one:
    parameters:
        tau ms = 2 ms
    state:
        x[3] real = 1
        z real = 1
    equations:
        x[1]' = -x[1] / tau
        z' = -z / tau
    update:
        integrate_odes(x)
)";
  nestjit::Kernel k;
  auto r = k.install_source("one", vec);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto n = k.create("one");
  k.simulate(1.0);
  auto st = k.get_status(n[0]);
  CHECK(st.at("x_0") == 1.0);
  CHECK(st.at("x_1") == doctest::Approx(std::exp(-0.5)).epsilon(1e-12));
  CHECK(st.at("x_2") == 1.0);
  CHECK(st.at("z") == 1.0);  // not selected by integrate_odes(x)
}

TEST_CASE("vector ODEs: a missing or misplaced index is a located error") {
  auto report = [](const std::string& src) {
    nestjit::Kernel k;
    auto r = k.install_source("bad", src);
    CHECK_FALSE(r.ok);
    return r.report();
  };
  const std::string no_index = report(R"(
model bad:
    state:
        x[3] real = 1
    equations:
        x' = -x[0] / ms
    update:
        integrate_odes()
)");
  CHECK(no_index.find("6:9: error[E-ODE-INDEX]: 'x' is a vector: its ODE needs an element index") !=
        std::string::npos);
  const std::string scalar = report(R"(
model bad:
    state:
        x real = 1
    equations:
        x[i]' = -x / ms
    update:
        integrate_odes()
)");
  CHECK(scalar.find("6:11: error[E-ODE-INDEX]: 'x' is not a vector and its ODE takes no index") !=
        std::string::npos);
  const std::string outside = report(R"(
model bad:
    state:
        x[3] real = 1
    equations:
        x[3]' = -x[0] / ms
    update:
        integrate_odes()
)");
  CHECK(outside.find("error[E-INDEX-RANGE]: index 3 is outside vector 'x' of size 3") !=
        std::string::npos);
  const std::string twice = report(R"(
model bad:
    state:
        x[3] real = 1
    equations:
        x[i]' = -x[i] / ms
        x[1]' = -x[1] / ms
    update:
        integrate_odes()
)");
  CHECK(twice.find("error[E-ODE-DUPLICATE]: 'x_1' is defined by more than one equation") !=
        std::string::npos);
}
