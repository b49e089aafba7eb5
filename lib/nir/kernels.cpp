// Kernels given as functions of t: the linear ODE they satisfy, from their structure.
#include "nir/kernels.h"

#include <cmath>
#include <functional>

#include "nir/symbolic.h"

namespace nestjit::nir {

namespace {

bool term_structure(const Expr& x, ExprPtr& rate, int& degree);

// Collects the exponential rates of an exp-polynomial in t with their multiplicities.
bool exp_poly_rates(const Expr& e, std::vector<std::pair<ExprPtr, int>>& rates) {
  std::vector<const Expr*> terms;
  std::function<void(const Expr&)> split = [&](const Expr& x) {
    const bool t_free0 = !x.args.empty() && !sym::depends_on(*x.args[0], {}, true);
    const bool t_free1 = x.args.size() > 1 && !sym::depends_on(*x.args[1], {}, true);
    if (x.kind == Expr::Kind::Binary && (x.op == Op::Add || x.op == Op::Sub)) {
      split(*x.args[0]);
      split(*x.args[1]);
    } else if (x.kind == Expr::Kind::Binary && x.op == Op::Mul && (t_free0 || t_free1)) {
      // c * (sum of terms), with c free of t (a parameter or internal, as in
      // g0 * (exp(-t/tau_d) - exp(-t/tau_r))): the factor scales every term, rates unchanged.
      split(t_free0 ? *x.args[1] : *x.args[0]);
    } else if (x.kind == Expr::Kind::Binary && x.op == Op::Div && t_free1) {
      split(*x.args[0]);
    } else if (x.kind == Expr::Kind::Unary && (x.op == Op::Neg || x.op == Op::ToF64)) {
      split(*x.args[0]);
    } else {
      terms.push_back(&x);
    }
  };
  split(e);
  for (const Expr* term : terms) {
    ExprPtr rate = sym::constant(0.0);
    int degree = 0;
    if (!term_structure(*term, rate, degree)) return false;
    bool found = false;
    for (auto& [a, m] : rates)
      if (sym::equal(*a, *rate)) {
        m = std::max(m, degree + 1);
        found = true;
      }
    if (!found) rates.emplace_back(std::move(rate), degree + 1);
  }
  // A purely constant kernel (rate 0, degree 0) is K' = 0.
  return !rates.empty();
}

// term = c(not t) * t^degree * exp(rate * t + b): accumulates rate and degree.
bool term_structure(const Expr& x, ExprPtr& rate, int& degree) {
  if (!sym::depends_on(x, {}, true)) return true;
  switch (x.kind) {
    case Expr::Kind::Time: degree += 1; return true;
    case Expr::Kind::Unary:
      return (x.op == Op::Neg || x.op == Op::ToF64) && term_structure(*x.args[0], rate, degree);
    case Expr::Kind::Binary:
      if (x.op == Op::Mul)
        return term_structure(*x.args[0], rate, degree) && term_structure(*x.args[1], rate, degree);
      if (x.op == Op::Div)
        return !sym::depends_on(*x.args[1], {}, true) && term_structure(*x.args[0], rate, degree);
      if (x.op == Op::Pow) {
        auto n = sym::const_value(*x.args[1]);
        if (!n || *n < 0 || *n != std::floor(*n) || x.args[0]->kind != Expr::Kind::Time) return false;
        degree += int(*n);
        return true;
      }
      return false;
    case Expr::Kind::Builtin: {
      if (x.builtin != sema::Builtin::Exp) return false;
      ExprPtr d = sym::derivative(*x.args[0], -1);
      if (!d || sym::depends_on(*d, {}, true)) return false;  // exponent not linear in t
      rate = sym::add(std::move(rate), std::move(d));
      return true;
    }
    default: return false;
  }
}

}  // namespace

std::optional<std::vector<ExprPtr>> kernel_characteristic_polynomial(const Expr& k) {
  std::vector<std::pair<ExprPtr, int>> rates;  // rate expression, multiplicity
  if (!exp_poly_rates(k, rates)) return std::nullopt;
  // Coefficients p[0..n] with p[n] = 1, built symbolically.
  std::vector<ExprPtr> p;
  p.push_back(sym::constant(1.0));
  for (auto& [a, m] : rates)
    for (int r = 0; r < m; ++r) {
      // (sum p_i s^i)(s - a): new_i = p_{i-1} - a p_i
      std::vector<ExprPtr> q(p.size() + 1);
      for (size_t i = 0; i < q.size(); ++i) {
        ExprPtr lo = i > 0 ? sym::clone(*p[i - 1]) : sym::constant(0.0);
        ExprPtr hi = i < p.size() ? sym::mul(sym::clone(*a), sym::clone(*p[i])) : sym::constant(0.0);
        q[i] = sym::sub(std::move(lo), std::move(hi));
      }
      p = std::move(q);
    }
  return p;
}

}  // namespace nestjit::nir
