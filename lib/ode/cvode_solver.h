// Stiff systems: SUNDIALS CVODE (BDF, Newton iteration with a dense direct solver), the only
// SUNDIALS user in nestjit. One Cvode object per model instance and system keeps CVODE's
// history across time steps; it restarts (CVodeReInit) only when the state was changed from
// outside between steps (a spike jump, a reset): restarts cost 10-20 internal steps each.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "ode/rkf45.h"

namespace nestjit::ode {

// J (row-major n*n) = d f / d y at (t, y).
using JacFn = int (*)(double t, const double* y, double* jac, void* ctx);

// A condition SUNDIALS reported through its error handler (never printed): the flag
// (CV_WARNING = 99 for warnings), the CVODE function, its first message text, and how often
// the same (flag, function) pair came up since the last take_reports().
struct CvodeReport {
  int flag = 0;
  std::string function;
  std::string message;
  long count = 0;
  bool warning() const { return flag > 0; }
};

struct CvodeStats {
  long steps = 0, rhs_evals = 0, jac_evals = 0, restarts = 0;
};

class Cvode {
 public:
  // jac may be null (CVODE then uses difference quotients).
  Cvode(size_t dim, RhsFn f, JacFn jac, double abs_tol = 1e-6, double rel_tol = 1e-6);
  ~Cvode();
  Cvode(const Cvode&) = delete;
  Cvode& operator=(const Cvode&) = delete;

  // Advances y over [0, h] (local time; CVODE's own clock keeps running across calls).
  // `ctx` is handed to f and jac. Entries from `exact_from` on are states that the caller
  // also advances itself (convolutions, exactly): they only force a restart when they
  // moved by more than the tolerance (a spike increment), not when they differ by CVODE's
  // own integration error. Returns 0, CVODE's negative flag, or one of nestjit's statuses
  // (solver_status.h): kStatusRhsNonFinite (f gave NaN/inf; failure() names the variable),
  // kStatusStepTooSmall (CVODE warned that t + h = t: the step collapsed), kStatusNoProgress,
  // kStatusNonFinite. On failure y is left as the caller passed it. message() explains.
  // At most kMaxCvodeStepsPerInterval internal steps are taken (then CV_TOO_MUCH_WORK).
  int integrate(void* ctx, double h, double* y, size_t exact_from = size_t(-1));
  const std::string& message() const { return message_; }
  const CvodeStats& stats() const { return stats_; }
  const FailureInfo& failure() const { return failure_; }
  // SUNDIALS' own error and warning messages since the last call, one per condition.
  std::vector<CvodeReport> take_reports();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  CvodeStats stats_;
  std::string message_;
  FailureInfo failure_;
};

// Largest |eigenvalue| of a row-major n*n matrix: the stiffness estimate's spectral radius.
double spectral_radius(size_t n, const double* matrix);

}  // namespace nestjit::ode
