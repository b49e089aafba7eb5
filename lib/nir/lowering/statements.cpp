// Statements: declarations, assignments, control flow, calls of integrate_odes,
// emit_spike and print, lowered to nir::Stmt over slots and locals.
#include "nir/lowering/lowerer.h"

#include <fmt/format.h>

namespace nestjit::nir::lowering {

Block Lowerer::lower_stmts(const ast::Block& b) {
  Block out;
  for (const auto& s : b) lower_stmt(*s, out);
  return out;
}

int Lowerer::local_index(const sema::Symbol* s) {
  auto it = local_of_.find(s);
  if (it != local_of_.end()) return it->second;
  int idx = static_cast<int>(local_types_.size());
  local_types_.push_back(value_type(s->type));
  local_of_[s] = idx;
  return idx;
}

std::optional<Lowerer::Place> Lowerer::place(const ast::Expr& target) {
  const sema::ExprInfo* info = cm_.info(&target);
  if (!info || !info->symbol) return std::nullopt;
  const sema::Symbol* s = info->symbol;
  if (s->kind == SymbolKind::Local) return Place{true, local_index(s), value_type(s->type)};
  if (s->is_vector && target.args.size() == 1) {
    Place p{false, slot_of_.count(s) ? slot_of_.at(s) : -1, value_type(s->type)};
    p.vector = s;
    p.index = -1;
    p.element_index = target.args[0].get();
    p.span = target.span;
    return p;
  }
  auto it = slot_of_.find(s);
  if (it == slot_of_.end()) return std::nullopt;
  return Place{false, it->second, m_->slots[it->second].type};
}

ExprPtr Lowerer::read(const Place& p) {
  if (p.vector) return element(*p.vector, *p.element_index, p.span);
  return make(p.local ? Expr::Kind::Local : Expr::Kind::Slot, p.type, p.index);
}

StmtPtr Lowerer::write(const Place& p, ExprPtr v) {
  if (p.vector) {
    ExprPtr target = element(*p.vector, *p.element_index, p.span);
    if (target->kind == Expr::Kind::Slot) return assign_slot(target->index, convert(std::move(v), p.type));
    auto st = std::make_unique<Stmt>();
    st->kind = Stmt::Kind::AssignElement;
    st->value = convert(std::move(v), p.type);
    st->element = std::move(target);
    return st;
  }
  auto st = std::make_unique<Stmt>();
  st->kind = p.local ? Stmt::Kind::AssignLocal : Stmt::Kind::AssignSlot;
  st->index = p.index;
  st->value = convert(std::move(v), p.type);
  return st;
}

void Lowerer::lower_stmt(const ast::Stmt& s, Block& out) {
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

void Lowerer::lower_call_stmt(const ast::Expr& call, Block& out) {
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
StmtPtr Lowerer::print(const ast::Expr& call) {
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
std::optional<std::pair<ExprPtr, std::string>> Lowerer::placeholder(const std::string& name) {
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

}  // namespace nestjit::nir::lowering
