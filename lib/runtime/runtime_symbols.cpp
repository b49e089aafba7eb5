// The functions compiled model code calls (declared in nir/abi.h).
#include <cmath>
#include <cstdio>
#include <string>
#include <fmt/format.h>
#include <random>

#include "nir/abi.h"
#include "runtime/loaded_model.h"
#include "runtime/network.h"

namespace nestjit {

namespace {
runtime::CodeHost* host_of(NjContext* ctx) { return static_cast<runtime::CodeHost*>(ctx->host); }
const runtime::LoadedModel* model_of(NjContext* ctx) {
  return static_cast<const runtime::LoadedModel*>(ctx->model);
}
// Random numbers come from the network the instance belongs to; set while it runs.
thread_local std::mt19937_64* current_rng = nullptr;
std::mt19937_64& rng() {
  static thread_local std::mt19937_64 fallback{12345};
  return current_rng ? *current_rng : fallback;
}
}  // namespace

namespace runtime {
void set_current_rng(std::mt19937_64* r) { current_rng = r; }
std::mt19937_64* get_current_rng() { return current_rng; }

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
  host_of(ctx)->on_emit(weight, delay, nargs);
}

int32_t nestjit_rt_integrate(NjContext* ctx, int32_t system) {
  const runtime::LoadedModel* m = model_of(ctx);
  const nir::Model& ir = *m->ir;
  const nir::NumericSystem& sys = ir.numeric_systems[system];
  ode::Rkf45& rk = m->integrators[system];
  const size_t n = sys.vars.size();
  double y[64];
  std::vector<double> big;
  double* yp = y;
  if (n > 64) {
    big.resize(n);
    yp = big.data();
  }
  for (size_t i = 0; i < n; ++i) yp[i] = ctx->slots[ir.ode_vars[sys.vars[i]].slot];
  auto rhs = reinterpret_cast<ode::RhsFn>(m->code->rhs[system]);
  auto jac = reinterpret_cast<ode::JacFn>(m->code->jacobians[system]);
  runtime::CodeHost* host = host_of(ctx);
  runtime::NumericState* ns = host->numeric_state(system);
  const double atol = host->abs_tolerance(), rtol = host->rel_tolerance();
  int status;
  const bool cvode = ir.numeric_solver == nir::NumericSolver::Cvode || (ns && ns->use_cvode);
  if (ir.numeric_solver == nir::NumericSolver::ForwardEuler) {
    status = ode::euler_step(rhs, ctx, ctx->timestep, yp, n);
  } else if (cvode && ns) {
    if (!ns->cvode) ns->cvode = std::make_unique<ode::Cvode>(n, rhs, jac, atol, rtol);
    status = ns->cvode->integrate(ctx, ctx->timestep, yp, size_t(sys.writeback));
  } else {
    double& step = ctx->slots[ir.step_slot];
    const long before = rk.stats().steps;
    status = rk.integrate(rhs, ctx, ctx->timestep, yp, step, atol, rtol);
    // Stiffness estimate (solver "auto"): when RKF45 needed many sub-steps, look at the
    // Jacobian; if its spectral radius times h is far outside RKF45's stability region
    // (about 3), the sub-steps are forced by stability, not accuracy: switch to CVODE.
    if (status == 0 && ns && ir.numeric_solver == nir::NumericSolver::Auto &&
        rk.stats().steps - before > 10) {
      if (ns->skip_stiffness_checks > 0) {
        --ns->skip_stiffness_checks;
      } else if (runtime::stiffness(rhs, jac, ctx, yp, n) * ctx->timestep > 30.0) {
        ns->use_cvode = true;
      } else {
        ns->skip_stiffness_checks = 1000;
      }
    }
  }
  // Convolution states ride along in the system but advance in their own phases.
  for (int i = 0; i < sys.writeback; ++i) ctx->slots[ir.ode_vars[sys.vars[i]].slot] = yp[i];
  if (status != 0) {
    // Name the first variable that is no longer a number, and the solver's own message.
    std::string detail;
    for (size_t i = 0; i < n; ++i)
      if (!std::isfinite(yp[i])) {
        detail = fmt::format(": variable '{}' is {}", ir.ode_vars[sys.vars[i]].name, yp[i]);
        break;
      }
    if (ns && ns->cvode && !ns->cvode->message().empty()) detail += " (" + ns->cvode->message() + ")";
    host->on_failure(fmt::format("numeric integration failed in {} (status {}){}",
                                 host->describe(), status, detail));
  }
  return status;
}

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

}  // extern "C"

namespace runtime {

const jit::SymbolList& runtime_symbols() {
  static const jit::SymbolList list = {
      {"nestjit_rt_emit_spike", reinterpret_cast<void*>(&nestjit_rt_emit_spike)},
      {"nestjit_rt_integrate", reinterpret_cast<void*>(&nestjit_rt_integrate)},
      {"nestjit_rt_random_normal", reinterpret_cast<void*>(&nestjit_rt_random_normal)},
      {"nestjit_rt_random_uniform", reinterpret_cast<void*>(&nestjit_rt_random_uniform)},
      {"nestjit_rt_random_poisson", reinterpret_cast<void*>(&nestjit_rt_random_poisson)},
      {"nestjit_rt_steps", reinterpret_cast<void*>(&nestjit_rt_steps)},
      {"nestjit_rt_print_text", reinterpret_cast<void*>(&nestjit_rt_print_text)},
      {"nestjit_rt_print_value", reinterpret_cast<void*>(&nestjit_rt_print_value)},
      {"nestjit_rt_print_end", reinterpret_cast<void*>(&nestjit_rt_print_end)},
  };
  return list;
}

}  // namespace runtime
}  // namespace nestjit
