#include "nir/symbolic.h"

#include <cmath>

namespace nestjit::nir::sym {

namespace {

ExprPtr node(Expr::Kind k) {
  auto e = std::make_unique<Expr>();
  e->kind = k;
  e->type = ValueType::F64;
  return e;
}

ExprPtr binary(Op op, ExprPtr a, ExprPtr b) {
  auto e = node(Expr::Kind::Binary);
  e->op = op;
  e->args.push_back(std::move(a));
  e->args.push_back(std::move(b));
  return e;
}

}  // namespace

ExprPtr clone(const Expr& e) {
  auto c = std::make_unique<Expr>();
  c->kind = e.kind;
  c->type = e.type;
  c->value = e.value;
  c->index = e.index;
  c->op = e.op;
  c->builtin = e.builtin;
  c->count = e.count;
  c->stride = e.stride;
  c->name = e.name;
  for (const auto& a : e.args) c->args.push_back(clone(*a));
  return c;
}

ExprPtr constant(double v) {
  auto e = node(Expr::Kind::Const);
  e->value = v;
  return e;
}

ExprPtr slot(int index) {
  auto e = node(Expr::Kind::Slot);
  e->index = index;
  return e;
}

std::optional<double> const_value(const Expr& e) {
  if (e.kind == Expr::Kind::Const && e.type == ValueType::F64) return e.value;
  if (e.kind == Expr::Kind::Const && e.type == ValueType::I64) return e.value;
  return std::nullopt;
}

bool is_const(const Expr& e, double v) {
  auto c = const_value(e);
  return c && *c == v;
}

ExprPtr add(ExprPtr a, ExprPtr b) {
  if (is_const(*a, 0)) return b;
  if (is_const(*b, 0)) return a;
  auto ca = const_value(*a), cb = const_value(*b);
  if (ca && cb) return constant(*ca + *cb);
  return binary(Op::Add, std::move(a), std::move(b));
}

ExprPtr sub(ExprPtr a, ExprPtr b) {
  if (is_const(*b, 0)) return a;
  if (is_const(*a, 0)) return neg(std::move(b));
  auto ca = const_value(*a), cb = const_value(*b);
  if (ca && cb) return constant(*ca - *cb);
  return binary(Op::Sub, std::move(a), std::move(b));
}

ExprPtr mul(ExprPtr a, ExprPtr b) {
  if (is_const(*a, 0) || is_const(*b, 0)) return constant(0.0);
  if (is_const(*a, 1)) return b;
  if (is_const(*b, 1)) return a;
  auto ca = const_value(*a), cb = const_value(*b);
  if (ca && cb) return constant(*ca * *cb);
  return binary(Op::Mul, std::move(a), std::move(b));
}

ExprPtr div(ExprPtr a, ExprPtr b) {
  if (is_const(*a, 0)) return constant(0.0);
  if (is_const(*b, 1)) return a;
  auto ca = const_value(*a), cb = const_value(*b);
  if (ca && cb) return constant(*ca / *cb);
  return binary(Op::Div, std::move(a), std::move(b));
}

ExprPtr neg(ExprPtr a) {
  if (auto c = const_value(*a)) return constant(-*c);
  if (a->kind == Expr::Kind::Unary && a->op == Op::Neg) return std::move(a->args[0]);
  auto e = node(Expr::Kind::Unary);
  e->op = Op::Neg;
  e->args.push_back(std::move(a));
  return e;
}

ExprPtr call(sema::Builtin f, ExprPtr a) {
  auto e = node(Expr::Kind::Builtin);
  e->builtin = f;
  e->args.push_back(std::move(a));
  return e;
}

ExprPtr substitute(const Expr& e, const std::map<int, const Expr*>& slots, const Expr* time) {
  if (e.kind == Expr::Kind::Slot) {
    auto it = slots.find(e.index);
    if (it != slots.end()) return clone(*it->second);
  }
  if (e.kind == Expr::Kind::Time && time) return clone(*time);
  auto c = clone(e);
  c->args.clear();
  for (const auto& a : e.args) c->args.push_back(substitute(*a, slots, time));
  return c;
}

bool depends_on(const Expr& e, const std::set<int>& slots, bool time) {
  if (e.kind == Expr::Kind::Slot && slots.count(e.index)) return true;
  if (e.kind == Expr::Kind::Time && time) return true;
  if (e.kind == Expr::Kind::SlotElement)
    for (int k = 0; k < e.count; ++k)
      if (slots.count(e.index + e.stride * k)) return true;
  for (const auto& a : e.args)
    if (depends_on(*a, slots, time)) return true;
  return false;
}

void collect_slots(const Expr& e, std::set<int>& out) {
  if (e.kind == Expr::Kind::Slot) out.insert(e.index);
  if (e.kind == Expr::Kind::SlotElement)  // any element may be read
    for (int k = 0; k < e.count; ++k) out.insert(e.index + e.stride * k);
  for (const auto& a : e.args) collect_slots(*a, out);
}

bool equal(const Expr& a, const Expr& b) {
  if (a.kind != b.kind || a.type != b.type || a.args.size() != b.args.size()) return false;
  switch (a.kind) {
    case Expr::Kind::Const:
      if (a.value != b.value) return false;
      break;
    case Expr::Kind::Slot:
    case Expr::Kind::Local:
    case Expr::Kind::Param:
    case Expr::Kind::Call:
    case Expr::Kind::SlotElement:
      if (a.index != b.index) return false;
      break;
    case Expr::Kind::Unary:
    case Expr::Kind::Binary:
      if (a.op != b.op) return false;
      break;
    case Expr::Kind::Builtin:
      if (a.builtin != b.builtin) return false;
      break;
    default: break;
  }
  for (size_t i = 0; i < a.args.size(); ++i)
    if (!equal(*a.args[i], *b.args[i])) return false;
  return true;
}

ExprPtr derivative(const Expr& e, int var) {
  using K = Expr::Kind;
  auto d = [var](const Expr& x) { return derivative(x, var); };
  switch (e.kind) {
    case K::Const:
    case K::Local:
    case K::Param:
    case K::Resolution:
    case K::Timestep: return constant(0.0);
    case K::Time: return constant(var < 0 ? 1.0 : 0.0);
    case K::Slot: return constant(var >= 0 && e.index == var ? 1.0 : 0.0);
    case K::Unary: {
      auto a = d(*e.args[0]);
      if (!a) return nullptr;
      switch (e.op) {
        case Op::Neg: return neg(std::move(a));
        case Op::ToF64: return a;
        default: return is_const(*a, 0) ? constant(0.0) : nullptr;
      }
    }
    case K::Binary: {
      const Expr& a = *e.args[0];
      const Expr& b = *e.args[1];
      auto da = d(a), db = d(b);
      if (!da || !db) return nullptr;
      switch (e.op) {
        case Op::Add: return add(std::move(da), std::move(db));
        case Op::Sub: return sub(std::move(da), std::move(db));
        case Op::Mul: return add(mul(std::move(da), clone(b)), mul(clone(a), std::move(db)));
        case Op::Div:
          // (a/b)' = a'/b - a b'/b^2
          return sub(div(std::move(da), clone(b)),
                     div(mul(clone(a), std::move(db)), mul(clone(b), clone(b))));
        case Op::Pow: {
          if (is_const(*db, 0)) {
            // (a^n)' = n a^(n-1) a'
            if (is_const(*da, 0)) return constant(0.0);
            auto n_minus_1 = sub(clone(b), constant(1.0));
            auto p = binary(Op::Pow, clone(a), std::move(n_minus_1));
            return mul(mul(clone(b), std::move(p)), std::move(da));
          }
          // (a^b)' = a^b (b' ln a + b a'/a)
          auto term = add(mul(std::move(db), call(sema::Builtin::Ln, clone(a))),
                          div(mul(clone(b), std::move(da)), clone(a)));
          return mul(clone(e), std::move(term));
        }
        default:
          return is_const(*da, 0) && is_const(*db, 0) ? constant(0.0) : nullptr;
      }
    }
    case K::Select: {
      auto da = d(*e.args[1]), db = d(*e.args[2]);
      if (!da || !db) return nullptr;
      auto s = node(K::Select);
      s->args.push_back(clone(*e.args[0]));
      s->args.push_back(std::move(da));
      s->args.push_back(std::move(db));
      return s;
    }
    case K::Builtin: {
      using B = sema::Builtin;
      if (e.args.empty()) return constant(0.0);
      const Expr& a = *e.args[0];
      auto da = d(a);
      if (!da) return nullptr;
      if (is_const(*da, 0) && e.args.size() == 1) return constant(0.0);
      switch (e.builtin) {
        case B::Exp: return mul(clone(e), std::move(da));
        case B::Expm1: return mul(call(B::Exp, clone(a)), std::move(da));
        case B::Ln: return div(std::move(da), clone(a));
        case B::Log10: return div(std::move(da), mul(clone(a), constant(std::log(10.0))));
        case B::Sin: return mul(call(B::Cos, clone(a)), std::move(da));
        case B::Cos: return neg(mul(call(B::Sin, clone(a)), std::move(da)));
        case B::Sinh: return mul(call(B::Cosh, clone(a)), std::move(da));
        case B::Cosh: return mul(call(B::Sinh, clone(a)), std::move(da));
        case B::Tanh:
          return mul(sub(constant(1.0), mul(clone(e), clone(e))), std::move(da));
        case B::Erf:
          return mul(mul(constant(2.0 / std::sqrt(M_PI)),
                         call(B::Exp, neg(mul(clone(a), clone(a))))),
                     std::move(da));
        case B::Erfc:
          return neg(mul(mul(constant(2.0 / std::sqrt(M_PI)),
                             call(B::Exp, neg(mul(clone(a), clone(a))))),
                         std::move(da)));
        case B::Pow: {
          auto pow_expr = node(K::Binary);
          pow_expr->op = Op::Pow;
          pow_expr->args.push_back(clone(a));
          pow_expr->args.push_back(clone(*e.args[1]));
          return derivative(*pow_expr, var);
        }
        default: return nullptr;
      }
    }
    case K::Call: return nullptr;
    case K::SlotElement: return nullptr;
  }
  return nullptr;
}

std::optional<Affine> affine(const Expr& e, const std::set<int>& vars) {
  using K = Expr::Kind;
  if (!depends_on(e, vars)) {
    Affine r;
    r.constant = clone(e);
    return r;
  }
  auto scale = [](Affine& a, const std::function<ExprPtr(ExprPtr)>& f) {
    for (auto& [k, c] : a.coefficients) c = f(std::move(c));
    a.constant = f(std::move(a.constant));
  };
  switch (e.kind) {
    case K::Slot: {
      Affine r;
      r.coefficients[e.index] = constant(1.0);
      r.constant = constant(0.0);
      return r;
    }
    case K::Unary:
      if (e.op == Op::Neg) {
        auto a = affine(*e.args[0], vars);
        if (a) scale(*a, [](ExprPtr x) { return neg(std::move(x)); });
        return a;
      }
      if (e.op == Op::ToF64) return affine(*e.args[0], vars);
      return std::nullopt;
    case K::Binary: {
      const Expr& l = *e.args[0];
      const Expr& r = *e.args[1];
      if (e.op == Op::Add || e.op == Op::Sub) {
        auto a = affine(l, vars), b = affine(r, vars);
        if (!a || !b) return std::nullopt;
        bool minus = e.op == Op::Sub;
        for (auto& [k, c] : b->coefficients) {
          auto it = a->coefficients.find(k);
          if (it == a->coefficients.end())
            a->coefficients[k] = minus ? neg(std::move(c)) : std::move(c);
          else
            it->second = minus ? sub(std::move(it->second), std::move(c))
                               : add(std::move(it->second), std::move(c));
        }
        a->constant = minus ? sub(std::move(a->constant), std::move(b->constant))
                            : add(std::move(a->constant), std::move(b->constant));
        return a;
      }
      if (e.op == Op::Mul) {
        bool ldep = depends_on(l, vars), rdep = depends_on(r, vars);
        if (ldep && rdep) return std::nullopt;
        const Expr& varying = ldep ? l : r;
        const Expr& factor = ldep ? r : l;
        auto a = affine(varying, vars);
        if (a) scale(*a, [&](ExprPtr x) { return ldep ? mul(std::move(x), clone(factor)) : mul(clone(factor), std::move(x)); });
        return a;
      }
      if (e.op == Op::Div) {
        if (depends_on(r, vars)) return std::nullopt;
        auto a = affine(l, vars);
        if (a) scale(*a, [&](ExprPtr x) { return div(std::move(x), clone(r)); });
        return a;
      }
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

}  // namespace nestjit::nir::sym
