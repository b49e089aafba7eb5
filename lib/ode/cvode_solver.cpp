#include "ode/cvode_solver.h"

#include <Eigen/Dense>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <cvode/cvode.h>
#include <fmt/format.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

namespace nestjit::ode {

struct Cvode::Impl {
  size_t n;
  RhsFn f;
  JacFn jac;
  double abs_tol, rel_tol;
  SUNContext sun = nullptr;
  void* mem = nullptr;
  N_Vector y = nullptr;
  SUNMatrix A = nullptr;
  SUNLinearSolver ls = nullptr;
  void* user_ctx = nullptr;
  double t = 0.0;                // CVODE's clock
  std::vector<double> last;      // state CVODE returned last time
  std::vector<double> jac_buf;   // row-major scratch for the JIT Jacobian
  bool started = false;
  FailureInfo* failure = nullptr;    // where rhs/jacobian record a non-finite value
  std::vector<CvodeReport> reports;  // SUNDIALS' messages, one per (flag, function)
  bool step_collapsed = false;       // CVODE warned "t + h = t" during this integrate()
  int nonfinite_rhs = 0;             // non-finite derivatives seen during this integrate()
  static constexpr int kMaxNonFiniteRetries = 20;
  double collapsed_step = std::nan("");  // the smallest step such a warning named

  // A derivative that is NaN or inf is a recoverable error (1): the point may be a trial
  // state of a too-long step, and CVODE retries with a smaller step, at most a few times
  // (then CV_REPTD_RHSFUNC_ERR; CV_FIRST_RHSFUNC_ERR at the start). Where it happened is
  // kept for the message.
  static int rhs(sunrealtype t, N_Vector y, N_Vector ydot, void* data) {
    auto* self = static_cast<Impl*>(data);
    double* dy = N_VGetArrayPointer(ydot);
    if (self->f(t, N_VGetArrayPointer(y), dy, self->user_ctx) != 0) return -1;
    for (size_t i = 0; i < self->n; ++i)
      if (!std::isfinite(dy[i])) {
        *self->failure = {int(i), dy[i], t, std::nan("")};
        // A derivative that stays non-finite however short the step would let CVODE creep
        // towards it until it runs out of steps: give up after a few retries.
        return ++self->nonfinite_rhs > kMaxNonFiniteRetries ? -1 : 1;
      }
    return 0;
  }

  // Replaces SUNDIALS' default handler, which prints to stderr.
  static void on_error(int flag, const char*, const char* function, char* msg, void* data) {
    auto* self = static_cast<Impl*>(data);
    // "t + h = t on the next step" (CV_WARNING from cvStep / cvHin): the step collapsed.
    // The message carries the collapsed step ("Internal t = %lg and h = %lg are such
    // that ..."): CVODE offers no getter for it, and after the warning the step may grow
    // again, so CVodeGetLastStep would show a harmless value.
    if (flag == CV_WARNING && std::strstr(msg, "t + h = t")) {
      self->step_collapsed = true;
      if (const char* h = std::strstr(msg, "h = ")) {
        const double value = std::strtod(h + 4, nullptr);
        if (value > 0 && !(value >= self->collapsed_step)) self->collapsed_step = value;
      }
    }
    for (auto& r : self->reports)
      if (r.flag == flag && r.function == function) {
        ++r.count;
        return;
      }
    self->reports.push_back({flag, function, msg, 1});
  }

  static int jacobian(sunrealtype t, N_Vector y, N_Vector, SUNMatrix J, void* data, N_Vector,
                      N_Vector, N_Vector) {
    auto* self = static_cast<Impl*>(data);
    if (self->jac(t, N_VGetArrayPointer(y), self->jac_buf.data(), self->user_ctx) != 0) return -1;
    for (size_t k = 0; k < self->jac_buf.size(); ++k)
      if (!std::isfinite(self->jac_buf[k])) {
        *self->failure = {int(k / self->n), self->jac_buf[k], t, std::nan("")};
        return -1;
      }
    // SUNDIALS dense matrices are column-major.
    for (size_t i = 0; i < self->n; ++i)
      for (size_t j = 0; j < self->n; ++j)
        SM_ELEMENT_D(J, sunindextype(i), sunindextype(j)) = self->jac_buf[i * self->n + j];
    return 0;
  }
};

Cvode::Cvode(size_t dim, RhsFn f, JacFn jac, double abs_tol, double rel_tol)
    : impl_(std::make_unique<Impl>()) {
  impl_->n = dim;
  impl_->f = f;
  impl_->jac = jac;
  impl_->abs_tol = abs_tol;
  impl_->rel_tol = rel_tol;
  impl_->last.assign(dim, std::nan(""));
  impl_->jac_buf.assign(dim * dim, 0.0);
  SUNContext_Create(nullptr, &impl_->sun);
  impl_->y = N_VNew_Serial(sunindextype(dim), impl_->sun);
  impl_->mem = CVodeCreate(CV_BDF, impl_->sun);
  impl_->failure = &failure_;
  if (impl_->mem) CVodeSetErrHandlerFn(impl_->mem, Impl::on_error, impl_.get());
  impl_->A = SUNDenseMatrix(sunindextype(dim), sunindextype(dim), impl_->sun);
  impl_->ls = SUNLinSol_Dense(impl_->y, impl_->A, impl_->sun);
}

Cvode::~Cvode() {
  if (impl_->mem) CVodeFree(&impl_->mem);
  if (impl_->ls) SUNLinSolFree(impl_->ls);
  if (impl_->A) SUNMatDestroy(impl_->A);
  if (impl_->y) N_VDestroy(impl_->y);
  if (impl_->sun) SUNContext_Free(&impl_->sun);
}

std::vector<CvodeReport> Cvode::take_reports() {
  std::vector<CvodeReport> out;
  out.swap(impl_->reports);
  return out;
}

int Cvode::integrate(void* ctx, double h, double* y, size_t exact_from) {
  Impl& m = *impl_;
  m.user_ctx = ctx;
  failure_.clear();
  m.step_collapsed = false;
  m.collapsed_step = std::nan("");
  m.nonfinite_rhs = 0;
  if (!m.mem || !m.y || !m.A || !m.ls) {
    message_ = "CVODE could not allocate its memory";
    return CV_MEM_NULL;
  }
  double* yv = N_VGetArrayPointer(m.y);
  bool changed = false;
  for (size_t i = 0; i < m.n && !changed; ++i) {
    if (i < exact_from) {
      changed = y[i] != m.last[i];
    } else {
      const double tol = 10 * (m.rel_tol * std::fabs(m.last[i]) + m.abs_tol);
      changed = !(std::fabs(y[i] - m.last[i]) <= tol);
    }
  }
  int flag = 0;
  if (!m.started) {
    std::memcpy(yv, y, m.n * sizeof(double));
    flag = CVodeInit(m.mem, Impl::rhs, m.t, m.y);
    if (flag == 0) flag = CVodeSetUserData(m.mem, &m);
    if (flag == 0) flag = CVodeSStolerances(m.mem, m.rel_tol, m.abs_tol);
    if (flag == 0) flag = CVodeSetLinearSolver(m.mem, m.ls, m.A);
    if (flag == 0 && m.jac) flag = CVodeSetJacFn(m.mem, Impl::jacobian);
    if (flag == 0) flag = CVodeSetMaxNumSteps(m.mem, kMaxCvodeStepsPerInterval);
    if (flag != 0) {
      message_ = "CVODE setup failed (" + status_name(Solver::Cvode, flag) + ")";
      return flag;
    }
    m.started = true;
  } else if (changed) {
    // The state was changed between steps (a jump or a reset): a real discontinuity.
    std::memcpy(yv, y, m.n * sizeof(double));
    flag = CVodeReInit(m.mem, m.t, m.y);
    ++stats_.restarts;
    if (flag != 0) {
      message_ = "CVODE restart failed (" + status_name(Solver::Cvode, flag) + ")";
      return flag;
    }
  }
  const double t_end = m.t + h;
  CVodeSetStopTime(m.mem, t_end);
  double t_ret = m.t;
  const double t_start = m.t;
  flag = CVode(m.mem, t_end, m.y, &t_ret, CV_NORMAL);
  long v = 0;
  // The step the failure is about: the next one CVODE wanted to try when it is smaller
  // than the last it took (after "t + h = t" the last successful step is long past).
  double last_step = 0.0, next_step = 0.0;
  CVodeGetLastStep(m.mem, &last_step);
  CVodeGetCurrentStep(m.mem, &next_step);
  if (std::isnan(failure_.step))
    failure_.step = m.collapsed_step > 0 ? m.collapsed_step
                    : next_step > 0 && next_step < last_step ? next_step : last_step;
  if (std::isnan(failure_.t)) failure_.t = t_ret - t_start;
  else failure_.t -= t_start;
  if (flag < 0 || m.step_collapsed || !(t_ret >= t_end)) {
    // The last message SUNDIALS gave explains the failure in its own words.
    message_.clear();
    for (auto it = m.reports.rbegin(); it != m.reports.rend(); ++it)
      if (it->flag == flag || (flag >= 0 && it->warning())) {
        message_ = it->message;
        break;
      }
    // Force a fresh start next time: CVODE's history is no longer trustworthy.
    m.last.assign(m.n, std::nan(""));
    // The right-hand side or Jacobian refused a non-finite value (CV_RHSFUNC_FAIL,
    // CV_LSETUP_FAIL, ...): say so, naming the variable, rather than CVODE's generic flag.
    // Any failure after non-finite derivatives (CV_RHSFUNC_FAIL, CV_REPTD_RHSFUNC_ERR,
    // CV_LSETUP_FAIL, or running out of steps while avoiding them) is about them.
    if (flag < 0 && failure_.variable >= 0) return kStatusRhsNonFinite;
    if (flag < 0) return flag;
    return m.step_collapsed ? kStatusStepTooSmall : kStatusNoProgress;
  }
  m.t = t_end;
  std::memcpy(y, yv, m.n * sizeof(double));
  std::memcpy(m.last.data(), yv, m.n * sizeof(double));
  CVodeGetNumSteps(m.mem, &v);
  stats_.steps = v;
  CVodeGetNumRhsEvals(m.mem, &v);
  stats_.rhs_evals = v;
  CVodeGetNumJacEvals(m.mem, &v);
  stats_.jac_evals = v;
  for (size_t i = 0; i < m.n; ++i)
    if (!std::isfinite(y[i])) {
      failure_ = {int(i), y[i], h, last_step};
      return kStatusNonFinite;
    }
  return 0;
}

double spectral_radius(size_t n, const double* matrix) {
  Eigen::MatrixXd M(n, n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) M(Eigen::Index(i), Eigen::Index(j)) = matrix[i * n + j];
  if (!M.allFinite()) return std::numeric_limits<double>::infinity();
  Eigen::EigenSolver<Eigen::MatrixXd> es(M, false);
  double r = 0;
  for (Eigen::Index i = 0; i < es.eigenvalues().size(); ++i) r = std::max(r, std::abs(es.eigenvalues()[i]));
  return r;
}

}  // namespace nestjit::ode
