// The functions compiled model code calls (declared in nir/abi.h).
#include <cmath>
#include <algorithm>
#include <cstdio>
#include <limits>
#include <string>
#include <fmt/format.h>
#include <random>

#include "nir/abi.h"
#include "runtime/loaded_model.h"
#include "runtime/network.h"
#include "runtime/solver_failure.h"

namespace nestjit {

namespace {
runtime::CodeHost* host_of(NjContext* ctx) { return static_cast<runtime::CodeHost*>(ctx->host); }
const runtime::LoadedModel* model_of(NjContext* ctx) {
  return static_cast<const runtime::LoadedModel*>(ctx->model);
}
// Random numbers come from the network the instance belongs to; set while it runs.
thread_local runtime::Rng* current_rng = nullptr;
runtime::Rng& rng() {
  static thread_local runtime::Rng fallback{12345};
  return current_rng ? *current_rng : fallback;
}

// emit_spike(w) and emit_spike(w, d) in a synapse hand w and d to the network: a weight or
// delay that cannot be one (NaN, infinite, a negative delay) stops the simulation with the
// synapse and time named instead of delivering it. Neurons' arguments are not used.
std::string bad_emitted_spike(double weight, double delay, int32_t nargs) {
  auto shown = [](double v) { return std::isnan(v) ? std::string("NaN") : fmt::format("{}", v); };
  if (nargs >= 1 && !std::isfinite(weight))
    return fmt::format("emit_spike with weight {}: the weight must be a finite number",
                       shown(weight));
  if (nargs >= 2 && !(std::isfinite(delay) && delay >= 0))
    return fmt::format(
        "emit_spike with delay {} ms: the delay must be a finite, non-negative number of ms",
        shown(delay));
  return {};
}
}  // namespace

namespace runtime {
void set_current_rng(runtime::Rng* r) { current_rng = r; }
runtime::Rng* get_current_rng() { return current_rng; }

// Spectral radius of the Jacobian at y: the symbolic one when there is one, else forward
// differences of the right-hand side.
double stiffness(ode::RhsFn f, ode::JacFn jac, NjContext* ctx, const double* y, size_t n) {
  std::vector<double> J(n * n, 0.0);
  if (jac) {
    if (jac(ctx->t, y, J.data(), ctx) != 0) return 0.0;
  } else {
    std::vector<double> y1(y, y + n), f0(n), f1(n);
    if (f(ctx->t, y, f0.data(), ctx) != 0) return 0.0;
    for (size_t j = 0; j < n; ++j) {
      const double dy = 1e-7 * std::max(1.0, std::fabs(y[j]));
      y1[j] = y[j] + dy;
      if (f(ctx->t, y1.data(), f1.data(), ctx) != 0) return 0.0;
      for (size_t i = 0; i < n; ++i) J[i * n + j] = (f1[i] - f0[i]) / dy;
      y1[j] = y[j];
    }
  }
  return ode::spectral_radius(n, J.data());
}
}  // namespace runtime

extern "C" {

void nestjit_rt_emit_spike(NjContext* ctx, double weight, double delay, int32_t nargs) {
  const runtime::LoadedModel* m = model_of(ctx);  // null in code run without a runtime model
  if (m && m->ir->is_synapse) {
    const std::string why = bad_emitted_spike(weight, delay, nargs);
    if (!why.empty()) return host_of(ctx)->on_failure(fmt::format("{}: {}", host_of(ctx)->describe(), why));
  }
  // A pooled neuron's spike: its pool records it without touching the instance's object.
  if (runtime::NeuronPool* pool = runtime::NeuronPool::running(); pool && !(m && m->ir->is_synapse))
    return pool->emit(size_t(ctx->instance));
  host_of(ctx)->on_emit(weight, delay, nargs);
}

void nestjit_rt_lane_spikes(NjContext*, const double* records, int64_t n, int64_t i0) {
  // Lane blocks exist only in a pool's slice loop, which runs inside NeuronPool::update.
  runtime::NeuronPool::running()->emit_lane_spikes(size_t(i0), records, size_t(n));
}

int32_t nestjit_rt_integrate(NjContext* ctx, int32_t system) {
  const runtime::LoadedModel* m = model_of(ctx);
  const nir::Model& ir = *m->ir;
  const nir::NumericSystem& sys = ir.numeric_systems[system];
  ode::Rkf45& rk = m->integrators[system];
  const size_t n = sys.vars.size();
  // y (integrated) and y0 (the start of the step, for a retry and for the failure message).
  double small[128];
  std::vector<double> big;
  double* yp = small;
  if (2 * n > 128) {
    big.resize(2 * n);
    yp = big.data();
  }
  double* y0 = yp + n;
  for (size_t i = 0; i < n; ++i) y0[i] = yp[i] = ctx->slots[ir.ode_vars[sys.vars[i]].slot];
  auto rhs = reinterpret_cast<ode::RhsFn>(m->code->rhs[system]);
  auto jac = reinterpret_cast<ode::JacFn>(m->code->jacobians[system]);
  runtime::CodeHost* host = host_of(ctx);
  runtime::NumericState* ns = host->numeric_state(system);
  const double atol = host->abs_tolerance(), rtol = host->rel_tolerance();
  runtime::FailedIntegration failed;
  failed.system = system;
  auto run_cvode = [&] {
    if (!ns->cvode) ns->cvode = std::make_unique<ode::Cvode>(n, rhs, jac, atol, rtol);
    failed.solver = ode::Solver::Cvode;
    int st = ns->cvode->integrate(ctx, ctx->timestep, yp, size_t(sys.writeback));
    failed.where = ns->cvode->failure();
    // SUNDIALS' warnings: one counted diagnostic per condition and instance, not stderr.
    for (const auto& r : ns->cvode->take_reports()) {
      if (!r.warning()) continue;
      const std::string key = fmt::format("{}:{}:{}", static_cast<void*>(host), r.flag, r.function);
      host->on_warning(key, fmt::format("{}: CVODE warning in {}: {}", host->describe(),
                                        r.function, r.message), r.count);
    }
    if (st != 0) failed.solver_message = ns->cvode->message();
    return st;
  };
  int status;
  const bool cvode = ir.numeric_solver == nir::NumericSolver::Cvode || (ns && ns->use_cvode);
  if (ir.numeric_solver == nir::NumericSolver::ForwardEuler) {
    failed.solver = ode::Solver::ForwardEuler;
    status = ode::euler_step(rhs, ctx, ctx->timestep, yp, n, 0.0, &failed.where);
  } else if (cvode && ns) {
    status = run_cvode();
  } else {
    double& step = ctx->slots[ir.step_slot];
    const long before = rk.stats().steps;
    status = rk.integrate(rhs, ctx, ctx->timestep, yp, step, atol, rtol);
    failed.where = rk.failure();
    const bool automatic = ns && ir.numeric_solver == nir::NumericSolver::Auto;
    // Stiffness estimate (solver "auto"): when RKF45 needed many sub-steps, look at the
    // Jacobian; if its spectral radius times h is far outside RKF45's stability region
    // (about 3), the sub-steps are forced by stability, not accuracy: switch to CVODE.
    if (status == 0 && automatic && rk.stats().steps - before > 10) {
      if (ns->skip_stiffness_checks > 0) {
        --ns->skip_stiffness_checks;
      } else if (runtime::stiffness(rhs, jac, ctx, yp, n) * ctx->timestep > 30.0) {
        ns->use_cvode = true;
      } else {
        ns->skip_stiffness_checks = 1000;
      }
    } else if (automatic && runtime::is_stall(ode::Solver::Rkf45, status) &&
               runtime::stiffness(rhs, jac, ctx, y0, n) * ctx->timestep > 30.0) {
      // RKF45 stalled on a stiff system before the estimate could switch: redo the step
      // with CVODE from its start (only on this failure path; healthy runs are unchanged).
      ns->use_cvode = true;
      std::copy(y0, y0 + n, yp);
      status = run_cvode();
    }
  }
  if (status == 0) {
    // Convolution states ride along in the system but advance in their own phases.
    for (int i = 0; i < sys.writeback; ++i) ctx->slots[ir.ode_vars[sys.vars[i]].slot] = yp[i];
  } else {
    // The instance keeps its state from the start of the step (no NaN is written back).
    failed.status = status;
    failed.y_start = y0;
    failed.rhs = rhs;
    failed.jac = jac;
    host->on_failure(runtime::explain_failure(*m, ctx, failed));
  }
  return status;
}

int32_t nestjit_rt_rkf45_begin(NjContext* ctx, int32_t system, double* tol) {
  const runtime::LoadedModel* m = model_of(ctx);
  if (!m) return 0;
  const nir::NumericSolver solver = m->ir->numeric_solver;
  if (solver != nir::NumericSolver::Rkf45 && solver != nir::NumericSolver::Auto) return 0;
  runtime::NumericState* ns = host_of(ctx)->rkf45_setup(system, tol);
  if (ns && ns->use_cvode) return 0;
  // The same condition as nestjit_rt_integrate's stiffness estimate.
  return ns && solver == nir::NumericSolver::Auto ? 2 : 1;
}

double nestjit_rt_rkf45_factor(double rmax) { return ode::y_new_factor(rmax); }

double nestjit_rt_random_normal(NjContext*, double mean, double sd) {
  return mean + sd * std::normal_distribution<double>(0.0, 1.0)(rng());
}

double nestjit_rt_random_uniform(NjContext*, double offset, double scale) {
  return offset + scale * std::uniform_real_distribution<double>(0.0, 1.0)(rng());
}

double nestjit_rt_random_poisson(NjContext*, double rate) {
  return static_cast<double>(std::poisson_distribution<long>(rate)(rng()));
}

double nestjit_rt_steps(NjContext* ctx, double ms) {
  // NEST: round to the nearest tic (1e-3 ms by default), then up to whole steps.
  double tics = std::floor(ms * 1000.0 + 0.5);
  double tics_per_step = std::floor(ctx->resolution * 1000.0 + 0.5);
  return std::ceil(tics / tics_per_step);
}

int64_t nestjit_rt_checked_divisor(NjContext* ctx, int64_t a, int64_t b) {
  if (b == 0) {
    host_of(ctx)->on_failure(fmt::format(
        "{}: integer division by zero in the model's code (a parameter value makes an "
        "integer divisor 0, e.g. a period of 0 steps)", host_of(ctx)->describe()));
    return 1;
  }
  if (b == -1 && a == std::numeric_limits<int64_t>::min()) return 1;  // a / -1 overflows
  return b;
}

// Output of print statements: stdout for print/println; info and warning go to stderr as
// one line each, prefixed with the instance that printed.
static thread_local std::string print_line;

void nestjit_rt_print_text(NjContext* ctx, const char* text, int32_t channel) {
  if (channel == 0) std::fputs(text, stdout);
  else print_line += text;
}

void nestjit_rt_print_value(NjContext* ctx, double value, const char* unit, int32_t channel) {
  std::string s = fmt::format("{}", value);
  if (unit && *unit) s += fmt::format(" {}", unit);
  nestjit_rt_print_text(ctx, s.c_str(), channel);
}

void nestjit_rt_print_end(NjContext* ctx, int32_t newline, int32_t channel) {
  if (channel == 0) {
    if (newline) std::fputc('\n', stdout);
    return;
  }
  std::fprintf(stderr, "%s [%s]: %s\n", channel == 1 ? "info" : "warning",
               host_of(ctx)->describe().c_str(), print_line.c_str());
  print_line.clear();
}

void nestjit_rt_index_error(NjContext* ctx, const char* vector, int64_t index, int64_t count) {
  runtime::CodeHost* host = host_of(ctx);
  if (!host) return;
  host->on_failure(fmt::format("index {} is outside vector '{}' of size {} in {}", index, vector,
                               count, host->describe()));
}

int32_t nestjit_rt_step_check(NjContext* ctx, const double* before) {
  return host_of(ctx)->check_step(before);
}

void nestjit_rt_step_hook(NjContext* ctx, int32_t which) { host_of(ctx)->step_hook(ctx, which); }

}  // extern "C"

namespace runtime {

const jit::SymbolList& runtime_symbols() {
  static const jit::SymbolList list = {
      {"nestjit_rt_emit_spike", reinterpret_cast<void*>(&nestjit_rt_emit_spike)},
      {"nestjit_rt_lane_spikes", reinterpret_cast<void*>(&nestjit_rt_lane_spikes)},
      {"nestjit_rt_integrate", reinterpret_cast<void*>(&nestjit_rt_integrate)},
      {"nestjit_rt_rkf45_begin", reinterpret_cast<void*>(&nestjit_rt_rkf45_begin)},
      {"nestjit_rt_rkf45_factor", reinterpret_cast<void*>(&nestjit_rt_rkf45_factor)},
      {"nestjit_rt_random_normal", reinterpret_cast<void*>(&nestjit_rt_random_normal)},
      {"nestjit_rt_random_uniform", reinterpret_cast<void*>(&nestjit_rt_random_uniform)},
      {"nestjit_rt_random_poisson", reinterpret_cast<void*>(&nestjit_rt_random_poisson)},
      {"nestjit_rt_steps", reinterpret_cast<void*>(&nestjit_rt_steps)},
      {"nestjit_rt_checked_divisor", reinterpret_cast<void*>(&nestjit_rt_checked_divisor)},
      {"nestjit_rt_print_text", reinterpret_cast<void*>(&nestjit_rt_print_text)},
      {"nestjit_rt_print_value", reinterpret_cast<void*>(&nestjit_rt_print_value)},
      {"nestjit_rt_print_end", reinterpret_cast<void*>(&nestjit_rt_print_end)},
      {"nestjit_rt_index_error", reinterpret_cast<void*>(&nestjit_rt_index_error)},
      {"nestjit_rt_step_check", reinterpret_cast<void*>(&nestjit_rt_step_check)},
      {"nestjit_rt_step_hook", reinterpret_cast<void*>(&nestjit_rt_step_hook)},
  };
  return list;
}

}  // namespace runtime
}  // namespace nestjit
