// Solver failures are never silent (issue 13): a stalled or blown-up integration stops the
// simulation with one message naming instance, time, solver flag and cause; SUNDIALS prints
// nothing to stderr; the kernel stays usable.
#include <doctest/doctest.h>

#include <cmath>
#include <nestjit/nestjit.h>
#include <string>

#include "stderr_capture.h"
#include "test_support.h"

namespace {

using nestjit::test::StderrCapture;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct Outcome {
  std::string error;    // the Error simulate() threw, empty if none
  std::string stderr_text;
  double time = 0;      // kernel time after simulate
};

// Two instances with `params`, kicked by a spike generator (weight 100), for `ms`.
Outcome kick_two(nestjit::Kernel& k, const std::string& model, const nestjit::Params& params,
                 double ms = 50.0) {
  auto n = k.create(model, 2, params);
  auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0, 5.0, 10.0, 20.0}}});
  nestjit::SynSpec kick;
  kick.weight = 100.0;
  k.connect(sg, n, nestjit::ConnRule::all_to_all, kick);
  Outcome out;
  StderrCapture capture;
  try {
    k.simulate(ms);
  } catch (const nestjit::Error& e) {
    out.error = e.what();
  }
  out.stderr_text = capture.stop();
  out.time = k.time();
  return out;
}

// After a failure the kernel still builds and runs networks.
void check_kernel_usable(nestjit::Kernel& k, const std::string& model) {
  k.reset();
  auto n = k.create(model, 1);
  CHECK_NOTHROW(k.simulate(5.0));
  CHECK(k.time() == doctest::Approx(5.0));
  for (const auto& [name, value] : k.get_status(n[0])) CHECK_MESSAGE(std::isfinite(value), name);
}

}  // namespace

TEST_CASE("solver failure: extreme current and synaptic time constant stop with a message") {
  NESTJIT_REQUIRE_SHARED(path, "corpus/models/neurons/iaf_cond_exp_sfa_rr_neuron.nestml");
  nestjit::Kernel k;
  auto r = k.install_file(path);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto out = kick_two(k, "iaf_cond_exp_sfa_rr_neuron", {{"I_e", 1e308}, {"tau_syn_exc", 1e-308}});
  MESSAGE(out.error);
  MESSAGE(out.stderr_text.substr(0, 2000));
  CHECK(out.stderr_text.empty());
  REQUIRE(!out.error.empty());
  CHECK(out.time < 50.0);
  // The first kick (1 ms, arriving at 2 ms) makes the stiff synapse meet the huge current;
  // CVODE's step collapses to ~1e-160 ms within the first slice after it.
  CHECK(out.time <= 3.0);
  CHECK(out.error.rfind("iaf_cond_exp_sfa_rr_neuron #1 at t = 2.9 ms: the ODE solver's step size fell to ", 0) == 0);
  CHECK(contains(out.error, "fell to 3e-160 ms"));  // the collapsed step, not the last good one
  CHECK(contains(out.error, "(CVODE STEP_TOO_SMALL: the step size collapsed)"));
  CHECK(contains(out.error, "the system is too stiff for these parameters (tau_syn_exc = 1e-308 ms)"));
  CHECK(contains(out.error, "t + h = t"));  // SUNDIALS' own words, quoted
  CHECK(!contains(out.error, "I_e"));       // the current is not what makes it stiff
  CHECK(!contains(out.error, "status -"));
  // Per instance: SUNDIALS' repeated warning once, with its count, and the failure.
  auto diags = k.runtime_diagnostics();
  for (const auto& d : diags) MESSAGE(d.info.rendered);
  REQUIRE(diags.size() == 4);
  for (int i : {0, 2}) {
    CHECK(diags[i].info.severity == nestjit::DiagnosticInfo::Severity::Warning);
    CHECK(diags[i].info.code == "W-SOLVER");
    CHECK(contains(diags[i].info.message, "CVODE warning in CVode: Internal t = "));
    CHECK(diags[i].count > 1);
  }
  for (int i : {1, 3}) {
    CHECK(diags[i].info.severity == nestjit::DiagnosticInfo::Severity::Error);
    CHECK(diags[i].info.code == "E-SIMULATION");
    CHECK(diags[i].count == 1);
  }
  CHECK(diags[1].info.message == out.error);
  CHECK(contains(diags[3].info.message, "iaf_cond_exp_sfa_rr_neuron #2 at"));
  // The instances keep the finite state of the start of the failing step.
  for (const auto& [name, value] : k.get_status(1)) CHECK_MESSAGE(std::isfinite(value), name);
  check_kernel_usable(k, "iaf_cond_exp_sfa_rr_neuron");
}

TEST_CASE("solver failure: a singular gating function stops instead of hanging") {
  NESTJIT_REQUIRE_SHARED(path, "corpus/models/neurons/terub_stn_neuron.nestml");
  std::string text = nestjit::test::read_text(path);
  const std::string from = "1. / (1. + exp((gate_r-theta_b)/sigma_b))";
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), "1. / (0.0 + exp((gate_r-theta_b)/sigma_b))");
  nestjit::Kernel k;
  nestjit::InstallOptions rk45;
  rk45.numeric_solver = "rk45";
  auto r = k.install_source("terub_stn_neuron.nestml", text, rk45);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto out = kick_two(k, "terub_stn_neuron", {{"gate_r", -1.0}});
  MESSAGE(out.error);
  CHECK(out.stderr_text.empty());
  REQUIRE(!out.error.empty());
  CHECK(out.time <= 1.0);  // stopped in the first slice
  CHECK(out.error.rfind("terub_stn_neuron #1 at t = 0.1 ms: the ODE solver's step size fell to ", 0) == 0);
  CHECK(contains(out.error, "(RKF45 STEP_TOO_SMALL: the step size collapsed)"));
  CHECK(contains(out.error, "the system is too stiff"));
  CHECK(k.runtime_diagnostics().size() == 2);
  check_kernel_usable(k, "terub_stn_neuron");
}

TEST_CASE("solver failure: under 'auto' a stalled RKF45 step is redone by CVODE") {
  NESTJIT_REQUIRE_SHARED(path, "corpus/models/neurons/terub_stn_neuron.nestml");
  std::string text = nestjit::test::read_text(path);
  const std::string from = "1. / (1. + exp((gate_r-theta_b)/sigma_b))";
  text.replace(text.find(from), from.size(), "1. / (0.0 + exp((gate_r-theta_b)/sigma_b))");
  nestjit::Kernel k;
  auto r = k.install_source("terub_stn_neuron.nestml", text);
  REQUIRE_MESSAGE(r.ok, r.report());
  // The stiffness (spectral radius ~1e16 per ms) is real and CVODE integrates it: the huge
  // T-current conductance pulls V_m towards E_Ca = 140 mV.
  auto out = kick_two(k, "terub_stn_neuron", {{"gate_r", -1.0}});
  CHECK(out.error.empty());
  CHECK(out.stderr_text.empty());
  CHECK(out.time == doctest::Approx(50.0));
  auto s = k.get_status(1);
  for (const auto& [name, value] : s) CHECK_MESSAGE(std::isfinite(value), name);
  CHECK(s.at("stiff_solver_active") == 1.0);
  CHECK(s.at("V_m") > 100.0);
  CHECK(s.at("V_m") < 140.0);
}
