// Turns a failed numeric integration into one message that a user can act on: which
// instance, when, what the solver saw (in words, with the solver's flag name), which variable,
// and, when the Jacobian shows the system is stiff, which parameter values make it so.
#pragma once
#include <string>

#include "nir/abi.h"
#include "ode/cvode_solver.h"
#include "ode/solver_status.h"
#include "runtime/loaded_model.h"

namespace nestjit::runtime {

struct FailedIntegration {
  ode::Solver solver = ode::Solver::Rkf45;
  int status = 0;
  ode::FailureInfo where;
  std::string solver_message;  // SUNDIALS' own words for the failure, if any
  int system = 0;              // index into nir::Model::numeric_systems
  const double* y_start = nullptr;  // the system's state at the start of the failed step
  ode::RhsFn rhs = nullptr;
  ode::JacFn jac = nullptr;
};

// "iaf_cond_exp_sfa_rr_neuron #1 at t = 0.8 ms: the ODE solver's step size fell to
// 6.4e-160 ms (CVODE TOO_MUCH_WORK: ...); the system is too stiff for these parameters
// (tau_syn_exc = 1e-308 ms)". Runs the model's compiled functions on scratch copies of the
// instance's slots only: the instance itself is not touched.
std::string explain_failure(const LoadedModel& model, NjContext* ctx, const FailedIntegration& f);

// Whether a status means the step size collapsed or the solver ran out of steps (a stall),
// as opposed to a non-finite value.
bool is_stall(ode::Solver solver, int status);

}  // namespace nestjit::runtime
