// Expressions: names (declared before use, in scope), operators with their unit rules.
#include "sema/checking/checker.h"

#include <cmath>
#include <fmt/format.h>

namespace nestjit::sema::checking {

Type Checker::record(const Expr& e, Type t, const Symbol* s) {
  ExprInfo& info = m_->exprs[&e];
  info.type = t;
  info.symbol = s;
  return t;
}

Type Checker::expr(const Expr& e, Context ctx) {
  switch (e.kind) {
    case EK::Number: return record(e, e.is_integer ? Type::integer() : Type::real());
    case EK::Bool: return record(e, Type::boolean());
    case EK::String: return record(e, Type::string());
    case EK::Inf: return record(e, Type::real());
    case EK::Paren: return record(e, expr(*e.args[0], ctx));
    case EK::Name: return name(e, ctx);
    case EK::Call: return call(e, ctx);
    case EK::Unary: return unary(e, ctx);
    case EK::Binary: return binary(e, ctx);
    case EK::Ternary: {
      Type c = expr(*e.args[0], ctx);
      require_boolean(c, *e.args[0], "?:");
      Type a = expr(*e.args[1], ctx);
      Type b = expr(*e.args[2], ctx);
      if (a.is_error() || b.is_error()) return record(e, Type::error());
      if (a.kind == Type::Kind::Quantity && b.kind == Type::Kind::Quantity && a.dim != b.dim)
        warning("W-TERNARY-UNITS", e.span,
                fmt::format("the branches have different units ({} and {})", a.to_string(),
                            b.to_string()));
      if (a.kind == Type::Kind::Integer && b.kind == Type::Kind::Quantity) return record(e, b);
      return record(e, a);
    }
  }
  return record(e, Type::error());
}

Type Checker::name(const Expr& e, Context ctx) {
  if (e.args.size() == 1) {
    Type it = expr(*e.args[0], ctx);
    if (!it.is_error() && it.kind != Type::Kind::Integer)
      error("E-VECTOR-INDEX", e.args[0]->span,
            fmt::format("the index of '{}' must be an integer, not {}", e.text, it.to_string()));
    if (auto v = constant_value(*e.args[0]); v && *v < 0)
      error("E-VECTOR-INDEX", e.args[0]->span,
            fmt::format("the index of '{}' must not be negative ({})", e.text, *v));
  }
  const Symbol* s = lookup(e.text, e.primes);
  // Inside the initializer of a model-level declaration: its own name is a recursive
  // definition; a later name of the same block is used before its declaration (a unit of
  // that name still means the unit there).
  if (s && current_decl_ && s->declaration == current_decl_) {
    error("E-VARIABLE-RECURSIVE", e.span,
          fmt::format("'{}' is used in its own initializer", e.text),
          "a variable cannot be defined in terms of itself; use another variable or a literal");
    return record(e, Type::error());
  }
  if (s && current_decl_ && s->declaration && s->kind != SymbolKind::Local &&
      pos(s->declaration->span) > pos(current_decl_->span)) {
    bool same_block = s->kind == current_decl_kind_;
    if (e.primes == 0 && units::lookup(e.text)) {
      s = nullptr;  // the unit: the variable only wins from its declaration on
    } else if (same_block) {
      error("E-VARIABLE-USED-BEFORE-DECLARATION", e.span,
            fmt::format("'{}' is used before its declaration at line {}", e.text,
                        s->span.line),
            "a block is evaluated top to bottom: move the declaration of '" + e.text +
                "' above this line");
      return record(e, s->type, s);
    }
  }
  if (s) {
    if (s->kind == SymbolKind::Kernel)
      error("E-KERNEL-OUTSIDE-CONVOLVE", e.span,
            fmt::format("kernel '{}' can only be used inside convolve()", e.text),
            fmt::format("write convolve({}, <spike port>)", e.text));
    return record(e, s->type, s);
  }
  if (e.primes == 0) {
    if (auto u = units::lookup(e.text)) {
      ExprInfo& info = m_->exprs[&e];
      info.type = Type::quantity(u->dim);
      info.is_unit_name = true;
      info.unit_scale = u->internal_scale();
      return info.type;
    }
  }
  std::string full = e.text + std::string(e.primes, '\'');
  if (const SourceSpan* later = later_local(e.text, e.span)) {
    error("E-VARIABLE-USED-BEFORE-DECLARATION", e.span,
          fmt::format("'{}' is used before its declaration at line {}", full, later->line),
          "move the declaration above its first use");
    return record(e, Type::error());
  }
  std::string hint = "declare it in a state, parameters or internals block";
  if (e.primes > 0 && lookup(e.text, 0))
    hint = fmt::format("'{}' exists, but its derivative '{}' is not a state variable", e.text, full);
  error("E-VARIABLE-NOT-DEFINED", e.span, fmt::format("'{}' is not defined", full), hint);
  return record(e, Type::error());
}

Type Checker::unary(const Expr& e, Context ctx) {
  Type a = expr(*e.args[0], ctx);
  if (a.is_error()) return record(e, a);
  switch (e.op) {
    case ast::Op::Not:
      if (a.kind != Type::Kind::Boolean)
        error("E-OPERAND-TYPE", e.span,
              fmt::format("'not' needs a boolean operand, not {}", a.to_string()));
      return record(e, Type::boolean());
    case ast::Op::BitNot:
      if (a.kind != Type::Kind::Integer)
        error("E-OPERAND-TYPE", e.span, fmt::format("'~' needs an integer, not {}", a.to_string()));
      return record(e, Type::integer());
    default:
      if (!a.is_numeric())
        error("E-OPERAND-TYPE", e.span,
              fmt::format("unary '{}' needs a number, not {}", ast::op_spelling(e.op),
                          a.to_string()));
      return record(e, a);
  }
}

Type Checker::binary(const Expr& e, Context ctx) {
  Type a = expr(*e.args[0], ctx);
  Type b = expr(*e.args[1], ctx);
  if (a.is_error() || b.is_error()) return record(e, Type::error());
  using K = Type::Kind;
  using ast::Op;
  auto numeric_or_error = [&]() {
    if (a.is_numeric() && b.is_numeric()) return true;
    error("E-OPERAND-TYPE", e.span,
          fmt::format("'{}' needs numbers, but got {} and {}", ast::op_spelling(e.op),
                      a.to_string(), b.to_string()));
    return false;
  };
  auto as_dim = [](Type t) { return t.kind == K::Quantity ? t.dim : units::Dimension{}; };
  switch (e.op) {
    case Op::Mul:
    case Op::Div: {
      if (!numeric_or_error()) return record(e, Type::error());
      if (a.kind == K::Integer && b.kind == K::Integer) return record(e, Type::integer());
      units::Dimension d = e.op == Op::Mul ? as_dim(a) * as_dim(b) : as_dim(a) / as_dim(b);
      return record(e, Type::quantity(d));
    }
    case Op::Mod:
      if (a.kind != K::Integer || b.kind != K::Integer)
        error("E-OPERAND-TYPE", e.span,
              fmt::format("'%' needs integers, but got {} and {}", a.to_string(), b.to_string()));
      return record(e, Type::integer());
    case Op::Pow: {
      if (!numeric_or_error()) return record(e, Type::error());
      if (a.kind == K::Integer && b.kind == K::Integer) return record(e, Type::integer());
      if (a.is_unit()) {
        auto p = constant_value(*e.args[1]);
        if (!p) {
          error("E-UNIT-EXPONENT", e.args[1]->span,
                "a quantity with a unit can only be raised to a constant power",
                "use a literal exponent, or make the base dimensionless");
          return record(e, Type::error());
        }
        if (!exponent_in_range(*p, *e.args[1])) return record(e, Type::error());
        return record(e, Type::quantity(a.dim.pow(*p)));
      }
      return record(e, Type::real());
    }
    case Op::Add:
    case Op::Sub: {
      if (a.kind == K::String || b.kind == K::String) return record(e, Type::string());
      if (!numeric_or_error()) return record(e, Type::error());
      if (a.kind == K::Integer && b.kind == K::Integer) return record(e, Type::integer());
      units::Dimension da = as_dim(a), db = as_dim(b);
      if (da == db) return record(e, Type::quantity(da));
      if (da.dimensionless() || db.dimensionless()) {
        warning("W-IMPLICIT-UNIT", e.span,
                fmt::format("adding {} and {}: the unitless operand is taken in internal units",
                            a.to_string(), b.to_string()),
                "give the number a unit");
        return record(e, Type::quantity(da.dimensionless() ? db : da));
      }
      error("E-UNIT-MISMATCH", e.span,
            fmt::format("cannot {} {} and {}: their physical dimensions differ",
                        e.op == Op::Add ? "add" : "subtract", a.to_string(), b.to_string()),
            "both operands of + and - need the same dimension");
      return record(e, Type::error());
    }
    case Op::Lt: case Op::Le: case Op::Eq: case Op::Ne: case Op::Ge: case Op::Gt: {
      bool comparable = (a.is_numeric() && b.is_numeric()) || a.kind == b.kind;
      if (!comparable) {
        error("E-OPERAND-TYPE", e.span,
              fmt::format("cannot compare {} with {}", a.to_string(), b.to_string()));
      } else if (a.is_numeric() && b.is_numeric() && as_dim(a) != as_dim(b)) {
        warning("W-COMPARE-UNITS", e.span,
                fmt::format("comparing {} with {}", a.to_string(), b.to_string()),
                "both sides should have the same unit");
      }
      return record(e, Type::boolean());
    }
    case Op::And:
    case Op::Or:
      if (a.kind != K::Boolean || b.kind != K::Boolean)
        error("E-OPERAND-TYPE", e.span,
              fmt::format("'{}' needs boolean operands, but got {} and {}",
                          ast::op_spelling(e.op), a.to_string(), b.to_string()));
      return record(e, Type::boolean());
    default:  // bit operators
      if (a.kind != K::Integer || b.kind != K::Integer)
        warning("W-BIT-OPERANDS", e.span, "bit operators expect integers");
      return record(e, a);
  }
}

}  // namespace nestjit::sema::checking
