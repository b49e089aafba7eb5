// Tests of the checker (sema/): every context condition reports its stable code at the
// position of the offending text (LANGUAGE.md 3-4 and 10), checking goes on after an error,
// correct models pass, expression types carry the right physical dimension, and rendered
// diagnostics point at the source with a caret line.
//
// Columns in the expectations are counted by hand in the source strings (1-based; the
// model body is indented with 4 spaces per level).
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "sema/builtins.h"
#include "sema/model.h"
#include "support/diagnostic.h"
#include "support/source.h"
#include "syntax/parser.h"
#include "test_support.h"

using namespace nestjit;

namespace {

// A parsed and checked file; the CompilationUnit lives as long as the CheckedModels.
struct Checked {
  std::unique_ptr<ast::CompilationUnit> unit;
  std::vector<std::unique_ptr<sema::CheckedModel>> models;
  DiagnosticList diags;

  std::vector<const Diagnostic*> errors() const {
    std::vector<const Diagnostic*> out;
    for (const auto& d : diags.items())
      if (d.severity == Severity::Error) out.push_back(&d);
    return out;
  }
  const Diagnostic* first(const std::string& code) const {
    for (const auto& d : diags.items())
      if (d.code == code) return &d;
    return nullptr;
  }
};

std::unique_ptr<Checked> check_text(const std::string& text, const std::string& path = "t.nestml") {
  auto c = std::make_unique<Checked>();
  auto parsed = syntax::parse(make_source(path, text), c->diags);
  INFO(render(c->diags));
  REQUIRE(parsed.has_value());
  c->unit = std::make_unique<ast::CompilationUnit>(std::move(*parsed));
  c->models = sema::check(*c->unit, {}, c->diags);
  return c;
}

// Requires exactly one error, with this code, starting at line:col.
void expect_single_error(const std::string& text, const std::string& code, int line, int col) {
  auto c = check_text(text);
  INFO(render(c->diags));
  auto errs = c->errors();
  REQUIRE(errs.size() == 1);
  CHECK(errs[0]->code == code);
  CHECK(errs[0]->span.line == line);
  CHECK(errs[0]->span.column == col);
  CHECK(errs[0]->file != nullptr);
  CHECK_FALSE(errs[0]->message.empty());
}

units::Dimension dim(const char* unit) { return units::lookup(unit)->dim; }

}  // namespace

// ---- one test per context condition ----

TEST_CASE("sema: E-VARIABLE-NOT-DEFINED at the undefined name") {
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        V mV = 0 mV\n"
      "    update:\n"
      "        V = V + x * mV\n",  // x is at column 17
      "E-VARIABLE-NOT-DEFINED", 5, 17);
}

TEST_CASE("sema: an initializer may only use names declared before it") {
  // b is declared after a in the same block: "used before its declaration" (LANGUAGE.md 3.1).
  expect_single_error(
      "model m:\n"
      "    parameters:\n"
      "        a real = b\n"  // b at column 18
      "        b real = 1\n",
      "E-VARIABLE-USED-BEFORE-DECLARATION", 3, 18);
}

TEST_CASE("sema: E-VARIABLE-REDECLARED at the second declaration") {
  expect_single_error(
      "model m:\n"
      "    parameters:\n"
      "        tau ms = 10 ms\n"
      "        tau ms = 20 ms\n",
      "E-VARIABLE-REDECLARED", 4, 9);
  // Across blocks too: a state variable may not reuse a parameter's name.
  expect_single_error(
      "model m:\n"
      "    parameters:\n"
      "        x real = 1\n"
      "    state:\n"
      "        y real = 0\n"
      "        x real = 0\n",
      "E-VARIABLE-REDECLARED", 6, 9);
}

TEST_CASE("sema: E-STATE-NOT-INITIALIZED") {
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        V mV\n",
      "E-STATE-NOT-INITIALIZED", 3, 9);
  // Parameters without an initializer are fine (they default to 0).
  auto c = check_text(
      "model m:\n"
      "    parameters:\n"
      "        p mV\n");
  CHECK(c->errors().empty());
}

TEST_CASE("sema: E-TYPE-MISMATCH for a unitless value given to a unit variable") {
  // LANGUAGE.md 3.3: real/integer -> unit is an error (`V mV = 10`). The span is the value.
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        V mV = 10\n",  // 10 at column 16
      "E-TYPE-MISMATCH", 3, 16);
}

TEST_CASE("sema: E-TYPE-MISMATCH when assigning mV to ms") {
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        T ms = 0 ms\n"
      "        V mV = 0 mV\n"
      "    update:\n"
      "        T = V\n",  // the value V is at column 13
      "E-TYPE-MISMATCH", 6, 13);
}

TEST_CASE("sema: allowed conversions are not errors") {
  // unit -> real, integer -> real, real -> integer and same-dimension units (V into mV) are
  // all accepted (LANGUAGE.md 3.3).
  auto c = check_text(
      "model m:\n"
      "    state:\n"
      "        r real = 1 mV\n"
      "        i integer = 2.5\n"
      "        x real = 3\n"
      "        v mV = 1 V\n");
  INFO(render(c->diags));
  CHECK(c->errors().empty());
}

TEST_CASE("sema: E-ODE-UNITS when the derivative has the variable's own unit") {
  // V' must have unit mV/ms; `V' = V` gives mV. The span is the right-hand side.
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        V mV = 0 mV\n"
      "    equations:\n"
      "        V' = V\n"  // RHS at column 14
      "    update:\n"
      "        integrate_odes()\n",
      "E-ODE-UNITS", 5, 14);
  // The correct form passes.
  auto c = check_text(
      "model m:\n"
      "    state:\n"
      "        V mV = 0 mV\n"
      "    equations:\n"
      "        V' = -V / ms\n"
      "    update:\n"
      "        integrate_odes()\n");
  CHECK(c->errors().empty());
}

TEST_CASE("sema: E-UNIT-MISMATCH for adding a voltage and a time") {
  expect_single_error(
      "model m:\n"
      "    parameters:\n"
      "        y mV = 1 mV + 1 ms\n",  // the sum starts at column 16
      "E-UNIT-MISMATCH", 3, 16);
}

TEST_CASE("sema: E-ASSIGN-PARAMETER outside the parameters block") {
  expect_single_error(
      "model m:\n"
      "    parameters:\n"
      "        p real = 1\n"
      "    update:\n"
      "        p = 2\n",
      "E-ASSIGN-PARAMETER", 5, 9);
}

TEST_CASE("sema: E-CONDITION-NOT-BOOLEAN for if, while and onCondition") {
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        x real = 0\n"
      "    update:\n"
      "        if x:\n"  // x at column 12
      "            x = 1\n",
      "E-CONDITION-NOT-BOOLEAN", 5, 12);
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        n integer = 3\n"
      "    update:\n"
      "        while n:\n"  // n at column 15
      "            n -= 1\n",
      "E-CONDITION-NOT-BOOLEAN", 5, 15);
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        x real = 0\n"
      "    onCondition(x):\n"  // x at column 17
      "        x = 1\n",
      "E-CONDITION-NOT-BOOLEAN", 4, 17);
}

TEST_CASE("sema: E-EMIT-WITHOUT-OUTPUT") {
  expect_single_error(
      "model m:\n"
      "    update:\n"
      "        emit_spike()\n",
      "E-EMIT-WITHOUT-OUTPUT", 3, 9);
  auto c = check_text(
      "model m:\n"
      "    output:\n"
      "        spike\n"
      "    update:\n"
      "        emit_spike()\n");
  CHECK(c->errors().empty());
}

TEST_CASE("sema: E-INTEGRATE-ODES-MISSING points at the model name") {
  expect_single_error(
      "model m_neuron:\n"  // name at column 7
      "    state:\n"
      "        V mV = 0 mV\n"
      "    equations:\n"
      "        V' = -V / ms\n",
      "E-INTEGRATE-ODES-MISSING", 1, 7);
}

TEST_CASE("sema: E-BLOCK-DUPLICATE at the second block") {
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        x real = 0\n"
      "    state:\n"
      "        y real = 0\n",
      "E-BLOCK-DUPLICATE", 4, 5);
}

TEST_CASE("sema: E-FUNCTION-NOT-DEFINED") {
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        x real = 0\n"
      "    update:\n"
      "        x = foo(1)\n",  // call at column 13
      "E-FUNCTION-NOT-DEFINED", 5, 13);
}

TEST_CASE("sema: E-FUNCTION-ARITY for predefined and user functions") {
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        x real = 0\n"
      "    update:\n"
      "        x = exp(1, 2)\n",
      "E-FUNCTION-ARITY", 5, 13);
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        x real = 0\n"
      "    update:\n"
      "        x = max(1.0)\n",
      "E-FUNCTION-ARITY", 5, 13);
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        x real = 0\n"
      "    update:\n"
      "        x = twice(1, 2)\n"
      "    function twice(a real) real:\n"
      "        return 2 * a\n",
      "E-FUNCTION-ARITY", 5, 13);
}

TEST_CASE("sema: E-KERNEL-OUTSIDE-CONVOLVE") {
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        x real = 0\n"
      "    equations:\n"
      "        kernel g = exp(-t / ms)\n"
      "    input:\n"
      "        spikes <- spike\n"
      "    update:\n"
      "        integrate_odes()\n"
      "        x = g\n",  // g at column 13
      "E-KERNEL-OUTSIDE-CONVOLVE", 10, 13);
}

// ---- recovery and correct models ----

TEST_CASE("sema: checking continues after an error") {
  auto c = check_text(
      "model m:\n"
      "    parameters:\n"
      "        p real = 1\n"
      "    state:\n"
      "        x real = 0\n"
      "    update:\n"
      "        x = undefined_name\n"
      "        p = 2\n"
      "        x = 1 mV + 1 ms\n");
  INFO(render(c->diags));
  auto errs = c->errors();
  REQUIRE(errs.size() == 3);
  CHECK(errs[0]->code == "E-VARIABLE-NOT-DEFINED");
  CHECK(errs[0]->span.line == 7);
  CHECK(errs[1]->code == "E-ASSIGN-PARAMETER");
  CHECK(errs[1]->span.line == 8);
  CHECK(errs[2]->code == "E-UNIT-MISMATCH");
  CHECK(errs[2]->span.line == 9);
  // The model is still returned, with its symbols.
  REQUIRE(c->models.size() == 1);
  CHECK(c->models[0]->find("p") != nullptr);
}

TEST_CASE("sema: errors in two models of one file are all reported") {
  auto c = check_text(
      "model a:\n"
      "    state:\n"
      "        V mV = 10\n"
      "model b:\n"
      "    update:\n"
      "        emit_spike()\n");
  auto errs = c->errors();
  REQUIRE(errs.size() == 2);
  CHECK(errs[0]->code == "E-TYPE-MISMATCH");
  CHECK(errs[1]->code == "E-EMIT-WITHOUT-OUTPUT");
  CHECK(c->models.size() == 2);
}

TEST_CASE("sema: the seed izhikevich neuron checks without errors") {
  NESTJIT_REQUIRE_SHARED(path, "seed/izhikevich_neuron.nestml");
  auto c = check_text(test::read_text(path), path);
  INFO(render(c->diags));
  CHECK(c->errors().empty());
  REQUIRE(c->models.size() == 1);
  const auto& m = *c->models[0];
  CHECK_FALSE(m.is_synapse);
  // A few symbols with their kinds and types.
  const sema::Symbol* v = m.find("V_m");
  REQUIRE(v);
  CHECK(v->kind == sema::SymbolKind::State);
  CHECK(v->type.dim == dim("mV"));
  const sema::Symbol* a = m.find("a");
  REQUIRE(a);
  CHECK(a->kind == sema::SymbolKind::Parameter);
  CHECK(a->type.is_real());
  const sema::Symbol* spikes = m.find("spikes");
  REQUIRE(spikes);
  CHECK(spikes->kind == sema::SymbolKind::SpikePort);
  const sema::Symbol* stim = m.find("I_stim");
  REQUIRE(stim);
  CHECK(stim->kind == sema::SymbolKind::ContinuousPort);
  CHECK(stim->type.dim == dim("pA"));
}

TEST_CASE("sema: the seed stdp synapse checks without errors and is a synapse") {
  NESTJIT_REQUIRE_SHARED(path, "seed/stdp_synapse.nestml");
  auto c = check_text(test::read_text(path), path);
  INFO(render(c->diags));
  CHECK(c->errors().empty());
  REQUIRE(c->models.size() == 1);
  // The name ends in "synapse" (LANGUAGE.md 9.1).
  CHECK(c->models[0]->is_synapse);
  CHECK(c->models[0]->of_kind(sema::SymbolKind::Kernel).size() == 2);
}

TEST_CASE("sema: synapse detection by option") {
  DiagnosticList diags;
  auto unit = syntax::parse(make_source("t.nestml",
                                        "model plastic:\n"
                                        "    state:\n"
                                        "        w real = 1\n"),
                            diags);
  REQUIRE(unit);
  sema::CheckOptions opts;
  CHECK_FALSE(sema::check(*unit, opts, diags)[0]->is_synapse);
  opts.synapse_models = {"plastic"};
  CHECK(sema::check(*unit, opts, diags)[0]->is_synapse);
}

// ---- expression types ----

TEST_CASE("sema: expression types carry dimensions") {
  auto c = check_text(
      "model m:\n"
      "    parameters:\n"
      "        tau ms = 10 ms\n"
      "        n integer = 3\n"
      "    state:\n"
      "        V_m mV = -70 mV\n"
      "    equations:\n"
      "        kernel g = exp(-t / tau)\n"
      "        inline q mV = V_m * V_m / mV\n"
      "        inline r 1/s = spikes\n"
      "        inline c real = convolve(g, spikes)\n"
      "        inline d mV/ms = V_m / tau\n"
      "        inline k real = n * 2\n"
      "        inline b boolean = V_m > 0 mV\n"
      "        inline lit mV = 10 mV\n"
      "        inline sec ms = s\n"
      "    input:\n"
      "        spikes <- spike\n"
      "    update:\n"
      "        integrate_odes()\n");
  INFO(render(c->diags));
  REQUIRE(c->errors().empty());
  const auto& m = *c->models[0];
  const auto& inl = c->unit->models[0].inlines;
  REQUIRE(inl.size() == 8);
  auto type_of = [&](size_t i) {
    const sema::ExprInfo* info = m.info(inl[i].rhs.get());
    REQUIRE(info != nullptr);
    return info->type;
  };
  // V_m * V_m / mV: mV * mV / mV = mV.
  CHECK(type_of(0).kind == sema::Type::Kind::Quantity);
  CHECK(type_of(0).dim == dim("mV"));
  // A spike port has type 1/s (LANGUAGE.md 7.3).
  CHECK(type_of(1).dim == dim("Hz"));
  const sema::ExprInfo* port = m.info(inl[1].rhs.get());
  REQUIRE(port->symbol);
  CHECK(port->symbol->kind == sema::SymbolKind::SpikePort);
  // convolve(...) is real.
  CHECK(type_of(2).is_real());
  // mV / ms.
  CHECK(type_of(3).dim == (dim("mV") / dim("ms")));
  CHECK(type_of(3).to_string() == "mV/ms");
  // integer * integer stays integer.
  CHECK(type_of(4).kind == sema::Type::Kind::Integer);
  // A comparison is boolean.
  CHECK(type_of(5).kind == sema::Type::Kind::Boolean);
  // "10 mV" is a voltage.
  CHECK(type_of(6).dim == dim("mV"));
  // A bare unit name is a value of that unit; its scale is its internal number (1 s = 1000).
  const sema::ExprInfo* sec = m.info(inl[7].rhs.get());
  REQUIRE(sec);
  CHECK(sec->is_unit_name);
  CHECK(sec->unit_scale == doctest::Approx(1000.0));
  CHECK(sec->type.dim == dim("s"));
}

TEST_CASE("sema: random draws are real even with integer arguments") {
  // random_normal(0, 1) must not be truncated to a whole number (noisy_synapse's weights).
  const std::vector<sema::Type> ints = {sema::Type::integer(), sema::Type::integer()};
  for (const char* name : {"random_normal", "random_uniform"}) {
    CAPTURE(name);
    const auto* b = sema::builtin(name);
    REQUIRE(b);
    CHECK(b->result(ints).is_real());
    // With units, the draw keeps them.
    CHECK(b->result({sema::Type::quantity(dim("mV")), sema::Type::quantity(dim("mV"))}).dim == dim("mV"));
  }
  CHECK(sema::builtin("random_poisson")->result({sema::Type::real()}).kind == sema::Type::Kind::Integer);
}

TEST_CASE("sema: Type::to_string") {
  CHECK(sema::Type::real().to_string() == "real");
  CHECK(sema::Type::integer().to_string() == "integer");
  CHECK(sema::Type::boolean().to_string() == "boolean");
  CHECK(sema::Type::quantity(dim("V")).to_string() == "mV");
  CHECK(sema::Type::quantity(dim("nA")).to_string() == "pA");
}

// ---- rendering ----

TEST_CASE("sema: a rendered diagnostic shows file:line:col, code, source line and caret") {
  auto c = check_text(
      "model m:\n"
      "    parameters:\n"
      "        y mV = 1 mV + 1 ms\n");
  const Diagnostic* d = c->first("E-UNIT-MISMATCH");
  REQUIRE(d);
  std::string r = render(*d);
  INFO(r);
  // First line: location, severity, code and message.
  std::string head = "t.nestml:3:16: error[E-UNIT-MISMATCH]: ";
  CHECK(r.compare(0, head.size(), head) == 0);
  // Then the source line, indented by two, and a caret line under `1 mV + 1 ms`
  // (columns 16..26: 11 carets after 2 + 15 spaces).
  CHECK(r.find("\n          y mV = 1 mV + 1 ms\n") != std::string::npos);
  CHECK(r.find("\n" + std::string(2 + 15, ' ') + std::string(11, '^') + "\n") != std::string::npos);
}

TEST_CASE("sema: render of a hand-made diagnostic, exactly") {
  auto file = make_source("dir/x.nestml", "line one\n  bad thing here\n");
  Diagnostic d;
  d.code = "E-TEST";
  d.file = file;
  d.span = {2, 3, 2, 5};  // "bad"
  d.message = "something is wrong";
  d.hint = "fix it";
  CHECK(render(d) ==
        "dir/x.nestml:2:3: error[E-TEST]: something is wrong\n"
        "    bad thing here\n"
        "    ^^^\n"
        "  hint: fix it\n");
  // Without a file: "<input>" and no source line.
  Diagnostic w;
  w.severity = Severity::Warning;
  w.code = "W-X";
  w.message = "careful";
  CHECK(render(w) == "<input>: warning[W-X]: careful\n");
}
// Regression (fixed: functionCall now comes first in smallStatement): `declaration` was tried before
// `functionCall`, so a call statement with one plain name as its argument, `f(x)`, parses as
// the declaration of a variable `f` of unit type `(x)`. `emit_spike(w)` then fails with
// E-UNKNOWN-UNIT ('w' is not a unit), and `integrate_odes(V)` or `emit_spike(ms)` (argument
// that is also a unit name) silently become local declarations: nothing is integrated or
// emitted (the first case is then reported as E-INTEGRATE-ODES-MISSING).
TEST_CASE("sema: a call statement with one name argument is a call") {
  auto c = check_text(
      "model m_synapse:\n"
      "    state:\n"
      "        w real = 1\n"
      "        V mV = 0 mV\n"
      "    equations:\n"
      "        V' = -V / ms\n"
      "    input:\n"
      "        pre <- spike\n"
      "    output:\n"
      "        spike\n"
      "    onReceive(pre):\n"
      "        emit_spike(w)\n"
      "    update:\n"
      "        integrate_odes(V)\n");
  INFO(render(c->diags));
  CHECK(c->errors().empty());
  const auto& m = c->unit->models[0];
  REQUIRE(m.update);
  CHECK(m.update->at(0)->kind == ast::Stmt::Kind::Call);
  CHECK(m.on_receive.at(0).body.at(0)->kind == ast::Stmt::Kind::Call);
}

// Found by fuzz_pipeline: `priority=1e308` was reported, then converted to long anyway
// (undefined behaviour); huge integer literals likewise.
TEST_CASE("sema: E-PRIORITY for a priority that is not a small integer literal") {
  const std::string model =
      "model m:\n"
      "    state:\n"
      "        x real = 0\n"
      "    input:\n"
      "        a <- spike\n"
      "        b <- spike\n"
      "    onReceive(a, priority=2):\n"
      "        x += 1\n"
      "    onReceive(b, priority=PRIO):\n"
      "        x += 2\n";
  auto with = [&](const std::string& prio) {
    std::string text = model;
    text.replace(text.find("PRIO"), 4, prio);
    return text;
  };
  expect_single_error(with("1e308"), "E-PRIORITY", 9, 27);
  expect_single_error(with("100000000000000000000"), "E-PRIORITY", 9, 27);
  auto c = check_text(with("100000000000000000000"));
  CHECK(c->first("E-PRIORITY")->message == "priority 1e+20 is out of range (at most 1e+09 in magnitude)");
  CHECK(check_text(with("3"))->errors().empty());
}

// Found by fuzz_pipeline: `ns**-(1/0)` made an infinite exponent, which reached the unit's
// name (UB converting inf to an integer).
TEST_CASE("sema: E-UNIT-EXPONENT for an infinite or huge unit exponent") {
  expect_single_error(
      "model m:\n"
      "    parameters:\n"
      "        foo ns**-(1/0) = 1\n",
      "E-UNIT-EXPONENT", 3, 17);
  expect_single_error(
      "model m:\n"
      "    parameters:\n"
      "        foo real = (2 ms)**1e308\n",
      "E-UNIT-EXPONENT", 3, 28);
  auto c = check_text("model m:\n    parameters:\n        foo ns**(1/0) = 1\n");
  REQUIRE(c->first("E-UNIT-EXPONENT"));
  CHECK(c->first("E-UNIT-EXPONENT")->message ==
        "a unit exponent must be a finite number of at most 1000 in magnitude, not inf");
}

// A recursive function would overflow the host's stack in compiled code; cycles through
// several functions are found too, and calling another function is fine.
TEST_CASE("sema: E-FUNCTION-RECURSIVE names the cycle at the call that closes it") {
  expect_single_error(
      "model m:\n"
      "    state:\n"
      "        x real = 0\n"
      "    function f(n real) real:\n"
      "        return f(n + 1)\n"
      "    update:\n"
      "        x = f(x)\n",
      "E-FUNCTION-RECURSIVE", 5, 16);
  auto c = check_text(
      "model m:\n"
      "    state:\n"
      "        x real = 0\n"
      "    function f(n real) real:\n"
      "        return g(n) + h(n)\n"
      "    function g(n real) real:\n"
      "        if n > 0:\n"
      "            return f(n - 1)\n"
      "        return 0\n"
      "    function h(n real) real:\n"
      "        return n\n"
      "    update:\n"
      "        x = f(x)\n");
  REQUIRE(c->errors().size() == 1);
  CHECK(c->errors()[0]->message == "function 'f' is recursive (f -> g -> f)");
  CHECK(c->errors()[0]->span.line == 8);
}

// Found by fuzz_pipeline: a port of size 1e308 was converted to long (UB); sizes that could
// never be allocated are refused with their limit.
TEST_CASE("sema: E-PORT-SIZE and E-VECTOR-SIZE for sizes too large to allocate") {
  expect_single_error(
      "model m:\n"
      "    input:\n"
      "        foo[1e308] <- spike\n",
      "E-PORT-SIZE", 3, 13);
  auto c = check_text("model m:\n    input:\n        foo[5000] <- spike\n");
  REQUIRE(c->first("E-PORT-SIZE"));
  CHECK(c->first("E-PORT-SIZE")->message ==
        "input port 'foo' has size 5000; at most 4096 receptors are supported");
  auto v = check_text("model m:\n    state:\n        x[100000000] real = 0\n");
  REQUIRE(v->first("E-VECTOR-SIZE"));
  CHECK(v->first("E-VECTOR-SIZE")->message ==
        "vector 'x' has size 1e+08; a vector may have at most 16777216 elements");
}

TEST_CASE("sema: x[i]' = f(i) checks f with i an integer local; E-ODE-INDEX on misuse") {
  auto ok = check_text(
      "model m:\n"
      "    state:\n"
      "        x[3] real = 1\n"
      "    equations:\n"
      "        x[i]' = -x[i] * i / ms\n"
      "    update:\n"
      "        integrate_odes()\n");
  INFO(render(ok->diags));
  CHECK(ok->errors().empty());
  const ast::OdeEquation& ode = ok->unit->models.at(0).odes.at(0);
  const sema::ExprInfo* info = ok->models.at(0)->info(ode.index.get());
  REQUIRE(info);
  REQUIRE(info->symbol);
  CHECK(info->symbol->kind == sema::SymbolKind::Local);
  CHECK(info->type.kind == sema::Type::Kind::Integer);
  expect_single_error(
      "model m:\n    state:\n        x[3] real = 1\n    equations:\n        x' = -x[0] / ms\n"
      "    update:\n        integrate_odes()\n",
      "E-ODE-INDEX", 5, 9);
  expect_single_error(
      "model m:\n    state:\n        x real = 1\n    equations:\n        x[i]' = -x / ms\n"
      "    update:\n        integrate_odes()\n",
      "E-ODE-INDEX", 5, 11);
  expect_single_error(
      "model m:\n    parameters:\n        r real = 1.5\n    state:\n        x[3] real = 1\n"
      "    equations:\n        x[r]' = -x[0] / ms\n    update:\n        integrate_odes()\n",
      "E-ODE-INDEX", 7, 11);
}

TEST_CASE("builtins: the name of every predefined function leads back to it") {
  for (const char* name : {"exp", "ln", "log10", "expm1", "sin", "cos", "tan", "sinh", "cosh",
                           "tanh", "erf", "erfc", "ceil", "floor", "round", "abs", "min", "max",
                           "clip", "pow", "random_normal", "random_uniform", "random_poisson",
                           "delta", "resolution", "timestep", "steps", "print", "println", "info",
                           "warning"}) {
    CAPTURE(name);
    const nestjit::sema::BuiltinFunction* b = nestjit::sema::builtin(name);
    REQUIRE(b != nullptr);
    CHECK(std::string(nestjit::sema::builtin_name(b->id)) == name);
  }
  CHECK(nestjit::sema::builtin("convolve") == nullptr);
}
