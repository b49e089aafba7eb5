// SPDX-License-Identifier: Apache-2.0
#include "ode/propagator.h"

#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>
#include <unsupported/Eigen/MatrixFunctions>

namespace nestjit::ode {

Propagator compute_propagator(size_t n, const std::vector<double>& A_rowmajor,
                              const std::vector<double>& b, double h) {
  if (A_rowmajor.size() != n * n || b.size() != n)
    throw std::invalid_argument("compute_propagator: A must be n*n and b must be n");
  const Eigen::Index m = static_cast<Eigen::Index>(n) + 1;
  // exp([[A h, b h], [0, 0]]) = [[exp(A h), int_0^h exp(A s) ds b], [0, 1]].
  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(m, m);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) M(i, j) = A_rowmajor[i * n + j] * h;
    M(i, n) = b[i] * h;
  }
  const Eigen::MatrixXd E = M.exp();

  Propagator out;
  out.n = n;
  out.P.resize(n * n);
  out.q.resize(n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) out.P[i * n + j] = E(i, j);
    out.q[i] = E(i, n);
  }
  return out;
}

void compute_step_matrices(size_t n, const double* A_rowmajor, double h, double* P, double* Q) {
  if (n == 1) {
    const double a = A_rowmajor[0];
    P[0] = std::exp(a * h);
    Q[0] = a == 0.0 ? h : (P[0] - 1.0) / a;
    return;
  }
  const Eigen::Index k = static_cast<Eigen::Index>(n);
  // exp([[A h, I h], [0, 0]]) = [[exp(A h), int_0^h exp(A s) ds], [0, I]].
  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(2 * k, 2 * k);
  for (Eigen::Index i = 0; i < k; ++i) {
    for (Eigen::Index j = 0; j < k; ++j) M(i, j) = A_rowmajor[i * k + j] * h;
    M(i, k + i) = h;
  }
  const Eigen::MatrixXd E = M.exp();
  for (Eigen::Index i = 0; i < k; ++i)
    for (Eigen::Index j = 0; j < k; ++j) {
      P[i * k + j] = E(i, j);
      Q[i * k + j] = E(i, k + j);
    }
}

}  // namespace nestjit::ode
