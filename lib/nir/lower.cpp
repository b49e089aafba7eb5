// Lowering: sema::CheckedModel -> nir::Model. Units disappear here: a literal with a unit
// and a bare unit name become their internal numbers, spike ports become their summed
// weight times the internal scale of 1/s, inline expressions are expanded where used.
#include "nir/lower.h"

#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <set>

namespace nestjit::nir {

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

std::string slot_name(const std::string& name, int order) {
  return name + std::string(static_cast<size_t>(order), '\'');
}

class Lowerer {
 public:
  Lowerer(const sema::CheckedModel& cm, const LowerOptions& opts, DiagnosticList& diags)
      : cm_(cm), ast_(*cm.ast), opts_(opts), diags_(diags), m_(std::make_unique<Model>()) {
    m_->name = ast_.name;
    m_->is_synapse = cm.is_synapse;
  }

  std::unique_ptr<Model> run() {
    allocate_slots();
    lower_initialisation();
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
    finish_convolution_internals();
    if (failed_) return nullptr;
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
  const std::map<int, int>* ode_overrides_ = nullptr;

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

  // One numeric system with every ODE of the model, integrated by RKF45.
  // TODO(issue 4): linear analysis with exact propagators, per-argument systems for
  // integrate_odes(x, y), convolution states inside the numeric system.
  void lower_odes() {
    if (ast_.odes.empty()) return;
    OdeSystem sys;
    begin_block();
    for (const auto& ode : ast_.odes) {
      const sema::Symbol* s = cm_.find(ode.name, 0);
      if (!s) continue;
      // x^(n) = f is the first-order system x' = x', ..., x^(n-1)' = f.
      for (int k = 0; k < ode.order; ++k) {
        const sema::Symbol* sk = cm_.find(ode.name, k);
        if (!sk) {
          error("E-ODE-ORDER", ode.lhs_span,
                fmt::format("'{}' needs the state variable '{}' for its order-{} ODE", ode.name,
                            slot_name(ode.name, k), ode.order));
          return;
        }
        sys.state_slots.push_back(slot_of_[sk]);
        if (k + 1 < ode.order) {
          const sema::Symbol* next = cm_.find(ode.name, k + 1);
          if (!next) {
            error("E-ODE-ORDER", ode.lhs_span,
                  fmt::format("'{}' needs the state variable '{}'", ode.name, slot_name(ode.name, k + 1)));
            return;
          }
          sys.rhs.push_back(make(Expr::Kind::Slot, ValueType::F64, slot_of_[next]));
        } else {
          sys.rhs.push_back(convert(expr(*ode.rhs), ValueType::F64));
        }
      }
    }
    sys.step_slot = add_slot("__integration_step", SlotRole::IntegrationStep, ValueType::F64, "ms");
    m_->ode_systems.push_back(std::move(sys));
  }

  StmtPtr assign_slot(int slot, ExprPtr v) {
    auto st = std::make_unique<Stmt>();
    st->kind = Stmt::Kind::AssignSlot;
    st->index = slot;
    st->value = std::move(v);
    return st;
  }

  // Rates and increments of convolutions are internals: recomputed with the others.
  void finish_convolution_internals() {
    for (auto& c : m_->convolutions) {
      const sema::Symbol* k = cm_.find(c.kernel, 0);
      const ast::KernelDef* def = k ? k->kernel_def : nullptr;
      const ast::Expr* f = nullptr;
      if (def)
        for (const auto& part : def->parts)
          if (part.name == c.kernel && part.order == 0) f = part.rhs.get();
      // exp(E(t)) with E linear in t: K' = (E(1)-E(0)) K, K(0) = exp(E(0)).
      const ast::Expr* arg = f;
      while (arg && arg->kind == EK::Paren) arg = arg->args[0].get();
      if (!arg || arg->kind != EK::Call || arg->text != "exp" || arg->args.size() != 1 ||
          affine_in_t(*arg->args[0]) == Affinity::NotAffine) {
        error("E-KERNEL-UNSUPPORTED", def ? def->span : ast_.name_span,
              fmt::format("kernel '{}' is not of the form exp(a*t); other kernel forms are not "
                          "supported yet",
                          c.kernel),
              "write the kernel as an ODE on a state variable for now");
        continue;
      }
      begin_block();
      time_override_ = 0.0;
      ExprPtr e0 = convert(expr(*arg->args[0]), ValueType::F64);
      time_override_ = 1.0;
      ExprPtr e1 = convert(expr(*arg->args[0]), ValueType::F64);
      time_override_.reset();
      ExprPtr e0b = convert(expr_at_time(*arg->args[0], 0.0), ValueType::F64);
      m_->compute_internals.body.push_back(
          assign_slot(c.rate_slot, binary(Op::Sub, std::move(e1), std::move(e0), ValueType::F64)));
      auto inc = make(Expr::Kind::Builtin, ValueType::F64);
      inc->builtin = sema::Builtin::Exp;
      inc->args.push_back(std::move(e0b));
      m_->compute_internals.body.push_back(assign_slot(c.increment_slot, std::move(inc)));
    }
  }

  enum class Affinity { Constant, Linear, NotAffine };
  // Whether a kernel exponent is a*t + b with a, b free of t (so exp of it is a decay).
  Affinity affine_in_t(const ast::Expr& e) const {
    using A = Affinity;
    auto join = [](A a, A b) { return a == A::NotAffine || b == A::NotAffine ? A::NotAffine
                                      : (a == A::Linear || b == A::Linear ? A::Linear : A::Constant); };
    switch (e.kind) {
      case EK::Name: {
        const sema::ExprInfo* info = cm_.info(&e);
        return info && info->symbol && info->symbol->kind == SymbolKind::Predefined &&
                       info->symbol->name == "t"
                   ? A::Linear
                   : A::Constant;
      }
      case EK::Paren: return affine_in_t(*e.args[0]);
      case EK::Unary: return e.op == ast::Op::Neg || e.op == ast::Op::Plus ? affine_in_t(*e.args[0]) : A::NotAffine;
      case EK::Binary: {
        A a = affine_in_t(*e.args[0]), b = affine_in_t(*e.args[1]);
        switch (e.op) {
          case ast::Op::Add: case ast::Op::Sub: return join(a, b);
          case ast::Op::Mul: return a == A::Constant || b == A::Constant ? join(a, b) : A::NotAffine;
          case ast::Op::Div: return b == A::Constant ? a : A::NotAffine;
          default: return a == A::Constant && b == A::Constant ? A::Constant : A::NotAffine;
        }
      }
      case EK::Call:
        for (const auto& x : e.args)
          if (affine_in_t(*x) != A::Constant) return A::NotAffine;
        return A::Constant;
      case EK::Ternary: return A::NotAffine;
      default: return A::Constant;
    }
  }

  std::optional<double> time_override_;
  ExprPtr expr_at_time(const ast::Expr& e, double t) {
    time_override_ = t;
    ExprPtr r = expr(e);
    time_override_.reset();
    return r;
  }

  int convolution_slot(const ast::Expr& call) {
    const ast::Expr* k = call.args[0].get();
    const ast::Expr* p = call.args[1].get();
    if (spike_port_of_.count(k->text)) std::swap(k, p);
    auto pit = spike_port_of_.find(p->text);
    if (pit == spike_port_of_.end()) return -1;
    for (const auto& c : m_->convolutions)
      if (c.kernel == k->text && c.port == pit->second) return c.slot;
    Convolution c;
    c.kernel = k->text;
    c.port_name = p->text;
    c.port = pit->second;
    std::string base = k->text + "__X__" + p->text;
    c.slot = add_slot(base, SlotRole::Convolution, ValueType::F64);
    c.tmp_slot = add_slot(base + "__tmp", SlotRole::ConvolutionTmp, ValueType::F64);
    c.rate_slot = add_slot("__rate__" + base, SlotRole::Internal, ValueType::F64, "1/ms");
    c.increment_slot = add_slot("__increment__" + base, SlotRole::Internal, ValueType::F64);
    c.from_post_archive = m_->spike_ports[c.port].is_post;
    m_->convolutions.push_back(c);
    return c.slot;
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
        if (s.value) st->value = expr(*s.value);
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
      st->index = m_->ode_systems.empty() ? -1 : 0;
      st->advance_convolutions = m_->is_synapse;
      if (!call.args.empty())
        diags_.warning("W-UNSUPPORTED", cm_.file, call.span,
                       "integrate_odes() with arguments integrates all ODEs for now (issue 4)");
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
         call.text == "warning"))
      return;  // TODO(issue 3): output functions
    auto st = std::make_unique<Stmt>();
    st->kind = Stmt::Kind::Eval;
    st->value = expr(call);
    out.push_back(std::move(st));
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
        int port = spike_port_of_.at(s->name);
        static const double per_second = units::lookup("Hz")->internal_scale();
        return binary(Op::Mul, make(Expr::Kind::Slot, ValueType::F64, m_->spike_ports[port].sum_slot),
                      constant(per_second), ValueType::F64);
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
      int slot = convolution_slot(e);
      if (slot < 0) return constant(0.0);
      return make(Expr::Kind::Slot, ValueType::F64, slot);
    }
    if (info && info->symbol && info->symbol->kind == SymbolKind::State) {
      error("E-UNSUPPORTED", e.span, "delay differential equations are not supported yet (issue 4)");
      return constant(0.0);
    }
    if (info && info->function) {
      error("E-UNSUPPORTED", e.span, "user-defined functions are not supported by codegen yet");
      return constant(0.0);
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
