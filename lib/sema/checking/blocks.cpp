// Bodies: update, onReceive and onCondition handlers, user functions and their returns.
#include "sema/checking/checker.h"

#include <fmt/format.h>
#include <functional>

namespace nestjit::sema::checking {

// CoCo user_defined_function_correctly_defined: a typed function returns a value of a
// compatible type on every path; a void function returns no value.
bool Checker::always_returns(const ast::Block& b) {
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

void Checker::check_returns(const ast::Function& f) {
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

void Checker::check_on_receive(const ast::OnReceive& h) {
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

void Checker::check_function(const ast::Function& f) {
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

void Checker::check_update() {
  if (model_.update) {
    begin_body(*model_.update);
    check_block(*model_.update, Context::Update);
  }
}

void Checker::check_on_receive_handlers() {
  for (const auto& h : model_.on_receive) check_on_receive(h);
}

void Checker::check_on_conditions() {
  for (const auto& c : model_.on_condition) {
    begin_body(c.body);
    Type t = expr(*c.condition, Context::OnCondition);
    require_boolean(t, *c.condition, "onCondition");
    check_block(c.body, Context::OnCondition);
  }
}

void Checker::check_functions() {
  for (const auto& f : model_.functions) check_function(f);
}

}  // namespace nestjit::sema::checking
