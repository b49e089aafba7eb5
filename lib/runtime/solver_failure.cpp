#include "runtime/solver_failure.h"

#include <cmath>
#include <fmt/format.h>
#include <vector>

namespace nestjit::runtime {

namespace {

// CVODE's flags (cvode.h) that mean "the step size had to go to nothing". Kept as numbers
// here so that SUNDIALS stays inside lib/ode.
constexpr int kCvTooMuchWork = -1, kCvTooMuchAcc = -2, kCvErrFailure = -3, kCvConvFailure = -4;

// Beyond this spectral radius times h, the failure is blamed on stiffness.
constexpr double kStiffRatio = 1e3;

std::string with_unit(double value, const std::string& unit) {
  return unit.empty() ? fmt::format("{}", value) : fmt::format("{} {}", value, unit);
}

// The parameters whose value, put back to the model's default, makes the system's Jacobian
// at least 100 times less stiff: those are the ones that make it stiff.
std::string stiff_parameters(const LoadedModel& m, NjContext* ctx, const FailedIntegration& f,
                             size_t n, double radius) {
  const nir::Model& ir = *m.ir;
  std::vector<double> defaults(ir.slots.size(), 0.0);
  NjContext scratch = *ctx;
  scratch.slots = defaults.data();
  m.code->init_parameters(&scratch);
  std::string out;
  std::vector<double> copy;
  for (size_t p = 0; p < ir.slots.size(); ++p) {
    if (ir.slots[p].role != nir::SlotRole::Parameter) continue;
    const double now = ctx->slots[p];
    if (now == defaults[p] || (std::isnan(now) && std::isnan(defaults[p]))) continue;
    copy.assign(ctx->slots, ctx->slots + ir.slots.size());
    copy[p] = defaults[p];
    scratch.slots = copy.data();
    m.code->compute_internals(&scratch);
    const double r = stiffness(f.rhs, f.jac, &scratch, f.y_start, n);
    if (std::isfinite(r) && r * 100.0 < radius) {
      if (!out.empty()) out += ", ";
      out += fmt::format("{} = {}", ir.slots[p].name, with_unit(now, ir.slots[p].unit));
    }
  }
  return out;
}

// The variable that moves fastest relative to the tolerance at the start of the step.
std::string fastest_variable(const LoadedModel& m, NjContext* ctx, const FailedIntegration& f,
                             size_t n) {
  const nir::Model& ir = *m.ir;
  const nir::NumericSystem& sys = ir.numeric_systems[size_t(f.system)];
  std::vector<double> dydt(n, 0.0);
  if (f.rhs(ctx->t, f.y_start, dydt.data(), ctx) != 0) return {};
  int best = -1;
  double best_rate = 0;
  for (size_t i = 0; i < n; ++i) {
    const double rate = std::fabs(dydt[i]) / (1e-6 + 1e-6 * std::fabs(f.y_start[i]));
    if (!(rate <= best_rate)) {  // NaN and inf rates win
      best_rate = rate;
      best = int(i);
    }
  }
  if (best < 0) return {};
  const auto& var = ir.ode_vars[sys.vars[size_t(best)]];
  return fmt::format("; fastest-changing variable '{}' = {}", var.name,
                     with_unit(f.y_start[best], ir.slots[var.slot].unit));
}

}  // namespace

bool is_stall(ode::Solver solver, int status) {
  switch (status) {
    case ode::kStatusStepUnderflow:
    case ode::kStatusStepTooSmall:
    case ode::kStatusTooManySteps:
    case ode::kStatusNoProgress: return true;
    case kCvTooMuchWork:
    case kCvTooMuchAcc:
    case kCvErrFailure:
    case kCvConvFailure: return solver == ode::Solver::Cvode;
    default: return false;
  }
}

std::string explain_failure(const LoadedModel& m, NjContext* ctx, const FailedIntegration& f) {
  const nir::Model& ir = *m.ir;
  const nir::NumericSystem& sys = ir.numeric_systems[size_t(f.system)];
  const size_t n = sys.vars.size();
  const auto* host = static_cast<const CodeHost*>(ctx->host);
  auto var_name = [&](int i) -> std::string {
    return i >= 0 && size_t(i) < n ? ir.ode_vars[sys.vars[size_t(i)]].name : std::string("?");
  };
  const std::string flag =
      fmt::format("{} {}: {}", ode::solver_name(f.solver), ode::status_name(f.solver, f.status),
                  ode::status_words(f.solver, f.status));
  std::string what;
  const bool stall = is_stall(f.solver, f.status);
  if (f.status == ode::kStatusRhsNonFinite) {
    what = fmt::format("the derivative of variable '{}' evaluated to {} ({})", var_name(f.where.variable),
                       f.where.value, flag);
  } else if (f.status == ode::kStatusNonFinite) {
    what = fmt::format("variable '{}' became {} ({})", var_name(f.where.variable), f.where.value, flag);
  } else if (stall && std::isfinite(f.where.step)) {
    what = fmt::format("the ODE solver's step size fell to {:.3g} ms ({})", f.where.step, flag);
  } else {
    what = fmt::format("numeric integration failed ({})", flag);
  }
  if (f.status != ode::kStatusRhsNonFinite && f.status != ode::kStatusNonFinite && f.y_start)
    what += fastest_variable(m, ctx, f, n);
  // Stiffness is what usually makes a step size collapse: say so and find the culprits.
  if (f.y_start && (stall || f.solver == ode::Solver::Cvode)) {
    const double radius = stiffness(f.rhs, f.jac, ctx, f.y_start, n);
    if (!(radius * ctx->timestep <= kStiffRatio)) {
      const std::string culprits = stiff_parameters(m, ctx, f, n, radius);
      what += culprits.empty()
                  ? fmt::format("; the system is too stiff (Jacobian spectral radius {:.3g} per ms)", radius)
                  : fmt::format("; the system is too stiff for these parameters ({})", culprits);
    }
  }
  if (!f.solver_message.empty()) what += fmt::format(" [{} says: {}]", ode::solver_name(f.solver), f.solver_message);
  return fmt::format("{}: {}", host->describe(), what);
}

}  // namespace nestjit::runtime
