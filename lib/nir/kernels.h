// Kernels given as functions of t (LANGUAGE.md 7.4). A kernel that is a sum of
// polynomial(t) x exp(a t) terms solves the linear ODE whose characteristic polynomial is
// prod_j (s - a_j)^m_j, with m_j = 1 + the degree of a_j's polynomial; it is the lowest-order
// such ODE unless terms cancel. Works on the lowered (unit-free) kernel expression.
#pragma once
#include <optional>
#include <vector>

#include "nir/model.h"

namespace nestjit::nir {

// Coefficients p[0..n] (p[n] = 1) with k^(n) = -sum_{i<n} p_i k^(i), as expressions of the
// kernel's parameters; nullopt when k is not an exp-polynomial in t.
std::optional<std::vector<ExprPtr>> kernel_characteristic_polynomial(const Expr& k);

}  // namespace nestjit::nir
