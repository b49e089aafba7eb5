// Delay differential equations: x(t - d) reads a delay line of round(d/h)+1 values filled
// with x's initial value (SEMANTICS.md 2, phase 2).
#include <doctest/doctest.h>

#include <cmath>
#include <nestjit/nestjit.h>

namespace {

const char* kDde = R"(model dde:
    state:
        u real = -70.
        foo real = 0
    equations:
        u' = -u / tau
        foo' = u(t - delay) / tau
    parameters:
        tau ms = 1.5 ms
        delay ms = 5. ms
    update:
        integrate_odes()
)";

std::vector<double> foo_trace(double delay) {
  nestjit::Kernel k;
  auto r = k.install_source("dde.nestml", kDde);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto n = k.create("dde", 1, {{"delay", delay}});
  auto mm = k.create("multimeter", 1, {{"interval", 0.1}, {"record_from", std::vector<std::string>{"foo", "u"}}});
  k.connect(mm, n);
  k.simulate(30.0);
  return k.multimeter_events(mm[0]).values.at("foo");
}

}  // namespace

TEST_CASE("delay: foo' = u(t - d)/tau is the undelayed solution shifted by d") {
  // Before t = d the delay line holds u's initial value -70, so foo first grows by
  // -70 h/tau per step; from then on it integrates the same u values, D = d/h steps later:
  // foo_d[k] = foo_0[k - D] + foo_d[D].
  const auto f0 = foo_trace(0.0);
  const auto fd = foo_trace(5.0);
  REQUIRE(f0.size() == fd.size());
  const size_t D = 50;
  CHECK(fd[D - 1] == doctest::Approx(-70.0 * 5.0 / 1.5).epsilon(1e-12));
  for (size_t k = D; k < fd.size(); ++k) {
    CAPTURE(k);
    CHECK(fd[k] == doctest::Approx(f0[k - D] + fd[D - 1]).epsilon(1e-12));
  }
  // Without delay, foo sums u at the start of each step (the delayed value is an input,
  // constant over the step): after K steps foo = -70 (h/tau) (1 - q^K) / (1 - q) with
  // q = exp(-h/tau).
  const double h = 0.1, tau = 1.5, q = std::exp(-h / tau);
  CHECK(f0[99] == doctest::Approx(-70.0 * (h / tau) * (1 - std::pow(q, 100)) / (1 - q)).epsilon(1e-12));
}
