// SPDX-License-Identifier: Apache-2.0
// Adaptive Runge-Kutta-Fehlberg 4(5) integration that reproduces, bit for bit, what NEST's
// NESTML-generated neurons get from GSL's old odeiv API: the rkf45 stepper, the standard
// step-size control (gsl_odeiv_control_y_new: a_y = 1, a_dydt = 0) and evolve_apply called
// in a loop until the local time reaches the resolution h, with the adaptive sub-step carried
// from one simulation step to the next. Written from the documented algorithm; GSL is never
// linked. Floating-point operations are kept in the same order as in GSL so the results are
// identical, which is why some expressions below look needlessly spelled out.
#pragma once
#include <cstddef>
#include <vector>

#include "ode/solver_status.h"

namespace nestjit::ode {

// dy/dt = f(t, y); `ctx` is opaque model-instance data. Returns 0 on success, nonzero =
// failure (the code is handed back to the caller of integrate unchanged).
using RhsFn = int (*)(double t, const double* y, double* dydt, void* ctx);


struct Rkf45Stats {
  long steps = 0;         // accepted sub-steps
  long failed_steps = 0;  // attempts rejected by the error control and retried smaller
  long rhs_evals = 0;
};

class Rkf45 {
 public:
  explicit Rkf45(size_t dim);  // allocates its scratch once

  // Advances y over [0, h]; `step` is the adaptive sub-step, in/out, carried across calls
  // (NEST starts it at h). Returns 0 on success or a nonzero status: the RHS's own failure
  // code (y then holds the state at the start of the failing sub-step), kStatusRhsNonFinite
  // (f at an accepted state gave NaN or inf; failure() names the component; non-finite
  // stages at trial points only shrink the step, as in GSL), kStatusNonFinite (an accepted
  // sub-step is not finite: y holds exactly what GSL produced; NEST would carry on with it),
  // kStatusStepUnderflow / kStatusStepTooSmall / kStatusTooManySteps (where NEST would
  // spin for ever or for hours), kStatusBadArgument. None of these checks changes a
  // successful integration: results stay identical to GSL's.
  int integrate(RhsFn f, void* ctx, double h, double* y, double& step, double abs_tol = 1e-6,
                double rel_tol = 1e-6);

  // Error scaling of the standard control. (1, 0) = gsl_odeiv_control_y_new (the default);
  // (0, 1) = gsl_odeiv_control_yp_new (NESTML's "with_respect_to_derivative" option).
  void set_error_scaling(double a_y, double a_dydt);

  const Rkf45Stats& stats() const { return stats_; }
  // Where the last failing integrate() stopped (variable, local time, step size).
  const FailureInfo& failure() const { return failure_; }
  void reset_stats() { stats_ = {}; }
  size_t dim() const { return dim_; }

 private:
  int evolve_apply(RhsFn f, void* ctx, double& t, double t1, double& step, double* y);
  // f(t, y) with the finiteness check: kStatusRhsNonFinite when a derivative is NaN or inf.
  int eval(RhsFn f, void* ctx, double t, const double* y, double* dydt);
  int step_apply(RhsFn f, void* ctx, double t, double h, double* y);
  enum class Adjust { Decrease, Nil, Increase };
  Adjust adjust_step(const double* y, double& h) const;

  size_t dim_;
  double abs_tol_ = 1e-6, rel_tol_ = 1e-6;
  double a_y_ = 1.0, a_dydt_ = 0.0;
  Rkf45Stats stats_;
  FailureInfo failure_;
  // Scratch, one block: k1..k6, ytmp, y0 (restore point), yerr, dydt_out, ynew.
  std::vector<double> buf_;
  double *k1_, *k2_, *k3_, *k4_, *k5_, *k6_, *ytmp_, *y0_, *yerr_, *dydt_out_, *ynew_;
};

// The standard control's step factor for the largest scaled error rmax (1 = keep the step).
double y_new_factor(double rmax);

// One forward-Euler step as NESTML's "forward_Euler" option generates it: y += h * f(t, y),
// every component from the same start-of-step derivative. Returns the RHS status,
// kStatusRhsNonFinite (y untouched) or kStatusNonFinite; `failure` then says where.
int euler_step(RhsFn f, void* ctx, double h, double* y, size_t dim, double t = 0.0,
               FailureInfo* failure = nullptr);

}  // namespace nestjit::ode
