// Passes that lower the model's blocks: user functions, the initialisation blocks
// (parameter defaults, internals, initial state), update, onReceive and onCondition handlers,
// and recordable inline expressions.
#include "nir/guards.h"
#include "nir/lowering/lowerer.h"

#include <fmt/format.h>


namespace nestjit::nir::lowering {

void Lowerer::lower_initialisation() {
  auto assign_inits = [&](SymbolKind kind, CodeBlock& cb) {
    for (const sema::Symbol* s : cm_.of_kind(kind)) {
      // A vector's initializer is evaluated for each element.
      auto vec = vectors_.find(s);
      const int n = vec == vectors_.end() ? 1 : vec->second.count;
      for (int k = 0; k < n; ++k) {
        auto st = std::make_unique<Stmt>();
        st->kind = Stmt::Kind::AssignSlot;
        st->index = slot_of_[s] + k;
        st->value = s->init ? convert(expr(*s->init), value_type(s->type))
                            : constant(0.0, value_type(s->type));
        cb.body.push_back(std::move(st));
      }
    }
  };
  begin_block();
  assign_inits(SymbolKind::Parameter, m_->init_parameters);
  assign_inits(SymbolKind::Internal, m_->compute_internals);
  assign_inits(SymbolKind::State, m_->init_state);
}

// A user function: parameters by value, locals, may read and assign model variables.
void Lowerer::lower_function(const ast::Function& f, Function& out) {
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

void Lowerer::lower_on_receive(const ast::OnReceive& h) {
  Handler out;
  // onReceive(p[k]) handles element k of a vector port, i.e. the port p_k.
  std::string port = h.port;
  if (h.port_index) {
    const ast::Expr* ix = h.port_index.get();
    while (ix->kind == EK::Paren) ix = ix->args[0].get();
    if (ix->kind != EK::Number) {
      error("E-UNSUPPORTED", h.port_span,
            fmt::format("the element of port '{}' in onReceive must be an integer literal", h.port));
      return;
    }
    port = fmt::format("{}_{}", h.port, long(ix->num));
  }
  auto it = spike_port_of_.find(port);
  if (it == spike_port_of_.end()) {
    if (const sema::Symbol* s = cm_.find(h.port, 0); s && s->is_vector)
      error(h.port_index ? "E-INDEX-RANGE" : "E-UNSUPPORTED", h.span,
            h.port_index ? fmt::format("onReceive names element {} of '{}', which has no such element",
                                       port.substr(h.port.size() + 1), h.port)
                         : fmt::format("onReceive of the whole vector port '{}' is not supported; "
                                       "name an element, onReceive({}[0])",
                                       h.port, h.port));
    return;  // otherwise sema reported it
  }
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

void Lowerer::lower_functions() {
  for (size_t i = 0; i < ast_.functions.size(); ++i) function_index_[&ast_.functions[i]] = int(i);
  m_->functions.resize(ast_.functions.size());
  for (size_t i = 0; i < ast_.functions.size(); ++i) lower_function(ast_.functions[i], m_->functions[i]);
}

void Lowerer::lower_update() {
  if (ast_.update) m_->update = lower_block(*ast_.update, Where::Update);
}

void Lowerer::lower_on_receive_handlers() {
  for (const auto& h : ast_.on_receive) lower_on_receive(h);
}

void Lowerer::lower_on_conditions() {
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
}

void Lowerer::lower_recordable_inlines() {
  for (const auto& in : ast_.inlines)
    if (in.is_recordable) {
      begin_block();
      m_->recordable_inlines.emplace_back(in.name, convert(expr(*in.rhs), ValueType::F64));
    }
}

void Lowerer::lower_parameter_guards() {
  lower_guards(
      cm_,
      [&](const sema::Symbol& s) {
        auto it = slot_of_.find(&s);
        return it == slot_of_.end() ? -1 : it->second;
      },
      [&](const ast::Expr& e) { return convert(expr(e), ValueType::Bool); }, m_->guards);
}

}  // namespace nestjit::nir::lowering
