#include "nir/equations.h"

#include <algorithm>
#include <fmt/format.h>
#include <numeric>
#include <set>

#include "nir/symbolic.h"

namespace nestjit::nir {

namespace {

int add_slot(Model& m, std::string name, SlotRole role) {
  Slot s;
  s.name = std::move(name);
  s.role = role;
  m.slots.push_back(std::move(s));
  return int(m.slots.size() - 1);
}

// d rhs_i / d y_j for CVODE, row-major; empty when some right-hand side cannot be
// differentiated symbolically (CVODE then uses difference quotients).
std::vector<ExprPtr> jacobian_of(const Model& m, const NumericSystem& sys) {
  std::vector<ExprPtr> jac;
  for (const auto& rhs : sys.rhs)
    for (int v : sys.vars) {
      ExprPtr d = sym::derivative(*rhs, m.ode_vars[v].slot);
      if (!d) return {};
      jac.push_back(std::move(d));
    }
  return jac;
}

// Spike ports used in an ODE (directly, or through a delta kernel) are impulses: split them
// off as jumps x += c * w applied at the end of the step (SEMANTICS.md 2, phase 8). The
// port reads as w * 1e-3 (a rate in 1/s, internally per ms), so the jump is 1e3 times the
// coefficient of the summed weight.
void extract_jumps(Model& m, const std::set<int>& skip, const SourceFilePtr& file,
                   DiagnosticList& diags) {
  std::set<int> sums;
  std::map<int, int> port_of_sum;
  for (size_t p = 0; p < m.spike_ports.size(); ++p) {
    sums.insert(m.spike_ports[p].sum_slot);
    port_of_sum[m.spike_ports[p].sum_slot] = int(p);
  }
  for (size_t i = 0; i < m.ode_vars.size(); ++i) {
    OdeVar& v = m.ode_vars[i];
    if (skip.count(int(i)) || !sym::depends_on(*v.rhs, sums)) continue;
    auto aff = sym::affine(*v.rhs, sums);
    if (!aff) {
      diags.error("E-UNSUPPORTED", file, {},
                  fmt::format("the ODE of '{}' uses a spike input port nonlinearly; spikes can "
                              "only add to a variable",
                              v.name),
                  "multiply the port (or its delta-kernel convolution) by a coefficient and add it");
      continue;
    }
    for (auto& [sum, coefficient] : aff->coefficients)
      m.jumps.push_back({v.slot, port_of_sum[sum], sym::mul(std::move(coefficient), sym::constant(1e3))});
    v.rhs = std::move(aff->constant);
  }
}

}  // namespace

void analyse_equations(Model& m, const SourceFilePtr& file, DiagnosticList& diags) {
  const std::set<int> archive(m.archive_vars.begin(), m.archive_vars.end());
  extract_jumps(m, archive, file, diags);

  const size_t n = m.ode_vars.size();
  std::set<int> state_slots;
  std::map<int, int> var_of_slot;
  for (size_t i = 0; i < n; ++i) {
    if (archive.count(int(i))) continue;
    state_slots.insert(m.ode_vars[i].slot);
    var_of_slot[m.ode_vars[i].slot] = int(i);
  }

  // Linear structure: x_i' = sum_j A_ij x_j + b_i, when the right-hand side allows it.
  std::vector<std::optional<sym::Affine>> lin(n);
  std::vector<std::set<int>> deps(n);  // variables each right-hand side reads
  std::vector<bool> has_constant(n, false), analytic(n, false);
  for (size_t i = 0; i < n; ++i) {
    if (archive.count(int(i))) continue;
    std::set<int> read;
    sym::collect_slots(*m.ode_vars[i].rhs, read);
    for (int s : read)
      if (var_of_slot.count(s) && var_of_slot[s] != int(i)) deps[i].insert(var_of_slot[s]);
    lin[i] = sym::affine(*m.ode_vars[i].rhs, state_slots);
    analytic[i] = lin[i].has_value() && !m.all_numeric;
    if (lin[i]) has_constant[i] = !sym::is_const(*lin[i]->constant, 0.0);
  }
  // reach[i][j]: x_i depends on x_j, directly or through others.
  std::vector<std::vector<char>> reach(n, std::vector<char>(n, 0));
  for (size_t i = 0; i < n; ++i)
    for (int j : deps[i]) reach[i][j] = 1;
  for (size_t k = 0; k < n; ++k)
    for (size_t i = 0; i < n; ++i)
      if (reach[i][k])
        for (size_t j = 0; j < n; ++j)
          if (reach[k][j]) reach[i][j] = 1;
  // ODE-toolbox's solvability rules (LANGUAGE.md 7.5): a constant term is only allowed
  // outside strongly coupled blocks, a linear term must not read a variable that has a
  // constant term, and nothing may depend on a variable that is solved numerically.
  for (size_t i = 0; i < n; ++i) {
    if (!analytic[i]) continue;
    for (size_t j = 0; j < n; ++j)
      if (j != i && reach[i][j] && reach[j][i] && has_constant[i]) analytic[i] = false;
    for (int j : deps[i])
      if (has_constant[j]) analytic[i] = false;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < n; ++i)
      if (analytic[i] && !archive.count(int(i)))
        for (size_t j = 0; j < n; ++j)
          if (reach[i][j] && !analytic[j] && !archive.count(int(j))) {
            analytic[i] = false;
            changed = true;
            break;
          }
  }

  // Propagator blocks: connected groups of analytic variables.
  std::vector<int> component(n, -1);
  for (size_t i = 0; i < n; ++i) {
    if (!analytic[i] || component[i] >= 0 || archive.count(int(i))) continue;
    const int c = int(m.analytic_blocks.size());
    m.analytic_blocks.emplace_back();
    std::vector<int> stack{int(i)};
    component[i] = c;
    while (!stack.empty()) {
      int v = stack.back();
      stack.pop_back();
      for (size_t j = 0; j < n; ++j)
        if (analytic[j] && component[j] < 0 && !archive.count(int(j)) &&
            (deps[v].count(int(j)) || deps[j].count(v))) {
          component[j] = c;
          stack.push_back(int(j));
        }
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (component[i] >= 0) m.analytic_blocks[component[i]].vars.push_back(int(i));
  for (size_t c = 0; c < m.analytic_blocks.size(); ++c) {
    AnalyticBlock& b = m.analytic_blocks[c];
    const size_t k = b.size();
    b.a.resize(k * k);
    b.b.resize(k);
    b.nonzero.assign(k * k, 0);
    for (size_t r = 0; r < k; ++r) {
      OdeVar& v = m.ode_vars[b.vars[r]];
      v.analytic = true;
      v.block = int(c);
      v.row = int(r);
      auto& aff = *lin[b.vars[r]];
      for (size_t col = 0; col < k; ++col) {
        auto it = aff.coefficients.find(m.ode_vars[b.vars[col]].slot);
        if (it != aff.coefficients.end()) b.a[r * k + col] = std::move(it->second);
        b.nonzero[r * k + col] = r == col || reach[b.vars[r]][b.vars[col]];
      }
      if (has_constant[b.vars[r]]) b.b[r] = std::move(aff.constant);
    }
    std::string tag = fmt::format("__block{}", c);
    b.a_slot = add_slot(m, tag + "__A", SlotRole::Propagator);
    for (size_t e = 1; e < k * k; ++e) add_slot(m, fmt::format("{}__A{}", tag, e), SlotRole::Propagator);
    b.p_slot = add_slot(m, tag + "__P", SlotRole::Propagator);
    for (size_t e = 1; e < k * k; ++e) add_slot(m, fmt::format("{}__P{}", tag, e), SlotRole::Propagator);
    b.q_slot = add_slot(m, tag + "__Q", SlotRole::Propagator);
    for (size_t e = 1; e < k * k; ++e) add_slot(m, fmt::format("{}__Q{}", tag, e), SlotRole::Propagator);
    // A is evaluated with the internals; the runtime then computes P and Q from it.
    for (size_t e = 0; e < k * k; ++e)
      m.compute_internals.body.push_back(
          assign_slot(b.a_slot + int(e), b.a[e] ? sym::clone(*b.a[e]) : sym::constant(0.0)));
  }

  // One numeric system per integrate_odes argument list that selects a numeric variable.
  bool any_numeric = false;
  for (size_t i = 0; i < n; ++i)
    any_numeric |= !analytic[i] && !archive.count(int(i));
  // Without propagators, convolution states are integrated with the rest and stored back.
  const bool numeric_convolutions = m.all_numeric;
  for (const auto& selection : m.integration_selections) {
    Integration in;
    bool numeric = false;
    for (int v : selection) {
      if (m.ode_vars[v].is_convolution) continue;
      if (analytic[v]) in.analytic_vars.push_back(v);
      else numeric = true;
    }
    if (numeric) {
      NumericSystem sys;
      std::set<int> selected(selection.begin(), selection.end());
      for (int pass = 0; pass < 2; ++pass)
        for (size_t i = 0; i < n; ++i) {
          const OdeVar& v = m.ode_vars[i];
          if (archive.count(int(i)) || v.is_convolution != (pass == 1)) continue;
          sys.vars.push_back(int(i));
          sys.rhs.push_back(v.is_convolution || selected.count(int(i)) ? sym::clone(*v.rhs)
                                                                       : sym::constant(0.0));
          if (pass == 0 || numeric_convolutions) ++sys.writeback;
        }
      sys.jacobian = jacobian_of(m, sys);
      in.numeric_system = int(m.numeric_systems.size());
      m.numeric_systems.push_back(std::move(sys));
    }
    m.integrations.push_back(std::move(in));
  }
  if (any_numeric && !m.numeric_systems.empty())
    m.step_slot = add_slot(m, "__integration_step", SlotRole::IntegrationStep);
}

}  // namespace nestjit::nir
