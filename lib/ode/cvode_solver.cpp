#include "ode/cvode_solver.h"

#include <Eigen/Dense>
#include <cmath>
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

  static int rhs(sunrealtype t, N_Vector y, N_Vector ydot, void* data) {
    auto* self = static_cast<Impl*>(data);
    int s = self->f(t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot), self->user_ctx);
    return s == 0 ? 0 : -1;
  }

  static int jacobian(sunrealtype t, N_Vector y, N_Vector, SUNMatrix J, void* data, N_Vector,
                      N_Vector, N_Vector) {
    auto* self = static_cast<Impl*>(data);
    if (self->jac(t, N_VGetArrayPointer(y), self->jac_buf.data(), self->user_ctx) != 0) return -1;
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

int Cvode::integrate(void* ctx, double h, double* y, size_t exact_from) {
  Impl& m = *impl_;
  m.user_ctx = ctx;
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
    if (flag == 0) flag = CVodeSetMaxNumSteps(m.mem, 100000);
    if (flag != 0) {
      message_ = fmt::format("CVODE setup failed (flag {})", flag);
      return flag;
    }
    m.started = true;
  } else if (changed) {
    // The state was changed between steps (a jump or a reset): a real discontinuity.
    std::memcpy(yv, y, m.n * sizeof(double));
    flag = CVodeReInit(m.mem, m.t, m.y);
    ++stats_.restarts;
    if (flag != 0) {
      message_ = fmt::format("CVODE restart failed (flag {})", flag);
      return flag;
    }
  }
  const double t_end = m.t + h;
  CVodeSetStopTime(m.mem, t_end);
  double t_ret = m.t;
  flag = CVode(m.mem, t_end, m.y, &t_ret, CV_NORMAL);
  if (flag < 0) {
    message_ = fmt::format("CVODE failed at local time {} (flag {}: {})", t_ret, flag,
                           CVodeGetReturnFlagName(flag));
    return flag;
  }
  m.t = t_end;
  std::memcpy(y, yv, m.n * sizeof(double));
  std::memcpy(m.last.data(), yv, m.n * sizeof(double));
  long v = 0;
  CVodeGetNumSteps(m.mem, &v);
  stats_.steps = v;
  CVodeGetNumRhsEvals(m.mem, &v);
  stats_.rhs_evals = v;
  CVodeGetNumJacEvals(m.mem, &v);
  stats_.jac_evals = v;
  for (size_t i = 0; i < m.n; ++i)
    if (!std::isfinite(y[i])) return kStatusNonFinite;
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
