// The symbolic algebra behind ODE analysis: differentiation and the affine split, checked by
// evaluating the results numerically against closed forms.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "nir/symbolic.h"

using namespace nestjit::nir;

namespace {

// Evaluates an expression over slots and t (enough of nir for these tests).
double eval(const Expr& e, const std::vector<double>& slots, double t) {
  auto a = [&](size_t i) { return eval(*e.args[i], slots, t); };
  switch (e.kind) {
    case Expr::Kind::Const: return e.value;
    case Expr::Kind::Slot: return slots.at(size_t(e.index));
    case Expr::Kind::Time: return t;
    case Expr::Kind::Unary: return e.op == Op::Neg ? -a(0) : a(0);
    case Expr::Kind::Binary:
      switch (e.op) {
        case Op::Add: return a(0) + a(1);
        case Op::Sub: return a(0) - a(1);
        case Op::Mul: return a(0) * a(1);
        case Op::Div: return a(0) / a(1);
        case Op::Pow: return std::pow(a(0), a(1));
        default: break;
      }
      break;
    case Expr::Kind::Builtin:
      switch (e.builtin) {
        case nestjit::sema::Builtin::Exp: return std::exp(a(0));
        case nestjit::sema::Builtin::Ln: return std::log(a(0));
        case nestjit::sema::Builtin::Sin: return std::sin(a(0));
        case nestjit::sema::Builtin::Cos: return std::cos(a(0));
        case nestjit::sema::Builtin::Tanh: return std::tanh(a(0));
        default: break;
      }
      break;
    default: break;
  }
  FAIL("unexpected expression kind");
  return 0;
}

ExprPtr t_() {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::Time;
  return e;
}

ExprPtr pow_(ExprPtr a, double n) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::Binary;
  e->op = Op::Pow;
  e->args.push_back(std::move(a));
  e->args.push_back(sym::constant(n));
  return e;
}

}  // namespace

TEST_CASE("symbolic: derivatives with respect to t match closed forms") {
  using sym::call;
  using sym::constant;
  using sym::mul;
  using B = nestjit::sema::Builtin;
  // alpha kernel k(t) = (e/tau) t exp(-t/tau), tau = slot 0 = 2:
  // k'(t) = (e/tau) exp(-t/tau) (1 - t/tau)
  auto k = mul(mul(sym::div(constant(M_E), sym::slot(0)), t_()),
               call(B::Exp, sym::neg(sym::div(t_(), sym::slot(0)))));
  auto dk = sym::derivative(*k, -1);
  REQUIRE(dk);
  const std::vector<double> slots{2.0};
  for (double t : {0.0, 0.5, 1.0, 3.0}) {
    CAPTURE(t);
    CHECK(eval(*dk, slots, t) == doctest::Approx(M_E / 2 * std::exp(-t / 2) * (1 - t / 2)).epsilon(1e-14));
  }
  // Second derivative: (e/tau) exp(-t/tau) (t/tau^2 - 2/tau)
  auto d2k = sym::derivative(*dk, -1);
  REQUIRE(d2k);
  CHECK(eval(*d2k, slots, 1.0) == doctest::Approx(M_E / 2 * std::exp(-0.5) * (0.25 - 1.0)).epsilon(1e-14));
  // Chain rule through sin, ln, tanh and powers.
  auto f = call(B::Sin, mul(constant(3.0), pow_(t_(), 2.0)));  // sin(3 t^2) -> 6t cos(3t^2)
  CHECK(eval(*sym::derivative(*f, -1), {}, 0.7) == doctest::Approx(6 * 0.7 * std::cos(3 * 0.49)).epsilon(1e-14));
  auto g = call(B::Ln, sym::add(constant(1.0), t_()));  // ln(1+t) -> 1/(1+t)
  CHECK(eval(*sym::derivative(*g, -1), {}, 0.3) == doctest::Approx(1 / 1.3).epsilon(1e-14));
  auto th = call(B::Tanh, t_());  // tanh -> 1 - tanh^2
  CHECK(eval(*sym::derivative(*th, -1), {}, 0.4) == doctest::Approx(1 - std::pow(std::tanh(0.4), 2)).epsilon(1e-14));
}

TEST_CASE("symbolic: derivative with respect to a slot (Jacobian entries)") {
  // f = 0.04 V^2 + 5 V - U (Izhikevich): df/dV = 0.08 V + 5, df/dU = -1.
  auto f = sym::sub(sym::add(sym::mul(sym::constant(0.04), sym::mul(sym::slot(0), sym::slot(0))),
                             sym::mul(sym::constant(5.0), sym::slot(0))),
                    sym::slot(1));
  const std::vector<double> s{-65.0, -13.0};
  CHECK(eval(*sym::derivative(*f, 0), s, 0) == doctest::Approx(0.08 * -65.0 + 5.0));
  CHECK(eval(*sym::derivative(*f, 1), s, 0) == doctest::Approx(-1.0));
}

TEST_CASE("symbolic: affine split into coefficients and constant") {
  // -(V - E)/tau + I/C with V = slot 0 (state), E, tau, I, C = slots 1..4.
  auto f = sym::add(sym::div(sym::neg(sym::sub(sym::slot(0), sym::slot(1))), sym::slot(2)),
                    sym::div(sym::slot(3), sym::slot(4)));
  auto a = sym::affine(*f, {0});
  REQUIRE(a);
  REQUIRE(a->coefficients.count(0));
  const std::vector<double> s{0.0, -70.0, 10.0, 500.0, 250.0};
  CHECK(eval(*a->coefficients.at(0), s, 0) == doctest::Approx(-0.1));
  CHECK(eval(*a->constant, s, 0) == doctest::Approx(-5.0));  // E/tau + I/C = -7 + 2
  // V * V is not affine in V; V * E is (E is not a state).
  CHECK_FALSE(sym::affine(*sym::mul(sym::slot(0), sym::slot(0)), {0}));
  CHECK(sym::affine(*sym::mul(sym::slot(0), sym::slot(1)), {0}));
  // exp(V) is not affine; exp(E) is a constant.
  CHECK_FALSE(sym::affine(*sym::call(nestjit::sema::Builtin::Exp, sym::slot(0)), {0}));
  auto c = sym::affine(*sym::call(nestjit::sema::Builtin::Exp, sym::slot(1)), {0});
  REQUIRE(c);
  CHECK(c->coefficients.empty());
}
