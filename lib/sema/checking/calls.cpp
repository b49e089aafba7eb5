// Calls: builtins (argument units, where they may be called, template arguments), user
// functions, and convolve().
#include "sema/checking/checker.h"

#include <fmt/format.h>

namespace nestjit::sema::checking {

Type Checker::call(const Expr& e, Context ctx) {
  const std::string& fn = e.text;
  // A delayed state variable in an equation: x(t - d).
  if (const Symbol* s = lookup_model(fn, 0); s && s->kind == SymbolKind::State) {
    for (const auto& a : e.args) expr(*a, ctx);
    return record(e, s->type, s);
  }
  if (fn == "convolve") return convolve(e, ctx);
  if (fn == "integrate_odes") {
    integrate_odes_seen_ = true;
    for (const auto& a : e.args) {
      const Symbol* s = a->kind == EK::Name ? lookup_model(a->text, a->primes) : nullptr;
      bool has_ode = false;
      if (s)
        for (const auto& ode : model_.odes) has_ode |= ode.name == s->name;
      if (!s || s->kind != SymbolKind::State || !has_ode)
        error("E-INTEGRATE-ODES-ARG", a->span,
              "integrate_odes() arguments must be state variables that have an ODE");
      else
        record(*a, s->type, s);
    }
    return record(e, Type::void_());
  }
  std::vector<Type> args;
  for (const auto& a : e.args) args.push_back(expr(*a, ctx));
  if (fn == "emit_spike") {
    emit_seen_ = true;
    // Main takes 0 or 1 argument (the weight); the seed dialect adds a delay.
    if (args.size() > 2)
      error("E-EMIT-SPIKE-ARGS", e.span,
            fmt::format("emit_spike() takes at most 2 arguments (weight, delay), but {} were "
                        "given",
                        args.size()),
            "write emit_spike() in a neuron and emit_spike(w) in a synapse");
    bool has_spike_output = false;
    for (const auto& o : model_.outputs) has_spike_output |= o.kind == ast::OutputPort::Kind::Spike;
    if (!has_spike_output)
      error("E-EMIT-WITHOUT-OUTPUT", e.span, "emit_spike() needs a spike output port",
            "add 'output:' with the line 'spike'");
    return record(e, Type::void_());
  }
  if (const BuiltinFunction* b = builtin(fn)) {
    check_call_context(e, *b, ctx);
    if (!b->variadic && args.size() != b->arity) {
      error("E-FUNCTION-ARITY", e.span,
            fmt::format("{}() takes {} argument{}, but {} {} given", fn, b->arity,
                        b->arity == 1 ? "" : "s", args.size(), args.size() == 1 ? "was" : "were"));
      return record(e, Type::error());
    }
    for (const Type& t : args)
      if (t.is_error()) return record(e, Type::error());
    check_template_args(e, *b, args);
    return record(e, b->result(args));
  }
  for (const auto& f : model_.functions)
    if (f.name == fn) {
      if (f.params.size() != args.size())
        error("E-FUNCTION-ARITY", e.span,
              fmt::format("{}() takes {} arguments, but {} were given", fn, f.params.size(),
                          args.size()));
      else
        for (size_t i = 0; i < args.size(); ++i)
          check_argument(f, i, declared_type(f.params[i].type), args[i], *e.args[i]);
      Type r = f.return_type ? declared_type(*f.return_type) : Type::void_();
      ExprInfo& info = m_->exprs[&e];
      info.type = r;
      info.function = &f;
      return r;
    }
  error("E-FUNCTION-NOT-DEFINED", e.span, fmt::format("function '{}' is not defined", fn),
        "predefined functions include exp, ln, log10, min, max, clip, pow, abs, steps, "
        "resolution");
  return record(e, Type::error());
}

// CoCos resolution_func_legally_used, timestep_function_legally_used,
// nest_random_functions_legally_used and simple_delta_function: where a predefined
// function may be called.
void Checker::check_call_context(const Expr& e, const BuiltinFunction& b, Context ctx) {
  switch (b.id) {
    case Builtin::Resolution:
    case Builtin::Steps:
      if (ctx == Context::Equations || ctx == Context::Function)
        error("E-RESOLUTION-CONTEXT", e.span,
              fmt::format("{}() cannot be used in {}", b.name,
                          ctx == Context::Equations ? "the equations block" : "a function"),
              "use it in update, onReceive/onCondition or a parameters, state or internals "
              "initializer");
      else
        warning("W-RESOLUTION-USED", e.span,
                fmt::format("the model depends on the simulation resolution through {}()",
                            b.name),
                "results then change with the resolution; prefer timestep() in update");
      break;
    case Builtin::Timestep:
      if (ctx == Context::Equations || ctx == Context::Function)
        error("E-TIMESTEP-CONTEXT", e.span,
              fmt::format("timestep() cannot be used in {}",
                          ctx == Context::Equations ? "the equations block" : "a function"),
              "use it in the update block");
      break;
    case Builtin::RandomNormal:
    case Builtin::RandomUniform:
    case Builtin::RandomPoisson:
      if (ctx == Context::Equations || ctx == Context::Declaration)
        error("E-RANDOM-CONTEXT", e.span,
              fmt::format("{}() can only be called in update, onReceive or onCondition, not in "
                          "{}",
                          b.name,
                          ctx == Context::Equations ? "the equations block"
                                                    : "a declaration's initializer"),
              "draw the random number in the update block and store it in a state variable");
      break;
    case Builtin::Delta:
      if (&e != delta_allowed_)
        error("E-DELTA-FORM", e.span, "delta() can only be used as 'kernel K = delta(t)'",
              "define a delta kernel and convolve it with a spike port");
      break;
    default: break;
  }
}

// CoCo function_argument_template_types_consistent: the arguments a predefined function
// takes as one template type T (min, max, clip, random_normal...) must agree.
void Checker::check_template_args(const Expr& e, const BuiltinFunction& b, const std::vector<Type>& args) {
  size_t n = 0;
  switch (b.id) {
    case Builtin::Min: case Builtin::Max: case Builtin::RandomNormal:
    case Builtin::RandomUniform: n = 2; break;
    case Builtin::Clip: n = 3; break;
    default: return;
  }
  const Type* unit = nullptr;
  for (size_t i = 0; i < n && i < args.size(); ++i) {
    if (!args[i].is_numeric()) {
      error("E-OPERAND-TYPE", e.args[i]->span,
            fmt::format("{}() needs numbers, but argument {} has type {}", b.name, i + 1,
                        args[i].to_string()));
      return;
    }
    if (args[i].is_unit() && !unit) unit = &args[i];
  }
  if (!unit) return;
  for (size_t i = 0; i < n && i < args.size(); ++i) {
    if (args[i].is_unit() && args[i].dim != unit->dim) {
      error("E-TEMPLATE-ARGS", e.args[i]->span,
            fmt::format("the arguments of {}() must have one type, but {} and {} differ in "
                        "dimension",
                        b.name, unit->to_string(), args[i].to_string()),
            "convert the arguments to the same physical dimension");
      return;
    }
    if (!args[i].is_unit())
      warning("W-IMPLICIT-UNIT", e.args[i]->span,
              fmt::format("argument {} of {}() has no unit; it is taken in {}", i + 1, b.name,
                          unit->to_string()),
              "give the number a unit");
  }
}

// CoCo function_calls_consistent: argument types follow assignment compatibility.
void Checker::check_argument(const ast::Function& f, size_t i, Type want, Type got, const Expr& arg) {
  if (want.is_error() || got.is_error() || assignable(want, got)) return;
  error("E-ARGUMENT-TYPE", arg.span,
        fmt::format("argument {} of {}() ('{}') has type {} but {} was given", i + 1, f.name,
                    f.params[i].name, want.to_string(), got.to_string()),
        want.is_unit() && !got.is_unit() ? "give the value a unit" : "");
}

Type Checker::convolve(const Expr& e, Context ctx) {
  if (e.args.size() != 2) {
    error("E-CONVOLVE-ARGS", e.span, "convolve() takes a kernel and a spike input port");
    return record(e, Type::error());
  }
  const Expr* k = e.args[0].get();
  const Expr* p = e.args[1].get();
  auto sym_of = [&](const Expr* x) {
    return x->kind == EK::Name ? lookup_model(x->text, x->primes) : nullptr;
  };
  // The arguments may be given in either order.
  if (sym_of(k) && sym_of(k)->kind == SymbolKind::SpikePort) std::swap(k, p);
  const Symbol* ks = sym_of(k);
  const Symbol* ps = sym_of(p);
  bool kernel_ok = ks && (ks->kind == SymbolKind::Kernel || ks->kind == SymbolKind::State);
  if (!kernel_ok)
    error("E-CONVOLVE-ARGS", k->span, "the first argument of convolve() must be a kernel");
  if (!ps || ps->kind != SymbolKind::SpikePort)
    error("E-CONVOLVE-ARGS", p->span, "the second argument of convolve() must be a spike input port");
  if (ks) record(*k, ks->type, ks);
  if (ps) record(*p, ps->type, ps);
  return record(e, Type::real());
}

}  // namespace nestjit::sema::checking
