// SPDX-License-Identifier: Apache-2.0
// What the numeric solvers report when an integration fails, in names and plain words, and
// the limits past which an integration counts as stalled. Shared by RKF45, forward Euler and
// the CVODE adapter so that every failure reads the same way wherever it happens.
#pragma once
#include <cmath>
#include <string>

namespace nestjit::ode {

// Status codes of nestjit's own checks (CVODE's flags are small negative numbers, these
// cannot collide with them).
inline constexpr int kStatusNonFinite = -1001;      // state is NaN/inf after the step
inline constexpr int kStatusStepUnderflow = -1002;  // an accepted sub-step did not advance t
inline constexpr int kStatusBadArgument = -1003;    // h <= 0, step <= 0, bad tolerances
inline constexpr int kStatusRhsNonFinite = -1004;   // f(t, y) returned NaN or inf
inline constexpr int kStatusTooManySteps = -1005;   // more internal steps than one interval allows
inline constexpr int kStatusStepTooSmall = -1006;   // the internal step fell below the floor
inline constexpr int kStatusNoProgress = -1007;     // "success" without reaching the interval's end

// An internal step below this fraction of the interval h means the solver is no longer
// making progress (a step of 1e-12 h would need 1e12 steps to cover the interval).
inline constexpr double kMinStepFraction = 1e-12;
// Internal steps allowed in one interval before the integration counts as stalled; a
// healthy neuron model needs tens, a hard spike upstroke a few hundred.
inline constexpr long kMaxRkf45StepsPerInterval = 100000;
inline constexpr long kMaxCvodeStepsPerInterval = 20000;

enum class Solver { Rkf45, Cvode, ForwardEuler };

const char* solver_name(Solver s);  // "RKF45", "CVODE", "forward Euler"

// "NON_FINITE_DERIVATIVE", "TOO_MUCH_WORK" (CVODE's CV_ prefix dropped), ...
std::string status_name(Solver s, int status);
// The same status in plain words: "the right-hand side evaluated to NaN or infinity".
std::string status_words(Solver s, int status);

// Where a failing integration stopped, for the message: the first variable whose
// derivative (or value) was not finite, the local time, and the last internal step size.
struct FailureInfo {
  int variable = -1;            // index into the system's variables; -1 = not known
  double value = std::nan("");  // that variable's offending derivative or value
  double t = std::nan("");      // local time within the interval
  double step = std::nan("");   // the internal step size when it stopped
  void clear() { *this = FailureInfo{}; }
};

}  // namespace nestjit::ode
