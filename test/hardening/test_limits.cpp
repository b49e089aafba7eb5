// Resource limits and bad values through the API (issue 12): each gets a clear Error (or,
// where the reference simulator accepts the value, a warning), and the kernel stays usable
// afterwards: time and nodes as before, the next create/simulate works.
#include <doctest/doctest.h>

#include <nestjit/nestjit.h>
#include <cmath>
#include <chrono>
#include <limits>
#include <string>
#include <thread>

#include "error_text.h"

namespace {

using nestjit::test::contains;
using nestjit::test::error_of;

const char* kLeaky = R"(model leaky_neuron:
    parameters:
        tau_m ms = 10 ms
        E_rest mV = -70 mV
        V_thr mV = -55 mV
    state:
        V_m mV = E_rest
    input:
        spikes <- spike
        I_stim pA <- continuous
    output:
        spike
    equations:
        V_m' = (E_rest - V_m) / tau_m
    update:
        integrate_odes()
        V_m += spikes * mV * s + I_stim * 1 mV / pA
    onCondition(V_m >= V_thr):
        V_m = E_rest
        emit_spike()
)";

// The kernel still works: a fresh network simulates and a leaky neuron driven by a spike
// generator gets its input.
void check_usable(nestjit::Kernel& k) {
  k.reset();
  auto n = k.create("leaky_neuron");
  auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0}}});
  nestjit::SynSpec s;
  s.weight = 5.0;
  k.connect(sg, n, {}, s);
  k.simulate(3.0);
  CHECK(k.time() == doctest::Approx(3.0));
  CHECK(k.get_status(n[0]).at("V_m") > -70.0);
}

}  // namespace

TEST_CASE("limits: a create() whose nodes would not fit in max_memory_mb is an Error before allocating") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("leaky.nestml", kLeaky).ok);
  const double cap = std::get<double>(k.get_kernel_status().at("max_memory_mb"));
  CHECK(cap > 0);
  auto before = k.create("leaky_neuron", 3);
  // 2^50 nodes: no machine has that; without the check, reserve() throws length_error or
  // the loop runs out of memory.
  const size_t absurd = size_t(1) << 50;
  std::string e = error_of([&] { k.create("leaky_neuron", absurd); });
  CHECK(contains(e, "create('leaky_neuron', 1125899906842624): 1125899906842624 nodes would need about"));
  CHECK(contains(e, "more than the kernel's memory cap max_memory_mb ="));
  CHECK(contains(e, "raise the cap with set_kernel_status"));
  // Devices too.
  CHECK(contains(error_of([&] { k.create("parrot_neuron", absurd); }), "create('parrot_neuron'"));
  // A configured cap: 1 MB holds about 1700 leaky neurons (10 values: parameters, state,
  // internals, input; and the bookkeeping).
  k.set_kernel_status({{"max_memory_mb", 1.0}});
  CHECK(std::get<double>(k.get_kernel_status().at("max_memory_mb")) == 1.0);
  e = error_of([&] { k.create("leaky_neuron", 100000); });
  CHECK(contains(e, "create('leaky_neuron', 100000): 100000 nodes would need about 56 MB (10 variables and about 512 "
                    "bytes of bookkeeping each)"));
  CHECK(contains(e, "max_memory_mb = 1 MB"));
  // Nothing of the failed calls stays: the network still has its 3 nodes and runs.
  CHECK(std::get<double>(k.get_kernel_status().at("network_size")) == 3.0);
  auto more = k.create("leaky_neuron", 1000);  // within the cap
  CHECK(more.first == before.first + 3);
  k.simulate(1.0);
  CHECK(contains(error_of([&] { k.set_kernel_status({{"max_memory_mb", -1.0}}); }),
                 "max_memory_mb must be a positive number of MB, not -1"));
  CHECK(contains(error_of([&] {
                   k.set_kernel_status({{"max_memory_mb", std::numeric_limits<double>::quiet_NaN()}});
                 }),
                 "max_memory_mb must be a positive number of MB, not nan"));
  CHECK(std::get<double>(k.get_kernel_status().at("max_memory_mb")) == 1.0);  // unchanged
  check_usable(k);  // the cap is kept across reset()
  CHECK(std::get<double>(k.get_kernel_status().at("max_memory_mb")) == 1.0);
}

TEST_CASE("limits: spike buffers beyond max_memory_mb stop simulate() before allocating") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("leaky.nestml", kLeaky).ok);
  auto pop = k.create("leaky_neuron", 200);
  // A delay of 6 s at 0.1 ms makes 120001 steps of ring buffer per port (the longest delay
  // plus the shortest, plus one): 200 neurons x (2 spike values + 1 current) x 120001 steps
  // x 8 bytes = 549 MB.
  nestjit::SynSpec s;
  s.delay = 6000.0;
  k.connect(pop, pop, nestjit::ConnRule::one_to_one, s);
  k.set_kernel_status({{"max_memory_mb", 100.0}});
  std::string e = error_of([&] { k.simulate(1.0); });
  CHECK(contains(e, "simulate: the spike and current buffers of 200 nodes would need about 549 MB"));
  CHECK(contains(e, "120001 steps each: the longest delay 6000 ms plus the shortest 6000 ms"));
  CHECK(contains(e, "more than the kernel's memory cap max_memory_mb = 100 MB"));
  CHECK(k.time() == 0.0);  // time did not move
  // The same network runs once the cap allows it.
  k.set_kernel_status({{"max_memory_mb", 1000.0}});
  k.simulate(1.0);
  CHECK(k.time() == doctest::Approx(1.0));
  check_usable(k);
}

namespace {

// A synapse whose emit_spike arguments come from the test: {W} and {D} are replaced.
std::string emitting_synapse(const std::string& weight, const std::string& delay) {
  std::string text = R"(model emitting_synapse:
    parameters:
        scale real = 1
        d_emit ms = 1 ms
    state:
        w real = 1
    input:
        pre_spikes <- spike
        post_spikes <- spike
    output:
        spike
    onReceive(pre_spikes):
        emit_spike({W}, {D})
)";
  text.replace(text.find("{W}"), 3, weight);
  text.replace(text.find("{D}"), 3, delay);
  return text;
}

// Installs the synapse with these arguments, drives it with one presynaptic spike and
// returns simulate()'s error ("" when none).
std::string emit_error(nestjit::Kernel& k, const std::string& weight, const std::string& delay) {
  k.reset();
  auto r = k.install_source("emitting.nestml", emitting_synapse(weight, delay));
  REQUIRE_MESSAGE(r.ok, r.report());
  auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0}}});
  auto pre = k.create("parrot_neuron");
  auto post = k.create("leaky_neuron");
  k.connect(sg, pre);
  nestjit::SynSpec s;
  s.synapse_model = "emitting_synapse";
  s.delay = 2.0;
  k.connect(pre, post, {}, s);
  return error_of([&] { k.simulate(5.0); });
}

}  // namespace

TEST_CASE("limits: emit_spike in a synapse with a non-finite or negative weight or delay stops with the synapse named") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("leaky.nestml", kLeaky).ok);
  // The parrot relays the generator's spike at 2 ms (1 ms + the 1 ms delay); the synapse
  // runs its handler then.
  std::string e = emit_error(k, "ln(-scale)", "d_emit");
  CHECK(contains(e, "synapse emitting_synapse (2 -> 3) at t = 2 ms: emit_spike with weight NaN: "
                    "the weight must be a finite number"));
  CHECK(k.time() > 0.0);
  CHECK(k.time() <= 5.0);
  CHECK(k.get_status(3).at("V_m") == -70.0);  // nothing was delivered
  check_usable(k);

  e = emit_error(k, "w", "-d_emit");
  CHECK(contains(e, "synapse emitting_synapse (2 -> 3) at t = 2 ms: emit_spike with delay -1 ms: "
                    "the delay must be a finite, non-negative number of ms"));
  check_usable(k);
  e = emit_error(k, "w", "d_emit * ln(scale - 1)");
  CHECK(contains(e, "emit_spike with delay -inf ms"));
  e = emit_error(k, "exp(1000 * scale)", "d_emit");
  CHECK(contains(e, "emit_spike with weight inf"));
  check_usable(k);
  // Finite but outside what the ring buffers hold: shorter than a step, longer than the
  // longest connection delay (2 ms here).
  e = emit_error(k, "w", "0.01 ms");
  CHECK(contains(e, "synapse emitting_synapse (2 -> 3) at t = 2 ms: emit_spike with delay 0.01 ms: "
                    "the delay must be from the resolution 0.1 ms to the longest connection delay 2 ms"));
  e = emit_error(k, "w", "1e300 ms");
  CHECK(contains(e, "emit_spike with delay 1e+300 ms: the delay must be from the resolution"));
  check_usable(k);
  // A good one is delivered: 1.5 ms after the parrot's spike at 2 ms.
  CHECK(emit_error(k, "w * 5", "1.5 ms") == "");
  CHECK(k.get_status(3).at("V_m") > -70.0);
}

TEST_CASE("limits: NaN and infinite parameters through the API: refused where checked, warned where the reference accepts them") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("leaky.nestml", kLeaky).ok);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  auto n = k.create("leaky_neuron", 2);
  auto sg = k.create("spike_generator");
  // Connection weights and delays, injected input, simulation times: Errors.
  nestjit::SynSpec s;
  s.weight = nan;
  CHECK(contains(error_of([&] { k.connect(sg, n, {}, s); }), "weight must be a finite number, not nan"));
  s.weight = 1.0;
  s.delay = inf;
  CHECK(contains(error_of([&] { k.connect(sg, n, {}, s); }), "inf"));
  CHECK(k.get_connections(sg, n).size() == 0);  // nothing of the failed calls stays
  CHECK(contains(error_of([&] { k.simulate(nan); }), "simulation time must be a non-negative number of ms, not nan"));
  CHECK(contains(error_of([&] { k.simulate(inf); }), "not inf"));
  CHECK(k.time() == 0.0);
  // A model parameter: accepted as the reference accepts it, with one W-PARAMETER warning
  // naming the node and value; the state goes non-finite and is reported, not silent.
  k.set_status(n, {{"tau_m", inf}});
  bool warned = false;
  for (const auto& d : k.runtime_diagnostics())
    if (contains(d.info.message, "leaky_neuron #1: parameter tau_m = inf ms is not a finite number")) warned = true;
  CHECK(warned);
  k.set_status(n, {{"tau_m", 10.0}});
  k.simulate(1.0);
  CHECK(k.time() == doctest::Approx(1.0));
  check_usable(k);
}

TEST_CASE("limits: interrupt() stops a loop in a model's initial values, create() throws Interrupted and makes no node") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("leaky.nestml", kLeaky).ok);
  // Checks clean: the loop is the model's business, but a host must be able to stop it.
  auto r = k.install_source("spinning.nestml", R"(model spinning_init:
    state:
        x real = spin(1)
    input:
        spikes <- spike
    output:
        spike
    update:
        x += 1

    function spin(a real) real:
        y real = a
        while y > 0:
            y += 1
        return y
)");
  REQUIRE_MESSAGE(r.ok, r.report());
  auto before = k.create("leaky_neuron", 2);
  std::string e;
  {
    std::thread stopper([&k] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      k.interrupt();
    });
    try {
      k.create("spinning_init", 3);
    } catch (const nestjit::Interrupted& i) {
      e = i.what();
    }
    stopper.join();
  }
  CHECK(e == "interrupted at t = 0 ms");
  CHECK(std::get<double>(k.get_kernel_status().at("network_size")) == 2.0);
  // The request was consumed by create(): the next simulate runs to its end.
  k.simulate(2.0);
  CHECK(k.time() == doctest::Approx(2.0));
  // A request pending from before a create() is left for the next simulate and does not
  // cut the initial values short: the leaky neuron's V_m is its E_rest.
  k.interrupt();
  auto fresh = k.create("leaky_neuron");
  CHECK(k.get_status(fresh[0]).at("V_m") == -70.0);
  CHECK(contains(error_of([&] { k.simulate(1.0); }), "interrupted at t = 2 ms"));
  check_usable(k);
}
