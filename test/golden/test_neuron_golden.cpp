// Every library neuron model against NEST running the same NESTML model under the same
// protocol (../shared/golden/neurons/<model>_nestml; its README gives the protocol).
// Exact-integration models must agree within 1e-9 relative (NEST's own generated and
// hand-written models agree to 1e-13 mV); models with a numeric solver within 1e-6 relative
// until the first spike, and every model with identical spike times. Models that cannot
// meet this are named below with the reason and the check they get instead.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <optional>
#include <tuple>

#include "neuron_protocol.h"
#include "test_support.h"

namespace {

std::optional<golden::Comparison> run(const std::string& dir) {
  if (!nestjit::test::shared_path(dir + "/protocol.json")) {
    MESSAGE("skipped: ../shared/" << dir << " is absent (NEST reference results not checked out)");
    return std::nullopt;
  }
  golden::Comparison c = golden::run_protocol(NESTJIT_SHARED_DIR, dir);
  REQUIRE_MESSAGE(c.ran, c.error);
  MESSAGE(std::string(c.exact ? "exact" : "numeric")
          << ": " << c.rows << " rows x " << c.columns
          << " columns; max rel. difference before the first spike "
          << c.max_rel_before_first_spike << ", overall " << c.max_rel_overall << " ("
          << c.worst_where << ")");
  return c;
}

void check_spikes(const golden::Comparison& c) {
  CHECK_MESSAGE(c.spikes.size() == c.nest_spikes.size(),
                "nestjit fired " << c.spikes.size() << " spikes, NEST " << c.nest_spikes.size());
  for (size_t i = 0; i < std::min(c.spikes.size(), c.nest_spikes.size()); ++i)
    CHECK_MESSAGE(std::fabs(c.spikes[i] - c.nest_spikes[i]) < 1e-9,
                  "spike " << i << ": nestjit " << c.spikes[i] << " ms, NEST " << c.nest_spikes[i]);
}

void check_status(const golden::Comparison& c) {
  for (const auto& m : c.status_mismatches) FAIL_CHECK("initial status differs: " << m);
  CHECK(c.status_compared > 0);
}

void check_model(const std::string& dir) {
  auto c = run(dir);
  if (!c) return;
  check_status(*c);
  check_spikes(*c);
  if (c->exact) {
    CHECK_MESSAGE(c->max_rel_overall <= 1e-9, c->worst_where);
  } else {
    CHECK_MESSAGE(c->max_rel_before_first_spike <= 1e-6, c->first_divergence);
  }
}

// Largest relative difference of one column over rows with time in [from, to).
double max_rel(const golden::Comparison& c, const std::string& col, double from, double to) {
  const auto& a = c.ours.at(col);
  const auto& b = c.nest.at(col);
  double scale = 0, worst = 0;
  for (double v : b) scale = std::max(scale, std::fabs(v));
  for (size_t i = 0; i < b.size(); ++i)
    if (c.times[i] >= from && c.times[i] < to)
      worst = std::max(worst, std::fabs(a[i] - b[i]) / (std::fabs(b[i]) + scale * 1e-3));
  return worst;
}

std::pair<double, double> mean_sd(const std::vector<double>& v) {
  const double m = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return {m, std::sqrt(s / double(v.size() - 1))};
}

}  // namespace

#define NEURON_GOLDEN(name)                                                       \
  TEST_CASE("neuron " #name " matches NEST") { check_model("golden/neurons/" #name); }

NEURON_GOLDEN(aeif_cond_alpha_alt_neuron_nestml)
NEURON_GOLDEN(aeif_cond_alpha_neuron_alt_nestml)
NEURON_GOLDEN(aeif_cond_alpha_neuron_nestml)
NEURON_GOLDEN(aeif_cond_exp_neuron_alt_nestml)
NEURON_GOLDEN(aeif_cond_exp_neuron_nestml)
NEURON_GOLDEN(aeif_psc_alpha_neuron_nestml)
NEURON_GOLDEN(aeif_psc_exp_neuron_nestml)
NEURON_GOLDEN(hh_cond_exp_traub_neuron_nestml)
NEURON_GOLDEN(hh_moto_5ht_neuron_nestml)
NEURON_GOLDEN(hh_psc_alpha_neuron_nestml)
NEURON_GOLDEN(iaf_chxk_2008_neuron_nestml)
NEURON_GOLDEN(iaf_cond_alpha_neuron_nestml)
NEURON_GOLDEN(iaf_cond_beta_neuron_nestml)
NEURON_GOLDEN(iaf_cond_exp_neuron_nestml)
NEURON_GOLDEN(iaf_cond_exp_sfa_rr_neuron_nestml)
NEURON_GOLDEN(iaf_psc_alpha_neuron_nestml)
NEURON_GOLDEN(iaf_psc_delta_fixed_timestep_neuron_nestml)
NEURON_GOLDEN(iaf_psc_delta_neuron_nestml)
NEURON_GOLDEN(iaf_psc_exp_htum_neuron_nestml)
NEURON_GOLDEN(iaf_psc_exp_neuron_nestml)
NEURON_GOLDEN(ignore_and_fire_neuron_nestml)
NEURON_GOLDEN(izhikevich_neuron_alt_int_nestml)
NEURON_GOLDEN(izhikevich_neuron_nestml)
NEURON_GOLDEN(izhikevich_psc_alpha_neuron_nestml)
NEURON_GOLDEN(mat2_psc_exp_neuron_nestml)
NEURON_GOLDEN(terub_gpe_neuron_nestml)
NEURON_GOLDEN(terub_stn_neuron_nestml)
NEURON_GOLDEN(traub_psc_alpha_neuron_nestml)
NEURON_GOLDEN(wb_cond_exp_neuron_nestml)
NEURON_GOLDEN(wb_cond_multisyn_neuron_nestml)

// hh_cond_exp_destexhe draws its noise conductances from random_normal: nestjit cannot follow
// NEST's random stream, so the traces are compared statistically. The noise conductances are
// Ornstein-Uhlenbeck processes (mean g0, standard deviation sigma); both runs must show the
// same mean and spread, and - as the upstream model shadows a state variable with a local
// and never fires (golden/README.md) - neither may spike.
TEST_CASE("neuron hh_cond_exp_destexhe_neuron_nestml matches NEST statistically") {
  auto c = run("golden/neurons/hh_cond_exp_destexhe_neuron_nestml");
  if (!c) return;
  check_status(*c);
  CHECK(c->nest_spikes.empty());
  CHECK(c->spikes.empty());
  // g0 = 12 / 57 nS, sigma = 3 / 6.6 nS, tau = 2.7 / 10.5 ms: 200 ms hold n = 200/tau
  // correlation times, so a sample mean sits within 4 sigma/sqrt(n) of g0 and a sample
  // spread within a relative 4/sqrt(2n) of sigma (4 standard errors; the seed is fixed, so
  // the outcome is reproducible).
  for (const auto& [col, g0, sigma, tau] :
       {std::tuple<std::string, double, double, double>{"g_noise_exc", 12.0, 3.0, 2.7},
        {"g_noise_inh", 57.0, 6.6, 10.5}}) {
    CAPTURE(col);
    const double n = 200.0 / tau;
    auto [m_ours, s_ours] = mean_sd(c->ours.at(col));
    auto [m_nest, s_nest] = mean_sd(c->nest.at(col));
    MESSAGE(col << ": nestjit mean " << m_ours << " sd " << s_ours << "; NEST mean " << m_nest
                << " sd " << s_nest);
    for (double m : {m_ours, m_nest}) CHECK(std::fabs(m - g0) < 4 * sigma / std::sqrt(n));
    for (double s : {s_ours, s_nest})
      CHECK(s == doctest::Approx(sigma).epsilon(4 / std::sqrt(2 * n)));
  }
}

// traub_cond_multisyn: NEST starts the gating variables Act_m, Act_n and Inact_h from
// internals evaluated at a membrane potential of about 0.01 mV (an artefact of when its
// generated constructor evaluates them; nestjit evaluates them at V_m = 0 before the state
// exists), a 2e-6 difference at t = 0. Starting that far from equilibrium, V_m drops to
// -99 mV within the first step and the 2e-6 is amplified to 3e-5 in the gating variables;
// the trajectories stay a hair apart afterwards (gating variables below 1e-4; V_m differs by
// 1.5 uV on the upstroke before the first spike, 0.9% relative to the trace's range floor
// there) and the spikes are identical.
TEST_CASE("neuron traub_cond_multisyn_neuron_nestml matches NEST after the initial transient") {
  auto c = run("golden/neurons/traub_cond_multisyn_neuron_nestml");
  if (!c) return;
  check_spikes(*c);
  const double first = c->nest_spikes.empty() ? 1e300 : c->nest_spikes[0];
  for (const auto& [col, v] : c->nest) {
    CAPTURE(col);
    const double early = max_rel(*c, col, 0.0, 20.0), later = max_rel(*c, col, 20.0, first);
    MESSAGE(col << ": max rel. difference " << early << " before 20 ms, " << later
                << " from 20 ms to the first spike");
    CHECK(early < 1e-4);
    CHECK(later < (col.rfind("V_m", 0) == 0 ? 1e-2 : 1e-4));
  }
}

// hill_tononi first fires late (after 187 ms), so "until the first spike" is nearly the
// whole run: RKF45 (tolerance 1e-6) accumulates its local errors, and nestjit's right-hand
// sides are the NESTML expressions while NEST's are sympy-rearranged, so rounding differs.
// The traces agree to 2e-7 up to 130 ms; the difference then grows to about 6e-6 (IT_h at
// 188 ms) without changing the spike times.
TEST_CASE("neuron hill_tononi_neuron_nestml matches NEST") {
  auto c = run("golden/neurons/hill_tononi_neuron_nestml");
  if (!c) return;
  check_status(*c);
  check_spikes(*c);
  CHECK_MESSAGE(c->max_rel_overall <= 1e-5, c->worst_where);
  for (const auto& [col, v] : c->nest) {
    CAPTURE(col);
    CHECK(max_rel(*c, col, 0.0, 130.0) <= 1e-6);
  }
}
