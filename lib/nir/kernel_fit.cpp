// Numeric fit of the lowest-order linear homogeneous ODE a kernel k(t) satisfies.
#include "nir/kernel_fit.h"

#include <Eigen/Dense>
#include <cmath>
#include <fmt/format.h>

#include "nir/symbolic.h"

namespace nestjit::nir {

std::optional<double> evaluate_at(const Expr& e, double t) {
  using K = Expr::Kind;
  using B = sema::Builtin;
  std::vector<double> a;
  for (const auto& x : e.args) {
    auto v = evaluate_at(*x, t);
    if (!v) return std::nullopt;
    a.push_back(*v);
  }
  switch (e.kind) {
    case K::Const: return e.value;
    case K::Time: return t;
    case K::Unary:
      if (e.op == Op::Neg) return -a[0];
      if (e.op == Op::ToF64) return a[0];
      return std::nullopt;
    case K::Binary:
      switch (e.op) {
        case Op::Add: return a[0] + a[1];
        case Op::Sub: return a[0] - a[1];
        case Op::Mul: return a[0] * a[1];
        case Op::Div: return a[0] / a[1];
        case Op::Pow: return std::pow(a[0], a[1]);
        default: return std::nullopt;
      }
    case K::Builtin:
      switch (e.builtin) {
        case B::Exp: return std::exp(a[0]);
        case B::Expm1: return std::expm1(a[0]);
        case B::Ln: return std::log(a[0]);
        case B::Log10: return std::log10(a[0]);
        case B::Sin: return std::sin(a[0]);
        case B::Cos: return std::cos(a[0]);
        case B::Tan: return std::tan(a[0]);
        case B::Sinh: return std::sinh(a[0]);
        case B::Cosh: return std::cosh(a[0]);
        case B::Tanh: return std::tanh(a[0]);
        case B::Erf: return std::erf(a[0]);
        case B::Erfc: return std::erfc(a[0]);
        case B::Abs: return std::fabs(a[0]);
        case B::Pow: return std::pow(a[0], a[1]);
        default: return std::nullopt;
      }
    default: return std::nullopt;  // slots (parameters, internals), calls, ...
  }
}

std::optional<KernelFit> fit_kernel_ode(const Expr& k, int max_order, std::string& why) {
  if (!evaluate_at(k, 1.0)) {
    why = "it depends on parameters or internals (only exp-polynomial kernels may)";
    return std::nullopt;
  }
  // k, k', ..., k^(max_order), symbolically.
  std::vector<ExprPtr> d;
  d.push_back(sym::clone(k));
  for (int i = 0; i < max_order; ++i) {
    ExprPtr next = sym::derivative(*d.back(), -1);
    if (!next) {
      why = "it cannot be differentiated";
      return std::nullopt;
    }
    d.push_back(std::move(next));
  }
  // Sample points inside the kernel's support (ms), avoiding t = 0 where forms such as
  // t^a are singular; the last ones verify the fit.
  auto sample = [](int j) { return 0.25 + 0.37 * j; };
  constexpr int kVerify = 6;
  for (int n = 1; n <= max_order; ++n) {
    Eigen::MatrixXd M(n, n);
    Eigen::VectorXd r(n);
    bool finite = true;
    auto value = [&](int order, double t) {
      auto v = evaluate_at(*d[size_t(order)], t);
      if (!v || !std::isfinite(*v)) finite = false;
      return v.value_or(0.0);
    };
    for (int j = 0; j < n; ++j) {
      for (int i = 0; i < n; ++i) M(j, i) = value(i, sample(j));
      r(j) = value(n, sample(j));
    }
    if (!finite) continue;
    Eigen::FullPivLU<Eigen::MatrixXd> lu(M);
    if (lu.rank() < n) continue;
    Eigen::VectorXd c = lu.solve(r);
    bool holds = true;
    for (int j = n; j < n + kVerify && holds; ++j) {
      const double t = sample(j);
      double lhs = value(n, t), rhs = 0.0, scale = std::fabs(lhs);
      for (int i = 0; i < n; ++i) {
        rhs += c(i) * value(i, t);
        scale = std::max(scale, std::fabs(c(i) * value(i, t)));
      }
      holds = finite && std::fabs(lhs - rhs) <= 1e-8 * std::max(scale, 1e-300);
    }
    if (holds) return KernelFit{std::vector<double>(c.data(), c.data() + n)};
  }
  why = fmt::format("it satisfies no linear homogeneous ODE with constant coefficients of "
                    "order 1 to {}",
                    max_order);
  return std::nullopt;
}

}  // namespace nestjit::nir
