// Tests of codegen + JIT: small models are compiled and their generated functions called
// directly through jit::ModelCode with a hand-built NjContext and slot vector. Expected
// values are computed by hand from the model text (internal units: ms, mV, pA, nS, pF).
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "jit/jit.h"
#include "nir/lower.h"
#include "ode/propagator.h"
#include "runtime/loaded_model.h"
#include "sema/model.h"
#include "support/diagnostic.h"
#include "syntax/parser.h"

using namespace nestjit;

namespace {

struct Compiled {
  std::unique_ptr<ast::CompilationUnit> unit;
  std::vector<std::unique_ptr<sema::CheckedModel>> checked;
  std::shared_ptr<const nir::Model> ir;
  std::shared_ptr<jit::ModelCode> code;
  DiagnosticList diags;

  int slot(const std::string& name) const {
    int i = ir->find_slot(name);
    INFO("slot: ", name);
    REQUIRE(i >= 0);
    return i;
  }
};

std::unique_ptr<Compiled> compile_text(const std::string& text) {
  auto c = std::make_unique<Compiled>();
  auto parsed = syntax::parse(make_source("t.nestml", text), c->diags);
  INFO(render(c->diags));
  REQUIRE(parsed.has_value());
  c->unit = std::make_unique<ast::CompilationUnit>(std::move(*parsed));
  c->checked = sema::check(*c->unit, {}, c->diags);
  REQUIRE_FALSE(c->diags.has_errors());
  c->ir = nir::lower(*c->checked.at(0), {}, c->diags);
  REQUIRE(c->ir);
  jit::CompileTimings timings;
  c->code = jit::compile(*c->ir, runtime::runtime_symbols(), c->diags, timings);
  REQUIRE(c->code);
  CHECK(timings.jit_ms >= 0.0);
  return c;
}

// Collects what compiled code calls back into.
struct TestHost : runtime::CodeHost {
  std::vector<std::tuple<double, double, int>> emits;
  std::string failure;
  void on_emit(double w, double d, int nargs) override { emits.emplace_back(w, d, nargs); }
  void on_failure(const std::string& m) override { failure = m; }
  std::string describe() const override { return "test instance"; }
};

// One model instance: its slots and the context compiled code reads.
struct Instance {
  std::vector<double> slots;
  NjContext ctx{};
  TestHost host;
  const nir::Model* ir;

  explicit Instance(const Compiled& c, double h = 0.1) : slots(c.ir->slots.size(), 0.0), ir(c.ir.get()) {
    ctx.slots = slots.data();
    ctx.t = 0.0;
    ctx.timestep = h;
    ctx.resolution = h;
    ctx.host = static_cast<runtime::CodeHost*>(&host);
  }
  // Construction as SEMANTICS.md 2.7: parameters, internals (then the propagators, which
  // the runtime computes from the A matrices the internals produced), state.
  void init(const jit::ModelCode& code) {
    code.init_parameters(&ctx);
    code.compute_internals(&ctx);
    for (const auto& b : ir->analytic_blocks)
      ode::compute_step_matrices(b.size(), slots.data() + b.a_slot, ctx.timestep,
                                 slots.data() + b.p_slot, slots.data() + b.q_slot);
    code.init_state(&ctx);
  }
};

}  // namespace

TEST_CASE("jit: initialisers give the declared values in internal units") {
  auto c = compile_text(
      "model init_test:\n"
      "    parameters:\n"
      "        tau s = 0.01 s\n"
      "        V_th mV = -55 mV\n"
      "        g uS = 0.002 uS\n"
      "        n integer = 3\n"
      "        flag boolean = true\n"
      "    internals:\n"
      "        decay real = exp(-resolution() / tau)\n"
      "        twice_n integer = 2 * n\n"
      "    state:\n"
      "        V mV = V_th - 5 mV\n"
      "        k integer = n + twice_n\n");
  Instance in(*c, 0.1);
  in.init(*c->code);
  // 0.01 s = 10 ms (GetStatus reports 10.0, SEMANTICS.md 2.7).
  CHECK(in.slots[c->slot("tau")] == doctest::Approx(10.0));
  CHECK(in.slots[c->slot("V_th")] == -55.0);
  // 0.002 uS = 2 nS.
  CHECK(in.slots[c->slot("g")] == doctest::Approx(2.0));
  CHECK(in.slots[c->slot("n")] == 3.0);
  CHECK(in.slots[c->slot("flag")] == 1.0);
  // Internals read the resolution from the context: exp(-0.1 / 10).
  CHECK(in.slots[c->slot("decay")] == doctest::Approx(std::exp(-0.01)).epsilon(1e-15));
  CHECK(in.slots[c->slot("twice_n")] == 6.0);
  // State initialisers may use parameters and internals: -55 - 5; 3 + 6.
  CHECK(in.slots[c->slot("V")] == -60.0);
  CHECK(in.slots[c->slot("k")] == 9.0);
  // Recomputing internals after a parameter change (SetStatus) follows the parameter.
  in.slots[c->slot("tau")] = 20.0;
  in.ctx.resolution = 0.5;
  c->code->compute_internals(&in.ctx);
  CHECK(in.slots[c->slot("decay")] == doctest::Approx(std::exp(-0.5 / 20.0)).epsilon(1e-15));
}

TEST_CASE("jit: update block with if/elif/else, loops, integer arithmetic and builtins") {
  auto c = compile_text(
      "model ctl:\n"
      "    parameters:\n"
      "        k integer = 7\n"
      "        m integer = 2\n"
      "        kn integer = -7\n"
      "    state:\n"
      "        x real = 0\n"
      "        branch real = 0\n"
      "        total integer = 0\n"
      "        last_i integer = 0\n"
      "        wsum real = 0\n"
      "        mn real = 0\n"
      "        mx real = 0\n"
      "        ex real = 0\n"
      "        pw real = 0\n"
      "        ipw integer = 0\n"
      "        tern real = 0\n"
      "        idiv integer = 0\n"
      "        ndiv integer = 0\n"
      "        rdiv real = 0\n"
      "        md integer = 0\n"
      "        cl real = 0\n"
      "        fl real = 0\n"
      "        both boolean = false\n"
      "    update:\n"
      "        if x < 0:\n"
      "            branch = -1\n"
      "        elif x < 10:\n"
      "            branch = 1\n"
      "        else:\n"
      "            branch = 2\n"
      "        i integer = 0\n"
      "        total = 0\n"
      "        for i in 0 ... 5 step 1:\n"
      "            total += i\n"
      "        last_i = i\n"
      "        j integer = 0\n"
      "        wsum = 0\n"
      "        while j < 4:\n"
      "            wsum += 0.5\n"
      "            j += 1\n"
      "        mn = min(3.0, x)\n"
      "        mx = max(3.0, x)\n"
      "        ex = exp(1.0)\n"
      "        pw = pow(2.0, 0.5)\n"
      "        ipw = 2**10\n"
      "        tern = x > 5 ? 1.5 : -1.5\n"
      "        idiv = k / m\n"
      "        ndiv = kn / m\n"
      "        rdiv = k / 2\n"
      "        md = k % 3\n"
      "        cl = clip(x, -1.0, 1.0)\n"
      "        fl = floor(x / 2)\n"
      "        both = x > 0 and not (x > 10)\n");
  Instance in(*c);
  in.init(*c->code);
  auto v = [&](const char* n) { return in.slots[c->slot(n)]; };

  SUBCASE("x = -3") {
    in.slots[c->slot("x")] = -3.0;
    c->code->update(&in.ctx);
    CHECK(v("branch") == -1.0);
    CHECK(v("mn") == -3.0);
    CHECK(v("mx") == 3.0);
    CHECK(v("tern") == -1.5);
    CHECK(v("cl") == -1.0);
    CHECK(v("fl") == -2.0);  // floor(-1.5)
    CHECK(v("both") == 0.0);
  }
  SUBCASE("x = 4") {
    in.slots[c->slot("x")] = 4.0;
    c->code->update(&in.ctx);
    CHECK(v("branch") == 1.0);
    CHECK(v("mn") == 3.0);
    CHECK(v("mx") == 4.0);
    CHECK(v("tern") == -1.5);
    CHECK(v("cl") == 1.0);
    CHECK(v("fl") == 2.0);
    CHECK(v("both") == 1.0);
  }
  SUBCASE("x = 20") {
    in.slots[c->slot("x")] = 20.0;
    c->code->update(&in.ctx);
    CHECK(v("branch") == 2.0);
    CHECK(v("tern") == 1.5);
    CHECK(v("both") == 0.0);
  }
  // Independent of x:
  c->code->update(&in.ctx);
  // for i in 0 ... 5 step 1 is half-open: 0+1+2+3+4 = 10, and i ends at 5.
  CHECK(v("total") == 10.0);
  CHECK(v("last_i") == 5.0);
  // 4 iterations of += 0.5.
  CHECK(v("wsum") == 2.0);
  CHECK(v("ex") == doctest::Approx(M_E).epsilon(1e-15));
  CHECK(v("pw") == doctest::Approx(std::sqrt(2.0)).epsilon(1e-15));
  CHECK(v("ipw") == 1024.0);
  // integer / integer variable: C division, 7/2 = 3, -7/2 = -3 (truncation toward zero).
  CHECK(v("idiv") == 3.0);
  CHECK(v("ndiv") == -3.0);
  // integer / literal is real: 3.5.
  CHECK(v("rdiv") == 3.5);
  CHECK(v("md") == 1.0);
}

TEST_CASE("jit: the generated RHS returns the derivative for given inputs") {
  auto c = compile_text(
      "model lif:\n"
      "    parameters:\n"
      "        tau s = 0.01 s\n"
      "        E mV = -65 mV\n"
      "        C pF = 250 pF\n"
      "        I_e pA = 500 pA\n"
      "    state:\n"
      "        V mV = -70 mV\n"
      "        U real = 0\n"
      "    equations:\n"
      "        V' = -(V - E) / tau + I_e / C\n"
      "        U' = -U / ms + V / (mV * ms)\n"
      "    update:\n"
      "        integrate_odes()\n");
  REQUIRE(c->code->rhs.size() == 1);
  Instance in(*c);
  in.init(*c->code);
  // The RHS reads the state from y, not from the slots.
  in.slots[c->slot("V")] = 1234.0;
  double y[2] = {-60.0, 2.0};
  double dydt[2] = {0.0, 0.0};
  CHECK(c->code->rhs[0](0.0, y, dydt, &in.ctx) == 0);
  // V' = -(-60 + 65)/10 + 500/250 = -0.5 + 2 = 1.5 mV/ms (pA/pF = mV/ms).
  CHECK(dydt[0] == doctest::Approx(1.5));
  // U' = -2 - 60 = -62 per ms.
  CHECK(dydt[1] == doctest::Approx(-62.0));
}

TEST_CASE("jit: integrate_odes advances the state through the runtime integrator") {
  auto c = compile_text(
      "model lif2:\n"
      "    parameters:\n"
      "        tau ms = 10 ms\n"
      "        E mV = -65 mV\n"
      "        C pF = 250 pF\n"
      "        I_e pA = 500 pA\n"
      "    state:\n"
      "        V mV = -70 mV\n"
      "    equations:\n"
      "        V' = -(V - E) / tau + I_e / C\n"
      "    update:\n"
      "        integrate_odes()\n");
  runtime::LoadedModel lm(c->ir, c->code);
  Instance in(*c, 0.1);
  in.ctx.model = &lm;
  in.init(*c->code);
  // V' is linear: solved by a propagator, which the runtime computes after the internals.
  REQUIRE(c->ir->analytic_blocks.size() == 1);
  lm.update_propagators(in.slots.data(), 0.1);
  // Exact solution: V_inf = E + tau I_e / C = -65 + 20 = -45; V(h) = V_inf + (V0 - V_inf) e^{-h/tau}.
  for (int k = 1; k <= 10; ++k) c->code->update(&in.ctx);
  CHECK(in.host.failure.empty());
  CHECK(in.slots[c->slot("V")] == doctest::Approx(-45.0 - 25.0 * std::exp(-1.0 / 10.0)).epsilon(1e-6));
}

TEST_CASE("jit: emit_spike calls back into the host") {
  auto c = compile_text(
      "model emitter:\n"
      "    state:\n"
      "        x real = 0\n"
      "    output:\n"
      "        spike\n"
      "    update:\n"
      "        if x > 1:\n"
      "            emit_spike()\n"
      "            emit_spike(2.5, 3 ms)\n");
  Instance in(*c);
  in.init(*c->code);
  c->code->update(&in.ctx);
  CHECK(in.host.emits.empty());
  in.slots[c->slot("x")] = 2.0;
  c->code->update(&in.ctx);
  REQUIRE(in.host.emits.size() == 2);
  // No argument: weight 1, nargs 0. Two arguments: weight and delay (ms), nargs 2.
  CHECK(std::get<0>(in.host.emits[0]) == 1.0);
  CHECK(std::get<2>(in.host.emits[0]) == 0);
  CHECK(std::get<0>(in.host.emits[1]) == 2.5);
  CHECK(std::get<1>(in.host.emits[1]) == 3.0);
  CHECK(std::get<2>(in.host.emits[1]) == 2);
}

TEST_CASE("jit: a neuron step follows NEST's phase order") {
  // SEMANTICS.md 2: the update block sees the convolution's start-of-step value; onReceive
  // runs when a spike arrived; the convolution decays by exp(-h/tau) and then gets the
  // step's summed weight; onCondition runs last.
  auto c = compile_text(
      "model stepper:\n"
      "    parameters:\n"
      "        tau ms = 2 ms\n"
      "    state:\n"
      "        seen real = 0\n"
      "        got real = 0\n"
      "        fired integer = 0\n"
      "    equations:\n"
      "        kernel g = exp(-t / tau)\n"
      "    input:\n"
      "        spikes <- spike\n"
      "    output:\n"
      "        spike\n"
      "    update:\n"
      "        integrate_odes()\n"
      "        seen = convolve(g, spikes)\n"
      "    onReceive(spikes):\n"
      "        got += spikes * s\n"
      "    onCondition(convolve(g, spikes) > 2.5):\n"
      "        fired += 1\n"
      "        emit_spike()\n");
  Instance in(*c, 0.1);
  in.init(*c->code);
  const auto& port = c->ir->spike_ports.at(0);
  const int K = c->slot("g__X__spikes");
  // Step 1: a spike of weight 3 arrives.
  in.slots[port.sum_slot] = 3.0;
  in.slots[port.received_slot] = 1.0;
  c->code->step(&in.ctx);
  CHECK(in.slots[c->slot("seen")] == 0.0);  // before the increment
  CHECK(in.slots[c->slot("got")] == doctest::Approx(3.0));  // spikes * s = summed weight
  CHECK(in.slots[K] == doctest::Approx(3.0));               // 0 * P + 3 * 1
  CHECK(in.slots[c->slot("fired")] == 1.0);                 // 3 > 2.5
  CHECK(in.host.emits.size() == 1);
  // Step 2: nothing arrives.
  in.slots[port.sum_slot] = 0.0;
  in.slots[port.received_slot] = 0.0;
  c->code->step(&in.ctx);
  CHECK(in.slots[c->slot("seen")] == doctest::Approx(3.0));
  CHECK(in.slots[c->slot("got")] == doctest::Approx(3.0));  // handler did not run
  const double k2 = 3.0 * std::exp(-0.1 / 2.0);
  CHECK(in.slots[K] == doctest::Approx(k2).epsilon(1e-14));
  CHECK(in.slots[c->slot("fired")] == 2.0);  // 2.85 > 2.5
  // Step 3: 3 e^{-0.1} = 2.71 > 2.5; step 4: 3 e^{-0.15} = 2.58 > 2.5; step 5: 2.46 < 2.5.
  c->code->step(&in.ctx);
  c->code->step(&in.ctx);
  c->code->step(&in.ctx);
  CHECK(in.slots[c->slot("fired")] == 4.0);
  CHECK(in.host.emits.size() == 4);
}

TEST_CASE("jit: two models with the same name compile side by side") {
  const char* a_text =
      "model twin:\n"
      "    parameters:\n"
      "        p real = 1\n"
      "    state:\n"
      "        x real = 0\n"
      "    update:\n"
      "        x = p + 10\n";
  const char* b_text =
      "model twin:\n"
      "    parameters:\n"
      "        p real = 2\n"
      "    state:\n"
      "        x real = 0\n"
      "    update:\n"
      "        x = p * 100\n";
  auto a = compile_text(a_text);
  auto b = compile_text(b_text);
  CHECK(reinterpret_cast<void*>(a->code->update) != reinterpret_cast<void*>(b->code->update));
  CHECK(reinterpret_cast<void*>(a->code->init_parameters) !=
        reinterpret_cast<void*>(b->code->init_parameters));
  Instance ia(*a), ib(*b);
  ia.init(*a->code);
  ib.init(*b->code);
  a->code->update(&ia.ctx);
  b->code->update(&ib.ctx);
  CHECK(ia.slots[a->slot("x")] == 11.0);
  CHECK(ib.slots[b->slot("x")] == 200.0);
}

TEST_CASE("jit: a ModelCode can be destroyed and another compiled afterwards") {
  const char* text =
      "model transient:\n"
      "    parameters:\n"
      "        p real = 4\n"
      "    state:\n"
      "        x real = 0\n"
      "    update:\n"
      "        x = p * p\n";
  auto first = compile_text(text);
  std::weak_ptr<void> tracker = first->code->resources;
  CHECK_FALSE(tracker.expired());
  first->code.reset();  // the last reference: the ResourceTracker is removed
  CHECK(tracker.expired());
  // The same model (same name) and another one compile and run afterwards.
  auto again = compile_text(text);
  Instance in(*again);
  in.init(*again->code);
  again->code->update(&in.ctx);
  CHECK(in.slots[again->slot("x")] == 16.0);
  auto other = compile_text(
      "model other:\n"
      "    state:\n"
      "        y real = 0.5\n"
      "    update:\n"
      "        y = y * 3\n");
  Instance io(*other);
  io.init(*other->code);
  other->code->update(&io.ctx);
  CHECK(io.slots[other->slot("y")] == 1.5);
}

TEST_CASE("jit: a for loop over a state variable, counting down") {
  // LANGUAGE.md 5: the loop variable must be declared before; a state variable will do.
  auto c = compile_text(
      "model loop_state:\n"
      "    state:\n"
      "        i integer = 0\n"
      "        total integer = 0\n"
      "    update:\n"
      "        for i in 5 ... 0 step -1:\n"
      "            total += i\n");
  Instance in(*c);
  in.init(*c->code);
  c->code->update(&in.ctx);
  // step -1 runs while i > 0: 5+4+3+2+1 = 15, and the state variable i ends at 0.
  CHECK(in.slots[c->slot("total")] == 15.0);
  CHECK(in.slots[c->slot("i")] == 0.0);
}

// Regression (fixed: lowering now uses sema's loop_vars): in lower_stmt, case SK::For, when the loop variable is not a local
// of the block being lowered, the lowering picks the LAST symbol of the model with that name
// (any kind). Here that is the local `i` of onReceive, so the loop counts in a fresh local of
// the update block while its body reads the state variable i (still 0): total stays 0
// instead of 15. sema resolved the name correctly; lowering should use sema's resolution.
TEST_CASE("jit: a for loop over a state variable when another block has a local of that name") {
  auto c = compile_text(
      "model loop_state2:\n"
      "    state:\n"
      "        i integer = 0\n"
      "        total integer = 0\n"
      "    input:\n"
      "        spikes <- spike\n"
      "    update:\n"
      "        for i in 5 ... 0 step -1:\n"
      "            total += i\n"
      "    onReceive(spikes):\n"
      "        i integer = 7\n"
      "        total += i\n");
  Instance in(*c);
  in.init(*c->code);
  c->code->update(&in.ctx);
  CHECK(in.slots[c->slot("total")] == 15.0);
  CHECK(in.slots[c->slot("i")] == 0.0);
}
