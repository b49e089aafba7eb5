// Compile-time evaluation: expressions that denote a unit (for declared types) and the
// values of constant expressions (vector sizes, template arguments).
#include "sema/checking/checker.h"

#include <cmath>
#include <fmt/format.h>

namespace nestjit::sema::checking {

// A unit written as a type: names of units, `1/unit`, products, quotients, powers.
std::optional<units::Unit> Checker::unit_type(const Expr& e) {
  switch (e.kind) {
    case EK::Name: {
      auto u = units::lookup(e.text);
      if (!u) {
        error("E-UNKNOWN-UNIT", e.span, fmt::format("'{}' is not a known physical unit", e.text),
              "use an SI unit with an optional prefix, e.g. mV, ms, pA, nS, pF, GOhm");
        return std::nullopt;
      }
      return u;
    }
    case EK::Number:
      if (e.num != 1.0) {
        error("E-UNIT-NUMERATOR", e.span,
              fmt::format("the numerator of a unit type must be 1, not {}", e.num),
              "write 1/unit, or put the factor into the value");
        return std::nullopt;
      }
      return units::Unit{};
    case EK::Paren: return unit_type(*e.args[0]);
    case EK::Binary: {
      if (e.op == ast::Op::Pow) {
        auto base = unit_type(*e.args[0]);
        auto p = constant_value(*e.args[1]);
        if (!base) return std::nullopt;
        if (!p) {
          error("E-UNIT-EXPONENT", e.args[1]->span, "a unit exponent must be a constant number");
          return std::nullopt;
        }
        if (!exponent_in_range(*p, *e.args[1])) return std::nullopt;
        return base->pow(*p);
      }
      auto l = unit_type(*e.args[0]);
      auto r = unit_type(*e.args[1]);
      if (!l || !r) return std::nullopt;
      if (e.op == ast::Op::Mul) return *l * *r;
      if (e.op == ast::Op::Div) return *l / *r;
      break;
    }
    default: break;
  }
  error("E-BAD-UNIT-TYPE", e.span, "this is not a valid unit type",
        "unit types are unit names combined with *, / and ** (e.g. mV/ms, 1/s, ms**-1)");
  return std::nullopt;
}

// Unit exponents end up in dimension vectors and unit names: 1/0 or 1e308 must not.
bool Checker::exponent_in_range(double p, const Expr& where) {
  if (std::isfinite(p) && std::fabs(p) <= kMaxUnitExponent) return true;
  error("E-UNIT-EXPONENT", where.span,
        fmt::format("a unit exponent must be a finite number of at most {} in magnitude, not {}",
                    kMaxUnitExponent, p),
        "physical units have small exponents such as 2, -1 or 1/2");
  return false;
}

// Value of a constant numeric expression made of literals (exponents of units).
std::optional<double> Checker::constant_value(const Expr& e) {
  switch (e.kind) {
    case EK::Number: return e.num;
    case EK::Paren: return constant_value(*e.args[0]);
    case EK::Unary: {
      auto v = constant_value(*e.args[0]);
      if (!v) return std::nullopt;
      if (e.op == ast::Op::Neg) return -*v;
      if (e.op == ast::Op::Plus) return *v;
      return std::nullopt;
    }
    case EK::Binary: {
      auto a = constant_value(*e.args[0]);
      auto b = constant_value(*e.args[1]);
      if (!a || !b) return std::nullopt;
      switch (e.op) {
        case ast::Op::Add: return *a + *b;
        case ast::Op::Sub: return *a - *b;
        case ast::Op::Mul: return *a * *b;
        case ast::Op::Div: return *a / *b;
        case ast::Op::Pow: return std::pow(*a, *b);
        default: return std::nullopt;
      }
    }
    case EK::Name: {
      // A parameter initialised by a literal also counts (NESTML allows it).
      const Symbol* s = lookup(e.text, 0);
      if (s && s->init && (s->kind == SymbolKind::Parameter || s->kind == SymbolKind::Internal)) {
        if (s->declaration == current_decl_ || constant_depth_ > 16) return std::nullopt;
        ++constant_depth_;
        auto v = constant_value(*s->init);
        --constant_depth_;
        return v;
      }
      // A unit name counts with its written magnitude 1 (`2 mmol/pA` as an exponent is 2).
      if (!s && units::lookup(e.text)) return 1.0;
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

}  // namespace nestjit::sema::checking
