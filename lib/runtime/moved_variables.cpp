#include "runtime/moved_variables.h"

#include <cmath>
#include <algorithm>

namespace nestjit::runtime {

namespace {

using nir::Expr;
using nir::Stmt;

// Every slot a block assigns, at any depth; `top` gets the top-level assignments.
void collect_assignments(const nir::Block& block, std::vector<int>& any,
                         std::vector<const Stmt*>* top) {
  for (const auto& st : block) {
    if (st->kind == Stmt::Kind::AssignSlot) {
      any.push_back(st->index);
      if (top) top->push_back(st.get());
    }
    for (const auto& [cond, body] : st->branches) collect_assignments(body, any, nullptr);
    collect_assignments(st->else_body, any, nullptr);
    collect_assignments(st->body, any, nullptr);
  }
}

bool constant_of(const Expr& e, double& out) {
  if (e.kind == Expr::Kind::Const) {
    out = e.value;
    return true;
  }
  if (e.kind == Expr::Kind::Unary && e.op == nir::Op::ToF64 && e.args.size() == 1)
    return constant_of(*e.args[0], out);
  return false;
}

bool is_slot(const Expr& e, int slot) { return e.kind == Expr::Kind::Slot && e.index == slot; }

// `x = x + c`, `x = c + x` or `x = c`.
bool jump_of(const Stmt& st, MovedVariableRule& rule) {
  const Expr& v = *st.value;
  double c = 0.0;
  if (constant_of(v, c)) {
    rule.jump = MovedVariable::Jump::Set;
    rule.amount = c;
    return true;
  }
  if (v.kind == Expr::Kind::Binary && v.op == nir::Op::Add && v.args.size() == 2) {
    if ((is_slot(*v.args[0], st.index) && constant_of(*v.args[1], c)) ||
        (is_slot(*v.args[1], st.index) && constant_of(*v.args[0], c))) {
      rule.jump = MovedVariable::Jump::Add;
      rule.amount = c;
      return true;
    }
  }
  return false;
}

int count(const std::vector<int>& v, int x) { return int(std::count(v.begin(), v.end(), x)); }

}  // namespace

std::vector<MovedVariableRule> find_moved_variables(const nir::Model& m) {
  std::vector<MovedVariableRule> out;
  if (!m.is_synapse) return out;
  for (const auto& c : m.convolutions) {
    if (!c.from_post_archive) continue;
    MovedVariableRule r;
    r.slot = c.slot;
    r.rate_slot = c.rate_slot;
    r.amount_slot = c.increment_slots[0];
    out.push_back(r);
  }

  // Assignments outside the postsynaptic handlers rule a variable out.
  std::vector<int> elsewhere, in_post;
  std::vector<const Stmt*> post_top;
  collect_assignments(m.update.body, elsewhere, nullptr);
  for (const auto& oc : m.on_condition) collect_assignments(oc.body, elsewhere, nullptr);
  for (const auto& f : m.functions) collect_assignments(f.code.body, elsewhere, nullptr);
  for (const auto& h : m.on_receive) {
    if (m.spike_ports[h.port].is_post)
      collect_assignments(h.body, in_post, &post_top);
    else
      collect_assignments(h.body, elsewhere, nullptr);
  }

  for (const auto& v : m.ode_vars) {
    if (v.is_convolution || !v.analytic || v.block < 0) continue;
    if (m.slots[v.slot].role != nir::SlotRole::State) continue;
    const auto& b = m.analytic_blocks[v.block];
    if (b.size() != 1 || b.b[0] || !b.a[0]) continue;  // decays on its own, no source term
    if (count(elsewhere, v.slot) > 0 || count(in_post, v.slot) != 1) continue;
    const Stmt* assign = nullptr;
    for (const Stmt* st : post_top)
      if (st->index == v.slot) assign = st;
    MovedVariableRule r;
    r.slot = v.slot;
    r.rate_slot = b.a_slot;
    if (!assign || !jump_of(*assign, r)) continue;  // conditional or state-dependent change
    out.push_back(r);
  }
  return out;
}

MovedVariableSet instantiate(const std::vector<MovedVariableRule>& rules, const double* slots) {
  MovedVariableSet out;
  for (const auto& r : rules) {
    MovedVariable v;
    v.slot = r.slot;
    v.rate = slots[r.rate_slot];
    v.jump = r.jump;
    v.amount = r.amount_slot >= 0 ? slots[r.amount_slot] : r.amount;
    // Convolutions start at 0; state variables at the value the connection was created with.
    v.initial = r.amount_slot >= 0 ? 0.0 : slots[r.slot];
    out.push_back(v);
  }
  return out;
}

double propagate(const MovedVariable& var, double v, double dt_ms) {
  return dt_ms > 0.0 ? v * std::exp(var.rate * dt_ms) : v;
}

}  // namespace nestjit::runtime
