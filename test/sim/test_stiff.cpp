// Stiff systems go to CVODE: forced by the numeric_solver option, or chosen at run time by
// the stiffness estimate. Robertson's problem at t = 40 (SUNDIALS' cvRoberts_dns prints
// y = 7.1582e-01, 9.1855e-06, 2.8417e-01) and against RKF45 at tight tolerance.
#include <doctest/doctest.h>

#include <nestjit/nestjit.h>

#include "stiff_models.h"

namespace {

struct Robertson {
  double y1, y2, y3, stiff;
};

Robertson run(const std::string& solver, double tol, double T = 40.0) {
  nestjit::Kernel k;
  nestjit::InstallOptions opts;
  opts.numeric_solver = solver;
  auto r = k.install_source("robertson.nestml", kRobertsonModel, opts);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto n = k.create("robertson", 1, {{"gsl_abs_error_tol", tol}, {"gsl_rel_error_tol", tol}});
  k.simulate(T);
  auto s = k.get_status(n[0]);
  return {s.at("y1"), s.at("y2"), s.at("y3"), s.at("stiff_solver_active")};
}

}  // namespace

TEST_CASE("stiff: CVODE solves Robertson's problem (published values at t = 40)") {
  auto r = run("cvode", 1e-8);
  CHECK(r.stiff == 1.0);
  CHECK(r.y1 == doctest::Approx(7.1582e-01).epsilon(1e-4));
  CHECK(r.y2 == doctest::Approx(9.1855e-06).epsilon(1e-4));
  CHECK(r.y3 == doctest::Approx(2.8417e-01).epsilon(1e-4));
  CHECK(r.y1 + r.y2 + r.y3 == doctest::Approx(1.0).epsilon(1e-9));  // mass is conserved
}

TEST_CASE("stiff: CVODE agrees with RKF45 at tight tolerance") {
  auto cv = run("cvode", 1e-9);
  auto rk = run("rk45", 1e-10);
  CHECK(rk.stiff == 0.0);
  CHECK(cv.y1 == doctest::Approx(rk.y1).epsilon(1e-6));
  CHECK(cv.y2 == doctest::Approx(rk.y2).epsilon(1e-5));
  CHECK(cv.y3 == doctest::Approx(rk.y3).epsilon(1e-6));
}

TEST_CASE("stiff: solver 'auto' detects the stiffness and switches to CVODE") {
  auto a = run("auto", 1e-8);
  auto rk = run("rk45", 1e-10);
  CHECK(a.stiff == 1.0);
  CHECK(a.y1 == doctest::Approx(rk.y1).epsilon(1e-5));
  CHECK(a.y3 == doctest::Approx(rk.y3).epsilon(1e-5));
}

TEST_CASE("stiff: a non-stiff model stays on RKF45 under 'auto'") {
  nestjit::Kernel k;
  auto r = k.install_source("decay.nestml", R"(model decay:
    state:
        x real = 1
    equations:
        x' = -x * x / ms
    update:
        integrate_odes()
)");
  REQUIRE_MESSAGE(r.ok, r.report());
  auto n = k.create("decay");
  k.simulate(50.0);
  auto s = k.get_status(n[0]);
  CHECK(s.at("stiff_solver_active") == 0.0);
  CHECK(s.at("x") == doctest::Approx(1.0 / (1.0 + 50.0)).epsilon(1e-6));  // x(t) = 1/(1+t)
}

TEST_CASE("numeric failure: the simulation stops with model, instance, variable and time") {
  nestjit::Kernel k;
  auto r = k.install_source("blowup.nestml", R"(model blowup:
    state:
        x real = 1
    equations:
        x' = x * x / ms
    update:
        integrate_odes()
)");
  REQUIRE_MESSAGE(r.ok, r.report());
  k.create("blowup");
  // x(t) = 1/(1 - t) explodes at t = 1 ms: the step ending at 1 ms fails.
  std::string message;
  try {
    k.simulate(5.0);
  } catch (const nestjit::Error& e) {
    message = e.what();
  }
  MESSAGE(message);
  CHECK(message.find("blowup #1 at t = 1 ms: ") == 0);
  CHECK(message.find("variable 'x'") != std::string::npos);
  // The simulation stopped at the end of the slice in which it failed.
  CHECK(k.time() <= 2.0);
}
