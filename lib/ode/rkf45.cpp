// SPDX-License-Identifier: Apache-2.0
#include "ode/rkf45.h"

#include "ode/rkf45_tableau.h"

#include <cmath>
#include <cstring>

namespace nestjit::ode {
namespace {

using namespace rkf45_tableau;

// Order the control uses for its exponents: GSL's rkf45 reports 5.
constexpr unsigned kOrder = 5;

}  // namespace

Rkf45::Rkf45(size_t dim) : dim_(dim), buf_(11 * (dim == 0 ? 1 : dim)) {
  double* p = buf_.data();
  const size_t n = dim == 0 ? 1 : dim;
  for (double** slot : {&k1_, &k2_, &k3_, &k4_, &k5_, &k6_, &ytmp_, &y0_, &yerr_, &dydt_out_,
                        &ynew_}) {
    *slot = p;
    p += n;
  }
}

void Rkf45::set_error_scaling(double a_y, double a_dydt) {
  a_y_ = a_y;
  a_dydt_ = a_dydt;
}

int Rkf45::integrate(RhsFn f, void* ctx, double h, double* y, double& step, double abs_tol,
                     double rel_tol) {
  // GSL rejects negative tolerances; a zero or negative step would never reach h.
  if (!(h > 0.0) || !(step > 0.0) || !(abs_tol >= 0.0) || !(rel_tol >= 0.0))
    return kStatusBadArgument;
  abs_tol_ = abs_tol;
  rel_tol_ = rel_tol;
  failure_.clear();
  // NEST's generated update(): `double t = 0; while (t < h) evolve_apply(...)`.
  double t = 0.0;
  long sub_steps = 0;
  while (t < h) {
    const double t_before = t;
    if (int status = evolve_apply(f, ctx, t, h, step, y)) {
      if (std::isnan(failure_.t)) failure_.t = t;
      if (std::isnan(failure_.step)) failure_.step = step;
      return status;
    }
    // GSL accepts a step it cannot shrink further even if t + step == t; NEST would then
    // spin forever. Report it instead. Steps that do advance but so little that the
    // interval takes hundreds of thousands of them are a stall too (NEST: hours per step).
    if (!(t > t_before) || ++sub_steps > kMaxRkf45StepsPerInterval) {
      failure_.t = t;
      failure_.step = step;
      return t > t_before ? kStatusTooManySteps : kStatusStepUnderflow;
    }
    // GSL does not look at the values: NaN errors compare false in its max() and it
    // happily grows the step, so a NaN state would be carried on. Stop at the first
    // accepted sub-step that is not finite (y holds exactly what GSL produced).
    for (size_t i = 0; i < dim_; ++i)
      if (!std::isfinite(y[i])) {
        failure_ = {int(i), y[i], t, step};
        return kStatusNonFinite;
      }
  }
  return 0;
}

// One call of gsl_odeiv_evolve_apply(e, control, rkf45, sys, &t, t1, &step, y).
int Rkf45::evolve_apply(RhsFn f, void* ctx, double& t, double t1, double& step, double* y) {
  const double t0 = t;
  double h0 = step;
  const double dt = t1 - t0;  // remaining time, may be less than the step
  std::memcpy(y0_, y, dim_ * sizeof(double));

  // The derivative at the start is computed once per call and reused by every retry below
  // (rkf45 can take dydt_in, so evolve passes it instead of letting the stepper evaluate).
  ++stats_.rhs_evals;
  if (int status = eval(f, ctx, t0, y, k1_)) return status;

  for (;;) {
    // Clip the step so the sub-step ends exactly at t1; remember that it was clipped so the
    // time is set to t1 itself rather than t0 + h0 (which may round differently).
    const bool final_step = h0 > dt;
    if (final_step) h0 = dt;

    if (int status = step_apply(f, ctx, t0, h0, y)) {
      step = h0;  // GSL reports the step size that failed
      t = t0;
      return status;
    }
    t = final_step ? t1 : t0 + h0;

    // Error control. Note that h0 is the possibly clipped step: after a clipped final
    // sub-step the carried step is derived from the clipped length, exactly as in GSL.
    const double h_old = h0;
    if (adjust_step(y, h0) == Adjust::Decrease) {
      // Retry only if the step really shrank and still moves time by at least one ulp;
      // otherwise GSL keeps the step it has (and the result).
      // The error control asking for a step below the floor is a stall, not accuracy
      // (a clipped final sub-step may be tiny legitimately, but is never shrunk here).
      if (std::fabs(h0) < kMinStepFraction * t1) {
        std::memcpy(y, y0_, dim_ * sizeof(double));
        t = t0;
        failure_.step = h0;
        return kStatusStepTooSmall;
      }
      if (std::fabs(h0) < std::fabs(h_old) && t + h0 != t) {
        std::memcpy(y, y0_, dim_ * sizeof(double));
        ++stats_.failed_steps;
        continue;
      }
      h0 = h_old;
    }
    ++stats_.steps;
    step = h0;  // suggested step for the next call (and the next simulation step)
    return 0;
  }
}

// Only the derivative at an accepted state (the start of a sub-step) is checked: a stage
// evaluated at a trial point of a too-long step may overflow, and GSL's error control then
// shrinks the step (bounded by kMinStepFraction), which NEST's results depend on.
int Rkf45::eval(RhsFn f, void* ctx, double t, const double* y, double* dydt) {
  if (int status = f(t, y, dydt, ctx)) return status;
  for (size_t i = 0; i < dim_; ++i)
    if (!std::isfinite(dydt[i])) {
      failure_.variable = int(i);
      failure_.value = dydt[i];
      failure_.t = t;
      return kStatusRhsNonFinite;
    }
  return 0;
}

// One rkf45 step of length h from (t, y); writes the fifth-order result into y and the
// error estimate into yerr_. k1_ already holds f(t, y). Expression shapes mirror GSL's
// (e.g. y + (a*h)*k for the first stage but y + h*(sum) for the others) because a different
// association changes the last bit.
int Rkf45::step_apply(RhsFn f, void* ctx, double t, double h, double* y) {
  const size_t n = dim_;
  const double *k1 = k1_, *k2 = k2_, *k3 = k3_, *k4 = k4_, *k5 = k5_, *k6 = k6_;
  double* ytmp = ytmp_;

  for (size_t i = 0; i < n; ++i) ytmp[i] = y[i] + b21 * h * k1[i];
  stats_.rhs_evals += 5;
  if (int s = f(t + a2 * h, ytmp, k2_, ctx)) return s;

  for (size_t i = 0; i < n; ++i) ytmp[i] = y[i] + h * (b31 * k1[i] + b32 * k2[i]);
  if (int s = f(t + a3 * h, ytmp, k3_, ctx)) return s;

  for (size_t i = 0; i < n; ++i)
    ytmp[i] = y[i] + h * (b41 * k1[i] + b42 * k2[i] + b43 * k3[i]);
  if (int s = f(t + a4 * h, ytmp, k4_, ctx)) return s;

  for (size_t i = 0; i < n; ++i)
    ytmp[i] = y[i] + h * (b51 * k1[i] + b52 * k2[i] + b53 * k3[i] + b54 * k4[i]);
  if (int s = f(t + a5 * h, ytmp, k5_, ctx)) return s;

  for (size_t i = 0; i < n; ++i)
    ytmp[i] = y[i] + h * (b61 * k1[i] + b62 * k2[i] + b63 * k3[i] + b64 * k4[i] + b65 * k5[i]);
  if (int s = f(t + a6 * h, ytmp, k6_, ctx)) return s;

  // y is only overwritten once every stage has succeeded, so a failing RHS leaves it at the
  // start of the sub-step (GSL restores it from a copy; same effect).
  for (size_t i = 0; i < n; ++i) {
    const double d = c1 * k1[i] + c3 * k3[i] + c4 * k4[i] + c5 * k5[i] + c6 * k6[i];
    ynew_[i] = y[i] + h * d;
  }
  // GSL evaluates the derivative at the new point on every attempt. Only a derivative-scaled
  // control needs it, but even with a_dydt = 0 it enters the control as 0 * |h y'|, which is
  // NaN (and so drops that component from the error norm) when y' is not finite; keep the
  // evaluation so such corner cases, and the RHS-call count, stay identical.
  ++stats_.rhs_evals;
  if (int s = f(t + h, ynew_, dydt_out_, ctx)) return s;
  std::memcpy(y, ynew_, n * sizeof(double));
  for (size_t i = 0; i < n; ++i)
    yerr_[i] = h * (e1 * k1[i] + e3 * k3[i] + e4 * k4[i] + e5 * k5[i] + e6 * k6[i]);
  return 0;
}

// The standard control: D_i = eps_abs + eps_rel * (a_y |y_i| + a_dydt |h y'_i|), r = max_i
// |err_i| / D_i. r > 1.1: shrink by 0.9 r^(-1/order), at most 5x; r < 0.5: grow by
// 0.9 r^(-1/(order+1)), at most 5x and never below 1x; otherwise keep h.
Rkf45::Adjust Rkf45::adjust_step(const double* y, double& h) const {
  const double h_old = h;
  // Starting at DBL_MIN (not 0) and comparing with `>` means NaN ratios are ignored, as in
  // GSL; an all-zero error therefore also lands in the "grow by 5x" branch.
  double rmax = 2.2250738585072014e-308;
  for (size_t i = 0; i < dim_; ++i) {
    const double d0 =
        rel_tol_ * (a_y_ * std::fabs(y[i]) + a_dydt_ * std::fabs(h_old * dydt_out_[i])) + abs_tol_;
    const double r = std::fabs(yerr_[i]) / std::fabs(d0);
    rmax = r > rmax ? r : rmax;
  }
  const double r = y_new_factor(rmax);
  h = r * h_old;
  // The factor is below 1 exactly when the error asks for a smaller step (at most 0.9 / 1.1^(1/5)).
  return r < 1.0 ? Adjust::Decrease : r > 1.0 ? Adjust::Increase : Adjust::Nil;
}

// r > 1.1: 0.9 r^(-1/order), at least 0.2; r < 0.5: 0.9 r^(-1/(order+1)) within [1, 5].
// Where the factor is clamped anyway, pow is skipped (kOrder = 5): 0.9 / rmax^(1/5) < 0.2
// for every rmax above 4.5^5 = 1845.3, and 0.9 / rmax^(1/6) > 5 for every rmax below
// 0.18^6 = 3.40e-5. The bounds used keep a margin of 0.5% or more in the factor, far beyond
// pow's error, so the result is the clamped one, bit for bit (test/unit/ode/test_ode.cpp compares
// with the formula). Neurons integrating a whole resolution step in one sub-step mostly land in
// the second case; pow was 13% of the seed sweep's time.
double y_new_factor(double rmax) {
  const double S = 0.9;
  static_assert(kOrder == 5, "the bounds below are for rkf45's order 5");
  if (rmax >= 1900.0) return 0.2;
  if (rmax <= 3.3e-5) return 5.0;
  if (rmax > 1.1) {
    double r = S / std::pow(rmax, 1.0 / kOrder);
    if (r < 0.2) r = 0.2;
    return r;
  }
  if (rmax < 0.5) {
    double r = S / std::pow(rmax, 1.0 / (kOrder + 1.0));
    if (r > 5.0) r = 5.0;
    if (r < 1.0) r = 1.0;
    return r;
  }
  return 1.0;
}

int euler_step(RhsFn f, void* ctx, double h, double* y, size_t dim, double t,
               FailureInfo* failure) {
  // Small systems (all NESTML neurons) avoid a heap allocation.
  double small[64];
  std::vector<double> big;
  double* dydt = small;
  if (dim > 64) {
    big.resize(dim);
    dydt = big.data();
  }
  if (int status = f(t, y, dydt, ctx)) return status;
  for (size_t i = 0; i < dim; ++i)
    if (!std::isfinite(dydt[i])) {
      if (failure) *failure = {int(i), dydt[i], t, h};
      return kStatusRhsNonFinite;  // y is left as it was
    }
  for (size_t i = 0; i < dim; ++i) y[i] += h * dydt[i];
  for (size_t i = 0; i < dim; ++i)
    if (!std::isfinite(y[i])) {
      if (failure) *failure = {int(i), y[i], t + h, h};
      return kStatusNonFinite;
    }
  return 0;
}

}  // namespace nestjit::ode
