// The compiled RKF45 (lib/codegen/rkf45.cpp: the adaptive loop in the model's own code, the
// right-hand side inlined) gives the same numbers, bit for bit, as the runtime integrator
// (lib/ode/rkf45.cpp, the GSL-exact reference) that every golden test was matched with:
// each model is compiled both ways (codegen::set_compiled_rkf45) and run with the same
// drive, and every sample and spike time must be identical. Also: the compiled path is
// really taken (its call into the runtime shows in the optimised IR), and the cases it
// hands to the runtime (solver "auto" switching to CVODE, tolerances, failures) come out
// as before.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nestjit/nestjit.h>

#include "codegen/codegen.h"
#include "stiff_models.h"

namespace {

const std::string kNeurons = NESTJIT_SHARED_DIR "/corpus/models/neurons";
const std::string kSeedNeuron = NESTJIT_SOURCE_DIR "/examples/stdp_window/izhikevich_neuron.nestml";

// A nonlinear system with a convolution riding along (its state advances in its own phase,
// not written back from the integration) and a spike condition with reset.
const char* kCubicModel = R"(model cubic_neuron:
    state:
        V_m mV = -70 mV
        w real = 0
    equations:
        kernel K = exp(-t / tau_syn)
        V_m' = (-(V_m - E_L) - 0.004 * (V_m - E_L)**3 / mV**2 - w * mV + 0.05 * convolve(K, spikes_in) * mV + I_e * mV / pA) / tau
        w' = (0.02 * (V_m - E_L) / mV - w) / (100 ms)
    parameters:
        E_L mV = -70 mV
        tau ms = 10 ms
        tau_syn ms = 2 ms
        V_th mV = -50 mV
        I_e pA = 25 pA
    input:
        spikes_in <- spike
    output:
        spike
    update:
        integrate_odes()
    onCondition(V_m >= V_th):
        V_m = E_L
        w += 1
        emit_spike()
)";

struct Run {
  std::vector<std::vector<double>> series;  // one per recorded name
  std::vector<double> spike_times;
  std::vector<uint64_t> senders;
  bool compiled_path = false;  // the optimised IR calls nestjit_rt_rkf45_begin
  std::string error;
};

// Three instances with different currents, excitatory and inhibitory spikes; every
// recordable sampled each step for T ms.
Run run(const std::string& label, const std::string& source, bool compiled, double T,
        const nestjit::Params& extra = {}) {
  Run out;
  nestjit::codegen::set_compiled_rkf45(compiled);
  nestjit::Kernel k;
  // The label goes into the code cache's key, so the two variants are compiled separately.
  auto r = k.install_source(label + (compiled ? "" : " (runtime rkf45)"), source);
  if (!r.ok || r.models.empty()) {
    nestjit::codegen::set_compiled_rkf45(true);
    out.error = r.report();
    return out;
  }
  const std::string model = r.models[0];
  // dump_model generates the IR again, under the switch as it is now.
  out.compiled_path = k.dump_model(model, "llvm").find("nestjit_rt_rkf45_begin") != std::string::npos;
  nestjit::codegen::set_compiled_rkf45(true);
  try {
    auto pop = k.create(model, 3, extra);
    auto info = k.model_info(model);
    for (const auto& p : info.parameters)
      if (p == "I_e") k.set_status(pop, {{"I_e", std::vector<double>{150.0, 350.0, 550.0}}});
    auto sg = k.create("spike_generator", 1,
                       {{"spike_times", std::vector<double>{5.0, 5.3, 12.0, 30.0, 31.0, 31.2, 60.0}},
                        {"spike_weights", std::vector<double>{40.0, 40.0, -80.0, 120.0, 60.0, -30.0, 200.0}}});
    try {
      k.connect(sg, pop);
    } catch (const nestjit::Error&) {
      // Multi-receptor models take no spikes on the default receptor: current drive only.
    }
    auto names = k.recordables(model);
    auto mm = k.create("multimeter", 1, {{"record_from", names}, {"interval", k.resolution()}});
    auto sr = k.create("spike_recorder");
    k.connect(mm, pop);
    k.connect(pop, sr);
    k.simulate(T);
    auto ev = k.multimeter_events(mm[0]);
    for (const auto& [name, series] : ev.values) out.series.push_back(series);
    auto sp = k.spike_events(sr[0]);
    out.spike_times = sp.times;
    out.senders = sp.senders;
  } catch (const nestjit::Error& e) {
    out.error = e.what();
  }
  return out;
}

std::string read(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return {};
  std::string s;
  char buf[4096];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, got);
  std::fclose(f);
  return s;
}

// Bit-for-bit equality, with the first difference in the message.
void require_identical(const std::string& what, const Run& a, const Run& b) {
  REQUIRE_MESSAGE(a.error == b.error, what);
  REQUIRE_MESSAGE(a.series.size() == b.series.size(), what);
  for (size_t s = 0; s < a.series.size(); ++s) {
    REQUIRE_MESSAGE(a.series[s].size() == b.series[s].size(), what);
    for (size_t i = 0; i < a.series[s].size(); ++i)
      if (!(a.series[s][i] == b.series[s][i]) &&
          !(std::isnan(a.series[s][i]) && std::isnan(b.series[s][i])))
        FAIL(what << ": recordable " << s << " sample " << i << ": compiled "
                  << a.series[s][i] << " vs runtime " << b.series[s][i]);
  }
  CHECK_MESSAGE(a.spike_times == b.spike_times, what);
  CHECK_MESSAGE(a.senders == b.senders, what);
}

}  // namespace

TEST_CASE("compiled rkf45: a nonlinear model with a riding convolution, bit for bit") {
  Run a = run("cubic.nestml", kCubicModel, true, 300.0);
  Run b = run("cubic.nestml", kCubicModel, false, 300.0);
  REQUIRE_MESSAGE(a.error.empty(), a.error);
  CHECK(a.compiled_path);
  CHECK_FALSE(b.compiled_path);
  CHECK(a.spike_times.size() > 3);  // the protocol makes it fire
  require_identical("cubic_neuron", a, b);
}

TEST_CASE("compiled rkf45: the seed's Izhikevich neuron, bit for bit") {
  const std::string src = read(kSeedNeuron);
  REQUIRE(!src.empty());
  Run a = run("izhikevich_neuron.nestml", src, true, 500.0);
  Run b = run("izhikevich_neuron.nestml", src, false, 500.0);
  REQUIRE_MESSAGE(a.error.empty(), a.error);
  CHECK(a.compiled_path);
  CHECK_FALSE(b.compiled_path);
  CHECK(a.spike_times.size() > 3);
  require_identical("izhikevich_neuron", a, b);
}

TEST_CASE("compiled rkf45: tighter tolerances (more sub-steps, retries), bit for bit") {
  const std::string src = read(kSeedNeuron);
  REQUIRE(!src.empty());
  const nestjit::Params tight = {{"gsl_abs_error_tol", 1e-10}, {"gsl_rel_error_tol", 1e-10}};
  Run a = run("izhikevich_neuron.nestml", src, true, 200.0, tight);
  Run b = run("izhikevich_neuron.nestml", src, false, 200.0, tight);
  REQUIRE_MESSAGE(a.error.empty(), a.error);
  require_identical("izhikevich_neuron at 1e-10", a, b);
}

TEST_CASE("compiled rkf45: solver auto hands a stiff system to the runtime, which switches to CVODE") {
  auto robertson = [](bool compiled) {
    nestjit::codegen::set_compiled_rkf45(compiled);
    nestjit::Kernel k;
    auto r = k.install_source(compiled ? "robertson.nestml" : "robertson (runtime).nestml", kRobertsonModel);
    nestjit::codegen::set_compiled_rkf45(true);
    REQUIRE_MESSAGE(r.ok, r.report());
    auto n = k.create("robertson", 1, {{"gsl_abs_error_tol", 1e-8}, {"gsl_rel_error_tol", 1e-8}});
    k.simulate(40.0);
    auto s = k.get_status(n[0]);
    return std::vector<double>{s.at("y1"), s.at("y2"), s.at("y3"), s.at("stiff_solver_active")};
  };
  auto a = robertson(true);
  auto b = robertson(false);
  CHECK(a[3] == 1.0);  // switched
  CHECK(a == b);
}

TEST_CASE("compiled rkf45: every corpus neuron on RKF45, bit for bit") {
  if (!std::filesystem::is_directory(kNeurons)) {
    MESSAGE("skipped: ../shared/corpus is absent");
    return;
  }
  int compiled = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kNeurons)) {
    const std::string file = entry.path().filename().string();
    const std::string src = read(entry.path().string());
    Run a = run(file, src, true, 120.0);
    if (!a.compiled_path) continue;  // no numeric system (or one that keeps the runtime's)
    Run b = run(file, src, false, 120.0);
    INFO(file);
    CHECK_FALSE(b.compiled_path);
    require_identical(file, a, b);
    ++compiled;
  }
  // aeif_*, hh_*, izhikevich_*, iaf_cond_*, traub_*, wb_*, terub_*, hill_tononi, ...
  MESSAGE(compiled << " corpus neurons took the compiled RKF45");
  CHECK(compiled >= 20);  // 23 when this was written
}
