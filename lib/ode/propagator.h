// SPDX-License-Identifier: Apache-2.0
// Exact one-step propagators for affine linear systems x' = A x + b with constant b, as
// NESTML's exact-integration models use them: x(t + h) = P x(t) + q with P = exp(A h) and
// q = (integral_0^h exp(A s) ds) b. Plain vectors in and out, so callers need not include
// Eigen.
#pragma once
#include <cstddef>
#include <vector>

namespace nestjit::ode {

struct Propagator {
  size_t n = 0;
  std::vector<double> P;  // row-major n x n
  std::vector<double> q;  // n
};

// A_rowmajor has n*n entries, b has n. Both P and q come from one matrix exponential of the
// augmented (n+1)x(n+1) matrix [[A, b], [0, 0]] * h, whose top-right column is exactly
// q; this needs no inverse of A, so singular A and coinciding time constants (tau_m == tau_syn)
// work without special cases.
Propagator compute_propagator(size_t n, const std::vector<double>& A_rowmajor,
                              const std::vector<double>& b, double h);

// The step matrices of x' = A x + b over h, for b known only at run time:
// x(t+h) = P x(t) + Q b with P = expm(A h) and Q = integral_0^h expm(A s) ds.
// P and Q are row-major n*n arrays. A 1x1 system uses the closed forms exp(a h) and
// (exp(a h) - 1) / a (h when a = 0), the numbers NEST's generated code computes.
void compute_step_matrices(size_t n, const double* A_rowmajor, double h, double* P, double* Q);

}  // namespace nestjit::ode
