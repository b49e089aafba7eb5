// The public API as a host application uses it: loading, errors as values, networks,
// status, connections, and the example program's exit codes.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <nestjit/nestjit.h>

#include "test_support.h"

namespace {

const char* kLeaky = R"(model leaky_neuron:
    parameters:
        tau ms = 10 ms
        E_L mV = -70 mV
        V_th mV = -55 mV
    state:
        V_m mV = E_L
    equations:
        V_m' = -(V_m - E_L) / tau + I_in / (250 pF)
    input:
        spikes <- spike
        I_in pA <- continuous
    output:
        spike
    update:
        integrate_odes()
        V_m += spikes * mV * s
    onCondition(V_m >= V_th):
        V_m = E_L
        emit_spike()
)";

std::string read_file(const std::string& p) { return nestjit::test::read_text(p); }

int run(const std::string& cmd, std::string& output) {
  std::string out_file = (std::filesystem::temp_directory_path() / "nestjit_api_test.out").string();
  int rc = std::system((cmd + " > " + out_file + " 2>&1").c_str());
  output = read_file(out_file);
  return rc;
}

}  // namespace

TEST_CASE("install_source compiles a model and reports stage timings") {
  nestjit::Kernel k;
  auto r = k.install_source("leaky.nestml", kLeaky);
  REQUIRE_MESSAGE(r.ok, r.report());
  CHECK(r.models == std::vector<std::string>{"leaky_neuron"});
  CHECK(r.timings.parse_ms > 0);
  CHECK(r.timings.jit_ms > 0);
  CHECK(k.get_default("leaky_neuron", "V_m") == -70.0);
  CHECK(k.get_default("leaky_neuron", "tau") == 10.0);
}

TEST_CASE("a syntax error is a located diagnostic, not an exception") {
  nestjit::Kernel k;
  std::string broken = kLeaky;
  broken.replace(broken.find("    state:"), 10, "    state");  // drop the colon
  auto r = k.install_source("broken.nestml", broken);
  CHECK_FALSE(r.ok);
  REQUIRE(!r.diagnostics.empty());
  const auto& d = r.diagnostics[0];
  CHECK(d.code == "E-SYNTAX");
  CHECK(d.file == "broken.nestml");
  CHECK(d.line == 6);
  CHECK(r.report().find("broken.nestml:6:") != std::string::npos);
}

TEST_CASE("a unit error names the variable and the units, at the right place") {
  nestjit::Kernel k;
  std::string broken = kLeaky;
  broken.replace(broken.find("I_in / (250 pF)"), 15, "I_in");  // pA where mV/ms is needed
  auto r = k.install_source("units.nestml", broken);
  CHECK_FALSE(r.ok);
  REQUIRE(!r.diagnostics.empty());
  bool found = false;
  for (const auto& d : r.diagnostics)
    if (d.code == "E-UNIT-MISMATCH" || d.code == "E-ODE-UNITS") {
      found = true;
      CHECK(d.line == 9);
      CHECK(d.rendered.find("units.nestml:9:") == 0);
      CHECK(d.rendered.find("^") != std::string::npos);
    }
  CHECK_MESSAGE(found, r.report());
  // The kernel stays usable: the good model still installs.
  CHECK(k.install_source("leaky.nestml", kLeaky).ok);
}

TEST_CASE("a missing file is reported with its path") {
  nestjit::Kernel k;
  auto r = k.install_file("/nonexistent/model.nestml");
  CHECK_FALSE(r.ok);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].code == "E-FILE");
  CHECK(r.report().find("/nonexistent/model.nestml") != std::string::npos);
}

TEST_CASE("API misuse throws nestjit::Error with a clear message") {
  nestjit::Kernel k;
  CHECK_THROWS_WITH_AS(k.create("no_such_model"), doctest::Contains("unknown model 'no_such_model'"),
                       nestjit::Error);
  auto sg = k.create("spike_generator");
  CHECK_THROWS_WITH_AS(k.set_status(sg, {{"spike_times", std::vector<double>{1.05}}}),
                       doctest::Contains("not on the 0.1 ms grid"), nestjit::Error);
  auto p = k.create("parrot_neuron");
  nestjit::SynSpec bad;
  bad.delay = 0.0;
  CHECK_THROWS_WITH_AS(k.connect(sg, p, nestjit::ConnRule::all_to_all, bad),
                       doctest::Contains("shorter than the resolution"), nestjit::Error);
  CHECK_THROWS_AS(k.spike_events(p[0]), nestjit::Error);
  CHECK_THROWS_AS(k.simulate(0.05), nestjit::Error);
  // Still usable after all of that.
  k.simulate(1.0);
  CHECK(k.time() == doctest::Approx(1.0));
}

TEST_CASE("a leaky neuron driven by kicks fires when the kicks add up") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("leaky.nestml", kLeaky).ok);
  // Kicks of 10 mV at 10 and 11 ms (arriving 1 ms later): after the first V = -60 mV, which
  // decays by exp(-1/10) over 1 ms to -60.95 mV; the second kick lifts it to -50.95 mV
  // >= -55 mV, so the neuron fires in the step the second kick arrives (12.0 ms).
  auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{10.0, 11.0}}});
  auto n = k.create("leaky_neuron");
  auto sr = k.create("spike_recorder");
  nestjit::SynSpec kick;
  kick.weight = 10.0;
  k.connect(sg, n, nestjit::ConnRule::all_to_all, kick);
  k.connect(n, sr);
  k.simulate(11.5);
  const double v = k.get_status(n[0]).at("V_m");
  CHECK(v == doctest::Approx(-70.0 + 10.0 * std::exp(-0.5 / 10.0)).epsilon(1e-6));
  k.simulate(10.0);
  auto ev = k.spike_events(sr[0]);
  REQUIRE(ev.times.size() == 1);
  CHECK(ev.times[0] == doctest::Approx(12.0));
  CHECK(ev.senders[0] == n[0]);
}

TEST_CASE("reset() drops the network but keeps installed models") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("leaky.nestml", kLeaky).ok);
  k.create("leaky_neuron", 3);
  k.simulate(5.0);
  k.reset();
  CHECK(k.time() == 0.0);
  auto n = k.create("leaky_neuron");
  CHECK(n[0] == 1);
}

TEST_CASE("stdp_window program: writes the CSV, and fails cleanly on a broken model") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "nestjit_api_stdp";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string out;
  // A broken neuron model: a unit error in its ODE.
  std::string neuron = read_file(nestjit::test::source_path("examples/stdp_window/izhikevich_neuron.nestml"));
  std::string synapse = read_file(nestjit::test::source_path("examples/stdp_window/stdp_synapse.nestml"));
  auto pos = neuron.find(") / ms\n");
  REQUIRE(pos != std::string::npos);
  neuron.replace(pos, 7, ")\n");
  std::ofstream(dir / "izhikevich_neuron.nestml") << neuron;
  std::ofstream(dir / "stdp_synapse.nestml") << synapse;
  int rc = run(std::string(STDP_WINDOW_EXE) + " --quiet --models " + dir.string() + " --out " +
                   (dir / "w.csv").string(),
               out);
  CHECK(rc != 0);
  CHECK(out.find("izhikevich_neuron.nestml:") != std::string::npos);
  CHECK(out.find("error[E-ODE-UNITS]") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "w.csv"));
}

TEST_CASE("changing a parameter recomputes internals and propagators at the next simulate") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("leaky.nestml", kLeaky).ok);
  auto n = k.create("leaky_neuron", 1, {{"V_m", -60.0}});
  k.simulate(1.0);
  // V relaxes to E_L = -70 with tau = 10 ms: V(1) = -70 + 10 exp(-1/10).
  CHECK(k.get_status(n[0]).at("V_m") == doctest::Approx(-70.0 + 10.0 * std::exp(-0.1)).epsilon(1e-6));
  k.set_status(n, {{"tau", 2.0}, {"V_m", -60.0}});
  k.simulate(1.0);
  CHECK(k.get_status(n[0]).at("V_m") == doctest::Approx(-70.0 + 10.0 * std::exp(-0.5)).epsilon(1e-6));
}

TEST_CASE("print and println write the text with {name} replaced by value and declared unit") {
  nestjit::Kernel k;
  auto r = k.install_source("printer.nestml", R"(model printer:
    state:
        V_m mV = -70 mV
        n integer = 3
    update:
        println("V = {V_m}, n = {n}, {unknown} stays")
        print("no newline ")
        V_m += 1 mV
)");
  REQUIRE_MESSAGE(r.ok, r.report());
  k.create("printer");
  const std::string path = (std::filesystem::temp_directory_path() / "nestjit_print.out").string();
  std::fflush(stdout);
  const int saved = dup(fileno(stdout));
  REQUIRE(std::freopen(path.c_str(), "w", stdout));
  k.simulate(0.2);  // two steps
  std::fflush(stdout);
  dup2(saved, fileno(stdout));
  close(saved);
  CHECK(read_file(path) ==
        "V = -70 mV, n = 3, {unknown} stays\nno newline V = -69 mV, n = 3, {unknown} stays\nno newline ");
}
