// The numeric treatment of kernels outside the exp-polynomial family (ODE-toolbox's
// documented approach): find the lowest order n and constants c_0..c_{n-1} with
// k^(n)(t) = sum_i c_i k^(i)(t), by evaluating the kernel's symbolic derivatives at n sample
// points, solving that linear system, and verifying the relation at further points. Works on
// kernels whose only variable is t (a kernel that reads parameters must be an
// exp-polynomial, handled symbolically by kernels.h, so that its ODE follows parameter
// changes).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "nir/model.h"

namespace nestjit::nir {

struct KernelFit {
  std::vector<double> c;  // k^(n) = sum_i c[i] k^(i), n = c.size()
};

// The fitted ODE, or nullopt with `why` saying what failed (parameters in the kernel, no
// linear constant-coefficient ODE of order <= max_order, a derivative that cannot be taken).
std::optional<KernelFit> fit_kernel_ode(const Expr& k, int max_order, std::string& why);

// The value of a t-only expression at time t (ms); nullopt when it reads anything else.
std::optional<double> evaluate_at(const Expr& e, double t);

}  // namespace nestjit::nir
