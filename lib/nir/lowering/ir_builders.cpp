// Building IR expressions (with the type conversions NESTML implies) and the names slots get.
#include "nir/lowering/lowerer.h"

#include <cmath>

namespace nestjit::nir::lowering {

ExprPtr constant(double v, ValueType t) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::Const;
  e->value = v;
  e->type = t;
  return e;
}

ExprPtr make(Expr::Kind k, ValueType t, int index) {
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

// Upstream's spelling of a variable: `$` becomes __DOLLAR and each derivative order __d
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

}  // namespace nestjit::nir::lowering
