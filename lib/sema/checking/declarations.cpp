// Declarations: model-level variables (types, vector sizes, initializers in source
// order), ports, kernels and inline expressions become symbols.
#include "sema/checking/checker.h"

#include <fmt/format.h>
#include <set>

namespace nestjit::sema::checking {

Type Checker::declared_type(const ast::TypeExpr& t) {
  switch (t.kind) {
    case ast::TypeExpr::Kind::Integer: return Type::integer();
    case ast::TypeExpr::Kind::Real: return Type::real();
    case ast::TypeExpr::Kind::Boolean: return Type::boolean();
    case ast::TypeExpr::Kind::String: return Type::string();
    case ast::TypeExpr::Kind::Void: return Type::void_();
    case ast::TypeExpr::Kind::Unit: {
      auto u = unit_type(*t.unit);
      return u ? Type::quantity(u->dim) : Type::error();
    }
  }
  return Type::error();
}

void Checker::declare_variables() {
  std::vector<PendingDecl> all;
  for (const auto& d : model_.parameters) all.push_back({&d, SymbolKind::Parameter, {}, {}});
  for (const auto& d : model_.state) all.push_back({&d, SymbolKind::State, {}, {}});
  for (const auto& d : model_.internals) all.push_back({&d, SymbolKind::Internal, {}, {}});
  std::stable_sort(all.begin(), all.end(), [](const PendingDecl& a, const PendingDecl& b) {
    return std::pair(a.decl->span.line, a.decl->span.column) <
           std::pair(b.decl->span.line, b.decl->span.column);
  });
  for (auto& p : all) {
    const ast::Declaration& d = *p.decl;
    p.type = declared_type(d.type);
    if (p.type.kind == Type::Kind::Void)
      error("E-VOID-VARIABLE", d.type.span,
            fmt::format("variable '{}' cannot have type void", d.names.empty() ? "" : d.names[0]),
            "void is only a function return type; use real, integer, boolean, string or a unit");
    for (size_t i = 0; i < d.names.size(); ++i) {
      auto [name, order] = split_primes(d.names[i]);
      SourceSpan span = i < d.name_spans.size() ? d.name_spans[i] : d.span;
      redeclaration_check(name, order, span);
      Symbol* s = add_symbol(name, order, p.kind, p.type, span);
      s->declaration = &d;
      s->init = d.init.get();
      s->is_vector = d.vector_size != nullptr;
      p.symbols.push_back(s);
      if (units::lookup(name))
        warning("W-VARIABLE-SHADOWS-UNIT", span,
                fmt::format("variable '{}' has the name of a physical unit; the variable wins "
                            "from its declaration on",
                            name));
    }
  }
  pending_ = std::move(all);
}

void Checker::check_variable_initializers() {
  for (const auto& p : pending_) {
    const ast::Declaration& d = *p.decl;
    current_decl_ = &d;
    current_decl_kind_ = p.kind;
    if (d.vector_size) expr(*d.vector_size, Context::Declaration);
    if (!d.init && p.kind == SymbolKind::State)
      for (size_t i = 0; i < d.names.size(); ++i)
        error("E-STATE-NOT-INITIALIZED", i < d.name_spans.size() ? d.name_spans[i] : d.span,
              fmt::format("state variable '{}' has no initial value", d.names[i]),
              fmt::format("write e.g. '{} {} = ...'", d.names[i], p.type.to_string()));
    if (d.init) {
      Type it = expr(*d.init, Context::Declaration);
      if (p.type.kind != Type::Kind::Void)
        check_assignable(p.type, it, *d.init, d.names.empty() ? "" : d.names[0]);
      check_vector_in_scalar(d, *d.init);
    }
    current_decl_ = nullptr;  // a guard talks about the variable itself: `w real = 1 [[w >= 0]]`
    if (d.guard) {
      Type g = expr(*d.guard, Context::Declaration);
      if (!g.is_error() && g.kind != Type::Kind::Boolean)
        error("E-GUARD-NOT-BOOLEAN", d.guard->span,
              fmt::format("a guard must be a boolean expression, not {}", g.to_string()));
    }
    current_decl_ = nullptr;
  }
}

// CoCo vector_variable_in_non_vector_declaration: a vector cannot initialise a scalar.
void Checker::check_vector_in_scalar(const ast::Declaration& d, const Expr& init) {
  if (d.vector_size) return;
  std::function<void(const Expr&)> walk = [&](const Expr& e) {
    if (e.kind == EK::Name && e.args.empty()) {
      const ExprInfo* info = m_->info(&e);
      if (info && info->symbol && info->symbol->is_vector) {
        error("E-VECTOR-IN-SCALAR", e.span,
              fmt::format("vector '{}' is used to initialise the scalar '{}'", e.text,
                          d.names.empty() ? "" : d.names[0]),
              fmt::format("index it, e.g. '{}[0]', or declare '{}' as a vector", e.text,
                          d.names.empty() ? "" : d.names[0]));
        return;
      }
    }
    if (e.kind == EK::Call) return;  // arguments of calls are checked by the call
    for (const auto& a : e.args) walk(*a);
  };
  walk(init);
}

void Checker::declare_ports() {
  for (const auto& p : model_.inputs) {
    redeclaration_check(p.name, 0, p.name_span);
    Symbol* s;
    if (p.kind == ast::InputPort::Kind::Spike) {
      s = add_symbol(p.name, 0, SymbolKind::SpikePort,
                     Type::quantity(units::lookup("Hz")->dim), p.name_span);
    } else {
      Type t = p.type ? declared_type(*p.type) : Type::real();
      s = add_symbol(p.name, 0, SymbolKind::ContinuousPort, t, p.name_span);
    }
    s->port = &p;
    s->is_vector = p.vector_size != nullptr;
    if (p.excitatory_count > 1 || p.inhibitory_count > 1)
      error("E-PORT-QUALIFIER-REPEATED", p.span,
            fmt::format("input port '{}' repeats a qualifier", p.name),
            "write 'excitatory' or 'inhibitory' at most once");
  }
}

void Checker::declare_kernels() {
  for (const auto& k : model_.kernels)
    for (const auto& part : k.parts) {
      if (part.order > 0) continue;  // ODE-form kernels name state variables
      redeclaration_check(part.name, 0, part.lhs_span);
      Symbol* s = add_symbol(part.name, 0, SymbolKind::Kernel, Type::real(), part.lhs_span);
      s->kernel_def = &k;
    }
}

void Checker::declare_inlines() {
  for (const auto& in : model_.inlines) {
    Type t = declared_type(in.type);
    redeclaration_check(in.name, 0, in.name_span);
    Symbol* s = add_symbol(in.name, 0, SymbolKind::Inline, t, in.name_span);
    s->inline_def = &in;
  }
  for (const auto& in : model_.inlines) {
    Type t = declared_type(in.type);
    Type r = expr(*in.rhs, Context::Equations);
    check_assignable(t, r, *in.rhs, in.name);
  }
}

}  // namespace nestjit::sema::checking
