// Symbolic algebra on nir expressions, just enough for ODE analysis: copying, substitution,
// differentiation, constant folding, dependency queries and the split of a right-hand side
// into linear, constant and nonlinear parts.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "nir/model.h"

namespace nestjit::nir::sym {

ExprPtr clone(const Expr& e);
ExprPtr constant(double v);
ExprPtr slot(int index);
ExprPtr add(ExprPtr a, ExprPtr b);
ExprPtr sub(ExprPtr a, ExprPtr b);
ExprPtr mul(ExprPtr a, ExprPtr b);
ExprPtr div(ExprPtr a, ExprPtr b);
ExprPtr neg(ExprPtr a);
ExprPtr call(sema::Builtin f, ExprPtr a);

bool is_const(const Expr& e, double v);
std::optional<double> const_value(const Expr& e);

// A copy of e with every Slot in `slots` replaced by a copy of the mapped expression, and,
// if `time` is set, every Time replaced by that expression.
ExprPtr substitute(const Expr& e, const std::map<int, const Expr*>& slots,
                   const Expr* time = nullptr);

// d e / d x, where x is the slot `var`, or the time t when var < 0. Returns nullptr when e
// contains something that cannot be differentiated (user function calls, random numbers).
ExprPtr derivative(const Expr& e, int var);

// Whether e reads any slot of `slots` (or t when `time`).
bool depends_on(const Expr& e, const std::set<int>& slots, bool time = false);
void collect_slots(const Expr& e, std::set<int>& out);

// e = sum_j coefficient_j * x_j + constant, with coefficients and constant free of the
// variables `vars`. nullopt when e is not affine in them.
struct Affine {
  std::map<int, ExprPtr> coefficients;  // slot -> coefficient (only nonzero ones)
  ExprPtr constant;
};
std::optional<Affine> affine(const Expr& e, const std::set<int>& vars);

// Structural equality (same tree, same constants).
bool equal(const Expr& a, const Expr& b);

}  // namespace nestjit::nir::sym
