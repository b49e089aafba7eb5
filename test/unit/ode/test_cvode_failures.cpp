// The CVODE adapter's failure reporting (issue 13): non-finite derivatives name the
// variable, SUNDIALS' messages are collected instead of printed, flags read as words.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <unistd.h>

#include "ode/cvode_solver.h"

using namespace nestjit::ode;

namespace {

// Reads what was written to fd 2 while `f` ran.
template <class F>
std::string stderr_of(F f) {
  std::fflush(stderr);
  std::FILE* tmp = std::tmpfile();
  const int saved = dup(2);
  dup2(fileno(tmp), 2);
  f();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::rewind(tmp);
  std::string out;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, tmp)) > 0) out.append(buf, n);
  std::fclose(tmp);
  return out;
}

int decay(double, const double* y, double* f, void*) {
  f[0] = -y[0];
  f[1] = -2 * y[1];
  return 0;
}

// y1' turns NaN once y0 has decayed below 0.5 (t = ln 2).
int poisoned(double, const double* y, double* f, void*) {
  f[0] = -y[0];
  f[1] = y[0] < 0.5 ? std::numeric_limits<double>::quiet_NaN() : 0.0;
  return 0;
}

}  // namespace

TEST_CASE("cvode: a healthy system integrates and reports nothing") {
  Cvode cv(2, decay, nullptr);
  double y[2] = {1.0, 1.0};
  for (int i = 0; i < 10; ++i) REQUIRE(cv.integrate(nullptr, 0.1, y) == 0);
  CHECK(y[0] == doctest::Approx(std::exp(-1.0)).epsilon(1e-4));
  CHECK(cv.take_reports().empty());
}

TEST_CASE("cvode: a NaN derivative fails naming the variable, silently on stderr") {
  Cvode cv(2, poisoned, nullptr);
  double y[2] = {1.0, 1.0};
  int status = 0;
  int steps = 0;
  const std::string err = stderr_of([&] {
    while (status == 0 && steps < 20) {
      status = cv.integrate(nullptr, 0.1, y);
      ++steps;
    }
  });
  CHECK(err.empty());
  CHECK(status == kStatusRhsNonFinite);
  CHECK(steps == 7);  // the step that crosses t = ln 2 = 0.693
  CHECK(cv.failure().variable == 1);
  CHECK(std::isnan(cv.failure().value));
  CHECK(y[0] > 0.5);  // left at the start of the failing step
  CHECK(!cv.message().empty());  // SUNDIALS' words for it
  auto reports = cv.take_reports();
  bool error_reported = false;
  for (const auto& r : reports) error_reported |= !r.warning() && !r.message.empty();
  CHECK(error_reported);
  CHECK(status_name(Solver::Cvode, -1) == "TOO_MUCH_WORK");
  CHECK(status_words(Solver::Cvode, -4) == "the Newton iteration does not converge at the minimum step size");
}
