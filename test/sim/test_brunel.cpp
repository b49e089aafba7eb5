// The Brunel network (../shared/golden/network/brunel): rates of E and I and the mean ISI
// CV against NEST's five seeds, within 3 sd of their seed-to-seed spread or 2% (rates) /
// 5% (CV), whichever is wider. Our random streams differ from NEST's, so the comparison is
// statistical. Label `network`: run alone with `ctest -L network`; about 10-20 s here.
#include <doctest/doctest.h>
#include <nestjit/nestjit.h>

#include <nlohmann/json.hpp>

#include "brunel_network.h"
#include "test_support.h"

TEST_CASE("Brunel network: E and I rates and the ISI CV as NEST's") {
  NESTJIT_REQUIRE_SHARED(summary_path, "golden/network/brunel/summary.json");
  NESTJIT_REQUIRE_SHARED(model, "corpus/models/neurons/iaf_psc_exp_neuron.nestml");
  const auto summary = nlohmann::json::parse(nestjit::test::read_text(summary_path));
  const auto& across = summary.at("variants").at("nestml").at("across_seeds");
  nestjit::Kernel k({.resolution_ms = 0.1, .rng_seed = 1});
  auto r = k.install_file(model);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto net = nestjit::brunel::build(k, 1);
  CHECK(k.num_connections() == 10020000);
  k.simulate(1000.0);
  auto s = nestjit::brunel::statistics(k.spike_events(net.recorder[0]), net.neurons.first, 1000.0);
  auto check = [&](const char* name, double ours, double rel) {
    const double mean = across.at(name).at("mean").get<double>();
    const double sd = across.at(name).at("sd").get<double>();
    const double tol = std::max(3 * sd, rel * mean);
    MESSAGE(std::string(name) << ": nestjit " << ours << ", NEST " << mean << " +- " << sd << " (tolerance " << tol << ")");
    CHECK(std::fabs(ours - mean) <= tol);
  };
  check("rate_E_Hz", s.rate_E_Hz, 0.02);
  check("rate_I_Hz", s.rate_I_Hz, 0.02);
  check("cv_isi_mean", s.cv_isi_mean, 0.05);
  CHECK(s.cv_neurons == 10000);
}
