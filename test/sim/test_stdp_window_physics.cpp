// The physics of the seed's STDP window, checked without NEST's numbers (so the suite keeps
// checking it when ../shared is absent). The synapse evaluates pairs with the post spike
// shifted by the 15 ms dendritic delay, so the window's sign changes at dt = -15 ms, and
// both tails are sums of exp(-|t_post + d - t_pre| / 20 ms) terms: shifting the kick by 5 ms
// scales them by exp(-5/20) as long as the neuron's burst looks the same.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "stdp_sweep.h"

namespace {

const std::vector<stdp_window::Point>& window() {
  static const std::vector<stdp_window::Point> points = [] {
    nestjit::Kernel kernel;
    for (const auto& r : stdp_window::install_models(kernel, NESTJIT_STDP_MODEL_DIR))
      REQUIRE_MESSAGE(r.ok, r.report());
    return stdp_window::sweep(kernel);
  }();
  return points;
}

}  // namespace

TEST_CASE("window: depression up to dt = -19 ms, potentiation from dt = -14 ms") {
  // Kicks late in the run (dt > 330 ms) put post spikes before the second presynaptic spike
  // (999 ms, reaching the synapse's window at 984 ms), which then depresses instead.
  const auto& pts = window();
  REQUIRE(pts.size() == 180);
  int negative = 0, positive = 0;
  for (const auto& p : pts) {
    // The kicked neuron fires in the step its input arrives: 1 ms after the kick time, and
    // the parrot relays the 300 ms spike at 301 ms.
    CHECK(p.dt == doctest::Approx(p.t_input + 1 - 301).epsilon(1e-12));
    if (p.dt <= -19) {
      CHECK(p.dw < 0);
      ++negative;
    }
    if (p.dt >= -14 && p.dt <= 330) {
      CHECK(p.dw > 0);
      ++positive;
    }
    if (p.dt >= 336) CHECK(p.dw < 0);
  }
  CHECK(negative == 57);
  CHECK(positive == 69);
}

TEST_CASE("window: the extremes sit next to the 15 ms dendritic delay") {
  const auto& pts = window();
  auto max_it = std::max_element(pts.begin(), pts.end(),
                                 [](const auto& a, const auto& b) { return a.dw < b.dw; });
  auto min_it = std::min_element(pts.begin(), pts.end(),
                                 [](const auto& a, const auto& b) { return a.dw < b.dw; });
  CHECK(max_it->dt == -14);
  CHECK(min_it->dt == -19);
  // Two post spikes per kick (a burst), each contributing at most lambda: |dw| < 2.
  CHECK(max_it->dw > 1.0);
  CHECK(max_it->dw < 2.0);
  CHECK(min_it->dw < -1.0);
  CHECK(min_it->dw > -2.0);
}

TEST_CASE("window: both tails decay with the 20 ms trace time constant") {
  const auto& pts = window();
  std::map<double, double> dw;
  for (const auto& p : pts) dw[p.dt] = p.dw;
  const double per_5ms = std::exp(-5.0 / 20.0);
  // Far from the delay the neuron's burst is nearly the same at every kick time, so
  // neighbouring points differ by the trace decay over 5 ms; the burst's second spike may
  // land one 0.1 ms step earlier or later, which changes its term by exp(0.1/20) - 1 = 0.5%
  // and the sum of two terms by about half that.
  for (double dt = -284; dt <= -64; dt += 5) {
    CAPTURE(dt);
    CHECK(dw.at(dt) / dw.at(dt + 5) == doctest::Approx(per_5ms).epsilon(3e-3));
  }
  for (double dt = 56; dt <= 196; dt += 5) {
    CAPTURE(dt);
    CHECK(dw.at(dt + 5) / dw.at(dt) == doctest::Approx(per_5ms).epsilon(3e-3));
  }
}
