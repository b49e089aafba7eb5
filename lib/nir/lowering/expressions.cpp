// Expressions: literals with units folded to internal numbers, names resolved to slots,
// locals, parameters or expanded inline expressions, calls of builtins and user functions.
#include "nir/lowering/lowerer.h"

#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "units/units.h"

namespace nestjit::nir::lowering {

ExprPtr Lowerer::port_rate(int port) {
  static const double per_second = units::lookup("Hz")->internal_scale();
  return binary(Op::Mul, make(Expr::Kind::Slot, ValueType::F64, m_->spike_ports[port].sum_slot),
                constant(per_second), ValueType::F64);
}

ExprPtr Lowerer::expr(const ast::Expr& e) {
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

ExprPtr Lowerer::name(const ast::Expr& e, const sema::ExprInfo* info) {
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
      if (s->is_vector) {
        static const double per_second = units::lookup("Hz")->internal_scale();
        if (e.args.size() != 1) {
          error("E-UNSUPPORTED", e.span,
                fmt::format("vector port '{}' must be read element by element", s->name));
          return constant(0.0);
        }
        return binary(Op::Mul, element(*s, *e.args[0], e.span), constant(per_second),
                      ValueType::F64);
      }
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
    case SymbolKind::Local:
      if (ode_index_ && ode_index_->first == s) return constant(double(ode_index_->second), ValueType::I64);
      return make(Expr::Kind::Local, value_type(s->type), local_index(s));
    case SymbolKind::FunctionParam: {
      auto it = param_of_.find(s);
      return it == param_of_.end() ? constant(0.0)
                                    : make(Expr::Kind::Param, value_type(s->type), it->second);
    }
    default: {
      if (s->is_vector && e.args.size() == 1) return element(*s, *e.args[0], e.span);
      auto it = slot_of_.find(s);
      if (it == slot_of_.end()) return constant(0.0);
      return make(Expr::Kind::Slot, m_->slots[it->second].type, it->second);
    }
  }
}

ExprPtr Lowerer::call(const ast::Expr& e, const sema::ExprInfo* info) {
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

ExprPtr Lowerer::binary_expr(const ast::Expr& e) {
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

}  // namespace nestjit::nir::lowering
