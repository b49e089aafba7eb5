// Lane blocks (lib/codegen/lanes.cpp): a model whose step calls nothing runs blocks of
// kNjLanes instances side by side, vectorised, on a copy of their slots. Every number must
// be the per-instance loop's, bit for bit: each network here runs with lane blocks and
// without (codegen::set_lane_blocks, the code cache keyed apart by the source's label) and
// every spike, sample and final value is compared. The networks mix what a block must
// handle: spike and current input, instances with a multimeter (their block runs one by
// one), a tail shorter than a block, parameters that differ between instances, changed
// between simulate calls, and values that become non-finite.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <nestjit/nestjit.h>

#include "codegen/codegen.h"

namespace {

// A leaky integrate-and-fire neuron with exponential currents, refractoriness as a timer,
// and a count of its spikes (a state only statements change: a non-finite value there is a
// warning, kept). `growth` multiplies `g` every step: a huge value makes it overflow.
const char* kModel = R"(model lane_lif_neuron:
    state:
        V_m mV = -70 mV
        refr_t ms = 0 ms
        I_exc pA = 0 pA
        I_inh pA = 0 pA
        spikes_fired real = 0
        g real = 1
    equations:
        I_exc' = -I_exc / tau_exc
        I_inh' = -I_inh / tau_inh
        V_m' = -(V_m - E_L) / tau_m + (I_exc - I_inh + I_e + I_stim) / C_m
        refr_t' = -1e3 * ms/s
    parameters:
        C_m pF = 250 pF
        tau_m ms = 10 ms
        tau_exc ms = 2 ms
        tau_inh ms = 5 ms
        refr_T ms = 2 ms
        E_L mV = -70 mV
        V_reset mV = -70 mV
        V_th mV = -55 mV
        I_e pA = 0 pA
        growth real = 1
    input:
        exc_spikes <- excitatory spike
        inh_spikes <- inhibitory spike
        I_stim pA <- continuous
    output:
        spike
    update:
        g = g * growth
        if refr_t > 0 ms:
            integrate_odes(I_exc, I_inh, refr_t)
        else:
            integrate_odes(I_exc, I_inh, V_m)
    onReceive(exc_spikes):
        I_exc += exc_spikes * pA * s
    onReceive(inh_spikes):
        I_inh += inh_spikes * pA * s
    onCondition(refr_t <= 0 ms and V_m >= V_th):
        refr_t = refr_T
        V_m = V_reset
        spikes_fired += 1
        emit_spike()
)";

// Blocks 0-7 and 8-15 (the one with a multimeter runs one by one), then a run of three
// blocks (16-39) that one call of the lane block function advances, and a tail of five.
constexpr size_t kNeurons = 45;

struct Outcome {
  std::vector<double> spike_times, samples;
  std::vector<uint64_t> senders;
  std::vector<double> finals;  // V_m, refr_t, I_exc, I_inh, spikes_fired, g of each neuron
  std::vector<std::string> diagnostics;
  std::string error;
  bool lane_code = false;    // the optimised IR has a lane block
  bool vectorised = false;   // ... and vector arithmetic on doubles
};

enum class Trouble { None, Overflow, Warning };

Outcome run(bool lanes, Trouble trouble) {
  Outcome o;
  nestjit::codegen::set_lane_blocks(lanes);
  nestjit::Kernel k;
  const std::string label = std::string("lane_lif.nestml") + (lanes ? "" : " (no lane blocks)");
  auto r = k.install_source(label, kModel);
  if (r.ok) {
    const std::string ir = k.dump_model("lane_lif_neuron", "llvm");  // under the switch as set
    o.lane_code = ir.find("lanes_block") != std::string::npos;
    o.vectorised = ir.find(" x double>") != std::string::npos;
  }
  nestjit::codegen::set_lane_blocks(true);
  REQUIRE_MESSAGE(r.ok, r.report());

  auto pop = k.create("lane_lif_neuron", kNeurons);
  std::vector<double> v0;
  for (size_t i = 0; i < kNeurons; ++i) v0.push_back(-70.0 + 15.0 * std::fmod(0.618 * double(i), 1.0));
  k.set_status(pop, {{"V_m", v0}});
  auto exc = k.create("poisson_generator", 1, {{"rate", 20000.0}});
  auto inh = k.create("poisson_generator", 1, {{"rate", 2000.0}});
  // On and off inside slices: the blocks it feeds run slices with and without currents
  // (lanes.cpp's quiet slices), and switch between them mid-run.
  auto dc = k.create("dc_generator", 1, {{"amplitude", 150.0}, {"start", 20.3}, {"stop", 85.6}});
  auto mm = k.create("multimeter", 1, {{"interval", 0.1}, {"record_from", std::vector<std::string>{"V_m", "I_exc"}}});
  auto sr = k.create("spike_recorder");
  nestjit::SynSpec e;
  e.weight = 25.0;
  e.delay = 1.0;
  k.connect(exc, pop, nestjit::ConnRule::all_to_all, e);
  nestjit::SynSpec in;
  in.weight = -30.0;
  in.delay = 1.5;
  k.connect(inh, pop, nestjit::ConnRule::all_to_all, in);
  k.connect(dc, {pop.first, 10}, nestjit::ConnRule::all_to_all, {});
  nestjit::SynSpec rec;
  rec.weight = 4.0;
  rec.delay = 1.0;
  k.connect(pop, pop, nestjit::ConnRule::all_to_all, rec);
  k.connect(mm, {pop.first + 12, 1});  // its block (8..15) runs one by one
  k.connect(pop, sr);
  // The host reads and changes instances while the network runs (lane blocks keep state
  // between slices: it must be in the rows whenever the host looks).
  std::vector<double> seen;
  if (trouble == Trouble::None)
    k.set_step_callback([&](nestjit::Kernel& kk) {
      for (size_t n : {2, 9, 20}) seen.push_back(kk.get_status(pop[n]).at("V_m"));
      if (kk.time() == 30.0) {
        kk.set_status({pop.first + 5, 1}, {{"V_m", -60.0}, {"I_e", 40.0}});
        kk.set_status({pop.first + 33, 1}, {{"V_m", -58.0}});  // last block of the run
      }
    }, 7.5);
  // I_exc grows by e each step from its first input on: it overflows after some 70 ms, in
  // the second simulate call, when the block has been running (and keeping its state) for
  // many slices. Both troubles are in the middle block of the run of three: the call
  // hands that block back and the third runs in lanes after it.
  if (trouble == Trouble::Overflow) k.set_status({pop.first + 29, 1}, {{"tau_exc", -0.1}});
  if (trouble == Trouble::Warning) k.set_status({pop.first + 26, 1}, {{"growth", 1e200}});
  try {
    k.simulate(60.0);
    // Parameters now differ between instances of the pool (the slots were uniform before).
    k.set_status({pop.first + 3, 1}, {{"I_e", 120.0}});
    k.set_status({pop.first + 17, 1}, {{"tau_m", 12.0}});
    k.set_status({pop.first + 38, 1}, {{"tau_m", 9.0}});
    k.simulate(60.0);
  } catch (const nestjit::Error& err) {
    o.error = err.what();
  }
  for (size_t i = 0; i < kNeurons; ++i) {
    auto st = k.get_status(pop[i]);
    for (const char* name : {"V_m", "refr_t", "I_exc", "I_inh", "spikes_fired", "g"})
      o.finals.push_back(st.at(name));
  }
  auto ev = k.spike_events(sr[0]);
  o.spike_times = ev.times;
  o.senders = ev.senders;
  auto samples = k.multimeter_events(mm[0]);
  o.samples = samples.values.at("V_m");
  const auto& i_exc = samples.values.at("I_exc");
  o.samples.insert(o.samples.end(), i_exc.begin(), i_exc.end());
  o.samples.insert(o.samples.end(), seen.begin(), seen.end());
  for (const auto& d : k.runtime_diagnostics()) o.diagnostics.push_back(d.info.message);
  return o;
}

// Bit for bit, NaN included (a NaN compares unequal to itself).
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}

void check_same(const Outcome& with, const Outcome& without) {
  CHECK(with.lane_code);
  CHECK(with.vectorised);
  CHECK_FALSE(without.lane_code);
  CHECK(with.error == without.error);
  CHECK(with.diagnostics == without.diagnostics);
  CHECK(with.senders == without.senders);
  CHECK(with.spike_times == without.spike_times);
  CHECK(same_bits(with.samples, without.samples));
  CHECK(same_bits(with.finals, without.finals));
}

}  // namespace

TEST_CASE("lane blocks: spikes, samples and state bit for bit as one instance at a time") {
  const Outcome with = run(true, Trouble::None);
  const Outcome without = run(false, Trouble::None);
  // The drive makes every neuron fire, several times.
  REQUIRE(with.spike_times.size() > 3 * kNeurons);
  REQUIRE(with.samples.size() == without.samples.size());
  CHECK(with.error.empty());
  check_same(with, without);
}

TEST_CASE("lane blocks: a value that overflows in one lane stops that instance as before") {
  const Outcome with = run(true, Trouble::Overflow);
  const Outcome without = run(false, Trouble::Overflow);
  // The unstable neuron overflows in the second call; the message names it.
  CHECK(without.error.find("#30 at t = 7") != std::string::npos);
  CHECK(without.error.find("' became") != std::string::npos);
  check_same(with, without);
}

TEST_CASE("lane blocks: a non-finite value kept with a warning leaves the numbers unchanged") {
  // g of neuron 27 overflows to inf after two steps: a warning, and it stays inf, so its
  // block hands every later slice back to the per-instance loop.
  const Outcome with = run(true, Trouble::Warning);
  const Outcome without = run(false, Trouble::Warning);
  REQUIRE(without.diagnostics.size() == 1);
  CHECK(without.diagnostics[0].find("'g' became inf") != std::string::npos);
  CHECK(without.error.empty());
  check_same(with, without);
}

TEST_CASE("lane blocks: only models whose step calls nothing get them") {
  nestjit::Kernel k;
  auto model = [](const std::string& name, const std::string& update) {
    return "model " + name + ":\n    state:\n        x real = 0\n    parameters:\n        a real = 2\n"
           "    update:\n" + update;
  };
  const std::pair<const char*, std::string> cases[] = {
      {"plain", "        x = x * 0.5 + a\n"},
      {"random", "        x = random_normal(0, 1)\n"},
      {"math", "        x = exp(a) + x\n"},
      {"loop", "        while x < a:\n            x += 1\n"},
      {"print", "        println(\"x={x}\")\n"},
  };
  for (const auto& [name, update] : cases) {
    CAPTURE(name);
    const std::string n = std::string(name) + "_lanes_neuron";
    auto r = k.install_source(n + ".nestml", model(n, update));
    REQUIRE_MESSAGE(r.ok, r.report());
    const bool lanes = k.dump_model(n, "llvm").find("lanes_block") != std::string::npos;
    CHECK(lanes == (std::string(name) == "plain"));
  }
}

TEST_CASE("lane blocks: the corpus neurons that take them give the same numbers as without") {
  const std::string dir = NESTJIT_SHARED_DIR "/corpus/models/neurons/";
  if (std::FILE* f = std::fopen((dir + "iaf_psc_exp_neuron.nestml").c_str(), "r")) {
    std::fclose(f);
  } else {
    MESSAGE("skipped: ../shared/corpus is absent");
    return;
  }
  // The corpus neurons whose step calls nothing (the others keep the per-instance loop).
  for (const char* name : {"iaf_psc_alpha_neuron", "iaf_psc_delta_fixed_timestep_neuron", "iaf_psc_delta_neuron",
                           "iaf_psc_exp_htum_neuron", "iaf_psc_exp_neuron", "mat2_psc_exp_neuron"}) {
    CAPTURE(name);
    auto outcome = [&](bool lanes) {
      nestjit::codegen::set_lane_blocks(lanes);
      nestjit::Kernel k;
      // The label keys the process-wide code cache: the two variants compile separately.
      std::ifstream file(dir + name + ".nestml");
      std::stringstream text;
      text << file.rdbuf();
      auto r = k.install_source(std::string(name) + (lanes ? ".nestml" : ".nestml (no lane blocks)"), text.str());
      bool has_lanes = false;
      if (r.ok) has_lanes = k.dump_model(name, "llvm").find("lanes_block") != std::string::npos;
      nestjit::codegen::set_lane_blocks(true);
      REQUIRE_MESSAGE(r.ok, r.report());
      CHECK(has_lanes == lanes);
      auto pop = k.create(name, 19);
      auto exc = k.create("poisson_generator", 1, {{"rate", 30000.0}});
      auto inh = k.create("poisson_generator", 1, {{"rate", 8000.0}});
      auto dc = k.create("dc_generator", 1, {{"amplitude", 80.0}, {"start", 12.3}, {"stop", 41.7}});
      auto sr = k.create("spike_recorder");
      nestjit::SynSpec e, i;
      e.weight = 20.0;
      i.weight = -25.0;
      k.connect(exc, pop, nestjit::ConnRule::all_to_all, e);
      k.connect(inh, pop, nestjit::ConnRule::all_to_all, i);
      k.connect(dc, {pop.first + 4, 9}, nestjit::ConnRule::all_to_all, {});
      // Currents ending at a slice's end and one step later: the first step of the next
      // slice still reads the last one (it is in the kept state, not in a cell).
      auto dc_a = k.create("dc_generator", 1, {{"amplitude", 50.0}, {"stop", 50.0}});
      auto dc_b = k.create("dc_generator", 1, {{"amplitude", 50.0}, {"stop", 50.1}});
      k.connect(dc_a, {pop.first + 1, 1}, nestjit::ConnRule::all_to_all, {});
      k.connect(dc_b, {pop.first + 9, 1}, nestjit::ConnRule::all_to_all, {});
      k.connect(pop, sr);
      k.simulate(80.0);
      std::vector<double> out = k.spike_events(sr[0]).times;
      for (size_t n = 0; n < pop.size(); ++n)
        for (const auto& [key, v] : k.get_status(pop[n])) out.push_back(v);
      return out;
    };
    const auto with = outcome(true);
    const auto without = outcome(false);
    CHECK(same_bits(with, without));
  }
}
