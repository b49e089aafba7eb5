// SPDX-License-Identifier: Apache-2.0
#include "ode/solver_status.h"

#include <cstdlib>
#include <cvode/cvode.h>
#include <fmt/format.h>

namespace nestjit::ode {

const char* solver_name(Solver s) {
  switch (s) {
    case Solver::Rkf45: return "RKF45";
    case Solver::Cvode: return "CVODE";
    case Solver::ForwardEuler: return "forward Euler";
  }
  return "?";
}

namespace {

struct OwnStatus {
  int code;
  const char* name;
  const char* words;
};

constexpr OwnStatus kOwn[] = {
    {kStatusNonFinite, "NON_FINITE_STATE", "the state became NaN or infinite"},
    {kStatusStepUnderflow, "STEP_UNDERFLOW", "the step size no longer advances the time"},
    {kStatusBadArgument, "BAD_ARGUMENT", "invalid step, interval or tolerances"},
    {kStatusRhsNonFinite, "NON_FINITE_DERIVATIVE",
     "the right-hand side evaluated to NaN or infinity"},
    {kStatusTooManySteps, "TOO_MUCH_WORK", "too many internal steps in one resolution step"},
    {kStatusStepTooSmall, "STEP_TOO_SMALL", "the step size collapsed"},
    {kStatusNoProgress, "NO_PROGRESS", "the solver reported success but the time did not advance"},
};

// Plain words for CVODE's flags (the ones an integration can actually return).
const char* cvode_words(int flag) {
  switch (flag) {
    case CV_TOO_MUCH_WORK: return "too many internal steps in one resolution step";
    case CV_TOO_MUCH_ACC: return "the requested accuracy cannot be reached";
    case CV_ERR_FAILURE: return "error test failures repeated at the minimum step size";
    case CV_CONV_FAILURE: return "the Newton iteration does not converge at the minimum step size";
    case CV_LINIT_FAIL:
    case CV_LSETUP_FAIL:
    case CV_LSOLVE_FAIL: return "the linear solver failed (singular or non-finite Jacobian)";
    case CV_RHSFUNC_FAIL:
    case CV_FIRST_RHSFUNC_ERR:
    case CV_REPTD_RHSFUNC_ERR:
    case CV_UNREC_RHSFUNC_ERR: return "the right-hand side failed";
    case CV_MEM_FAIL:
    case CV_MEM_NULL: return "out of memory";
    case CV_ILL_INPUT: return "an input to CVODE is invalid";
    case CV_TOO_CLOSE: return "the interval is too short";
    default: return "the integration failed";
  }
}

}  // namespace

std::string status_name(Solver s, int status) {
  for (const auto& o : kOwn)
    if (o.code == status) return o.name;
  if (s == Solver::Cvode) {
    char* name = CVodeGetReturnFlagName(status);  // "CV_TOO_MUCH_WORK"
    std::string out = name ? name : "";
    std::free(name);  // CVODE allocates the name with malloc
    if (out.rfind("CV_", 0) == 0) out.erase(0, 3);
    if (!out.empty() && out != "UNKNOWN") return out;
  }
  return fmt::format("MODEL_FAILURE_{}", status);  // a code the model's own function returned
}

std::string status_words(Solver s, int status) {
  for (const auto& o : kOwn)
    if (o.code == status) return o.words;
  if (s == Solver::Cvode) return cvode_words(status);
  return "the right-hand side reported a failure";
}

}  // namespace nestjit::ode
