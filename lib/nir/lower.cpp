// Lowering: sema::CheckedModel -> nir::Model. Units disappear here: a literal with a unit
// and a bare unit name become their internal numbers, spike ports become their summed
// weight times the internal scale of 1/s, inline expressions are expanded where used.
#include "nir/lower.h"
#include "nir/guards.h"

#include <algorithm>
#include <functional>

#include "nir/equations.h"
#include "nir/kernels.h"
#include "nir/symbolic.h"

#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <set>

namespace nestjit::nir {

std::vector<std::string> Model::recordables() const {
  std::vector<std::string> out;
  for (const auto& s : slots)
    if (s.recordable) out.push_back(s.name);
  for (const auto& [name, e] : recordable_inlines) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

int Model::find_slot(const std::string& name) const {
  for (size_t i = 0; i < slots.size(); ++i)
    if (slots[i].name == name) return static_cast<int>(i);
  return -1;
}

namespace {

using sema::SymbolKind;
using EK = ast::Expr::Kind;

ExprPtr constant(double v, ValueType t = ValueType::F64) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::Const;
  e->value = v;
  e->type = t;
  return e;
}

ExprPtr make(Expr::Kind k, ValueType t, int index = 0) {
  auto e = std::make_unique<Expr>();
  e->kind = k;
  e->type = t;
  e->index = index;
  return e;
}

ExprPtr unary(Op op, ExprPtr a, ValueType t) {
  auto e = make(Expr::Kind::Unary, t);
  e->op = op;
  e->args.push_back(std::move(a));
  return e;
}

ExprPtr binary(Op op, ExprPtr a, ExprPtr b, ValueType t) {
  auto e = make(Expr::Kind::Binary, t);
  e->op = op;
  e->args.push_back(std::move(a));
  e->args.push_back(std::move(b));
  return e;
}

ExprPtr convert(ExprPtr e, ValueType to) {
  if (e->type == to) return e;
  if (e->kind == Expr::Kind::Const) {
    e->type = to;
    if (to == ValueType::I64) e->value = std::trunc(e->value);
    if (to == ValueType::Bool) e->value = e->value != 0.0;
    return e;
  }
  Op op = to == ValueType::F64 ? Op::ToF64 : to == ValueType::I64 ? Op::ToI64 : Op::ToBool;
  return unary(op, std::move(e), to);
}

ValueType value_type(const sema::Type& t) {
  switch (t.kind) {
    case sema::Type::Kind::Integer: return ValueType::I64;
    case sema::Type::Kind::Boolean: return ValueType::Bool;
    default: return ValueType::F64;
  }
}

// NEST's spelling of a variable: `$` becomes __DOLLAR and each derivative order __d
// (g_ex$ -> g_ex__DOLLAR, V' -> V__d); recordables and status keys use these names.
std::string nest_name(const std::string& name) {
  std::string out;
  for (char ch : name) {
    if (ch == '$') out += "__DOLLAR";
    else out += ch;
  }
  return out;
}

std::string slot_name(const std::string& name, int order) {
  std::string s = nest_name(name);
  for (int i = 0; i < order; ++i) s += "__d";
  return s;
}

// The variable as the user wrote it, for messages.
std::string source_name(const std::string& name, int order) {
  return name + std::string(static_cast<size_t>(order), '\'');
}

class Lowerer {
 public:
  Lowerer(const sema::CheckedModel& cm, const LowerOptions& opts, DiagnosticList& diags)
      : cm_(cm), ast_(*cm.ast), opts_(opts), diags_(diags), m_(std::make_unique<Model>()) {
    m_->name = ast_.name;
    m_->is_synapse = cm.is_synapse;
    if (opts.solver == "numeric") m_->all_numeric = true;
    else if (opts.solver != "analytic")
      error("E-OPTION", ast_.name_span, fmt::format("unknown solver '{}'", opts.solver),
            "use \"analytic\" or \"numeric\"");
    if (opts.numeric_solver == "forward-Euler") m_->numeric_solver = NumericSolver::ForwardEuler;
    else if (opts.numeric_solver == "rk45") m_->numeric_solver = NumericSolver::Rkf45;
    else if (opts.numeric_solver == "cvode") m_->numeric_solver = NumericSolver::Cvode;
    else if (opts.numeric_solver == "auto") m_->numeric_solver = NumericSolver::Auto;
    else
      error("E-OPTION", ast_.name_span,
            fmt::format("unknown numeric solver '{}'", opts.numeric_solver),
            "use \"auto\", \"rk45\", \"cvode\" or \"forward-Euler\"");
  }

  std::unique_ptr<Model> run() {
    allocate_slots();
    for (size_t i = 0; i < ast_.functions.size(); ++i) function_index_[&ast_.functions[i]] = int(i);
    m_->functions.resize(ast_.functions.size());
    for (size_t i = 0; i < ast_.functions.size(); ++i) lower_function(ast_.functions[i], m_->functions[i]);
    lower_initialisation();
    lower_guards(cm_, [&](const sema::Symbol& s) { auto it = slot_of_.find(&s); return it == slot_of_.end() ? -1 : it->second; },
                 [&](const ast::Expr& e) { return convert(expr(e), ValueType::Bool); }, m_->guards);
    lower_odes();
    if (ast_.update) m_->update = lower_block(*ast_.update, Where::Update);
    for (const auto& h : ast_.on_receive) lower_on_receive(h);
    for (const auto& c : ast_.on_condition) {
      CodeBlock cb;
      begin_block();
      auto s = std::make_unique<Stmt>();
      s->kind = Stmt::Kind::If;
      ExprPtr cond = convert(expr(*c.condition), ValueType::Bool);
      s->branches.emplace_back(std::move(cond), lower_stmts(c.body));
      cb.body.push_back(std::move(s));
      end_block(cb);
      m_->on_condition.push_back(std::move(cb));
    }
    for (const auto& in : ast_.inlines)
      if (in.is_recordable) {
        begin_block();
        m_->recordable_inlines.emplace_back(in.name, convert(expr(*in.rhs), ValueType::F64));
      }
    if (failed_) return nullptr;
    analyse_equations(*m_, cm_.file, diags_);
    if (diags_.has_errors()) return nullptr;
    return std::move(m_);
  }

 private:
  enum class Where { Init, Update, Handler, Function, Equations };

  const sema::CheckedModel& cm_;
  const ast::Model& ast_;
  const LowerOptions& opts_;
  DiagnosticList& diags_;
  std::unique_ptr<Model> m_;
  bool failed_ = false;

  std::map<const sema::Symbol*, int> slot_of_;
  std::map<std::string, int> spike_port_of_;
  std::map<std::string, int> cont_port_of_;
  // Locals of the block being lowered.
  std::map<const sema::Symbol*, int> local_of_;
  std::vector<ValueType> local_types_;
  std::map<const sema::Symbol*, int> param_of_;
  std::set<const ast::InlineDef*> expanding_;
  std::map<const ast::Function*, int> function_index_;
  std::map<int, int> var_of_slot_;   // ODE variable index of a slot
  std::set<int> kernel_var_slots_;   // state slots that are variables of ODE-form kernels

  void error(const std::string& code, SourceSpan span, std::string msg, std::string hint = {}) {
    diags_.error(code, cm_.file, span, std::move(msg), std::move(hint));
    failed_ = true;
  }

  int add_slot(std::string name, SlotRole role, ValueType t, std::string unit = {},
               bool recordable = false) {
    Slot s;
    s.name = std::move(name);
    s.role = role;
    s.type = t;
    s.unit = std::move(unit);
    s.recordable = recordable;
    m_->slots.push_back(std::move(s));
    return static_cast<int>(m_->slots.size() - 1);
  }

  static std::string unit_of(const sema::Type& t) {
    return t.kind == sema::Type::Kind::Quantity ? units::internal_unit_name(t.dim) : "";
  }

  void allocate_slots() {
    auto add_all = [&](SymbolKind kind, SlotRole role) {
      for (const sema::Symbol* s : cm_.of_kind(kind)) {
        bool recordable = role == SlotRole::State && s->type.kind == sema::Type::Kind::Quantity;
        slot_of_[s] = add_slot(slot_name(s->name, s->order), role, value_type(s->type),
                               unit_of(s->type), recordable);
        if (s->is_vector)
          error("E-UNSUPPORTED", s->span,
                fmt::format("vector variable '{}' is not supported by the runtime yet", s->name));
      }
    };
    add_all(SymbolKind::Parameter, SlotRole::Parameter);
    add_all(SymbolKind::State, SlotRole::State);
    add_all(SymbolKind::Internal, SlotRole::Internal);

    std::set<std::string> post_ports(opts_.post_ports.begin(), opts_.post_ports.end());
    for (const sema::Symbol* s : cm_.of_kind(SymbolKind::SpikePort)) {
      SpikePort p;
      p.name = s->name;
      p.sum_slot = add_slot("__spikes__" + s->name, SlotRole::SpikeInput, ValueType::F64);
      p.received_slot = add_slot("__received__" + s->name, SlotRole::SpikeReceived, ValueType::F64);
      m_->slots[p.sum_slot].port = m_->slots[p.received_slot].port =
          static_cast<int>(m_->spike_ports.size());
      // Without an explicit post_ports option, a synapse's port named like "post..." is fed
      // by the postsynaptic neuron, as in every corpus synapse.
      p.is_post = m_->is_synapse &&
                  (post_ports.count(s->name) ||
                   (opts_.post_ports.empty() && s->name.find("post") != std::string::npos));
      p.excitatory = s->port->excitatory;
      p.inhibitory = s->port->inhibitory;
      if (s->is_vector)
        error("E-UNSUPPORTED", s->span,
              fmt::format("vector port '{}' is not supported by the runtime yet", s->name));
      spike_port_of_[s->name] = static_cast<int>(m_->spike_ports.size());
      m_->spike_ports.push_back(p);
    }
    for (const sema::Symbol* s : cm_.of_kind(SymbolKind::ContinuousPort)) {
      ContinuousPort p;
      p.name = s->name;
      p.slot = add_slot(s->name, SlotRole::ContinuousInput, ValueType::F64, unit_of(s->type));
      m_->slots[p.slot].port = static_cast<int>(m_->continuous_ports.size());
      cont_port_of_[s->name] = static_cast<int>(m_->continuous_ports.size());
      slot_of_[s] = p.slot;
      m_->continuous_ports.push_back(p);
    }
    if (m_->is_synapse) {
      m_->weight_slot = find_var(opts_.weight_variable, {"w", "weight"});
      m_->delay_slot = find_var(opts_.delay_variable, {});
    }
    for (const auto& o : ast_.outputs) m_->emits_spikes |= o.kind == ast::OutputPort::Kind::Spike;
  }

  int find_var(const std::string& given, std::initializer_list<const char*> defaults) {
    if (!given.empty()) {
      int s = m_->find_slot(given);
      if (s < 0)
        error("E-OPTION-VARIABLE", ast_.name_span,
              fmt::format("model '{}' has no variable '{}' (named by an install option)",
                          ast_.name, given));
      return s;
    }
    for (const char* d : defaults)
      if (int s = m_->find_slot(d); s >= 0 && m_->slots[s].role != SlotRole::Internal) return s;
    return -1;
  }

  // ---- blocks ----

  void begin_block() {
    local_of_.clear();
    local_types_.clear();
  }
  void end_block(CodeBlock& cb) {
    cb.locals = static_cast<int>(local_types_.size());
    cb.local_types = local_types_;
  }

  CodeBlock lower_block(const ast::Block& b, Where) {
    CodeBlock cb;
    begin_block();
    cb.body = lower_stmts(b);
    end_block(cb);
    return cb;
  }

  void lower_initialisation() {
    auto assign_inits = [&](SymbolKind kind, CodeBlock& cb) {
      for (const sema::Symbol* s : cm_.of_kind(kind)) {
        auto st = std::make_unique<Stmt>();
        st->kind = Stmt::Kind::AssignSlot;
        st->index = slot_of_[s];
        st->value = s->init ? convert(expr(*s->init), value_type(s->type))
                            : constant(0.0, value_type(s->type));
        cb.body.push_back(std::move(st));
      }
    };
    begin_block();
    assign_inits(SymbolKind::Parameter, m_->init_parameters);
    assign_inits(SymbolKind::Internal, m_->compute_internals);
    assign_inits(SymbolKind::State, m_->init_state);
  }

  // A user function: parameters by value, locals, may read and assign model variables.
  void lower_function(const ast::Function& f, Function& out) {
    out.name = f.name;
    param_of_.clear();
    for (size_t i = 0; i < f.params.size(); ++i) {
      for (const auto& s : cm_.symbols)
        if (s->kind == SymbolKind::FunctionParam && s->name == f.params[i].name &&
            s->span.line == f.params[i].span.line && s->span.column == f.params[i].span.column) {
          param_of_[s.get()] = int(i);
          out.params.push_back(value_type(s->type));
        }
      if (out.params.size() != i + 1) out.params.push_back(ValueType::F64);
    }
    out.returns_void = !f.return_type || f.return_type->kind == ast::TypeExpr::Kind::Void;
    if (!out.returns_void) {
      switch (f.return_type->kind) {
        case ast::TypeExpr::Kind::Integer: out.result = ValueType::I64; break;
        case ast::TypeExpr::Kind::Boolean: out.result = ValueType::Bool; break;
        default: out.result = ValueType::F64; break;
      }
    }
    current_function_ = &out;
    out.code = lower_block(f.body, Where::Function);
    current_function_ = nullptr;
    param_of_.clear();
  }

  void lower_on_receive(const ast::OnReceive& h) {
    Handler out;
    auto it = spike_port_of_.find(h.port);
    if (it == spike_port_of_.end()) return;  // sema reported it
    out.port = it->second;
    for (const auto& a : h.args)
      if (a.name == "priority" && a.value && a.value->kind == EK::Number) {
        out.has_priority = true;
        out.priority = static_cast<long>(a.value->num);
      }
    CodeBlock cb = lower_block(h.body, Where::Handler);
    out.body = std::move(cb.body);
    out.locals = cb.locals;
    out.local_types = cb.local_types;
    m_->on_receive.push_back(std::move(out));
  }

  // ---- equations ----

  // ODE variables: x, x', ..., x^(n-1) for every `x^(n) = f`. Their right-hand sides are
  // lowered as written; equations.cpp later splits off spike-port terms and decides which
  // variables are solved exactly.
  void lower_odes() {
    for (const auto& ode : ast_.odes) {
      if (ode.order < 1) continue;  // sema reports the missing prime
      std::vector<int> slots;
      for (int k = 0; k < ode.order; ++k) {
        const sema::Symbol* sk = cm_.find(ode.name, k);
        if (!sk || !slot_of_.count(sk)) {
          error("E-ODE-ORDER", ode.lhs_span,
                fmt::format("'{}' needs the state variable '{}' for its order-{} ODE", ode.name,
                            source_name(ode.name, k), ode.order));
          return;
        }
        slots.push_back(slot_of_[sk]);
      }
      for (int k = 0; k < ode.order; ++k) {
        OdeVar v;
        v.name = m_->slots[slots[k]].name;
        v.slot = slots[k];
        v.rhs = k + 1 < ode.order ? make(Expr::Kind::Slot, ValueType::F64, slots[k + 1])
                                  : convert(expr(*ode.rhs), ValueType::F64);
        var_of_slot_[v.slot] = static_cast<int>(m_->ode_vars.size());
        m_->ode_vars.push_back(std::move(v));
      }
    }
  }

  int selection_of(const ast::Expr& call) {
    // integrate_odes(x, y): x and all its derivative orders; no argument: everything.
    std::vector<int> vars;
    if (call.args.empty()) {
      for (size_t i = 0; i < m_->ode_vars.size(); ++i)
        if (!m_->ode_vars[i].is_convolution) vars.push_back(int(i));
    } else {
      for (const auto& a : call.args) {
        const sema::ExprInfo* info = cm_.info(a.get());
        if (!info || !info->symbol) continue;
        for (int k = 0;; ++k) {
          const sema::Symbol* sk = cm_.find(info->symbol->name, k);
          if (!sk || !slot_of_.count(sk)) break;
          auto it = var_of_slot_.find(slot_of_[sk]);
          if (it == var_of_slot_.end()) break;
          vars.push_back(it->second);
        }
      }
    }
    std::sort(vars.begin(), vars.end());
    vars.erase(std::unique(vars.begin(), vars.end()), vars.end());
    for (size_t i = 0; i < m_->integration_selections.size(); ++i)
      if (m_->integration_selections[i] == vars) return int(i);
    m_->integration_selections.push_back(vars);
    return int(m_->integration_selections.size() - 1);
  }

  std::optional<double> time_override_;
  const Function* current_function_ = nullptr;

  // The value of convolve(k, p): the first state of the (kernel, port) convolution, created
  // on first use. A delta kernel has no state: inside ODEs it reads like the port itself
  // (summed weight as a rate), which equations.cpp turns into a jump.
  ExprPtr convolution(const ast::Expr& call) {
    const ast::Expr* k = call.args[0].get();
    const ast::Expr* p = call.args[1].get();
    if (spike_port_of_.count(k->text)) std::swap(k, p);
    auto pit = spike_port_of_.find(p->text);
    if (pit == spike_port_of_.end()) return constant(0.0);
    const int port = pit->second;
    const sema::Symbol* ks = cm_.find(k->text, 0);
    if (!ks) return constant(0.0);

    if (ks->kind == SymbolKind::Kernel && is_delta_kernel(*ks)) return port_rate(port);

    for (const auto& c : m_->convolutions)
      if (c.kernel == k->text && c.port == port) return make(Expr::Kind::Slot, ValueType::F64, c.slot);

    Convolution c;
    c.kernel = k->text;
    c.port_name = p->text;
    c.port = port;
    const bool archive = m_->spike_ports[port].is_post;
    c.from_post_archive = archive;
    bool ok = ks->kind == SymbolKind::Kernel ? kernel_of_time(*ks, c, call.span)
                                               : kernel_of_odes(*ks, c, call.span);
    if (!ok) return constant(0.0);
    c.slot = m_->ode_vars[c.vars[0]].slot;
    if (archive) {
      // A postsynaptic trace is computed from the neuron's spike archive (SEMANTICS.md 5.1):
      // supported for one-state kernels, whose propagation is a scalar exponential.
      if (c.vars.size() != 1) {
        error("E-UNSUPPORTED", call.span,
              fmt::format("convolutions of the postsynaptic port '{}' are supported for "
                          "exponential kernels only",
                          p->text));
        return constant(0.0);
      }
      OdeVar& v = m_->ode_vars[c.vars[0]];
      auto aff = sym::affine(*v.rhs, {v.slot});
      c.rate_slot = add_slot("__rate__" + v.name, SlotRole::Internal, ValueType::F64, "1/ms");
      m_->compute_internals.body.push_back(assign_slot(
          c.rate_slot, aff && aff->coefficients.count(v.slot) ? std::move(aff->coefficients[v.slot])
                                                               : constant(0.0)));
      v.is_convolution = false;
      m_->archive_vars.push_back(c.vars[0]);
    }
    m_->convolutions.push_back(std::move(c));
    return make(Expr::Kind::Slot, ValueType::F64, m_->convolutions.back().slot);
  }

  // x(t - d): a delay line per (variable, delay), read through its value slot.
  ExprPtr delayed(const ast::Expr& call, const sema::Symbol& var) {
    const ast::Expr* arg = call.args.size() == 1 ? call.args[0].get() : nullptr;
    while (arg && arg->kind == EK::Paren) arg = arg->args[0].get();
    if (!arg || arg->kind != EK::Binary || arg->op != ast::Op::Sub || arg->args[0]->kind != EK::Name ||
        arg->args[0]->text != "t") {
      error("E-DELAY-FORM", call.span,
            fmt::format("a delayed variable must be written {}(t - delay)", var.name),
            "the delay is a parameter or a literal with a time unit");
      return constant(0.0);
    }
    const int var_slot = slot_of_.at(&var);
    for (const auto& d : m_->delays)
      if (d.var_slot == var_slot) {
        // One delay per variable (as NEST): a second, different delay is not supported.
        return make(Expr::Kind::Slot, ValueType::F64, d.value_slot);
      }
    Delay d;
    d.var_slot = var_slot;
    d.delay_slot = add_slot("__delay__" + var.name, SlotRole::Internal, ValueType::F64, "ms");
    d.value_slot = add_slot("__delayed__" + var.name, SlotRole::Internal, ValueType::F64);
    m_->compute_internals.body.push_back(assign_slot(d.delay_slot, convert(expr(*arg->args[1]), ValueType::F64)));
    m_->delays.push_back(d);
    return make(Expr::Kind::Slot, ValueType::F64, d.value_slot);
  }

  ExprPtr port_rate(int port) {
    static const double per_second = units::lookup("Hz")->internal_scale();
    return binary(Op::Mul, make(Expr::Kind::Slot, ValueType::F64, m_->spike_ports[port].sum_slot),
                  constant(per_second), ValueType::F64);
  }

  static bool is_delta_kernel(const sema::Symbol& k) {
    for (const auto& part : k.kernel_def->parts)
      if (part.name == k.name && part.order == 0) {
        const ast::Expr* e = part.rhs.get();
        while (e->kind == EK::Paren) e = e->args[0].get();
        return e->kind == EK::Call && e->text == "delta";
      }
    return false;
  }

  int add_conv_state(Convolution& c, const std::string& name, ExprPtr rhs) {
    OdeVar v;
    v.name = name;
    v.slot = add_slot(name, SlotRole::Convolution, ValueType::F64, "", true);
    m_->slots[v.slot].port = c.port;
    v.is_convolution = true;
    v.rhs = std::move(rhs);
    c.vars.push_back(int(m_->ode_vars.size()));
    c.tmp_slots.push_back(add_slot(name + "__tmp", SlotRole::ConvolutionTmp, ValueType::F64));
    c.increment_slots.push_back(add_slot("__increment__" + name, SlotRole::Internal, ValueType::F64));
    var_of_slot_[v.slot] = int(m_->ode_vars.size());
    m_->ode_vars.push_back(std::move(v));
    return int(m_->ode_vars.size() - 1);
  }

  // A kernel given as a function of t, k(t) = sum of polynomial(t) * exp(a t) terms, is the
  // solution of the linear ODE whose characteristic polynomial is prod (s - a_j)^m_j
  // (m_j = 1 + degree of the polynomial of rate a_j). Its states are K, K', ..., K^(n-1)
  // (companion form, as NEST names them: K__X__p, K__X__p__d, ...), each spike adds
  // k^(i)(0) to K^(i).
  bool kernel_of_time(const sema::Symbol& ks, Convolution& c, SourceSpan span) {
    const ast::Expr* f = nullptr;
    for (const auto& part : ks.kernel_def->parts)
      if (part.name == ks.name && part.order == 0) f = part.rhs.get();
    if (!f) return false;
    ExprPtr k = convert(expr(*f), ValueType::F64);
    auto poly = kernel_characteristic_polynomial(*k);
    if (!poly) {
      error("E-KERNEL-UNSUPPORTED", ks.kernel_def->span,
            fmt::format("kernel '{}' is not a sum of polynomial x exp(a*t) terms; it cannot be "
                        "turned into a linear ODE",
                        ks.name),
            "write the kernel as ODEs (kernel g' = ...) with initial values in the state block");
      return false;
    }
    std::vector<ExprPtr> p = std::move(*poly);
    const int n = int(p.size()) - 1;
    if (n < 1 || n > 8) {
      error("E-KERNEL-UNSUPPORTED", ks.kernel_def->span,
            fmt::format("kernel '{}' needs a linear ODE of order {}, outside 1..8", ks.name, n));
      return false;
    }
    std::string base = ks.name + "__X__" + c.port_name;
    std::vector<int> slots;
    for (int i = 0; i < n; ++i) {
      std::string name = base;
      for (int d = 0; d < i; ++d) name += "__d";
      add_conv_state(c, name, nullptr);
    }
    for (int i = 0; i < n; ++i) slots.push_back(m_->ode_vars[c.vars[i]].slot);
    for (int i = 0; i < n; ++i) {
      ExprPtr rhs;
      if (i + 1 < n) {
        rhs = sym::slot(slots[i + 1]);
      } else {
        rhs = sym::constant(0.0);
        for (int j = 0; j < n; ++j)
          rhs = sym::add(std::move(rhs), sym::mul(sym::neg(sym::clone(*p[j])), sym::slot(slots[j])));
      }
      m_->ode_vars[c.vars[i]].rhs = std::move(rhs);
    }
    // Increments: k(0), k'(0), ..., k^(n-1)(0).
    ExprPtr deriv = sym::clone(*k);
    auto zero = sym::constant(0.0);
    for (int i = 0; i < n; ++i) {
      if (!deriv) {
        error("E-KERNEL-UNSUPPORTED", span, fmt::format("kernel '{}' cannot be differentiated", ks.name));
        return false;
      }
      m_->compute_internals.body.push_back(
          assign_slot(c.increment_slots[i], sym::substitute(*deriv, {}, zero.get())));
      deriv = sym::derivative(*deriv, -1);
    }
    return true;
  }

  // A kernel given by ODEs on state variables (`kernel g' = -g/tau` with `g real = 1` in the
  // state block): the convolution gets one state per kernel variable and derivative order,
  // with the kernel's ODEs, and each spike adds the variables' initial values.
  bool kernel_of_odes(const sema::Symbol& ks, Convolution& c, SourceSpan span) {
    const ast::KernelDef* def = nullptr;
    for (const auto& k : ast_.kernels)
      for (const auto& part : k.parts)
        if (part.name == ks.name && part.order > 0) def = &k;
    if (!def) {
      error("E-CONVOLVE-ARGS", span,
            fmt::format("'{}' is not a kernel: no 'kernel {}' equation defines it", ks.name, ks.name));
      return false;
    }
    // States in order: for each part (variable) its orders 0..order-1.
    std::map<int, int> state_of_slot;  // kernel variable slot -> convolution state slot
    struct Pending { int var; const ast::KernelDef::Part* part; int order; };
    std::vector<Pending> pending;
    for (const auto& part : def->parts) {
      for (int o = 0; o < part.order; ++o) {
        const sema::Symbol* s = cm_.find(part.name, o);
        if (!s || !slot_of_.count(s)) {
          error("E-KERNEL-STATE", part.lhs_span,
                fmt::format("kernel variable '{}' needs an initial value in the state block",
                            source_name(part.name, o)));
          return false;
        }
        std::string name = nest_name(part.name) + "__X__" + c.port_name;
        for (int d = 0; d < o; ++d) name += "__d";
        int var = add_conv_state(c, name, nullptr);
        state_of_slot[slot_of_[s]] = m_->ode_vars[var].slot;
        kernel_var_slots_.insert(slot_of_[s]);
        m_->slots[slot_of_[s]].recordable = false;
        pending.push_back({var, &part, o});
        m_->compute_internals.body.push_back(assign_slot(
            c.increment_slots.back(), s->init ? convert(expr(*s->init), ValueType::F64) : constant(0.0)));
      }
    }
    std::map<int, const Expr*> subst;
    std::vector<ExprPtr> keep;
    for (auto& [from, to] : state_of_slot) {
      keep.push_back(sym::slot(to));
      subst[from] = keep.back().get();
    }
    for (const auto& pd : pending) {
      ExprPtr rhs;
      if (pd.order + 1 < pd.part->order) {
        const sema::Symbol* next = cm_.find(pd.part->name, pd.order + 1);
        rhs = sym::slot(state_of_slot[slot_of_[next]]);
      } else {
        rhs = sym::substitute(*convert(expr(*pd.part->rhs), ValueType::F64), subst);
      }
      m_->ode_vars[pd.var].rhs = std::move(rhs);
    }
    return true;
  }

  // ---- statements ----

  Block lower_stmts(const ast::Block& b) {
    Block out;
    for (const auto& s : b) lower_stmt(*s, out);
    return out;
  }

  int local_index(const sema::Symbol* s) {
    auto it = local_of_.find(s);
    if (it != local_of_.end()) return it->second;
    int idx = static_cast<int>(local_types_.size());
    local_types_.push_back(value_type(s->type));
    local_of_[s] = idx;
    return idx;
  }

  // The assignable place a Name expression denotes.
  struct Place {
    bool local = false;
    int index = -1;
    ValueType type = ValueType::F64;
  };
  std::optional<Place> place(const ast::Expr& target) {
    const sema::ExprInfo* info = cm_.info(&target);
    if (!info || !info->symbol) return std::nullopt;
    const sema::Symbol* s = info->symbol;
    if (s->kind == SymbolKind::Local) return Place{true, local_index(s), value_type(s->type)};
    auto it = slot_of_.find(s);
    if (it == slot_of_.end()) return std::nullopt;
    return Place{false, it->second, m_->slots[it->second].type};
  }

  ExprPtr read(const Place& p) {
    return make(p.local ? Expr::Kind::Local : Expr::Kind::Slot, p.type, p.index);
  }

  StmtPtr write(const Place& p, ExprPtr v) {
    auto st = std::make_unique<Stmt>();
    st->kind = p.local ? Stmt::Kind::AssignLocal : Stmt::Kind::AssignSlot;
    st->index = p.index;
    st->value = convert(std::move(v), p.type);
    return st;
  }

  void lower_stmt(const ast::Stmt& s, Block& out) {
    using SK = ast::Stmt::Kind;
    switch (s.kind) {
      case SK::Declaration:
        for (size_t i = 0; i < s.declaration->names.size(); ++i) {
          // sema created one Local symbol per name; find them by declaration.
          for (const auto& sym : cm_.symbols)
            if (sym->kind == SymbolKind::Local && sym->declaration == s.declaration.get() &&
                sym->name == s.declaration->names[i]) {
              Place p{true, local_index(sym.get()), value_type(sym->type)};
              out.push_back(write(p, s.declaration->init ? expr(*s.declaration->init)
                                                         : constant(0.0, p.type)));
            }
        }
        break;
      case SK::Assignment: {
        auto p = place(*s.target);
        if (!p) break;
        ExprPtr v = expr(*s.value);
        if (s.assign_op != "=") {
          Op op = s.assign_op == "+=" ? Op::Add
                  : s.assign_op == "-=" ? Op::Sub
                  : s.assign_op == "*=" ? Op::Mul
                                        : Op::Div;
          ValueType t = p->type == ValueType::I64 && v->type == ValueType::I64 ? ValueType::I64
                                                                                : ValueType::F64;
          v = binary(op, convert(read(*p), t), convert(std::move(v), t), t);
        }
        out.push_back(write(*p, std::move(v)));
        break;
      }
      case SK::Call: lower_call_stmt(*s.value, out); break;
      case SK::Return: {
        auto st = std::make_unique<Stmt>();
        st->kind = Stmt::Kind::Return;
        if (s.value) {
          st->value = expr(*s.value);
          if (current_function_ && !current_function_->returns_void)
            st->value = convert(std::move(st->value), current_function_->result);
        }
        out.push_back(std::move(st));
        break;
      }
      case SK::If: {
        auto st = std::make_unique<Stmt>();
        st->kind = Stmt::Kind::If;
        for (const auto& b : s.branches) {
          if (b.condition)
            st->branches.emplace_back(convert(expr(*b.condition), ValueType::Bool), lower_stmts(b.body));
          else
            st->else_body = lower_stmts(b.body);
        }
        out.push_back(std::move(st));
        break;
      }
      case SK::While: {
        auto st = std::make_unique<Stmt>();
        st->kind = Stmt::Kind::While;
        st->value = convert(expr(*s.value), ValueType::Bool);
        st->body = lower_stmts(s.body);
        out.push_back(std::move(st));
        break;
      }
      case SK::For: {
        // for v in a ... b step s  ==  v = a; while (v < b) { body; v += s }  (> for s < 0)
        auto found = cm_.loop_vars.find(&s);
        if (found == cm_.loop_vars.end()) break;  // sema reported it
        const sema::Symbol* sym = found->second;
        Place p;
        if (sym->kind == SymbolKind::Local) {
          p = Place{true, local_index(sym), value_type(sym->type)};
        } else {
          auto slot = slot_of_.find(sym);
          if (slot == slot_of_.end()) break;
          p = Place{false, slot->second, value_type(sym->type)};
        }
        out.push_back(write(p, expr(*s.from)));
        auto loop = std::make_unique<Stmt>();
        loop->kind = Stmt::Kind::While;
        Op cmp = s.step > 0 ? Op::Lt : s.step < 0 ? Op::Gt : Op::Ne;
        loop->value = binary(cmp, convert(read(p), ValueType::F64),
                             convert(expr(*s.to), ValueType::F64), ValueType::Bool);
        loop->body = lower_stmts(s.body);
        loop->body.push_back(write(p, binary(Op::Add, convert(read(p), ValueType::F64),
                                             constant(s.step), ValueType::F64)));
        out.push_back(std::move(loop));
        break;
      }
    }
  }

  void lower_call_stmt(const ast::Expr& call, Block& out) {
    if (call.kind == EK::Call && call.text == "integrate_odes") {
      auto st = std::make_unique<Stmt>();
      st->kind = Stmt::Kind::IntegrateOdes;
      st->index = selection_of(call);
      st->advance_convolutions = m_->is_synapse;
      out.push_back(std::move(st));
      return;
    }
    if (call.kind == EK::Call && call.text == "emit_spike") {
      auto st = std::make_unique<Stmt>();
      st->kind = Stmt::Kind::EmitSpike;
      for (const auto& a : call.args) st->args.push_back(convert(expr(*a), ValueType::F64));
      out.push_back(std::move(st));
      return;
    }
    if (call.kind == EK::Call &&
        (call.text == "print" || call.text == "println" || call.text == "info" ||
         call.text == "warning")) {
      out.push_back(print(call));
      return;
    }
    auto st = std::make_unique<Stmt>();
    st->kind = Stmt::Kind::Eval;
    st->value = expr(call);
    out.push_back(std::move(st));
  }

  // print("V = {V_m}"): literal pieces and the values of the named variables, each followed
  // by a space and its unit as declared (LANGUAGE.md 6.2).
  StmtPtr print(const ast::Expr& call) {
    auto st = std::make_unique<Stmt>();
    st->kind = Stmt::Kind::Print;
    st->newline = call.text == "println";
    st->channel = call.text == "info"      ? Stmt::Channel::Info
                  : call.text == "warning" ? Stmt::Channel::Warning
                                           : Stmt::Channel::Out;
    std::string text = call.args.size() == 1 && call.args[0]->kind == EK::String ? call.args[0]->text : "";
    std::string piece;
    for (size_t i = 0; i < text.size(); ++i) {
      size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
      std::string name = close == std::string::npos ? "" : text.substr(i + 1, close - i - 1);
      auto variable = name.empty() ? std::optional<std::pair<ExprPtr, std::string>>() : placeholder(name);
      if (!variable) {
        piece += text[i];
        continue;
      }
      st->text.push_back(piece);
      piece.clear();
      st->args.push_back(std::move(variable->first));
      st->units.push_back(variable->second);
      i = close;
    }
    st->text.push_back(piece);
    return st;
  }

  // The value and declared unit of a variable named in a print placeholder.
  std::optional<std::pair<ExprPtr, std::string>> placeholder(const std::string& name) {
    const sema::Symbol* s = nullptr;
    for (const auto& [sym, idx] : local_of_)
      if (sym->name == name) s = sym;
    if (!s) s = cm_.find(name, 0);
    if (!s) return std::nullopt;
    ExprPtr value;
    if (s->kind == SymbolKind::Local) {
      value = make(Expr::Kind::Local, value_type(s->type), local_index(s));
    } else if (auto it = slot_of_.find(s); it != slot_of_.end()) {
      value = make(Expr::Kind::Slot, m_->slots[it->second].type, it->second);
    } else {
      return std::nullopt;
    }
    std::string unit;
    if (s->declaration && s->declaration->type.kind == ast::TypeExpr::Kind::Unit && cm_.file) {
      const SourceSpan& sp = s->declaration->type.span;
      if (sp.line == sp.end_line)
        unit = cm_.file->line_text(sp.line).substr(size_t(sp.column - 1), size_t(sp.end_column - sp.column + 1));
    }
    return std::make_pair(convert(std::move(value), ValueType::F64), unit);
  }

  // ---- expressions ----

  ExprPtr expr(const ast::Expr& e) {
    const sema::ExprInfo* info = cm_.info(&e);
    switch (e.kind) {
      case EK::Number: return constant(e.num, e.is_integer ? ValueType::I64 : ValueType::F64);
      case EK::Bool: return constant(e.bool_value ? 1.0 : 0.0, ValueType::Bool);
      case EK::Inf: return constant(std::numeric_limits<double>::infinity());
      case EK::String: return constant(0.0);
      case EK::Paren: return expr(*e.args[0]);
      case EK::Name: return name(e, info);
      case EK::Call: return call(e, info);
      case EK::Unary: {
        ExprPtr a = expr(*e.args[0]);
        switch (e.op) {
          case ast::Op::Neg: {
            ValueType t = a->type == ValueType::Bool ? ValueType::F64 : a->type;
            return unary(Op::Neg, convert(std::move(a), t), t);
          }
          case ast::Op::Not: return unary(Op::Not, convert(std::move(a), ValueType::Bool), ValueType::Bool);
          case ast::Op::BitNot: return unary(Op::BitNot, convert(std::move(a), ValueType::I64), ValueType::I64);
          default: return a;
        }
      }
      case EK::Binary: return binary_expr(e);
      case EK::Ternary: {
        auto s = make(Expr::Kind::Select, ValueType::F64);
        ExprPtr a = expr(*e.args[1]);
        ExprPtr b = expr(*e.args[2]);
        ValueType t = a->type == b->type ? a->type : ValueType::F64;
        s->type = t;
        s->args.push_back(convert(expr(*e.args[0]), ValueType::Bool));
        s->args.push_back(convert(std::move(a), t));
        s->args.push_back(convert(std::move(b), t));
        return s;
      }
    }
    return constant(0.0);
  }

  ExprPtr name(const ast::Expr& e, const sema::ExprInfo* info) {
    if (!info) return constant(0.0);
    if (info->is_unit_name) return constant(info->unit_scale);
    const sema::Symbol* s = info->symbol;
    if (!s) return constant(0.0);
    switch (s->kind) {
      case SymbolKind::Predefined:
        if (s->name == "t")
          return time_override_ ? constant(*time_override_) : make(Expr::Kind::Time, ValueType::F64);
        return constant(s->name == "e" ? M_E : M_PI);
      case SymbolKind::SpikePort: {
        // The port's value is its summed weight as a rate in 1/s; internally 1/ms.
        return port_rate(spike_port_of_.at(s->name));
      }
      case SymbolKind::Inline: {
        const ast::InlineDef* def = s->inline_def;
        if (expanding_.count(def)) {
          error("E-INLINE-RECURSIVE", e.span,
                fmt::format("inline expression '{}' refers to itself", s->name));
          return constant(0.0);
        }
        expanding_.insert(def);
        ExprPtr v = convert(expr(*def->rhs), value_type(s->type));
        expanding_.erase(def);
        return v;
      }
      case SymbolKind::Local: return make(Expr::Kind::Local, value_type(s->type), local_index(s));
      case SymbolKind::FunctionParam: {
        auto it = param_of_.find(s);
        return it == param_of_.end() ? constant(0.0)
                                      : make(Expr::Kind::Param, value_type(s->type), it->second);
      }
      default: {
        auto it = slot_of_.find(s);
        if (it == slot_of_.end()) return constant(0.0);
        return make(Expr::Kind::Slot, m_->slots[it->second].type, it->second);
      }
    }
  }

  ExprPtr call(const ast::Expr& e, const sema::ExprInfo* info) {
    if (e.text == "convolve") {
      return convolution(e);
    }
    if (info && info->symbol && info->symbol->kind == SymbolKind::State) return delayed(e, *info->symbol);
    if (info && info->function) {
      auto it = function_index_.find(info->function);
      if (it == function_index_.end()) return constant(0.0);
      const ast::Function& f = *info->function;
      auto c = make(Expr::Kind::Call, ValueType::F64, it->second);
      if (f.return_type) c->type = value_type(info->type);
      for (size_t i = 0; i < e.args.size(); ++i) {
        ValueType pt = i < m_->functions[it->second].params.size() ? m_->functions[it->second].params[i]
                                                                  : ValueType::F64;
        c->args.push_back(convert(expr(*e.args[i]), pt));
      }
      return c;
    }
    const sema::BuiltinFunction* b = sema::builtin(e.text);
    if (!b) return constant(0.0);
    switch (b->id) {
      case sema::Builtin::Resolution: return make(Expr::Kind::Resolution, ValueType::F64);
      case sema::Builtin::Timestep: return make(Expr::Kind::Timestep, ValueType::F64);
      default: break;
    }
    ValueType rt = info ? value_type(info->type) : ValueType::F64;
    auto c = make(Expr::Kind::Builtin, rt);
    c->builtin = b->id;
    for (const auto& a : e.args) c->args.push_back(convert(expr(*a), ValueType::F64));
    if (rt != ValueType::F64) {
      c->type = ValueType::F64;
      return convert(std::move(c), rt);
    }
    return c;
  }

  ExprPtr binary_expr(const ast::Expr& e) {
    using AO = ast::Op;
    // "10 mV": the literal times the unit's internal scale, folded here.
    ExprPtr a = expr(*e.args[0]);
    ExprPtr b = expr(*e.args[1]);
    auto arith = [&](Op op) -> ExprPtr {
      bool ints = a->type == ValueType::I64 && b->type == ValueType::I64;
      // NESTML: integer / integer divides in integers unless the divisor is a literal.
      if (op == Op::Div && ints && e.args[1]->kind == EK::Number) ints = false;
      ValueType t = ints ? ValueType::I64 : ValueType::F64;
      if (op == Op::Pow && !ints) t = ValueType::F64;
      auto r = binary(op, convert(std::move(a), t), convert(std::move(b), t), t);
      if (r->args[0]->kind == Expr::Kind::Const && r->args[1]->kind == Expr::Kind::Const &&
          t == ValueType::F64 && (op == Op::Mul || op == Op::Div)) {
        double v = op == Op::Mul ? r->args[0]->value * r->args[1]->value
                                 : r->args[0]->value / r->args[1]->value;
        return constant(v);
      }
      return r;
    };
    auto logic = [&](Op op, ValueType operand) {
      return binary(op, convert(std::move(a), operand), convert(std::move(b), operand),
                    ValueType::Bool);
    };
    switch (e.op) {
      case AO::Mul: return arith(Op::Mul);
      case AO::Div: return arith(Op::Div);
      case AO::Mod: return arith(Op::Mod);
      case AO::Add: return arith(Op::Add);
      case AO::Sub: return arith(Op::Sub);
      case AO::Pow: return arith(Op::Pow);
      case AO::Lt: case AO::Le: case AO::Eq: case AO::Ne: case AO::Ge: case AO::Gt: {
        Op op = e.op == AO::Lt ? Op::Lt : e.op == AO::Le ? Op::Le : e.op == AO::Eq ? Op::Eq
              : e.op == AO::Ne ? Op::Ne : e.op == AO::Ge ? Op::Ge : Op::Gt;
        ValueType t = a->type == b->type ? a->type : ValueType::F64;
        return logic(op, t);
      }
      case AO::And: return logic(Op::And, ValueType::Bool);
      case AO::Or: return logic(Op::Or, ValueType::Bool);
      case AO::BitAnd: return binary(Op::BitAnd, convert(std::move(a), ValueType::I64), convert(std::move(b), ValueType::I64), ValueType::I64);
      case AO::BitOr: return binary(Op::BitOr, convert(std::move(a), ValueType::I64), convert(std::move(b), ValueType::I64), ValueType::I64);
      case AO::BitXor: return binary(Op::BitXor, convert(std::move(a), ValueType::I64), convert(std::move(b), ValueType::I64), ValueType::I64);
      case AO::Shl: return binary(Op::Shl, convert(std::move(a), ValueType::I64), convert(std::move(b), ValueType::I64), ValueType::I64);
      case AO::Shr: return binary(Op::Shr, convert(std::move(a), ValueType::I64), convert(std::move(b), ValueType::I64), ValueType::I64);
      default: return constant(0.0);
    }
  }
};

}  // namespace

std::unique_ptr<Model> lower(const sema::CheckedModel& model, const LowerOptions& options,
                             DiagnosticList& diags) {
  return Lowerer(model, options, diags).run();
}

}  // namespace nestjit::nir
