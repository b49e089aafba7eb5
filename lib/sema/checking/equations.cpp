// The equations block: ODEs and ODE-form kernels (left-hand sides declared, right-hand
// sides of the right unit), and integrate_odes being called where ODEs exist.
#include "sema/checking/checker.h"

#include <fmt/format.h>

namespace nestjit::sema::checking {

void Checker::check_equations() {
  for (const auto& k : model_.kernels)
    for (const auto& part : k.parts) {
      delta_allowed_ = nullptr;
      if (part.order == 0 && part.rhs->kind == EK::Call && part.rhs->text == "delta" &&
          part.rhs->args.size() == 1 && part.rhs->args[0]->kind == EK::Name &&
          part.rhs->args[0]->text == "t" && part.rhs->args[0]->primes == 0)
        delta_allowed_ = part.rhs.get();
      Type r = expr(*part.rhs, Context::Equations);
      delta_allowed_ = nullptr;
      if (part.order == 0 && !r.is_error() && !r.is_real() && r.kind != Type::Kind::Integer)
        error("E-KERNEL-TYPE", part.rhs->span,
              fmt::format("kernel '{}' must be a dimensionless function of t, but this has "
                          "type {}",
                          part.name, r.to_string()),
              "divide by the unit, e.g. exp(-t / tau)");
      if (part.order > 0) check_kernel_ode(part, r);
    }
  for (const auto& ode : model_.odes) {
    if (ode.order == 0) {
      error("E-ODE-ORDER", ode.lhs_span,
            fmt::format("the equation for '{}' has no derivative on its left-hand side",
                        ode.name),
            fmt::format("write '{}\' = ...' for a first-order ODE, or make it an inline "
                        "expression: 'inline {} <type> = ...'",
                        ode.name, ode.name));
      expr(*ode.rhs, Context::Equations);
      continue;
    }
    const Symbol* s = lookup_model(ode.name, 0);
    if (!s || s->kind != SymbolKind::State) {
      error("E-ODE-NOT-STATE", ode.lhs_span,
            fmt::format("'{}' has an ODE but is not declared in the state block", ode.name),
            fmt::format("declare it in 'state:' with an initial value, e.g. '{} real = 0'",
                        ode.name));
      expr(*ode.rhs, Context::Equations);
      continue;
    }
    Type r = check_ode_of_vector(ode, *s);
    if (r.is_error() || s->type.is_error()) continue;
    // The right-hand side of x^(n) = f must have the unit of x divided by time^n.
    units::Dimension want = s->type.dim / units::lookup("s")->dim.pow(ode.order);
    if (s->type.kind == Type::Kind::Quantity && r.kind == Type::Kind::Quantity &&
        r.dim != want)
      error("E-ODE-UNITS", ode.rhs->span,
            fmt::format("the right-hand side of {}{} has unit {} but must have {}", ode.name,
                        std::string(ode.order, '\''), r.to_string(),
                        Type::quantity(want).to_string()),
            "a derivative has the unit of its variable per unit of time (e.g. mV/ms)");
  }
}

// `x[i]' = f(i)` defines the ODE of every element of the vector x: i (a name not otherwise
// declared) is an integer standing for the element's index in the right-hand side.
// `x[2]' = ...` defines one element. Returns the right-hand side's type.
Type Checker::check_ode_of_vector(const ast::OdeEquation& ode, const Symbol& x) {
  if (!ode.index) {
    if (x.is_vector)
      error("E-ODE-INDEX", ode.lhs_span,
            fmt::format("'{}' is a vector: its ODE needs an element index", ode.name),
            fmt::format("write '{}[i]{} = ...' for every element (i is its index) or "
                        "'{}[0]{} = ...' for one",
                        ode.name, std::string(ode.order, '\''), ode.name,
                        std::string(ode.order, '\'')));
    return expr(*ode.rhs, Context::Equations);
  }
  if (!x.is_vector) {
    error("E-ODE-INDEX", ode.index->span,
          fmt::format("'{}' is not a vector and its ODE takes no index", ode.name),
          fmt::format("write '{}{} = ...'", ode.name, std::string(ode.order, '\'')));
    return expr(*ode.rhs, Context::Equations);
  }
  const ast::Expr& index = *ode.index;
  if (index.kind != ast::Expr::Kind::Name || lookup(index.text, 0)) {
    Type t = expr(index, Context::Equations);
    if (!t.is_error() && t.kind != Type::Kind::Integer)
      error("E-ODE-INDEX", index.span,
            fmt::format("the element index of '{}' must be an integer, not {}", ode.name,
                        t.to_string()));
    return expr(*ode.rhs, Context::Equations);
  }
  scopes_.emplace_back();
  auto sym = std::make_unique<Symbol>();
  sym->name = index.text;
  sym->kind = SymbolKind::Local;
  sym->type = Type::integer();
  sym->span = index.span;
  scopes_.back().push_back(sym.get());
  m_->exprs[&index] = ExprInfo{Type::integer(), sym.get()};
  m_->symbols.push_back(std::move(sym));
  Type r = expr(*ode.rhs, Context::Equations);
  scopes_.pop_back();
  return r;
}

// CoCo kernel_type for the ODE form `kernel g^(n) = rhs`: g is dimensionless, so the
// right-hand side must have unit 1/time**n and the state variable holding g^(k) (its
// initial value is the per-spike increment) 1/time**k.
void Checker::check_kernel_ode(const ast::KernelDef::Part& part, Type rhs) {
  const units::Dimension per_time = units::lookup("Hz")->dim;
  if (!rhs.is_error() && !(rhs.is_numeric() && (rhs.kind == Type::Kind::Quantity ? rhs.dim : units::Dimension{}) == per_time.pow(part.order)))
    error("E-KERNEL-TYPE", part.rhs->span,
          fmt::format("kernel '{}{}' must have unit {}, but the right-hand side has type {}",
                      part.name, std::string(part.order, '\''),
                      Type::quantity(per_time.pow(part.order)).to_string(), rhs.to_string()),
          "a kernel is dimensionless; its n-th derivative has unit 1/ms**n");
  for (int k = 0; k < part.order; ++k) {
    const Symbol* s = lookup_model(part.name, k);
    std::string full = part.name + std::string(k, '\'');
    if (!s || s->kind != SymbolKind::State) {
      error("E-KERNEL-IV-MISSING", part.lhs_span,
            fmt::format("kernel '{}{}' needs the state variable '{}' for its initial value",
                        part.name, std::string(part.order, '\''), full),
            fmt::format("declare it in 'state:', e.g. '{} {} = 0'", full,
                        k == 0 ? "real" : Type::quantity(per_time.pow(k)).to_string()));
      continue;
    }
    if (s->type.is_error()) continue;
    units::Dimension d = s->type.kind == Type::Kind::Quantity ? s->type.dim : units::Dimension{};
    if (!s->type.is_numeric() || d != per_time.pow(k))
      error("E-KERNEL-IV-TYPE", s->span,
            fmt::format("'{}' is the initial value of a kernel derivative of order {} and must "
                        "have type {}, not {}",
                        full, k, Type::quantity(per_time.pow(k)).to_string(),
                        s->type.to_string()),
            k == 0 ? "a kernel is dimensionless: use real"
                   : fmt::format("write e.g. '{} {} = 1 / ms'", full,
                                 Type::quantity(per_time.pow(k)).to_string()));
  }
}

void Checker::check_integrate_odes_called() {
  // Only ODEs need the call: convolutions (kernels) are advanced every step regardless
  // (LANGUAGE.md 7.5); upstream's corpus has kernel-only models without the call.
  if (!model_.odes.empty() && !integrate_odes_seen_)
    error("E-INTEGRATE-ODES-MISSING", model_.name_span,
          fmt::format("model '{}' has equations but never calls integrate_odes()", model_.name),
          "call integrate_odes() in the update block");
}

}  // namespace nestjit::sema::checking
