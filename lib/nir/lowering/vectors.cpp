// Vector element access x[i]: a constant index is an ordinary slot (checked against the
// size when the model is lowered); any other index becomes a SlotElement, which the
// generated code checks against the size at run time before it touches the slot.
#include "nir/lowering/lowerer.h"

#include <fmt/format.h>

namespace nestjit::nir::lowering {

ExprPtr Lowerer::element(const sema::Symbol& s, const ast::Expr& index, SourceSpan span) {
  auto it = vectors_.find(&s);
  if (it == vectors_.end()) {
    error("E-UNSUPPORTED", span, fmt::format("'{}' is not a vector and cannot be indexed", s.name));
    return constant(0.0);
  }
  const VectorLayout& v = it->second;
  const ValueType t = m_->slots[v.first].type;
  ExprPtr i = convert(expr(index), ValueType::I64);
  if (i->kind == Expr::Kind::Const) {
    const double k = i->value;
    if (k < 0 || k >= v.count) {
      error("E-INDEX-RANGE", span,
            fmt::format("index {} is outside vector '{}' of size {}", k, s.name, v.count),
            fmt::format("valid indices are 0 to {}", v.count - 1));
      return constant(0.0, t);
    }
    return make(Expr::Kind::Slot, t, v.first + v.stride * int(k));
  }
  auto e = make(Expr::Kind::SlotElement, t, v.first);
  e->count = v.count;
  e->stride = v.stride;
  e->name = s.name;
  e->args.push_back(std::move(i));
  return e;
}

}  // namespace nestjit::nir::lowering
