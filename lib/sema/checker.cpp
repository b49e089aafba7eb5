// The checker: resolves names, types every expression (with physical dimensions), and
// applies the language's context conditions. Each condition reports its own stable code.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <set>

#include "sema/builtins.h"
#include "sema/cocos.h"
#include "sema/model.h"

namespace nestjit::sema {

using ast::Expr;
using EK = ast::Expr::Kind;

std::string Type::to_string() const {
  switch (kind) {
    case Kind::Error: return "<error>";
    case Kind::Void: return "void";
    case Kind::Boolean: return "boolean";
    case Kind::Integer: return "integer";
    case Kind::String: return "string";
    case Kind::Quantity: {
      if (dim.dimensionless()) return "real";
      std::string n = units::internal_unit_name(dim);
      if (!n.empty() && n.find(' ') == std::string::npos) return n;
      // Powers of time read better in ms, the internal time unit: ms**2, 1/ms**2.
      bool time_only = true;
      for (int i = 0; i < units::kBaseCount; ++i)
        if (i != units::Second && dim.exp[i] != 0) time_only = false;
      if (time_only) {
        double p = dim.exp[units::Second];
        std::string e = fmt::format("{}", std::fabs(p));
        return p > 0 ? "ms**" + e : "1/ms**" + e;
      }
      return dim.to_string();
    }
  }
  return "?";
}

const Symbol* CheckedModel::find(const std::string& name, int order) const {
  for (const auto& s : symbols)
    if (s->name == name && s->order == order && s->kind != SymbolKind::Local &&
        s->kind != SymbolKind::FunctionParam)
      return s.get();
  return nullptr;
}

std::vector<const Symbol*> CheckedModel::of_kind(SymbolKind k) const {
  std::vector<const Symbol*> out;
  for (const auto& s : symbols)
    if (s->kind == k) out.push_back(s.get());
  return out;
}

namespace {

// Where an expression or statement sits; some functions are legal only in some places.
enum class Context { Declaration, Equations, Update, OnReceive, OnCondition, Function };

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Splits "x''" into ("x", 2).
std::pair<std::string, int> split_primes(const std::string& name) {
  size_t n = name.size();
  int order = 0;
  while (n > 0 && name[n - 1] == '\'') {
    --n;
    ++order;
  }
  return {name.substr(0, n), order};
}

class Checker {
 public:
  Checker(const ast::Model& model, SourceFilePtr file, const CheckOptions& opts,
          DiagnosticList& diags)
      : m_(std::make_unique<CheckedModel>()), model_(model), file_(std::move(file)),
        diags_(diags) {
    m_->file = file_;
    m_->ast = &model;
    m_->is_synapse = ends_with(model.name, "synapse");
    for (const auto& s : opts.synapse_models)
      if (s == model.name) m_->is_synapse = true;
  }

  std::unique_ptr<CheckedModel> run() {
    check_block_multiplicity();
    add_predefined();
    declare_ports();
    declare_kernels();
    declare_variables();
    check_variable_initializers();
    declare_inlines();
    check_equations();
    if (model_.update) {
      begin_body(*model_.update);
      check_block(*model_.update, Context::Update);
    }
    for (const auto& h : model_.on_receive) check_on_receive(h);
    for (const auto& c : model_.on_condition) {
      begin_body(c.body);
      Type t = expr(*c.condition, Context::OnCondition);
      require_boolean(t, *c.condition, "onCondition");
      check_block(c.body, Context::OnCondition);
    }
    for (const auto& f : model_.functions) check_function(f);
    check_integrate_odes_called();
    cocos::run_all({model_, *m_, file_, diags_});
    return std::move(m_);
  }

 private:
  std::unique_ptr<CheckedModel> m_;
  const ast::Model& model_;
  SourceFilePtr file_;
  DiagnosticList& diags_;
  std::vector<std::vector<Symbol*>> scopes_;  // local scopes, innermost last
  std::vector<std::unique_ptr<Symbol>> locals_;
  bool integrate_odes_seen_ = false;
  // Every local declaration of the handler/function body being checked, to tell "used
  // before its declaration" from "not declared at all".
  std::vector<std::pair<std::string, SourceSpan>> body_locals_;

  void begin_body(const ast::Block& body) {
    body_locals_.clear();
    std::function<void(const ast::Block&)> walk = [&](const ast::Block& b) {
      for (const auto& st : b) {
        if (st->kind == ast::Stmt::Kind::Declaration)
          for (size_t i = 0; i < st->declaration->names.size(); ++i)
            body_locals_.emplace_back(st->declaration->names[i],
                                      i < st->declaration->name_spans.size()
                                          ? st->declaration->name_spans[i]
                                          : st->span);
        for (const auto& br : st->branches) walk(br.body);
        walk(st->body);
      }
    };
    walk(body);
  }
  const SourceSpan* later_local(const std::string& name, const SourceSpan& use) const {
    for (const auto& [n, span] : body_locals_)
      if (n == name && pos(span) > pos(use)) return &span;
    return nullptr;
  }
  bool emit_seen_ = false;

  void error(const std::string& code, SourceSpan span, std::string msg, std::string hint = {}) {
    diags_.error(code, file_, span, std::move(msg), std::move(hint));
  }
  void warning(const std::string& code, SourceSpan span, std::string msg, std::string hint = {}) {
    diags_.warning(code, file_, span, std::move(msg), std::move(hint));
  }

  Symbol* add_symbol(std::string name, int order, SymbolKind kind, Type type, SourceSpan span) {
    auto s = std::make_unique<Symbol>();
    s->name = std::move(name);
    s->order = order;
    s->kind = kind;
    s->type = type;
    s->span = span;
    Symbol* raw = s.get();
    m_->symbols.push_back(std::move(s));
    return raw;
  }

  void check_block_multiplicity() {
    std::map<ast::BlockKind, SourceSpan> seen;
    static const std::map<ast::BlockKind, const char*> once = {
        {ast::BlockKind::Parameters, "parameters"}, {ast::BlockKind::State, "state"},
        {ast::BlockKind::Internals, "internals"},   {ast::BlockKind::Equations, "equations"},
        {ast::BlockKind::Input, "input"},           {ast::BlockKind::Output, "output"},
        {ast::BlockKind::Update, "update"}};
    for (const auto& b : model_.blocks) {
      auto it = once.find(b.kind);
      if (it == once.end()) continue;
      auto [prev, fresh] = seen.emplace(b.kind, b.span);
      if (!fresh)
        error("E-BLOCK-DUPLICATE", b.span,
              fmt::format("block '{}' is defined more than once in model '{}'", it->second,
                          model_.name),
              fmt::format("merge it with the first '{}' block at line {}", it->second,
                          prev->second.line));
    }
  }

  void add_predefined() {
    add_symbol("t", 0, SymbolKind::Predefined, Type::quantity(units::lookup("ms")->dim), {});
    add_symbol("e", 0, SymbolKind::Predefined, Type::real(), {});
    add_symbol("pi", 0, SymbolKind::Predefined, Type::real(), {});
  }

  // ---- name lookup ----

  const Symbol* lookup_model(const std::string& name, int order) const {
    return m_->find(name, order);
  }

  const Symbol* lookup(const std::string& name, int order) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
      for (const Symbol* s : *it)
        if (s->name == name && s->order == order) return s;
    return lookup_model(name, order);
  }

  void redeclaration_check(const std::string& name, int order, SourceSpan span) {
    const Symbol* prev = scopes_.empty() ? lookup_model(name, order) : nullptr;
    if (!scopes_.empty())
      for (const Symbol* s : scopes_.back())
        if (s->name == name && s->order == order) prev = s;
    if (!prev) return;
    if (prev->kind == SymbolKind::Predefined)
      error("E-VARIABLE-SHADOWS-PREDEFINED", span,
            fmt::format("'{}' is a predefined variable and cannot be redeclared", name),
            "choose another name");
    else
      error("E-VARIABLE-REDECLARED", span,
            fmt::format("'{}' is already declared in this scope", name),
            prev->span.valid() ? fmt::format("the first declaration is at line {}", prev->span.line)
                               : std::string{});
  }

  // ---- declarations ----

  Type declared_type(const ast::TypeExpr& t) {
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

  // A unit written as a type: names of units, `1/unit`, products, quotients, powers.
  std::optional<units::Unit> unit_type(const Expr& e) {
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

  // Value of a constant numeric expression made of literals (exponents of units).
  std::optional<double> constant_value(const Expr& e) {
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

  // Model-level variables (parameters, state, internals) are all declared first, in source
  // order, so that an initializer may use a variable of another block whatever the block
  // order in the file (the corpus does both). Within one block, an initializer may only use
  // names declared before it (NEST evaluates a block top to bottom), and never its own name.
  struct PendingDecl {
    const ast::Declaration* decl;
    SymbolKind kind;
    Type type;
    std::vector<Symbol*> symbols;
  };
  std::vector<PendingDecl> pending_;
  int constant_depth_ = 0;
  const ast::Declaration* current_decl_ = nullptr;  // whose initializer is being checked
  SymbolKind current_decl_kind_ = SymbolKind::Local;

  void declare_variables() {
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

  void check_variable_initializers() {
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
  void check_vector_in_scalar(const ast::Declaration& d, const Expr& init) {
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

  void declare_ports() {
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

  void declare_kernels() {
    for (const auto& k : model_.kernels)
      for (const auto& part : k.parts) {
        if (part.order > 0) continue;  // ODE-form kernels name state variables
        redeclaration_check(part.name, 0, part.lhs_span);
        Symbol* s = add_symbol(part.name, 0, SymbolKind::Kernel, Type::real(), part.lhs_span);
        s->kernel_def = &k;
      }
  }

  void declare_inlines() {
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

  void check_equations() {
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
      Type r = expr(*ode.rhs, Context::Equations);
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

  // CoCo kernel_type for the ODE form `kernel g^(n) = rhs`: g is dimensionless, so the
  // right-hand side must have unit 1/time**n and the state variable holding g^(k) (its
  // initial value is the per-spike increment) 1/time**k.
  void check_kernel_ode(const ast::KernelDef::Part& part, Type rhs) {
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

  // CoCo user_defined_function_correctly_defined: a typed function returns a value of a
  // compatible type on every path; a void function returns no value.
  bool always_returns(const ast::Block& b) {
    for (const auto& st : b) {
      if (st->kind == ast::Stmt::Kind::Return) return true;
      if (st->kind == ast::Stmt::Kind::If && !st->branches.empty() &&
          !st->branches.back().condition) {
        bool all = true;
        for (const auto& br : st->branches) all = all && always_returns(br.body);
        if (all) return true;
      }
    }
    return false;
  }

  void check_returns(const ast::Function& f) {
    Type want = f.return_type ? declared_type(*f.return_type) : Type::void_();
    bool is_void = want.kind == Type::Kind::Void;
    std::function<void(const ast::Block&)> walk = [&](const ast::Block& b) {
      bool returned = false;
      for (const auto& st : b) {
        if (returned) {
          warning("W-UNREACHABLE", st->span, "this statement is never executed",
                  "it follows a return statement");
          returned = false;  // once per block
        }
        if (st->kind == ast::Stmt::Kind::Return) {
          returned = true;
          if (is_void && st->value)
            error("E-RETURN-TYPE", st->value->span,
                  fmt::format("function '{}' has no return type but returns a value", f.name),
                  "declare the return type after the parameter list, e.g. ') real:'");
          else if (!is_void && !st->value)
            error("E-RETURN-TYPE", st->span,
                  fmt::format("function '{}' must return a value of type {}", f.name,
                              want.to_string()));
          else if (!is_void) {
            const ExprInfo* info = m_->info(st->value.get());
            // Upstream accepts a real returned from a boolean function (tests/valid/
            // CoCoFunctionNotUnique); it converts as C++ does.
            bool to_bool = want.kind == Type::Kind::Boolean && info && info->type.is_real();
            if (info && !info->type.is_error() && !want.is_error() && !to_bool &&
                !assignable(want, info->type))
              error("E-RETURN-TYPE", st->value->span,
                    fmt::format("function '{}' returns {} but this value has type {}", f.name,
                                want.to_string(), info->type.to_string()));
          }
        }
        for (const auto& br : st->branches) walk(br.body);
        walk(st->body);
      }
    };
    walk(f.body);
    if (!is_void && !want.is_error() && !always_returns(f.body))
      error("E-RETURN-MISSING", f.name_span,
            fmt::format("function '{}' does not return a value on every path", f.name),
            fmt::format("end every path with 'return <{}>'", want.to_string()));
  }

  void check_on_receive(const ast::OnReceive& h) {
    const Symbol* p = lookup_model(h.port, 0);
    if (!p || p->kind != SymbolKind::SpikePort)
      error("E-ONRECEIVE-PORT", h.port_span,
            fmt::format("onReceive needs a spike input port, but '{}' is not one", h.port),
            "declare it in 'input:' as '" + h.port + " <- spike'");
    for (const auto& a : h.args)
      if (a.value) expr(*a.value, Context::OnReceive);
    begin_body(h.body);
    check_block(h.body, Context::OnReceive);
  }

  void check_function(const ast::Function& f) {
    if (builtin(f.name))
      error("E-FUNCTION-REDEFINED", f.name_span,
            fmt::format("'{}' is a predefined function and cannot be redefined", f.name));
    scopes_.emplace_back();
    for (const auto& p : f.params) {
      auto s = std::make_unique<Symbol>();
      s->name = p.name;
      s->kind = SymbolKind::FunctionParam;
      s->type = declared_type(p.type);
      s->span = p.span;
      scopes_.back().push_back(s.get());
      m_->symbols.push_back(std::move(s));
    }
    begin_body(f.body);
    check_block(f.body, Context::Function);
    scopes_.pop_back();
    check_returns(f);
  }

  void check_integrate_odes_called() {
    // Only ODEs need the call: convolutions (kernels) are advanced every step regardless
    // (LANGUAGE.md 7.5); upstream's corpus has kernel-only models without the call.
    if (!model_.odes.empty() && !integrate_odes_seen_)
      error("E-INTEGRATE-ODES-MISSING", model_.name_span,
            fmt::format("model '{}' has equations but never calls integrate_odes()", model_.name),
            "call integrate_odes() in the update block");
  }

  // ---- statements ----

  void check_block(const ast::Block& block, Context ctx) {
    scopes_.emplace_back();
    for (const auto& s : block) stmt(*s, ctx);
    scopes_.pop_back();
  }

  void stmt(const ast::Stmt& s, Context ctx) {
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

  void assignment(const ast::Stmt& s, Context ctx) {
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

  void require_boolean(Type t, const Expr& e, const char* what) {
    if (!t.is_error() && t.kind != Type::Kind::Boolean)
      error("E-CONDITION-NOT-BOOLEAN", e.span,
            fmt::format("the condition of '{}' must be boolean, but it has type {}", what,
                        t.to_string()),
            "compare values, e.g. 'V_m >= V_th'");
  }

  // Declaration and assignment compatibility (LANGUAGE.md 3.3).
  static bool assignable(Type target, Type value) {
    using K = Type::Kind;
    if (target.kind == value.kind)
      return target.kind != K::Quantity || target.dim == value.dim || target.dim.dimensionless();
    if (target.kind == K::Quantity && target.dim.dimensionless())
      return value.kind == K::Integer || value.kind == K::Boolean;
    if (target.kind == K::Integer) return value.kind == K::Quantity && value.dim.dimensionless();
    return false;
  }

  void check_assignable(Type target, Type value, const Expr& e, const std::string& name) {
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

  // ---- expressions ----

  Type record(const Expr& e, Type t, const Symbol* s = nullptr) {
    ExprInfo& info = m_->exprs[&e];
    info.type = t;
    info.symbol = s;
    return t;
  }

  Type expr(const Expr& e, Context ctx) {
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

  // Where a declaration stands in the file, for "declared before use" comparisons.
  static std::pair<int, int> pos(const SourceSpan& s) { return {s.line, s.column}; }

  Type name(const Expr& e, Context ctx) {
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

  Type unary(const Expr& e, Context ctx) {
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

  Type binary(const Expr& e, Context ctx) {
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

  Type call(const Expr& e, Context ctx) {
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
  void check_call_context(const Expr& e, const BuiltinFunction& b, Context ctx) {
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
  const Expr* delta_allowed_ = nullptr;

  // CoCo function_argument_template_types_consistent: the arguments a predefined function
  // takes as one template type T (min, max, clip, random_normal...) must agree.
  void check_template_args(const Expr& e, const BuiltinFunction& b, const std::vector<Type>& args) {
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
  void check_argument(const ast::Function& f, size_t i, Type want, Type got, const Expr& arg) {
    if (want.is_error() || got.is_error() || assignable(want, got)) return;
    error("E-ARGUMENT-TYPE", arg.span,
          fmt::format("argument {} of {}() ('{}') has type {} but {} was given", i + 1, f.name,
                      f.params[i].name, want.to_string(), got.to_string()),
          want.is_unit() && !got.is_unit() ? "give the value a unit" : "");
  }

  Type convolve(const Expr& e, Context ctx) {
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
};

}  // namespace

std::vector<std::unique_ptr<CheckedModel>> check(const ast::CompilationUnit& unit,
                                                 const CheckOptions& options,
                                                 DiagnosticList& diags) {
  std::vector<std::unique_ptr<CheckedModel>> out;
  std::map<std::string, SourceSpan> names;
  for (const auto& m : unit.models) {
    auto [it, fresh] = names.emplace(m.name, m.name_span);
    if (!fresh)
      diags.error("E-MODEL-NAME-DUPLICATE", unit.file, m.name_span,
                  fmt::format("model '{}' is defined twice in this file", m.name),
                  fmt::format("the first definition is at line {}", it->second.line));
    out.push_back(Checker(m, unit.file, options, diags).run());
  }
  return out;
}

}  // namespace nestjit::sema
