// convolve(k, port): one Convolution per (kernel, spike port) pair, with its states,
// their ODEs and the increments a spike adds (kernels as functions of t or as ODEs).
#include "nir/lowering/lowerer.h"

#include <cmath>
#include <fmt/format.h>

#include "nir/kernel_fit.h"
#include "nir/kernels.h"
#include "nir/symbolic.h"

namespace nestjit::nir::lowering {

// The value of convolve(k, p): the first state of the (kernel, port) convolution, created
// on first use. A delta kernel has no state: inside ODEs it reads like the port itself
// (summed weight as a rate), which equations.cpp turns into a jump.
ExprPtr Lowerer::convolution(const ast::Expr& call) {
  const ast::Expr* k = call.args[0].get();
  const ast::Expr* p = call.args[1].get();
  if (spike_port_of_.count(k->text)) std::swap(k, p);
  // An element of a vector port, spikes[2], is the port spikes_2; its index must be constant.
  std::string pname = p->text;
  if (p->args.size() == 1) {
    ExprPtr i = convert(expr(*p->args[0]), ValueType::I64);
    if (i->kind != Expr::Kind::Const) {
      error("E-UNSUPPORTED", p->span,
            fmt::format("the element of port '{}' in convolve() must be a constant index", p->text));
      return constant(0.0);
    }
    pname = fmt::format("{}_{}", p->text, long(i->value));
    if (!spike_port_of_.count(pname)) {
      error("E-INDEX-RANGE", p->span,
            fmt::format("index {} is outside vector port '{}'", long(i->value), p->text));
      return constant(0.0);
    }
  }
  auto pit = spike_port_of_.find(pname);
  if (pit == spike_port_of_.end()) return constant(0.0);
  const int port = pit->second;
  const sema::Symbol* ks = cm_.find(k->text, 0);
  if (!ks) return constant(0.0);

  if (ks->kind == SymbolKind::Kernel && is_delta_kernel(*ks)) return port_rate(port);

  for (const auto& c : m_->convolutions)
    if (c.kernel == k->text && c.port == port) return make(Expr::Kind::Slot, ValueType::F64, c.slot);

  Convolution c;
  c.kernel = k->text;
  c.port_name = pname;
  c.port = port;
  const bool archive = m_->spike_ports[port].is_post;
  c.from_post_archive = archive;
  bool ok = ks->kind == SymbolKind::Kernel ? kernel_of_time(*ks, c, call.span)
                                             : kernel_of_odes(*ks, c, call.span);
  if (!ok) return constant(0.0);
  c.slot = m_->ode_vars[c.vars[0]].slot;
  if (archive) {
    // A postsynaptic trace is computed from the neuron's spike archive (SEMANTICS.md 5.1):
    // supported for one-state kernels, whose propagation is a scalar exponential.
    if (c.vars.size() != 1) {
      error("E-UNSUPPORTED", call.span,
            fmt::format("convolutions of the postsynaptic port '{}' are supported for "
                        "exponential kernels only",
                        pname));
      return constant(0.0);
    }
    OdeVar& v = m_->ode_vars[c.vars[0]];
    auto aff = sym::affine(*v.rhs, {v.slot});
    c.rate_slot = add_slot("__rate__" + v.name, SlotRole::Internal, ValueType::F64, "1/ms");
    m_->compute_internals.body.push_back(assign_slot(
        c.rate_slot, aff && aff->coefficients.count(v.slot) ? std::move(aff->coefficients[v.slot])
                                                             : constant(0.0)));
    v.is_convolution = false;
    m_->archive_vars.push_back(c.vars[0]);
  }
  m_->convolutions.push_back(std::move(c));
  return make(Expr::Kind::Slot, ValueType::F64, m_->convolutions.back().slot);
}

bool Lowerer::is_delta_kernel(const sema::Symbol& k) {
  for (const auto& part : k.kernel_def->parts)
    if (part.name == k.name && part.order == 0) {
      const ast::Expr* e = part.rhs.get();
      while (e->kind == EK::Paren) e = e->args[0].get();
      return e->kind == EK::Call && e->text == "delta";
    }
  return false;
}

int Lowerer::add_conv_state(Convolution& c, const std::string& name, ExprPtr rhs) {
  OdeVar v;
  v.name = name;
  v.slot = add_slot(name, SlotRole::Convolution, ValueType::F64, "", true);
  m_->slots[v.slot].port = c.port;
  v.is_convolution = true;
  v.rhs = std::move(rhs);
  c.vars.push_back(int(m_->ode_vars.size()));
  c.tmp_slots.push_back(add_slot(name + "__tmp", SlotRole::ConvolutionTmp, ValueType::F64));
  c.increment_slots.push_back(add_slot("__increment__" + name, SlotRole::Internal, ValueType::F64));
  var_of_slot_[v.slot] = int(m_->ode_vars.size());
  m_->ode_vars.push_back(std::move(v));
  return int(m_->ode_vars.size() - 1);
}

// A kernel given as a function of t, k(t) = sum of polynomial(t) * exp(a t) terms, is the
// solution of the linear ODE whose characteristic polynomial is prod (s - a_j)^m_j
// (m_j = 1 + degree of the polynomial of rate a_j). Its states are K, K', ..., K^(n-1)
// (companion form, as upstream names them: K__X__p, K__X__p__d, ...), each spike adds
// k^(i)(0) to K^(i).
bool Lowerer::kernel_of_time(const sema::Symbol& ks, Convolution& c, SourceSpan span) {
  const ast::Expr* f = nullptr;
  for (const auto& part : ks.kernel_def->parts)
    if (part.name == ks.name && part.order == 0) f = part.rhs.get();
  if (!f) return false;
  ExprPtr k = convert(expr(*f), ValueType::F64);
  auto poly = kernel_characteristic_polynomial(*k);
  bool fitted = false;
  if (!poly) {
    // Outside the exp-polynomial family: ODE-toolbox's numeric fit (kernel_fit.h).
    std::string why;
    auto fit = fit_kernel_ode(*k, 8, why);
    if (!fit) {
      error("E-KERNEL-UNSUPPORTED", ks.kernel_def->span,
            fmt::format("kernel '{}' is not a sum of polynomial x exp(a*t) terms, and the "
                        "numeric fit of a linear ODE failed: {}",
                        ks.name, why),
            "write the kernel as ODEs (kernel g' = ...) with initial values in the state block");
      return false;
    }
    std::vector<ExprPtr> q;
    for (double ci : fit->c) q.push_back(constant(-ci));
    q.push_back(constant(1.0));
    poly = std::move(q);
    fitted = true;
  }
  std::vector<ExprPtr> p = std::move(*poly);
  const int n = int(p.size()) - 1;
  if (n < 1 || n > 8) {
    error("E-KERNEL-UNSUPPORTED", ks.kernel_def->span,
          fmt::format("kernel '{}' needs a linear ODE of order {}, outside 1..8", ks.name, n));
    return false;
  }
  std::string base = ks.name + "__X__" + c.port_name;
  std::vector<int> slots;
  for (int i = 0; i < n; ++i) {
    std::string name = base;
    for (int d = 0; d < i; ++d) name += "__d";
    add_conv_state(c, name, nullptr);
  }
  for (int i = 0; i < n; ++i) slots.push_back(m_->ode_vars[c.vars[i]].slot);
  for (int i = 0; i < n; ++i) {
    ExprPtr rhs;
    if (i + 1 < n) {
      rhs = sym::slot(slots[i + 1]);
    } else {
      rhs = sym::constant(0.0);
      for (int j = 0; j < n; ++j)
        rhs = sym::add(std::move(rhs), sym::mul(sym::neg(sym::clone(*p[j])), sym::slot(slots[j])));
    }
    m_->ode_vars[c.vars[i]].rhs = std::move(rhs);
  }
  // Increments: k(0), k'(0), ..., k^(n-1)(0).
  ExprPtr deriv = sym::clone(*k);
  auto zero = sym::constant(0.0);
  for (int i = 0; i < n; ++i) {
    if (!deriv) {
      error("E-KERNEL-UNSUPPORTED", span, fmt::format("kernel '{}' cannot be differentiated", ks.name));
      return false;
    }
    if (fitted) {
      auto v = evaluate_at(*deriv, 0.0);
      if (!v || !std::isfinite(*v)) {
        error("E-KERNEL-UNSUPPORTED", ks.kernel_def->span,
              fmt::format("kernel '{}': its derivative of order {} at t = 0 is not finite, so a "
                          "spike's increment is undefined",
                          ks.name, i));
        return false;
      }
    }
    m_->compute_internals.body.push_back(
        assign_slot(c.increment_slots[i], sym::substitute(*deriv, {}, zero.get())));
    deriv = sym::derivative(*deriv, -1);
  }
  return true;
}

// A kernel given by ODEs on state variables (`kernel g' = -g/tau` with `g real = 1` in the
// state block): the convolution gets one state per kernel variable and derivative order,
// with the kernel's ODEs, and each spike adds the variables' initial values.
bool Lowerer::kernel_of_odes(const sema::Symbol& ks, Convolution& c, SourceSpan span) {
  const ast::KernelDef* def = nullptr;
  for (const auto& k : ast_.kernels)
    for (const auto& part : k.parts)
      if (part.name == ks.name && part.order > 0) def = &k;
  if (!def) {
    error("E-CONVOLVE-ARGS", span,
          fmt::format("'{}' is not a kernel: no 'kernel {}' equation defines it", ks.name, ks.name));
    return false;
  }
  // States in order: for each part (variable) its orders 0..order-1.
  std::map<int, int> state_of_slot;  // kernel variable slot -> convolution state slot
  struct Pending { int var; const ast::KernelDef::Part* part; int order; };
  std::vector<Pending> pending;
  for (const auto& part : def->parts) {
    for (int o = 0; o < part.order; ++o) {
      const sema::Symbol* s = cm_.find(part.name, o);
      if (!s || !slot_of_.count(s)) {
        error("E-KERNEL-STATE", part.lhs_span,
              fmt::format("kernel variable '{}' needs an initial value in the state block",
                          source_name(part.name, o)));
        return false;
      }
      std::string name = nest_name(part.name) + "__X__" + c.port_name;
      for (int d = 0; d < o; ++d) name += "__d";
      int var = add_conv_state(c, name, nullptr);
      state_of_slot[slot_of_[s]] = m_->ode_vars[var].slot;
      kernel_var_slots_.insert(slot_of_[s]);
      m_->slots[slot_of_[s]].recordable = false;
      pending.push_back({var, &part, o});
      m_->compute_internals.body.push_back(assign_slot(
          c.increment_slots.back(), s->init ? convert(expr(*s->init), ValueType::F64) : constant(0.0)));
    }
  }
  std::map<int, const Expr*> subst;
  std::vector<ExprPtr> keep;
  for (auto& [from, to] : state_of_slot) {
    keep.push_back(sym::slot(to));
    subst[from] = keep.back().get();
  }
  for (const auto& pd : pending) {
    ExprPtr rhs;
    if (pd.order + 1 < pd.part->order) {
      const sema::Symbol* next = cm_.find(pd.part->name, pd.order + 1);
      rhs = sym::slot(state_of_slot[slot_of_[next]]);
    } else {
      rhs = sym::substitute(*convert(expr(*pd.part->rhs), ValueType::F64), subst);
    }
    m_->ode_vars[pd.var].rhs = std::move(rhs);
  }
  return true;
}

}  // namespace nestjit::nir::lowering
