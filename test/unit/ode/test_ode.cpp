// SPDX-License-Identifier: Apache-2.0
// Tests of the numeric ODE core: GSL-exact RKF45, forward Euler, exact propagators.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "ode/propagator.h"
#include "ode/rkf45.h"
#include "test_support.h"

using namespace nestjit::ode;

namespace {

// y' = -y / tau
struct Decay {
  double tau = 10.0;
};
int decay_rhs(double, const double* y, double* f, void* ctx) {
  f[0] = -y[0] / static_cast<Decay*>(ctx)->tau;
  return 0;
}

// x' = v, v' = -w^2 x
int oscillator_rhs(double, const double* y, double* f, void* ctx) {
  const double w = *static_cast<double*>(ctx);
  f[0] = y[1];
  f[1] = -w * w * y[0];
  return 0;
}

// Records the time argument of every call, to observe the sub-steps from outside.
struct Recorder {
  double tau = 10.0;
  std::vector<double> times;
};
int recording_decay_rhs(double t, const double* y, double* f, void* ctx) {
  auto* r = static_cast<Recorder*>(ctx);
  r->times.push_back(t);
  f[0] = -y[0] / r->tau;
  return 0;
}

// Izhikevich in NEST's internal units with the RHS exactly as the check program against GSL
// wrote it (a = 0.02, b = 0.2).
int izhikevich_rhs(double, const double* y, double* f, void* ctx) {
  const double I = *static_cast<double*>(ctx);
  f[0] = 0.04 * y[0] * y[0] + 5 * y[0] + 140 - y[1] + I;
  f[1] = 0.02 * (0.2 * y[0] - y[1]);
  return 0;
}

}  // namespace

TEST_CASE("rkf45: exponential decay matches exp(-t/tau)") {
  for (double tol : {1e-6, 1e-10}) {
    CAPTURE(tol);
    Decay d;
    Rkf45 solver(1);
    double y = 1.0, step = 0.1;
    const double h = 0.1;
    double max_err = 0.0;
    for (int k = 1; k <= 1000; ++k) {
      REQUIRE(solver.integrate(decay_rhs, &d, h, &y, step, tol, tol) == 0);
      max_err = std::max(max_err, std::fabs(y - std::exp(-k * h / d.tau)));
    }
    CHECK(max_err < 100 * tol);
    CHECK(solver.stats().failed_steps == 0);
  }
}

TEST_CASE("rkf45: harmonic oscillator matches cos/sin") {
  double w = 2.0;
  Rkf45 solver(2);
  double y[2] = {1.0, 0.0};
  double step = 0.1;
  const double h = 0.1;
  double max_err = 0.0;
  for (int k = 1; k <= 200; ++k) {
    REQUIRE(solver.integrate(oscillator_rhs, &w, h, y, step, 1e-10, 1e-10) == 0);
    const double t = k * h;
    max_err = std::max(max_err, std::fabs(y[0] - std::cos(w * t)));
    max_err = std::max(max_err, std::fabs(y[1] + w * std::sin(w * t)));
  }
  CHECK(max_err < 1e-8);
}

TEST_CASE("rkf45: sub-steps grow at most 5x per accepted step on a smooth problem") {
  Recorder rec;
  Rkf45 solver(1);
  double y = 1.0, step = 1e-4;
  REQUIRE(solver.integrate(recording_decay_rhs, &rec, 50.0, &y, step) == 0);
  REQUIRE(solver.stats().failed_steps == 0);
  // Per accepted sub-step: f at the start, five stages, f at the end point. The start
  // times of consecutive sub-steps give the accepted step lengths.
  REQUIRE(rec.times.size() == 7 * static_cast<size_t>(solver.stats().steps));
  std::vector<double> starts;
  for (size_t i = 0; i < rec.times.size(); i += 7) starts.push_back(rec.times[i]);
  REQUIRE(starts.size() >= 3);
  double max_growth = 0.0;
  for (size_t i = 2; i < starts.size(); ++i) {
    const double prev = starts[i - 1] - starts[i - 2], cur = starts[i] - starts[i - 1];
    CHECK(cur >= prev * (1 - 1e-12));  // never shrinks without a rejection
    CHECK(cur <= 5.0 * prev * (1 + 1e-12));
    max_growth = std::max(max_growth, cur / prev);
  }
  CHECK(max_growth == doctest::Approx(5.0));  // starting tiny, the 5x cap is reached
  CHECK(y == doctest::Approx(std::exp(-5.0)).epsilon(1e-6));
  // No evaluation ever looks beyond the end of the interval.
  for (double t : rec.times) CHECK(t <= 50.0);
}

TEST_CASE("rkf45: the step carried across calls grows when smooth and shrinks after a stiff switch") {
  Decay d;
  Rkf45 solver(1);
  double y = 1.0, step = 0.1;
  const double h = 0.1;
  REQUIRE(solver.integrate(decay_rhs, &d, h, &y, step) == 0);
  CHECK(step > h);        // grown beyond the resolution, as NEST's integration_step does
  CHECK(step <= 5 * h);   // but at most 5x from the single accepted (h-long) sub-step
  for (int k = 0; k < 20; ++k) REQUIRE(solver.integrate(decay_rhs, &d, h, &y, step) == 0);
  const double smooth_step = step;
  CHECK(smooth_step >= h);

  d.tau = 1e-3;  // stiff: explicit RK stability needs steps of order tau
  const long failed_before = solver.stats().failed_steps;
  REQUIRE(solver.integrate(decay_rhs, &d, h, &y, step) == 0);
  CHECK(step < smooth_step / 20);
  CHECK(step < 0.01);
  CHECK(solver.stats().failed_steps > failed_before);
  CHECK(std::fabs(y) < 1e-6);  // decayed to (near) zero within the step
}

TEST_CASE("rkf45: the step factor's pow-free clamped ranges equal GSL's formula bit for bit") {
  // GSL's y_new control, written out as it is there (order 5).
  auto gsl = [](double rmax) {
    if (rmax > 1.1) return std::max(0.9 / std::pow(rmax, 1.0 / 5), 0.2);
    if (rmax < 0.5) return std::max(std::min(0.9 / std::pow(rmax, 1.0 / 6.0), 5.0), 1.0);
    return 1.0;
  };
  long n = 0;
  for (double rmax = 1e-300; rmax < 1e300; rmax *= 1.0001, ++n) {
    // Every value near the bounds of the shortcut (3.3e-5, 1900) and the formula's own.
    const double near[] = {rmax, std::nextafter(rmax, 0.0), std::nextafter(rmax, 1e308)};
    for (double r : near) {
      if (y_new_factor(r) != gsl(r)) FAIL("rmax " << r << ": " << y_new_factor(r) << " vs " << gsl(r));
    }
  }
  CHECK(n > 1000000);
  CHECK(y_new_factor(std::numeric_limits<double>::infinity()) == 0.2);
  CHECK(y_new_factor(2.2250738585072014e-308) == 5.0);
  CHECK(y_new_factor(3.3e-5) == 5.0);
  CHECK(y_new_factor(3.5e-5) < 5.0);  // just above 0.18^6 the formula gives less than 5
  CHECK(y_new_factor(1800.0) > 0.2);  // just below 4.5^5 more than 0.2
}

TEST_CASE("rkf45: the last sub-step is clipped to end exactly at h") {
  Recorder rec;
  Rkf45 solver(1);
  double y = 1.0, step = 0.03;
  const double h = 0.1;
  REQUIRE(solver.integrate(recording_decay_rhs, &rec, h, &y, step) == 0);
  // 0.03 accepted, then the grown step (> 0.07) is clipped to the remaining 0.07.
  CHECK(solver.stats().steps == 2);
  REQUIRE(rec.times.size() == 14);
  CHECK(rec.times[7] == 0.03);
  // The end-point evaluation of the clipped sub-step is at t0 + (h - t0), i.e. h.
  CHECK(rec.times.back() == doctest::Approx(h).epsilon(1e-15));
  for (double t : rec.times) CHECK(t <= h);
  CHECK(y == doctest::Approx(std::exp(-h / rec.tau)).epsilon(1e-12));
  // The carried step is derived from the clipped length 0.07, not from the 0.15 tried.
  CHECK(step > 0.1 - 0.03);
  CHECK(step <= 5 * (0.1 - 0.03));
}

TEST_CASE("rkf45: failures are reported") {
  Rkf45 solver(2);
  double step = 0.1;

  SUBCASE("RHS producing NaN") {
    auto nan_rhs = [](double, const double*, double* f, void*) {
      f[0] = std::numeric_limits<double>::quiet_NaN();
      f[1] = 0.0;
      return 0;
    };
    double y[2] = {1.0, 2.0};
    // The derivative at the (finite) start state is NaN: a failure at once, naming y[0],
    // with the state left as it was.
    CHECK(solver.integrate(nan_rhs, nullptr, 0.1, y, step) == kStatusRhsNonFinite);
    CHECK(solver.failure().variable == 0);
    CHECK(std::isnan(solver.failure().value));
    CHECK(solver.failure().t == 0.0);
    CHECK(y[0] == 1.0);
    CHECK(status_name(Solver::Rkf45, kStatusRhsNonFinite) == "NON_FINITE_DERIVATIVE");
  }
  SUBCASE("an accepted non-finite state stops at that sub-step") {
    auto grow = [](double, const double* y, double* f, void*) {
      f[0] = y[0] * 1e300;
      f[1] = 0.0;
      return 0;
    };
    double y[2] = {1e10, 0.0};
    const int status = solver.integrate(grow, nullptr, 0.1, y, step);
    CHECK((status == kStatusNonFinite || status == kStatusRhsNonFinite));
    CHECK(solver.failure().variable == 0);
  }
  SUBCASE("an error control asking for a step below the floor is a stall") {
    // A derivative that jumps from 0 to 1e30 at t = 0.05: a step across the jump is
    // accurate only if it is shorter than about 1e-36, far below the floor.
    auto cliff = [](double t, const double*, double* f, void*) {
      f[0] = t < 0.05 ? 0.0 : 1e30;
      f[1] = 0.0;
      return 0;
    };
    double y[2] = {0.0, 0.0};
    const int status = solver.integrate(cliff, nullptr, 0.1, y, step);
    CHECK(status == kStatusStepTooSmall);
    CHECK(solver.failure().step < kMinStepFraction * 0.1);
    CHECK(status_words(Solver::Rkf45, status) == "the step size collapsed");
  }
  SUBCASE("RHS returning an error code: passed through, state at the sub-step start") {
    auto failing_rhs = [](double, const double*, double*, void*) { return 7; };
    double y[2] = {1.0, 2.0};
    CHECK(solver.integrate(failing_rhs, nullptr, 0.1, y, step) == 7);
    CHECK(y[0] == 1.0);
    CHECK(y[1] == 2.0);
  }
  SUBCASE("bad arguments") {
    double y[2] = {1.0, 2.0};
    double w = 1.0;
    CHECK(solver.integrate(oscillator_rhs, &w, 0.0, y, step) == kStatusBadArgument);
    double zero_step = 0.0;
    CHECK(solver.integrate(oscillator_rhs, &w, 0.1, y, zero_step) == kStatusBadArgument);
    CHECK(solver.integrate(oscillator_rhs, &w, 0.1, y, step, -1.0, 1e-6) == kStatusBadArgument);
  }
}

// Frozen from GSL 2.7.1 (Debian libgsl27, gsl_odeiv_step_rkf45 + gsl_odeiv_control_y_new(1e-6,
// 1e-6) + gsl_odeiv_evolve_apply in NEST's loop), checked locally with a throwaway program:
// nestjit's Rkf45 reproduced GSL bit for bit (state, carried step, accepted/failed counts)
// over 10000 steps in several Izhikevich runs. Protocol: I = 10, h = 0.1, step starts at h;
// per step: integrate, at step 100 V += 9999, then if V >= 30 { V = -50; U += 2; spike }.
TEST_CASE("rkf45: Izhikevich steps are bit-identical to GSL 2.7") {
  struct Frozen {
    int k;
    double V, U, step;
    bool spike;
  };
  const Frozen frozen[] = {
      {1, -0x1.0139ab2e88c4p+6, -0x1.9ffedc683487bp+3, 0x1.e2280f4264be5p-2, false},
      {2, -0x1.fcfb21a67fe5dp+5, -0x1.9ffb7888db661p+3, 0x1.fabb5bafc812ap-2, false},
      {3, -0x1.f78f9169a311ep+5, -0x1.9ff5dc4b08409p+3, 0x1p-1, false},
      {32, -0x1.9p+5, -0x1.57d1812d4b4cbp+3, 0x1.61543ba5a1b3ap-6, true},
      // The carried step is exactly h here: the last sub-step was clipped to the interval
      // end and the control kept it, so GSL hands back the clipped length, not the longer
      // step it was asked to try.
      {42, -0x1.99479da2b806ep+4, -0x1.5639cd825128p+3, 0x1.999999999999ap-4, false},
      {46, -0x1.9p+5, -0x1.13bf509ba3219p+3, 0x1.44d2e5e41198p-10, true},
      {99, -0x1.9p+5, -0x1.4d53539966f58p+1, 0x1.73391ccb50d5ap-6, true},
      {100, -0x1.9p+5, -0x1.3cd716a30bef8p-1, 0x1.313dcb87c6ba1p-2, true},
      {101, -0x1.8f78b6c573f2bp+5, -0x1.466e27bdb80f7p-1, 0x1.8205c0f5821f6p-2, false},
      {134, -0x1.9p+5, 0x1.cccc7e39cd144p-1, 0x1.d5daea4b2fbc4p-6, true},
      {200, -0x1.259ccf9e2fe16p+6, -0x1.7b9e325f0c428p-1, 0x1.9bacd3bd0af92p-2, false},
      {400, -0x1.119f7cab76bd3p+6, -0x1.4cab8b021e3abp+2, 0x1p-1, false},
  };
  const std::vector<int> gsl_spikes = {32, 46, 62, 79, 99, 100, 134};  // up to step 134

  double I = 10.0;
  double y[2] = {-65.0, 0.2 * -65.0};
  const double h = 0.1;
  double step = h;
  Rkf45 solver(2);
  std::vector<int> spikes;
  size_t next = 0;
  for (int k = 1; k <= 400; ++k) {
    REQUIRE(solver.integrate(izhikevich_rhs, &I, h, y, step) == 0);
    if (k == 100) y[0] += 9999;
    bool spike = false;
    if (y[0] >= 30) {
      y[0] = -50;
      y[1] += 2;
      spike = true;
      if (k <= 134) spikes.push_back(k);
    }
    if (next < std::size(frozen) && frozen[next].k == k) {
      CAPTURE(k);
      CHECK(y[0] == frozen[next].V);
      CHECK(y[1] == frozen[next].U);
      CHECK(step == frozen[next].step);
      CHECK(spike == frozen[next].spike);
      ++next;
    }
  }
  CHECK(next == std::size(frozen));
  CHECK(spikes == gsl_spikes);
  // GSL's evolve counted 482 attempts of which 19 were rejected.
  CHECK(solver.stats().steps == 482 - 19);
  CHECK(solver.stats().failed_steps == 19);
}

// NEST's izhikevich_neuron_nestml (defaults: a 0.02, b 0.2, c -65, d 8, V_th 30) under the
// golden protocol. The RHS is written in the operand order of NEST's generated code (the
// sympy-simplified ODE-toolbox expression), which is what makes the trace bit-identical:
//   V' = I_stim + I_e - U + 0.04 * pow(V, 2) + 5.0 * V + 140.0,   U' = a * (b * V - U).
// Writing the NESTML form 0.04*V*V + 5*V + 140 - U + (I_e + I_stim) instead leaves errors of
// about 6e-12 relative.
namespace {
struct IzhNest {
  double a = 0.02, b = 0.2, I_e = 0.0, I_stim = 0.0;
};
int izhikevich_nest_rhs(double, const double* y, double* f, void* ctx) {
  const auto& p = *static_cast<IzhNest*>(ctx);
  f[0] = p.I_stim + p.I_e - y[1] + 0.04 * std::pow(y[0], 2) + 5.0 * y[0] + 140.0;
  f[1] = p.a * (p.b * y[0] - y[1]);
  return 0;
}
}  // namespace

TEST_CASE("rkf45: NEST's izhikevich_neuron_nestml golden trace is reproduced bit for bit") {
  NESTJIT_REQUIRE_SHARED(trace_path, "golden/neurons/izhikevich_neuron_nestml/trace.csv");
  std::istringstream csv(nestjit::test::read_text(trace_path));
  std::string line;
  std::getline(csv, line);  // header: time_ms,U_m,V_m
  std::vector<double> ref_U, ref_V;
  while (std::getline(csv, line)) {
    double t, U, V;
    REQUIRE(std::sscanf(line.c_str(), "%lf,%lf,%lf", &t, &U, &V) == 3);
    ref_U.push_back(U);
    ref_V.push_back(V);
  }
  REQUIRE(ref_V.size() == 1990);

  // Protocol (protocol.json): h = 0.1; dc 10 pA from 50 to 150 ms with delay 1 ms and the
  // one-step continuous-input lag, i.e. used in steps 511..1510 (t_k = 51.1 .. 151.0);
  // spikes of weight 2 mV at 15, 30, 45, 100, 165, 180 ms + 1 ms delay, added after the
  // integration of the step ending at arrival.
  IzhNest p;
  double y[2] = {-65.0, 0.2 * -65.0};
  const double h = 0.1;
  double step = h;
  Rkf45 solver(2);
  const int kicks[] = {160, 310, 460, 1010, 1660, 1810};
  std::vector<int> spikes;
  long exact = 0;
  double max_rel = 0.0;
  for (int k = 1; k <= 1990; ++k) {
    p.I_stim = (k >= 511 && k <= 1510) ? 10.0 : 0.0;
    REQUIRE(solver.integrate(izhikevich_nest_rhs, &p, h, y, step) == 0);
    for (int kick : kicks)
      if (k == kick) y[0] += 1.0 * (0.001 * 2.0) * 1000.0;  // unit_psp * spikes * s
    y[0] = std::max(-std::numeric_limits<double>::infinity(), y[0]);
    if (y[0] >= 30.0) {
      y[0] = -65.0;
      y[1] += 8.0;
      spikes.push_back(k);
    }
    exact += (y[0] == ref_V[k - 1]) + (y[1] == ref_U[k - 1]);
    max_rel = std::max(max_rel, std::fabs(y[0] - ref_V[k - 1]) / std::fabs(ref_V[k - 1]));
    max_rel = std::max(max_rel, std::fabs(y[1] - ref_U[k - 1]) / std::fabs(ref_U[k - 1]));
  }
  CHECK(spikes == std::vector<int>{546, 737, 1186});  // spikes.csv: 54.6, 73.7, 118.6 ms
  CHECK(exact == 2 * 1990);
  CHECK(max_rel == 0.0);
}

TEST_CASE("euler_step: y += h f(t, y) from the start-of-step derivative") {
  double w = 2.0;
  double y[2] = {1.0, 0.5};
  REQUIRE(euler_step(oscillator_rhs, &w, 0.1, y, 2) == 0);
  CHECK(y[0] == 1.0 + 0.1 * 0.5);
  CHECK(y[1] == 0.5 + 0.1 * (-4.0));  // uses the OLD x, not the updated one
  auto failing_rhs = [](double, const double*, double*, void*) { return 3; };
  CHECK(euler_step(failing_rhs, nullptr, 0.1, y, 2) == 3);
}

TEST_CASE("propagator: scalar decay with constant input") {
  const double tau = 10.0, C = 250.0, I = 376.0, h = 0.1;
  const Propagator p = compute_propagator(1, {-1.0 / tau}, {I / C}, h);
  REQUIRE(p.n == 1);
  CHECK(p.P[0] == doctest::Approx(std::exp(-h / tau)).epsilon(1e-15));
  CHECK(p.q[0] == doctest::Approx(I / C * tau * -std::expm1(-h / tau)).epsilon(1e-14));
}

TEST_CASE("propagator: alpha kernel [[-1/tau, 0], [1, -1/tau]]") {
  // x0 = K', x1 = K: K(t) = t exp(-t/tau) for x(0) = (1, 0).
  const double tau = 2.0, h = 0.1;
  const Propagator p = compute_propagator(2, {-1.0 / tau, 0.0, 1.0, -1.0 / tau}, {0.0, 0.0}, h);
  const double e = std::exp(-h / tau);
  CHECK(p.P[0] == doctest::Approx(e).epsilon(1e-15));
  CHECK(p.P[1] == 0.0);
  CHECK(p.P[2] == doctest::Approx(h * e).epsilon(1e-14));
  CHECK(p.P[3] == doctest::Approx(e).epsilon(1e-15));
  CHECK(p.q[0] == 0.0);
  CHECK(p.q[1] == 0.0);

  double x0 = 1.0, x1 = 0.0;
  for (int k = 1; k <= 200; ++k) {
    const double n0 = p.P[0] * x0 + p.P[1] * x1, n1 = p.P[2] * x0 + p.P[3] * x1;
    x0 = n0;
    x1 = n1;
  }
  const double t = 200 * h;
  CHECK(x1 == doctest::Approx(t * std::exp(-t / tau)).epsilon(1e-12));
  CHECK(x0 == doctest::Approx(std::exp(-t / tau)).epsilon(1e-12));
}

TEST_CASE("propagator: iaf_psc_exp system, including tau_m == tau_syn") {
  // State (I_syn, V): I' = -I/tau_syn, V' = -V/tau_m + I/C + I_e/C.
  const double C = 250.0, I_e = 100.0, h = 0.1, tau_syn = 2.0;
  auto system = [&](double tau_m) {
    return compute_propagator(2, {-1.0 / tau_syn, 0.0, 1.0 / C, -1.0 / tau_m}, {0.0, I_e / C},
                              h);
  };
  SUBCASE("distinct time constants: closed form") {
    const double tau_m = 10.0;
    const Propagator p = system(tau_m);
    const double P_VI = tau_syn * tau_m / (C * (tau_m - tau_syn)) *
                        (std::exp(-h / tau_m) - std::exp(-h / tau_syn));
    CHECK(p.P[0] == doctest::Approx(std::exp(-h / tau_syn)).epsilon(1e-15));
    CHECK(p.P[2] == doctest::Approx(P_VI).epsilon(1e-13));
    CHECK(p.P[3] == doctest::Approx(std::exp(-h / tau_m)).epsilon(1e-15));
    CHECK(p.q[0] == 0.0);
    CHECK(p.q[1] == doctest::Approx(I_e / C * tau_m * -std::expm1(-h / tau_m)).epsilon(1e-14));
  }
  SUBCASE("tau_m == tau_syn: the limit h/C exp(-h/tau), no special case needed") {
    const Propagator p = system(tau_syn);
    CHECK(std::isfinite(p.P[2]));
    CHECK(p.P[2] == doctest::Approx(h / C * std::exp(-h / tau_syn)).epsilon(1e-13));
    // Nearly equal time constants stay continuous (the closed form would cancel badly).
    const Propagator near = system(tau_syn * (1 + 1e-9));
    CHECK(near.P[2] == doctest::Approx(p.P[2]).epsilon(1e-8));
  }
}

TEST_CASE("propagator: singular A gives P = I and q = b h") {
  const Propagator p = compute_propagator(2, {0.0, 0.0, 0.0, 0.0}, {3.0, -2.0}, 0.1);
  CHECK(p.P == std::vector<double>{1.0, 0.0, 0.0, 1.0});
  CHECK(p.q[0] == doctest::Approx(0.3).epsilon(1e-15));
  CHECK(p.q[1] == doctest::Approx(-0.2).epsilon(1e-15));
}
