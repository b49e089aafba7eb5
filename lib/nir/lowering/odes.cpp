// Pass: ODE variables (x, x', ... for every `x^(n) = f`), the variable selections of
// integrate_odes calls, and delayed variables x(t - d).
#include "nir/lowering/lowerer.h"

#include <algorithm>
#include <fmt/format.h>

namespace nestjit::nir::lowering {

// ODE variables: x, x', ..., x^(n-1) for every `x^(n) = f`. Their right-hand sides are
// lowered as written; equations.cpp later splits off spike-port terms and decides which
// variables are solved exactly.
void Lowerer::lower_odes() {
  for (const auto& ode : ast_.odes) {
    if (ode.order < 1) continue;  // sema reports the missing prime
    std::vector<int> slots;
    for (int k = 0; k < ode.order; ++k) {
      const sema::Symbol* sk = cm_.find(ode.name, k);
      if (sk && sk->is_vector) {
        error("E-UNSUPPORTED", ode.lhs_span,
              fmt::format("ODEs of the vector '{}' are not supported yet", ode.name));
        return;
      }
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
