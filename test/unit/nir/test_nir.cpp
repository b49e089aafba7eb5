// Tests of the lowering (nir/): units fold into numbers, the slot layout, convolutions,
// NESTML's integer-division rule, synapse options, and unsupported forms reported as
// diagnostics. Values of lowered expressions are checked with a small interpreter of the IR
// defined here (independent of codegen), over a hand-filled slot vector.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "nir/kernel_fit.h"
#include "nir/lower.h"
#include "nir/symbolic.h"
#include "sema/model.h"
#include "support/diagnostic.h"
#include "syntax/parser.h"

using namespace nestjit;
using nir::SlotRole;
using nir::ValueType;

namespace {

struct Lowered {
  std::unique_ptr<ast::CompilationUnit> unit;
  std::vector<std::unique_ptr<sema::CheckedModel>> checked;
  DiagnosticList diags;
  std::unique_ptr<nir::Model> model;
};

// Parses, checks (requiring no errors) and lowers the first model of `text`.
std::unique_ptr<Lowered> lower_text(const std::string& text, const nir::LowerOptions& opts = {}) {
  auto l = std::make_unique<Lowered>();
  auto parsed = syntax::parse(make_source("t.nestml", text), l->diags);
  INFO(render(l->diags));
  REQUIRE(parsed.has_value());
  l->unit = std::make_unique<ast::CompilationUnit>(std::move(*parsed));
  l->checked = sema::check(*l->unit, {}, l->diags);
  REQUIRE_FALSE(l->diags.has_errors());
  l->model = nir::lower(*l->checked.at(0), opts, l->diags);
  return l;
}

// ---- a tiny reference interpreter of the IR (enough for initialisers and updates) ----

double eval(const nir::Expr& e, const std::vector<double>& slots, const std::vector<double>& locals) {
  using K = nir::Expr::Kind;
  using nir::Op;
  auto arg = [&](size_t i) { return eval(*e.args[i], slots, locals); };
  switch (e.kind) {
    case K::Const: return e.value;
    case K::Slot: return slots.at(e.index);
    case K::Local: return locals.at(e.index);
    case K::Unary:
      switch (e.op) {
        case Op::Neg: return -arg(0);
        case Op::Not: return arg(0) == 0.0;
        case Op::ToF64: return arg(0);
        case Op::ToI64: return std::trunc(arg(0));
        case Op::ToBool: return arg(0) != 0.0;
        default: break;
      }
      break;
    case K::Binary: {
      double a = arg(0), b = arg(1);
      bool ints = e.args[0]->type == ValueType::I64;
      switch (e.op) {
        case Op::Add: return a + b;
        case Op::Sub: return a - b;
        case Op::Mul: return a * b;
        case Op::Div: return ints ? std::trunc(a / b) : a / b;  // C integer division truncates
        case Op::Pow: return std::pow(a, b);
        case Op::Lt: return a < b;
        case Op::Gt: return a > b;
        default: break;
      }
      break;
    }
    case K::Builtin:
      if (e.builtin == sema::Builtin::Exp) return std::exp(arg(0));
      if (e.builtin == sema::Builtin::Sin) return std::sin(arg(0));
      if (e.builtin == sema::Builtin::Cos) return std::cos(arg(0));
      break;
    default: break;
  }
  throw std::runtime_error("test interpreter: unsupported IR expression");
}

// Runs the AssignSlot/AssignLocal statements of a block (no control flow).
void run(const nir::CodeBlock& cb, std::vector<double>& slots) {
  std::vector<double> locals(cb.locals, 0.0);
  for (const auto& s : cb.body) {
    if (s->kind == nir::Stmt::Kind::AssignSlot) slots.at(s->index) = eval(*s->value, slots, locals);
    else if (s->kind == nir::Stmt::Kind::AssignLocal) locals.at(s->index) = eval(*s->value, slots, locals);
    else throw std::runtime_error("test interpreter: unsupported statement");
  }
}

// The initialisation order of SEMANTICS.md 2.7: parameters, internals, state.
std::vector<double> initialise(const nir::Model& m) {
  std::vector<double> slots(m.slots.size(), 0.0);
  run(m.init_parameters, slots);
  run(m.compute_internals, slots);
  run(m.init_state, slots);
  return slots;
}

int slot(const nir::Model& m, const std::string& name) {
  int i = m.find_slot(name);
  INFO("slot: ", name);
  REQUIRE(i >= 0);
  return i;
}

// The value expression assigned to slot `s` in block `cb`.
const nir::Expr* assigned(const nir::CodeBlock& cb, int s) {
  for (const auto& st : cb.body)
    if (st->kind == nir::Stmt::Kind::AssignSlot && st->index == s) return st->value.get();
  return nullptr;
}

}  // namespace

TEST_CASE("nir: literals with units fold to their internal numbers") {
  auto l = lower_text(
      "model m:\n"
      "    parameters:\n"
      "        v mV = 10 mV\n"
      "        T ms = 1 s\n"
      "        g nS = 2 uS\n"
      "        R GOhm = 500 MOhm\n"
      "        rate 1/s = 20 Hz\n"
      "        n integer = 4\n");
  REQUIRE(l->model);
  const nir::Model& m = *l->model;
  // `10 mV` is the constant 10 (mV is the internal unit): folded, not a multiplication.
  const nir::Expr* v = assigned(m.init_parameters, slot(m, "v"));
  REQUIRE(v);
  CHECK(v->kind == nir::Expr::Kind::Const);
  CHECK(v->value == 10.0);
  // 1 s = 1000 ms.
  const nir::Expr* T = assigned(m.init_parameters, slot(m, "T"));
  REQUIRE(T);
  CHECK(T->kind == nir::Expr::Kind::Const);
  CHECK(T->value == doctest::Approx(1000.0));
  auto s = initialise(m);
  CHECK(s[slot(m, "g")] == doctest::Approx(2000.0));   // 2 uS = 2000 nS
  CHECK(s[slot(m, "R")] == doctest::Approx(0.5));      // 500 MOhm = 0.5 GOhm
  CHECK(s[slot(m, "rate")] == doctest::Approx(0.02));  // 20 Hz = 0.02 per ms
  CHECK(s[slot(m, "n")] == 4.0);
  CHECK(m.slots[slot(m, "n")].type == ValueType::I64);
  // Slots carry the internal unit for reporting.
  CHECK(m.slots[slot(m, "v")].unit == "mV");
  CHECK(m.slots[slot(m, "T")].unit == "ms");
  CHECK(m.slots[slot(m, "g")].unit == "nS");
}

TEST_CASE("nir: a spike port read is its sum slot times 1e-3") {
  auto l = lower_text(
      "model m:\n"
      "    state:\n"
      "        x real = 0\n"
      "    input:\n"
      "        spikes <- spike\n"
      "    update:\n"
      "        x = spikes\n");
  REQUIRE(l->model);
  const nir::Model& m = *l->model;
  REQUIRE(m.spike_ports.size() == 1);
  const nir::SpikePort& p = m.spike_ports[0];
  CHECK(p.name == "spikes");
  CHECK(p.sum_slot == slot(m, "__spikes__spikes"));
  CHECK(p.received_slot == slot(m, "__received__spikes"));
  CHECK(m.slots[p.sum_slot].role == SlotRole::SpikeInput);
  CHECK(m.slots[p.received_slot].role == SlotRole::SpikeReceived);
  // The port's type is 1/s, its value the summed weight: 1/s is 1e-3 internally
  // (SEMANTICS.md 1: `0.001 * B_.spike_inputs_grid_sum_[p]`).
  const nir::Expr* v = assigned(m.update, slot(m, "x"));
  REQUIRE(v);
  REQUIRE(v->kind == nir::Expr::Kind::Binary);
  CHECK(v->op == nir::Op::Mul);
  CHECK(v->args[0]->kind == nir::Expr::Kind::Slot);
  CHECK(v->args[0]->index == p.sum_slot);
  CHECK(v->args[1]->kind == nir::Expr::Kind::Const);
  CHECK(v->args[1]->value == doctest::Approx(1e-3));
  // Numerically: a summed weight of 250 reads as 0.25.
  std::vector<double> slots(m.slots.size(), 0.0);
  slots[p.sum_slot] = 250.0;
  CHECK(eval(*v, slots, {}) == doctest::Approx(0.25));
}

TEST_CASE("nir: slot layout of a neuron with a convolution") {
  auto l = lower_text(
      "model m:\n"
      "    parameters:\n"
      "        tau ms = 10 ms\n"
      "        C pF = 250 pF\n"
      "    state:\n"
      "        V mV = -70 mV\n"
      "    internals:\n"
      "        k real = 2 * tau / ms\n"
      "    equations:\n"
      "        kernel syn = exp(-t / tau)\n"
      "        inline I pA = convolve(syn, spikes) * pA\n"
      "        V' = -V / tau + I / C\n"
      "    input:\n"
      "        spikes <- spike\n"
      "        I_stim pA <- continuous\n"
      "    update:\n"
      "        integrate_odes()\n");
  REQUIRE(l->model);
  const nir::Model& m = *l->model;
  CHECK(m.name == "m");
  CHECK_FALSE(m.is_synapse);
  // Parameters come first, in declaration order, then state, then internals.
  CHECK(m.slots[0].name == "tau");
  CHECK(m.slots[0].role == SlotRole::Parameter);
  CHECK(m.slots[1].name == "C");
  CHECK(m.slots[1].role == SlotRole::Parameter);
  CHECK(m.slots[2].name == "V");
  CHECK(m.slots[2].role == SlotRole::State);
  CHECK(m.slots[2].recordable);
  CHECK(m.slots[3].name == "k");
  CHECK(m.slots[3].role == SlotRole::Internal);
  // The convolution state is named <kernel>__X__<port>.
  CHECK(m.slots[slot(m, "syn__X__spikes")].role == SlotRole::Convolution);
  CHECK(m.slots[slot(m, "I_stim")].role == SlotRole::ContinuousInput);
  REQUIRE(m.continuous_ports.size() == 1);
  CHECK(m.continuous_ports[0].slot == slot(m, "I_stim"));
  // V is the only ODE variable besides the convolution state.
  int v_var = -1;
  for (size_t i = 0; i < m.ode_vars.size(); ++i)
    if (m.ode_vars[i].slot == 2) v_var = int(i);
  REQUIRE(v_var >= 0);
  CHECK_FALSE(m.ode_vars[v_var].is_convolution);
  // Internals are computed from parameters: k = 2 * 10 = 20.
  auto s = initialise(m);
  CHECK(s[3] == doctest::Approx(20.0));
  CHECK(s[2] == doctest::Approx(-70.0));
}

TEST_CASE("nir: an exp kernel convolved with a port yields a Convolution with rate and increment") {
  auto l = lower_text(
      "model m:\n"
      "    parameters:\n"
      "        tau ms = 4 ms\n"
      "        a real = 3\n"
      "    state:\n"
      "        x real = 0\n"
      "    equations:\n"
      "        kernel g = exp(-t / tau)\n"
      "        kernel h = exp(a - t / (2 * tau))\n"
      "    input:\n"
      "        spikes <- spike\n"
      "    update:\n"
      "        integrate_odes()\n"
      "        x = convolve(g, spikes) + convolve(spikes, h) + convolve(g, spikes)\n");
  REQUIRE(l->model);
  const nir::Model& m = *l->model;
  // The same (kernel, port) pair used twice is one convolution; argument order does not
  // matter (LANGUAGE.md 6.2).
  REQUIRE(m.convolutions.size() == 2);
  const nir::Convolution& g = m.convolutions[0];
  const nir::Convolution& h = m.convolutions[1];
  CHECK(g.kernel == "g");
  CHECK(g.port_name == "spikes");
  CHECK(g.port == 0);
  CHECK(h.kernel == "h");
  CHECK(g.slot == slot(m, "g__X__spikes"));
  // An exponential kernel needs one state: K' = rate * K.
  REQUIRE(g.vars.size() == 1);
  REQUIRE(h.vars.size() == 1);
  CHECK(g.tmp_slots[0] == slot(m, "g__X__spikes__tmp"));
  CHECK(g.increment_slots[0] == slot(m, "__increment__g__X__spikes"));
  CHECK(m.slots[g.increment_slots[0]].role == SlotRole::Internal);
  CHECK(m.slots[g.tmp_slots[0]].role == SlotRole::ConvolutionTmp);
  CHECK_FALSE(g.from_post_archive);
  // Each convolution state is solved exactly, in its own 1x1 propagator block whose A is
  // computed with the internals.
  const nir::OdeVar& gv = m.ode_vars[g.vars[0]];
  const nir::OdeVar& hv = m.ode_vars[h.vars[0]];
  CHECK(gv.is_convolution);
  CHECK(gv.analytic);
  REQUIRE(gv.block >= 0);
  REQUIRE(m.analytic_blocks[gv.block].size() == 1);
  // exp(-t/tau): K' = -K/tau, K(0) = 1 -> rate -1/4 per ms, increment 1.
  // exp(a - t/(2 tau)): rate -1/8, increment e^3 (the kernel's value at t = 0).
  auto s = initialise(m);
  CHECK(s[m.analytic_blocks[gv.block].a_slot] == doctest::Approx(-0.25));
  CHECK(s[g.increment_slots[0]] == doctest::Approx(1.0));
  CHECK(s[m.analytic_blocks[hv.block].a_slot] == doctest::Approx(-0.125));
  CHECK(s[h.increment_slots[0]] == doctest::Approx(std::exp(3.0)));
  // Reading the convolution reads its slot.
  const nir::Expr* v = assigned(m.update, slot(m, "x"));
  REQUIRE(v);
  std::vector<double> slots(m.slots.size(), 0.0);
  slots[g.slot] = 2.0;
  slots[h.slot] = 5.0;
  CHECK(eval(*v, slots, {}) == doctest::Approx(9.0));  // 2 + 5 + 2
}

TEST_CASE("nir: integer division rule") {
  // LANGUAGE.md 4.1 / SEMANTICS.md trap 18: integer / integer is C integer division unless
  // the divisor is a numeric literal, in which case the division is real.
  auto l = lower_text(
      "model m:\n"
      "    state:\n"
      "        n integer = 7\n"
      "        k integer = 2\n"
      "        neg integer = -7\n"
      "        a real = 0\n"
      "        b real = 0\n"
      "        c real = 0\n"
      "        d real = 0\n"
      "    update:\n"
      "        a = n / 2\n"
      "        b = n / k\n"
      "        c = neg / k\n"
      "        d = n / 2.0\n");
  REQUIRE(l->model);
  const nir::Model& m = *l->model;
  // n / 2: one real division.
  const nir::Expr* a = assigned(m.update, slot(m, "a"));
  REQUIRE(a);
  CHECK(a->kind == nir::Expr::Kind::Binary);
  CHECK(a->op == nir::Op::Div);
  CHECK(a->type == ValueType::F64);
  // n / k: an integer division, converted to real for the assignment.
  const nir::Expr* b = assigned(m.update, slot(m, "b"));
  REQUIRE(b);
  REQUIRE(b->kind == nir::Expr::Kind::Unary);
  CHECK(b->op == nir::Op::ToF64);
  CHECK(b->args[0]->kind == nir::Expr::Kind::Binary);
  CHECK(b->args[0]->op == nir::Op::Div);
  CHECK(b->args[0]->type == ValueType::I64);
  auto s = initialise(m);
  run(m.update, s);
  CHECK(s[slot(m, "a")] == 3.5);
  CHECK(s[slot(m, "b")] == 3.0);
  CHECK(s[slot(m, "c")] == -3.0);  // C truncates toward zero
  CHECK(s[slot(m, "d")] == 3.5);
}

TEST_CASE("nir: synapse options bind weight, delay and post ports") {
  const std::string text =
      "model my_synapse:\n"
      "    parameters:\n"
      "        dd ms = 2 ms\n"
      "    state:\n"
      "        w real = 1\n"
      "        wt real = 3\n"
      "    input:\n"
      "        pre <- spike\n"
      "        b_spikes <- spike\n"
      "        post_spikes <- spike\n"
      "    output:\n"
      "        spike\n"
      "    onReceive(pre):\n"
      "        emit_spike()\n";
  SUBCASE("defaults: weight 'w', no delay variable, ports named post... are post ports") {
    auto l = lower_text(text);
    REQUIRE(l->model);
    const nir::Model& m = *l->model;
    CHECK(m.is_synapse);
    CHECK(m.emits_spikes);
    CHECK(m.weight_slot == slot(m, "w"));
    CHECK(m.delay_slot == -1);
    REQUIRE(m.spike_ports.size() == 3);
    CHECK_FALSE(m.spike_ports[0].is_post);
    CHECK_FALSE(m.spike_ports[1].is_post);
    CHECK(m.spike_ports[2].is_post);
    REQUIRE(m.on_receive.size() == 1);
    CHECK(m.on_receive[0].port == 0);
  }
  SUBCASE("explicit options") {
    nir::LowerOptions opts;
    opts.weight_variable = "wt";
    opts.delay_variable = "dd";
    opts.post_ports = {"b_spikes"};
    auto l = lower_text(text, opts);
    REQUIRE(l->model);
    const nir::Model& m = *l->model;
    CHECK(m.weight_slot == slot(m, "wt"));
    CHECK(m.delay_slot == slot(m, "dd"));
    CHECK_FALSE(m.spike_ports[0].is_post);
    CHECK(m.spike_ports[1].is_post);
    // With explicit post_ports, the name rule no longer applies.
    CHECK_FALSE(m.spike_ports[2].is_post);
  }
  SUBCASE("an option naming a missing variable is an error") {
    nir::LowerOptions opts;
    opts.weight_variable = "nope";
    auto l = lower_text(text, opts);
    CHECK(l->model == nullptr);
    CHECK(l->diags.has_errors());
    bool found = false;
    for (const auto& d : l->diags.items()) found |= d.code == "E-OPTION-VARIABLE";
    CHECK(found);
  }
}

TEST_CASE("nir: a post-port convolution in a synapse is read from the post archive") {
  auto l = lower_text(
      "model stdp_synapse:\n"
      "    parameters:\n"
      "        tau ms = 20 ms\n"
      "    state:\n"
      "        w real = 1\n"
      "    equations:\n"
      "        kernel k = exp(-t / tau)\n"
      "        inline pre_tr real = convolve(k, pre_spikes)\n"
      "        inline post_tr real = convolve(k, post_spikes)\n"
      "    input:\n"
      "        pre_spikes <- spike\n"
      "        post_spikes <- spike\n"
      "    output:\n"
      "        spike\n"
      "    onReceive(post_spikes):\n"
      "        w += pre_tr\n"
      "    onReceive(pre_spikes):\n"
      "        w -= post_tr\n"
      "        emit_spike(w, 1 ms)\n"
      "    update:\n"
      "        integrate_odes()\n");
  REQUIRE(l->model);
  const nir::Model& m = *l->model;
  REQUIRE(m.convolutions.size() == 2);
  // Convolutions are created where first used: post handler (pre port) first.
  CHECK(m.convolutions[0].port_name == "pre_spikes");
  CHECK_FALSE(m.convolutions[0].from_post_archive);
  CHECK(m.convolutions[1].port_name == "post_spikes");
  CHECK(m.convolutions[1].from_post_archive);
  // A synapse's integrate_odes also advances its convolutions (SEMANTICS.md 3).
  REQUIRE(m.update.body.size() == 1);
  CHECK(m.update.body[0]->kind == nir::Stmt::Kind::IntegrateOdes);
  CHECK(m.update.body[0]->advance_convolutions);
}

TEST_CASE("nir: unsupported kernel forms are diagnostics, not crashes") {
  SUBCASE("a rational kernel 1/(1 + t/tau) is not a sum of exponentials") {
    auto l = lower_text(
        "model m:\n"
        "    parameters:\n"
        "        tau ms = 2 ms\n"
        "    state:\n"
        "        x real = 0\n"
        "    equations:\n"
        "        kernel a = 1 / (1 + t / tau)\n"
        "    input:\n"
        "        spikes <- spike\n"
        "    update:\n"
        "        integrate_odes()\n"
        "        x = convolve(a, spikes)\n");
    CHECK(l->model == nullptr);
    REQUIRE(l->diags.has_errors());
    const Diagnostic* d = nullptr;
    for (const auto& x : l->diags.items())
      if (x.code == "E-KERNEL-UNSUPPORTED") d = &x;
    REQUIRE(d);
    CHECK(d->span.line == 7);  // the kernel definition
    CHECK(d->message.find("'a'") != std::string::npos);
  }
}

TEST_CASE("nir: kernels become linear states with per-spike increments") {
  SUBCASE("alpha kernel (e/tau) t exp(-t/tau): companion form of (s + 1/tau)^2") {
    auto l = lower_text(
        "model m:\n"
        "    parameters:\n"
        "        tau ms = 2 ms\n"
        "    state:\n"
        "        x real = 0\n"
        "    equations:\n"
        "        kernel a = (e / tau) * t * exp(-t / tau)\n"
        "    input:\n"
        "        spikes <- spike\n"
        "    update:\n"
        "        integrate_odes()\n"
        "        x = convolve(a, spikes)\n");
    REQUIRE(l->model);
    const nir::Model& m = *l->model;
    REQUIRE(m.convolutions.size() == 1);
    const nir::Convolution& c = m.convolutions[0];
    // K'' = -(1/tau^2) K - (2/tau) K': two states, named as NEST names them.
    REQUIRE(c.vars.size() == 2);
    CHECK(m.ode_vars[c.vars[0]].name == "a__X__spikes");
    CHECK(m.ode_vars[c.vars[1]].name == "a__X__spikes__d");
    const nir::AnalyticBlock& b = m.analytic_blocks.at(m.ode_vars[c.vars[0]].block);
    REQUIRE(b.size() == 2);
    auto s = initialise(m);
    const int r0 = m.ode_vars[c.vars[0]].row, r1 = m.ode_vars[c.vars[1]].row;
    auto A = [&](int i, int j) { return s[b.a_slot + i * 2 + j]; };
    CHECK(A(r0, r0) == doctest::Approx(0.0));
    CHECK(A(r0, r1) == doctest::Approx(1.0));
    CHECK(A(r1, r0) == doctest::Approx(-0.25));
    CHECK(A(r1, r1) == doctest::Approx(-1.0));
    // Increments are the kernel's value and slope at 0: 0 and e/tau.
    CHECK(s[c.increment_slots[0]] == doctest::Approx(0.0));
    CHECK(s[c.increment_slots[1]] == doctest::Approx(std::exp(1.0) / 2.0));
  }
  SUBCASE("ODE-form kernel: the state block's initial value is the increment") {
    auto l = lower_text(
        "model m:\n"
        "    parameters:\n"
        "        tau ms = 2 ms\n"
        "    state:\n"
        "        x real = 0\n"
        "        g real = 1.5\n"
        "    equations:\n"
        "        kernel g' = -g / tau\n"
        "    input:\n"
        "        spikes <- spike\n"
        "    update:\n"
        "        integrate_odes()\n"
        "        x = convolve(g, spikes)\n");
    REQUIRE(l->model);
    const nir::Model& m = *l->model;
    REQUIRE(m.convolutions.size() == 1);
    const nir::Convolution& c = m.convolutions[0];
    REQUIRE(c.vars.size() == 1);
    CHECK(m.ode_vars[c.vars[0]].name == "g__X__spikes");
    auto s = initialise(m);
    CHECK(s[m.analytic_blocks.at(m.ode_vars[c.vars[0]].block).a_slot] == doctest::Approx(-0.5));
    CHECK(s[c.increment_slots[0]] == doctest::Approx(1.5));
    // The kernel's own variable is not a recordable any more.
    CHECK_FALSE(m.slots[slot(m, "g")].recordable);
  }
}

TEST_CASE("nir: a kernel c * (exp(-t/td) - exp(-t/tr)) with c an internal has increments c*k(0), c*k'(0)") {
  // The biexponential of BiexponentialPostSynapticResponse.nestml: the factor depends on
  // parameters through an internal, the rates are -1/td and -1/tr.
  auto l = lower_text(
      "model m:\n"
      "    parameters:\n"
      "        td ms = 4 ms\n"
      "        tr ms = 1 ms\n"
      "    internals:\n"
      "        c real = 1 / (td - tr) * ms\n"
      "    state:\n"
      "        x real = 0\n"
      "    equations:\n"
      "        kernel g = c * (exp(-t / td) - exp(-t / tr))\n"
      "    input:\n"
      "        spikes <- spike\n"
      "    update:\n"
      "        integrate_odes()\n"
      "        x = convolve(g, spikes)\n");
  REQUIRE(l->model);
  const nir::Model& m = *l->model;
  REQUIRE(m.convolutions.size() == 1);
  const nir::Convolution& c = m.convolutions[0];
  REQUIRE(c.vars.size() == 2);
  auto s = initialise(m);
  const double cval = 1.0 / 3.0;
  CHECK(s[slot(m, "c")] == doctest::Approx(cval));
  // k(0) = 0, k'(0) = c (1/tr - 1/td) = (1/3)(1 - 1/4).
  CHECK(s[c.increment_slots[0]] == doctest::Approx(0.0));
  CHECK(s[c.increment_slots[1]] == doctest::Approx(cval * 0.75));
  // Characteristic polynomial (s + 1/4)(s + 1): K'' = -0.25 K - 1.25 K'.
  const nir::AnalyticBlock& b = m.analytic_blocks.at(m.ode_vars[c.vars[0]].block);
  const int r0 = m.ode_vars[c.vars[0]].row, r1 = m.ode_vars[c.vars[1]].row;
  auto A = [&](int i, int j) { return s[b.a_slot + i * 2 + j]; };
  CHECK(A(r1, r0) == doctest::Approx(-0.25));
  CHECK(A(r1, r1) == doctest::Approx(-1.25));
}

// Regression (fixed: affine_in_t check): in finish_convolution_internals any kernel of the form exp(E(t)) is
// accepted and lowered as K' = (E(1) - E(0)) K without checking that E is linear in t, so a
// Gaussian kernel exp(-(t/tau)**2) silently becomes exp(-t/tau**2) dynamics instead of being
// reported as E-KERNEL-UNSUPPORTED.
TEST_CASE("nir: a kernel exp(E(t)) with E not linear in t is unsupported") {
  auto l = lower_text(
      "model m:\n"
      "    parameters:\n"
      "        tau ms = 2 ms\n"
      "    state:\n"
      "        x real = 0\n"
      "    equations:\n"
      "        kernel gauss = exp(-(t / tau)**2)\n"
      "    input:\n"
      "        spikes <- spike\n"
      "    update:\n"
      "        integrate_odes()\n"
      "        x = convolve(gauss, spikes)\n");
  CHECK(l->model == nullptr);
  bool found = false;
  for (const auto& x : l->diags.items()) found |= x.code == "E-KERNEL-UNSUPPORTED";
  CHECK(found);
}

TEST_CASE("nir: control flow and for loops lower to If and While") {
  auto l = lower_text(
      "model m:\n"
      "    state:\n"
      "        x real = 0\n"
      "        total integer = 0\n"
      "    update:\n"
      "        i integer = 0\n"
      "        for i in 0 ... 5 step 1:\n"
      "            total += i\n"
      "        if x < 0:\n"
      "            x = 1\n"
      "        elif x > 2:\n"
      "            x = 2\n"
      "        else:\n"
      "            x = 3\n");
  REQUIRE(l->model);
  const nir::Block& b = l->model->update.body;
  // i = 0 (declaration); i = 0 (loop start); while ...; if ...
  REQUIRE(b.size() == 4);
  CHECK(b[0]->kind == nir::Stmt::Kind::AssignLocal);
  CHECK(b[1]->kind == nir::Stmt::Kind::AssignLocal);
  CHECK(b[2]->kind == nir::Stmt::Kind::While);
  CHECK(b[2]->value->op == nir::Op::Lt);  // step > 0: v < upper bound (half-open)
  CHECK(b[3]->kind == nir::Stmt::Kind::If);
  CHECK(b[3]->branches.size() == 2);       // if and elif
  CHECK(b[3]->else_body.size() == 1);
  CHECK(l->model->update.locals == 1);
  CHECK(l->model->update.local_types == std::vector<ValueType>{ValueType::I64});
}

// ---- vectors (issue 8) ----

TEST_CASE("nir: vector slot layout: n consecutive slots x_0..x_{n-1}, size from a parameter") {
  auto l = lower_text(
      "model m:\n"
      "    parameters:\n"
      "        n integer = 2 + 1\n"
      "        w[n] real = 1.5\n"
      "    state:\n"
      "        x[4] mV = -70 mV\n"
      "        y real = 0\n");
  REQUIRE(l->model);
  const nir::Model& m = *l->model;
  const int w0 = slot(m, "w_0"), x0 = slot(m, "x_0");
  CHECK(slot(m, "w_2") == w0 + 2);
  CHECK(m.find_slot("w_3") < 0);
  CHECK(m.find_slot("w") < 0);
  for (int k = 0; k < 4; ++k) {
    CAPTURE(k);
    CHECK(slot(m, "x_" + std::to_string(k)) == x0 + k);
    CHECK(m.slots[x0 + k].role == SlotRole::State);
    CHECK(m.slots[x0 + k].recordable);
    CHECK(m.slots[x0 + k].unit == "mV");
  }
  CHECK(m.slots[w0].role == SlotRole::Parameter);
  // Every element gets the initializer.
  auto s = initialise(m);
  for (int k = 0; k < 3; ++k) CHECK(s[w0 + k] == doctest::Approx(1.5));
  for (int k = 0; k < 4; ++k) CHECK(s[x0 + k] == doctest::Approx(-70.0));
}

TEST_CASE("nir: vector sizes: every parameter a size depends on is recorded; vector_sizes overrides defaults") {
  const std::string text =
      "model m:\n"
      "    parameters:\n"
      "        N integer = 2\n"
      "        M integer = 3\n"
      "    state:\n"
      "        x[N] real = 0\n"
      "        y[N + M] real = 0\n"
      "    internals:\n"
      "        K integer = N * 2\n"
      "        z[K] real = 1\n"
      "    input:\n"
      "        p[M] <- spike\n";
  auto l = lower_text(text);
  REQUIRE(l->model);
  const nir::Model& m = *l->model;
  CHECK(m.find_slot("x_1") >= 0);
  CHECK(m.find_slot("x_2") < 0);
  CHECK(m.find_slot("y_4") >= 0);
  CHECK(m.find_slot("y_5") < 0);
  CHECK(m.find_slot("z_3") >= 0);
  CHECK(m.spike_ports.size() == 3);
  REQUIRE(m.vector_size_parameters.count(slot(m, "N")) == 1);
  CHECK(m.vector_size_parameters.at(slot(m, "N")) == std::vector<std::string>{"x", "y", "z"});
  CHECK(m.vector_size_parameters.at(slot(m, "M")) == std::vector<std::string>{"y", "p"});
  CHECK(m.vector_size_parameters.count(slot(m, "K")) == 0);  // an internal: follows N
  CHECK(m.vector_size_values == std::map<std::string, long>{{"M", 3}, {"N", 2}});

  nir::LowerOptions opts;
  opts.vector_sizes = {{"N", 4}};
  auto v = lower_text(text, opts);
  REQUIRE(v->model);
  const nir::Model& w = *v->model;
  CHECK(w.find_slot("x_3") >= 0);
  CHECK(w.find_slot("x_4") < 0);
  CHECK(w.find_slot("y_6") >= 0);
  CHECK(w.find_slot("y_7") < 0);
  CHECK(w.find_slot("z_7") >= 0);
  CHECK(w.find_slot("z_8") < 0);
  CHECK(w.spike_ports.size() == 3);
  CHECK(w.vector_size_values == std::map<std::string, long>{{"M", 3}, {"N", 4}});
  // An override that is no size is the usual diagnostic.
  opts.vector_sizes = {{"M", 0}};
  auto bad = lower_text(text, opts);
  CHECK_FALSE(bad->model);
  CHECK(render(bad->diags).find("the size of vector 'p' must be a positive integer literal or a "
                                "parameter with such a value (at most 1048576); it is 0") !=
        std::string::npos);
}

TEST_CASE("nir: x[i]' = f(i) is one OdeVar per element, i replaced by the element's index") {
  auto l = lower_text(
      "model m:\n"
      "    state:\n"
      "        x[3] real = 1\n"
      "        y real = 0\n"
      "    equations:\n"
      "        x[i]' = -(i + 1) * x[i] / ms + y / ms\n"
      "        y' = -x[2] / ms\n"
      "    update:\n"
      "        integrate_odes()\n");
  REQUIRE(l->model);
  const nir::Model& m = *l->model;
  REQUIRE(m.ode_vars.size() == 4);
  std::vector<double> slots = initialise(m);
  for (int k = 0; k < 3; ++k) slots[slot(m, "x_" + std::to_string(k))] = 10.0 * (k + 1);
  slots[slot(m, "y")] = 0.5;
  for (int k = 0; k < 3; ++k) {
    CAPTURE(k);
    const nir::OdeVar& v = m.ode_vars[k];
    CHECK(v.name == "x_" + std::to_string(k));
    CHECK(v.slot == slot(m, v.name));
    // The right-hand side reads the element's own slot: -(k + 1) x_k + y (1/ms internally).
    CHECK(eval(*v.rhs, slots, {}) == doctest::Approx(-(k + 1) * 10.0 * (k + 1) + 0.5));
  }
  CHECK(m.ode_vars[3].name == "y");
  CHECK(eval(*m.ode_vars[3].rhs, slots, {}) == doctest::Approx(-30.0));
}

TEST_CASE("nir: vector element loads and stores") {
  auto l = lower_text(
      "model m:\n"
      "    state:\n"
      "        x[3] real = 0\n"
      "        i integer = 0\n"
      "        y real = 0\n"
      "    update:\n"
      "        x[1] = 2\n"
      "        x[i] = y\n"
      "        y = x[i + 1]\n");
  REQUIRE(l->model);
  const nir::Model& m = *l->model;
  const auto& body = m.update.body;
  REQUIRE(body.size() == 3);
  // A constant index is the element's own slot.
  CHECK(body[0]->kind == nir::Stmt::Kind::AssignSlot);
  CHECK(body[0]->index == slot(m, "x_1"));
  // Any other index is a checked element access: first slot, count, stride, name.
  REQUIRE(body[1]->kind == nir::Stmt::Kind::AssignElement);
  const nir::Expr& target = *body[1]->element;
  CHECK(target.kind == nir::Expr::Kind::SlotElement);
  CHECK(target.index == slot(m, "x_0"));
  CHECK(target.count == 3);
  CHECK(target.stride == 1);
  CHECK(target.name == "x");
  REQUIRE(target.args.size() == 1);
  CHECK(target.args[0]->type == ValueType::I64);
  CHECK(body[2]->kind == nir::Stmt::Kind::AssignSlot);
  CHECK(body[2]->value->kind == nir::Expr::Kind::SlotElement);
}

TEST_CASE("nir: a constant index outside a vector is E-INDEX-RANGE") {
  auto l = lower_text(
      "model m:\n"
      "    state:\n"
      "        x[3] real = 0\n"
      "    update:\n"
      "        x[3] = 1\n");
  CHECK_FALSE(l->model);
  CHECK(render(l->diags).find("5:9: error[E-INDEX-RANGE]: index 3 is outside vector 'x' of size 3") !=
        std::string::npos);
}

TEST_CASE("nir: a vector spike port is one port (receptor) per element") {
  auto l = lower_text(
      "model m:\n"
      "    parameters:\n"
      "        tau ms = 2 ms\n"
      "    state:\n"
      "        x real = 0\n"
      "        i integer = 0\n"
      "    equations:\n"
      "        kernel k = exp(-t / tau)\n"
      "    input:\n"
      "        sp[3] <- spike\n"
      "    update:\n"
      "        integrate_odes()\n"
      "        x = convolve(k, sp[2]) + sp[i] * s\n");
  REQUIRE(l->model);
  const nir::Model& m = *l->model;
  REQUIRE(m.spike_ports.size() == 3);
  for (int k = 0; k < 3; ++k) CHECK(m.spike_ports[k].name == "sp_" + std::to_string(k));
  // Sum and received slots alternate, so element k's sum slot is first + 2k.
  CHECK(m.spike_ports[1].sum_slot == m.spike_ports[0].sum_slot + 2);
  CHECK(m.spike_ports[2].sum_slot == m.spike_ports[0].sum_slot + 4);
  // convolve(k, sp[2]) convolves with the third element only.
  REQUIRE(m.convolutions.size() == 1);
  CHECK(m.convolutions[0].port == 2);
  CHECK(m.ode_vars[m.convolutions[0].vars[0]].name == "k__X__sp_2");
  // sp[i] reads the sum slots with stride 2.
  const nir::Expr* v = assigned(m.update, slot(m, "x"));
  REQUIRE(v);
  std::function<const nir::Expr*(const nir::Expr&)> find = [&](const nir::Expr& e) -> const nir::Expr* {
    if (e.kind == nir::Expr::Kind::SlotElement) return &e;
    for (const auto& a : e.args)
      if (auto* f = find(*a)) return f;
    return nullptr;
  };
  const nir::Expr* el = find(*v);
  REQUIRE(el);
  CHECK(el->index == m.spike_ports[0].sum_slot);
  CHECK(el->stride == 2);
  CHECK(el->count == 3);
}

// ---- the numeric kernel fit (ODE-toolbox's approach, nir/kernel_fit.h) ----

TEST_CASE("nir: numeric kernel fit finds the lowest-order ODE of exp(-t/2) sin(t)") {
  // Characteristic polynomial (s + 1/2)^2 + 1 = s^2 + s + 5/4: k'' = -5/4 k - k'.
  auto l = lower_text(
      "model m:\n"
      "    state:\n"
      "        x real = 0\n"
      "    equations:\n"
      "        kernel k = exp(-t / (2 ms)) * sin(t / ms)\n"
      "    input:\n"
      "        spikes <- spike\n"
      "    update:\n"
      "        integrate_odes()\n"
      "        x = convolve(k, spikes)\n");
  REQUIRE(l->model);
  const nir::Model& m = *l->model;
  REQUIRE(m.convolutions.size() == 1);
  const nir::Convolution& c = m.convolutions[0];
  REQUIRE(c.vars.size() == 2);
  auto s = initialise(m);
  const nir::AnalyticBlock& b = m.analytic_blocks.at(m.ode_vars[c.vars[0]].block);
  const int r0 = m.ode_vars[c.vars[0]].row, r1 = m.ode_vars[c.vars[1]].row;
  auto A = [&](int i, int j) { return s[b.a_slot + i * 2 + j]; };
  CHECK(A(r0, r1) == doctest::Approx(1.0));
  CHECK(A(r1, r0) == doctest::Approx(-1.25).epsilon(1e-9));
  CHECK(A(r1, r1) == doctest::Approx(-1.0).epsilon(1e-9));
  // Increments: k(0) = 0, k'(0) = 1.
  CHECK(s[c.increment_slots[0]] == doctest::Approx(0.0));
  CHECK(s[c.increment_slots[1]] == doctest::Approx(1.0));
}

TEST_CASE("nir: numeric kernel fit: cosh(t) t gives order 4, verified away from the fit points") {
  // t cosh(t) = (t e^t + t e^-t)/2: (s^2 - 1)^2 = s^4 - 2 s^2 + 1, so k'''' = -k + 2 k''.
  nir::Expr t;
  t.kind = nir::Expr::Kind::Time;
  auto k = nir::sym::mul(nir::sym::clone(t), nir::sym::call(sema::Builtin::Cosh, nir::sym::clone(t)));
  std::string why;
  auto fit = nir::fit_kernel_ode(*k, 8, why);
  REQUIRE_MESSAGE(fit, why);
  REQUIRE(fit->c.size() == 4);
  CHECK(fit->c[0] == doctest::Approx(-1.0).epsilon(1e-7));
  CHECK(std::fabs(fit->c[1]) < 1e-7);
  CHECK(fit->c[2] == doctest::Approx(2.0).epsilon(1e-7));
  CHECK(std::fabs(fit->c[3]) < 1e-7);
}

TEST_CASE("nir: numeric kernel fit: no ODE, or parameters in the kernel, are clear diagnostics") {
  auto lower_kernel = [](const std::string& params, const std::string& kernel) {
    auto l = std::make_unique<Lowered>();
    const std::string text = "model m:\n    parameters:\n        tau ms = 2 ms\n" + params +
                             "    state:\n        x real = 0\n    equations:\n        kernel k = " +
                             kernel +
                             "\n    input:\n        spikes <- spike\n    update:\n"
                             "        integrate_odes()\n        x = convolve(k, spikes)\n";
    auto parsed = syntax::parse(make_source("t.nestml", text), l->diags);
    REQUIRE(parsed.has_value());
    l->unit = std::make_unique<ast::CompilationUnit>(std::move(*parsed));
    l->checked = sema::check(*l->unit, {}, l->diags);
    REQUIRE_FALSE(l->diags.has_errors());
    l->model = nir::lower(*l->checked.at(0), {}, l->diags);
    return l;
  };
  {
    auto l = lower_kernel("", "1 / (1 + t / ms)");
    CHECK_FALSE(l->model);
    CHECK(render(l->diags).find("error[E-KERNEL-UNSUPPORTED]: kernel 'k' is not a sum of "
                                "polynomial x exp(a*t) terms, and the numeric fit of a linear "
                                "ODE failed: it satisfies no linear homogeneous ODE with "
                                "constant coefficients of order 1 to 8") != std::string::npos);
  }
  {
    auto l = lower_kernel("", "sin(t / tau)");
    CHECK_FALSE(l->model);
    CHECK(render(l->diags).find("failed: it depends on parameters or internals") !=
          std::string::npos);
  }
}
