// Pass: ODE variables (x, x', ... for every `x^(n) = f`), the variable selections of
// integrate_odes calls, and delayed variables x(t - d).
#include "nir/lowering/lowerer.h"

#include <algorithm>
#include <fmt/format.h>

namespace nestjit::nir::lowering {

// ODE variables: x, x', ..., x^(n-1) for every `x^(n) = f`. Their right-hand sides are
// lowered as written; equations.cpp later splits off spike-port terms and decides which
// variables are solved exactly. `x[i]' = f(i)` of a vector x of size n is n ODEs, one per
// element k, each lowered with i = k (so x[i] in f is the element's own slot); `x[2]' = f`
// is the ODE of one element.
void Lowerer::lower_odes() {
  for (const auto& ode : ast_.odes) {
    if (ode.order < 1) continue;  // sema reports the missing prime
    std::vector<const sema::Symbol*> orders;
    for (int k = 0; k < ode.order; ++k) {
      const sema::Symbol* sk = cm_.find(ode.name, k);
      if (!sk || !slot_of_.count(sk)) {
        error("E-ODE-ORDER", ode.lhs_span,
              fmt::format("'{}' needs the state variable '{}' for its order-{} ODE", ode.name,
                          source_name(ode.name, k), ode.order));
        return;
      }
      orders.push_back(sk);
    }
    if (!ode.index) {
      std::vector<int> slots;
      for (const sema::Symbol* sk : orders) slots.push_back(slot_of_[sk]);
      add_ode_vars(ode, slots);
      continue;
    }
    // Every order of a vector ODE is a vector of the same size.
    const int n = vectors_.count(orders[0]) ? vectors_.at(orders[0]).count : 0;
    for (const sema::Symbol* sk : orders)
      if (!vectors_.count(sk) || vectors_.at(sk).count != n) {
        error("E-ODE-INDEX", ode.lhs_span,
              fmt::format("the derivatives of '{}' must be vectors of size {} like '{}'",
                          ode.name, n, ode.name));
        return;
      }
    std::vector<long> elements;
    const sema::ExprInfo* info = cm_.info(ode.index.get());
    const sema::Symbol* index_var =
        info && info->symbol && info->symbol->kind == SymbolKind::Local ? info->symbol : nullptr;
    if (index_var) {
      for (long k = 0; k < n; ++k) elements.push_back(k);
    } else {
      ExprPtr i = convert(expr(*ode.index), ValueType::I64);
      if (i->kind != Expr::Kind::Const || i->value < 0 || i->value >= n) {
        error(i->kind == Expr::Kind::Const ? "E-INDEX-RANGE" : "E-ODE-INDEX", ode.index->span,
              i->kind == Expr::Kind::Const
                  ? fmt::format("index {} is outside vector '{}' of size {}", i->value, ode.name, n)
                  : fmt::format("the element index of the ODE of '{}' must be a name standing "
                                "for every element or a constant", ode.name),
              fmt::format("valid indices are 0 to {}", n - 1));
        return;
      }
      elements.push_back(long(i->value));
    }
    for (long e : elements) {
      std::vector<int> slots;
      for (const sema::Symbol* sk : orders) {
        const VectorLayout& v = vectors_.at(sk);
        slots.push_back(v.first + v.stride * int(e));
      }
      if (index_var) ode_index_ = {index_var, e};
      add_ode_vars(ode, slots);
      ode_index_.reset();
    }
  }
}

// The OdeVars x, x', ... of one (scalar or element) ODE, given the slots of its orders.
void Lowerer::add_ode_vars(const ast::OdeEquation& ode, const std::vector<int>& slots) {
  for (int k = 0; k < ode.order; ++k) {
    if (var_of_slot_.count(slots[k])) {
      error("E-ODE-DUPLICATE", ode.lhs_span,
            fmt::format("'{}' is defined by more than one equation", m_->slots[slots[k]].name));
      return;
    }
    OdeVar v;
    v.name = m_->slots[slots[k]].name;
    v.slot = slots[k];
    v.rhs = k + 1 < ode.order ? make(Expr::Kind::Slot, ValueType::F64, slots[k + 1])
                              : convert(expr(*ode.rhs), ValueType::F64);
    var_of_slot_[v.slot] = static_cast<int>(m_->ode_vars.size());
    m_->ode_vars.push_back(std::move(v));
  }
}

int Lowerer::selection_of(const ast::Expr& call) {
  // integrate_odes(x, y): x and all its derivative orders; no argument: everything.
  std::vector<int> vars;
  if (call.args.empty()) {
    for (size_t i = 0; i < m_->ode_vars.size(); ++i)
      if (!m_->ode_vars[i].is_convolution) vars.push_back(int(i));
  } else {
    for (const auto& a : call.args) {
      const sema::ExprInfo* info = cm_.info(a.get());
      if (!info || !info->symbol) continue;
      // A vector selects the ODE variables of all its elements.
      for (int k = 0;; ++k) {
        const sema::Symbol* sk = cm_.find(info->symbol->name, k);
        if (!sk || !slot_of_.count(sk)) break;
        const auto v = vectors_.find(sk);
        const int count = v == vectors_.end() ? 1 : v->second.count;
        const int stride = v == vectors_.end() ? 1 : v->second.stride;
        bool any = false;
        for (int e = 0; e < count; ++e)
          if (auto it = var_of_slot_.find(slot_of_[sk] + stride * e); it != var_of_slot_.end()) {
            vars.push_back(it->second);
            any = true;
          }
        if (!any) break;
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

// x(t - d): a delay line per (variable, delay), read through its value slot.
ExprPtr Lowerer::delayed(const ast::Expr& call, const sema::Symbol& var) {
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
      // One delay per variable (as upstream): a second, different delay is not supported.
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

}  // namespace nestjit::nir::lowering
