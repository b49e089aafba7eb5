// Statements: declarations, assignments (assignability with units), control flow.
#include "sema/checking/checker.h"

#include <fmt/format.h>

namespace nestjit::sema::checking {

void Checker::check_block(const ast::Block& block, Context ctx) {
  scopes_.emplace_back();
  for (const auto& s : block) stmt(*s, ctx);
  scopes_.pop_back();
}

void Checker::stmt(const ast::Stmt& s, Context ctx) {
  using SK = ast::Stmt::Kind;
  switch (s.kind) {
    case SK::Declaration: {
      const auto& d = *s.declaration;
      Type t = declared_type(d.type);
      if (d.init) check_assignable(t, expr(*d.init, ctx), *d.init, d.names.empty() ? "" : d.names[0]);
      for (size_t i = 0; i < d.names.size(); ++i) {
        SourceSpan span = i < d.name_spans.size() ? d.name_spans[i] : d.span;
        redeclaration_check(d.names[i], 0, span);
        auto sym = std::make_unique<Symbol>();
        sym->name = d.names[i];
        sym->kind = SymbolKind::Local;
        sym->type = t;
        sym->span = span;
        sym->declaration = &d;
        sym->init = d.init.get();
        scopes_.back().push_back(sym.get());
        m_->symbols.push_back(std::move(sym));
      }
      break;
    }
    case SK::Assignment: assignment(s, ctx); break;
    case SK::Call: expr(*s.value, ctx); break;
    case SK::Return:
      if (s.value) expr(*s.value, ctx);
      break;
    case SK::If:
      for (const auto& b : s.branches) {
        if (b.condition) require_boolean(expr(*b.condition, ctx), *b.condition, "if");
        check_block(b.body, ctx);
      }
      break;
    case SK::While:
      require_boolean(expr(*s.value, ctx), *s.value, "while");
      check_block(s.body, ctx);
      break;
    case SK::For: {
      Type from = expr(*s.from, ctx);
      Type to = expr(*s.to, ctx);
      for (const auto* bound : {&from, &to})
        if (!bound->is_error() && !bound->is_numeric())
          error("E-FOR-BOUNDS", (bound == &from ? s.from : s.to)->span,
                fmt::format("the bounds of a for loop must be numbers, not {}",
                            bound->to_string()));
      const Symbol* v = lookup(s.loop_var, 0);
      if (!v) {
        // Upstream accepts an undeclared loop variable (tests/valid/CoCoIllegalExpression):
        // it is then a local of the loop, typed like the lower bound.
        auto sym = std::make_unique<Symbol>();
        sym->name = s.loop_var;
        sym->kind = SymbolKind::Local;
        sym->type = from.kind == Type::Kind::Integer ? Type::integer() : Type::real();
        sym->span = s.loop_var_span;
        v = sym.get();
        scopes_.emplace_back();
        scopes_.back().push_back(sym.get());
        m_->symbols.push_back(std::move(sym));
        m_->loop_vars[&s] = v;
        check_block(s.body, ctx);
        scopes_.pop_back();
        break;
      }
      m_->loop_vars[&s] = v;
      if (!v->type.is_error() && !v->type.is_numeric())
        error("E-FOR-BOUNDS", s.loop_var_span,
              fmt::format("loop variable '{}' must be a number, not {}", s.loop_var,
                          v->type.to_string()));
      check_block(s.body, ctx);
      break;
    }
  }
}

void Checker::assignment(const ast::Stmt& s, Context ctx) {
  const Expr& target = *s.target;
  const Symbol* sym = lookup(target.text, target.primes);
  Type vt = expr(*s.value, ctx);
  if (target.args.size() == 1) {
    Type it = expr(*target.args[0], ctx);
    if (!it.is_error() && it.kind != Type::Kind::Integer)
      error("E-VECTOR-INDEX", target.args[0]->span,
            fmt::format("the index of '{}' must be an integer, not {}", target.text,
                        it.to_string()));
    if (auto v = constant_value(*target.args[0]); v && *v < 0)
      error("E-VECTOR-INDEX", target.args[0]->span,
            fmt::format("the index of '{}' must not be negative ({})", target.text, *v));
  }
  if (!sym && later_local(target.text, target.span)) {
    error("E-VARIABLE-USED-BEFORE-DECLARATION", target.span,
          fmt::format("'{}' is assigned before its declaration at line {}", target.text,
                      later_local(target.text, target.span)->line),
          "move the declaration above its first use");
    return;
  }
  if (!sym) {
    error("E-VARIABLE-NOT-DEFINED", target.span,
          fmt::format("'{}' is not declared", target.text + std::string(target.primes, '\'')),
          "declare it in a state, parameters or internals block, or as a local variable");
    return;
  }
  m_->exprs[&target] = ExprInfo{sym->type, sym};
  auto forbid = [&](const char* what, const char* code, const char* hint) {
    error(code, target.span, fmt::format("cannot assign to {} '{}'", what, sym->name), hint);
  };
  switch (sym->kind) {
    case SymbolKind::Parameter:
      return forbid("parameter", "E-ASSIGN-PARAMETER",
                    "parameters are constant during simulation; use a state variable");
    case SymbolKind::Internal:
      return forbid("internal", "E-ASSIGN-INTERNAL",
                    "internals are computed from parameters; use a state variable");
    case SymbolKind::Inline:
      return forbid("inline expression", "E-ASSIGN-INLINE",
                    "inline expressions are computed from their definition");
    case SymbolKind::SpikePort:
    case SymbolKind::ContinuousPort:
      return forbid("input port", "E-ASSIGN-PORT", "input ports are read-only");
    case SymbolKind::Predefined:
      return forbid("predefined variable", "E-ASSIGN-PREDEFINED", "");
    default: break;
  }
  if (s.assign_op == "=" || s.assign_op == "+=" || s.assign_op == "-=") {
    check_assignable(sym->type, vt, *s.value, sym->name);
  } else if (!vt.is_error() && !sym->type.is_error()) {
    // x *= y is x = x * y: y must be dimensionless for the result to keep x's unit.
    if (vt.kind == Type::Kind::Quantity && !vt.dim.dimensionless())
      error("E-TYPE-MISMATCH", s.value->span,
            fmt::format("'{} {} ...' would change the unit of '{}': the right-hand side has "
                        "unit {}",
                        sym->name, s.assign_op, sym->name, vt.to_string()),
            "only dimensionless factors can scale a variable in place");
  }
}

void Checker::require_boolean(Type t, const Expr& e, const char* what) {
  if (!t.is_error() && t.kind != Type::Kind::Boolean)
    error("E-CONDITION-NOT-BOOLEAN", e.span,
          fmt::format("the condition of '{}' must be boolean, but it has type {}", what,
                      t.to_string()),
          "compare values, e.g. 'V_m >= V_th'");
}

// Declaration and assignment compatibility (LANGUAGE.md 3.3).
bool Checker::assignable(Type target, Type value) {
  using K = Type::Kind;
  if (target.kind == value.kind)
    return target.kind != K::Quantity || target.dim == value.dim || target.dim.dimensionless();
  if (target.kind == K::Quantity && target.dim.dimensionless())
    return value.kind == K::Integer || value.kind == K::Boolean;
  if (target.kind == K::Integer) return value.kind == K::Quantity && value.dim.dimensionless();
  return false;
}

void Checker::check_assignable(Type target, Type value, const Expr& e, const std::string& name) {
  if (target.is_error() || value.is_error()) return;
  using K = Type::Kind;
  if (assignable(target, value)) return;
  std::string hint;
  if (target.is_unit() && (value.is_real() || value.kind == K::Integer))
    hint = fmt::format("give the value a unit, e.g. '... {}'", target.to_string());
  else if (target.is_unit() && value.is_unit())
    hint = "the two sides have different physical dimensions";
  error("E-TYPE-MISMATCH", e.span,
        fmt::format("'{}' has type {} but is given a value of type {}", name,
                    target.to_string(), value.to_string()),
        hint);
}

}  // namespace nestjit::sema::checking
