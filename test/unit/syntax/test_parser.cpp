// AST shape and source spans produced by the syntax stage, for every construct of
// LANGUAGE.md sections 2-8 in both dialects, plus the seed models.
#include <doctest/doctest.h>

#include "ast_print.h"
#include "support/source.h"
#include "syntax/parser.h"
#include "test_support.h"

using namespace nestjit;
using nestjit::test::parse_text;
using nestjit::test::print_expr;
using nestjit::test::print_type;

namespace {

ast::CompilationUnit must_parse(const std::string& text) {
  DiagnosticList diags;
  auto unit = parse_text(text, diags);
  INFO(render(diags));
  REQUIRE(unit.has_value());
  REQUIRE(diags.empty());
  return std::move(*unit);
}

std::string span_str(const SourceSpan& s) {
  return std::to_string(s.line) + ":" + std::to_string(s.column) + "-" + std::to_string(s.end_line) +
         ":" + std::to_string(s.end_column);
}

}  // namespace

TEST_CASE("parser: declarations with several names, vectors, guards and decorators") {
  auto unit = must_parse(
      "model m:\n"
      "    parameters:\n"
      "        a, b, c real = -0.42\n"
      "        w real = 1 [[w >= 0]]  @homogeneous\n"
      "        n integer = 3 @heterogeneous @mechanism::channel\n"
      "        recordable inline r mV = 2 * a\n"
      "    state:\n"
      "        x[n] real = 0\n"
      "        g_ex' nS/ms = 0 nS/ms\n");
  const ast::Model& m = unit.models.at(0);
  CHECK(m.name == "m");
  REQUIRE(m.parameters.size() == 4);
  CHECK(m.parameters[0].names == std::vector<std::string>{"a", "b", "c"});
  CHECK(span_str(m.parameters[0].name_spans[1]) == "3:12-3:12");
  CHECK(print_expr(*m.parameters[0].init) == "(-0.42)");
  CHECK(print_expr(*m.parameters[1].guard) == "(w >= 0)");
  CHECK(m.parameters[1].decorators == std::vector<std::string>{"homogeneous"});
  CHECK(m.parameters[2].decorators == std::vector<std::string>{"heterogeneous", "mechanism::channel"});
  CHECK(m.parameters[2].type.kind == ast::TypeExpr::Kind::Integer);
  CHECK(m.parameters[3].is_recordable);
  CHECK(m.parameters[3].is_inline);
  REQUIRE(m.state.size() == 2);
  CHECK(print_expr(*m.state[0].vector_size) == "n");
  CHECK(m.state[1].names == std::vector<std::string>{"g_ex'"});
  CHECK(print_type(m.state[1].type) == "(nS / ms)");
  CHECK(print_expr(*m.state[1].init) == "((0 nS) / ms)");
  CHECK(m.blocks.size() == 2);
  CHECK(m.blocks[0].kind == ast::BlockKind::Parameters);
  CHECK(span_str(m.blocks[0].span) == "2:5-2:15");
  CHECK(m.blocks[1].kind == ast::BlockKind::State);
}

TEST_CASE("parser: unit types") {
  auto unit = must_parse(
      "model m:\n"
      "    parameters:\n"
      "        a mV = 1 mV\n"
      "        b mV/ms = 1 mV/ms\n"
      "        c 1/s = 1 / s\n"
      "        d ms**-1 = 1 / ms\n"
      "        e2 (ms*mV)**-1 = 1\n"
      "        f ns**0.5 = 1\n"
      "        g ns**-(1/2) = 1\n"
      "        h pA*GOhm = 1\n"
      "        i ns**-.5 = 1\n"
      "        j 1/(ms*mV) = 1\n"
      "        k 1/ms**2 = 1\n"
      "        l boolean = true\n"
      "        s string = \"x\"\n");
  const auto& p = unit.models.at(0).parameters;
  const char* expected[] = {"mV",           "(mV / ms)",         "(1 / s)",
                            "(ms ** (-1))", "([(ms * mV)] ** (-1))", "(ns ** 0.5)",
                            "(ns ** (-[(1 / 2)]))", "(pA * GOhm)", "(ns ** (-0.5))",
                            "(1 / [(ms * mV)])", "(1 / (ms ** 2))", "boolean", "string"};
  REQUIRE(p.size() == std::size(expected));
  for (size_t i = 0; i < p.size(); ++i) {
    INFO("declaration " << p[i].names[0]);
    CHECK(print_type(p[i].type) == expected[i]);
  }
  CHECK(span_str(p[1].type.span) == "4:11-4:15");
}

TEST_CASE("parser: equations block: inline, ODEs, all three kernel forms, trailing ';'") {
  auto unit = must_parse(
      "model m:\n"
      "    equations:\n"
      "        recordable inline I_syn pA = convolve(K, spikes) * pA;\n"
      "        kernel K = exp(-t / tau)\n"
      "        kernel D = delta(t)\n"
      "        kernel g' = g$ - g / tau_r,\n"
      "               g$' = -g$ / tau_d;\n"
      "        V_m' = -V_m / tau + bar(t - delay) / ms;\n"
      "        x'' = -x / ms**2\n");
  const ast::Model& m = unit.models.at(0);
  REQUIRE(m.inlines.size() == 1);
  CHECK(m.inlines[0].name == "I_syn");
  CHECK(m.inlines[0].is_recordable);
  CHECK(span_str(m.inlines[0].name_span) == "3:27-3:31");
  CHECK(print_expr(*m.inlines[0].rhs) == "(convolve(K, spikes) * pA)");
  REQUIRE(m.kernels.size() == 3);
  CHECK(m.kernels[0].parts.at(0).name == "K");
  CHECK(m.kernels[0].parts.at(0).order == 0);
  CHECK(print_expr(*m.kernels[1].parts.at(0).rhs) == "delta(t)");
  REQUIRE(m.kernels[2].parts.size() == 2);
  CHECK(m.kernels[2].parts[1].name == "g$");
  CHECK(m.kernels[2].parts[1].order == 1);
  CHECK(span_str(m.kernels[2].parts[1].lhs_span) == "7:16-7:18");
  CHECK(span_str(m.kernels[2].span) == "6:9-7:33");
  REQUIRE(m.odes.size() == 2);
  CHECK(m.odes[0].name == "V_m");
  CHECK(m.odes[0].order == 1);
  // A delayed variable is a call whose argument is the time expression.
  CHECK(print_expr(*m.odes[0].rhs) == "(((-V_m) / tau) + (bar((t - delay)) / ms))");
  CHECK(m.odes[1].order == 2);
  CHECK(span_str(m.odes[1].span) == "9:9-9:24");
}

TEST_CASE("parser: input and output ports (main dialect)") {
  auto unit = must_parse(
      "model m:\n"
      "    input:\n"
      "        spikes <- spike\n"
      "        ex <- excitatory spike\n"
      "        both <- inhibitory excitatory inhibitory spike\n"
      "        vec[N] <- spike\n"
      "        I_stim pA <- continuous\n"
      "        I_vec[2] pA <- continuous\n"
      "    output:\n"
      "        spike\n");
  const ast::Model& m = unit.models.at(0);
  REQUIRE(m.inputs.size() == 6);
  CHECK(m.inputs[0].kind == ast::InputPort::Kind::Spike);
  CHECK_FALSE(m.inputs[0].type.has_value());
  CHECK(m.inputs[1].excitatory);
  CHECK_FALSE(m.inputs[1].inhibitory);
  CHECK(m.inputs[2].inhibitory_count == 2);
  CHECK(m.inputs[2].excitatory_count == 1);
  CHECK(print_expr(*m.inputs[3].vector_size) == "N");
  CHECK(m.inputs[4].kind == ast::InputPort::Kind::Continuous);
  CHECK(print_type(*m.inputs[4].type) == "pA");
  CHECK(span_str(m.inputs[4].span) == "7:9-7:31");
  CHECK(print_expr(*m.inputs[5].vector_size) == "2");
  REQUIRE(m.outputs.size() == 1);
  CHECK(m.outputs[0].kind == ast::OutputPort::Kind::Spike);
  CHECK(m.outputs[0].attributes.empty());
}

TEST_CASE("parser: seed dialect spike-event attributes") {
  auto unit = must_parse(
      "model s:\n"
      "    input:\n"
      "        spikes <- spike(weight real, delay ms)\n"
      "    output:\n"
      "        spike(weight real, delay ms)\n"
      "    onReceive(spikes):\n"
      "        w += spikes.weight\n"
      "        emit_spike(w, d)\n");
  const ast::Model& m = unit.models.at(0);
  REQUIRE(m.inputs.at(0).attributes.size() == 2);
  CHECK(m.inputs[0].attributes[1].name == "delay");
  CHECK(print_type(m.inputs[0].attributes[1].type) == "ms");
  REQUIRE(m.outputs.at(0).attributes.size() == 2);
  CHECK(m.outputs[0].attributes[0].name == "weight");
  CHECK(span_str(m.outputs[0].span) == "5:9-5:36");
  const auto& body = m.on_receive.at(0).body;
  CHECK(print_expr(*body.at(0)->value) == "spikes.weight");
  CHECK(print_expr(*body.at(1)->value) == "emit_spike(w, d)");
}

TEST_CASE("parser: handlers, functions and statements") {
  auto unit = must_parse(
      "model m:\n"
      "    onReceive(pre, priority=2):\n"
      "        w -= 1\n"
      "    onReceive(vec[1]):\n"
      "        w *= 2\n"
      "    onCondition(V_m >= V_th, priority=-1):\n"
      "        V_m = E_L\n"
      "    function f(a mV, b real) mV:\n"
      "        c real = a / mV\n"
      "        if c > 0:\n"
      "            return a\n"
      "        elif c < 0:\n"
      "            return -a\n"
      "        else:\n"
      "            return 0 mV\n"
      "    function g():\n"
      "        return\n"
      "    update:\n"
      "        for i in 0 ... n step -1:\n"
      "            x[i] /= 2\n"
      "        while j < 3.14 and j > 0 or False == true:\n"
      "            j += 0.5\n"
      "        integrate_odes()\n");
  const ast::Model& m = unit.models.at(0);
  REQUIRE(m.on_receive.size() == 2);
  CHECK(m.on_receive[0].port == "pre");
  CHECK(span_str(m.on_receive[0].port_span) == "2:15-2:17");
  REQUIRE(m.on_receive[0].args.size() == 1);
  CHECK(m.on_receive[0].args[0].name == "priority");
  CHECK(print_expr(*m.on_receive[0].args[0].value) == "2");
  CHECK(span_str(m.on_receive[0].args[0].span) == "2:20-2:29");
  CHECK(span_str(m.on_receive[0].span) == "2:5-3:14");
  CHECK(m.on_receive[0].body.at(0)->assign_op == "-=");
  CHECK(print_expr(*m.on_receive[1].port_index) == "1");
  REQUIRE(m.on_condition.size() == 1);
  CHECK(print_expr(*m.on_condition[0].condition) == "(V_m >= V_th)");
  CHECK(print_expr(*m.on_condition[0].args.at(0).value) == "(-1)");

  REQUIRE(m.functions.size() == 2);
  const ast::Function& f = m.functions[0];
  CHECK(f.name == "f");
  REQUIRE(f.params.size() == 2);
  CHECK(f.params[0].name == "a");
  CHECK(print_type(f.params[0].type) == "mV");
  REQUIRE(f.return_type.has_value());
  CHECK(print_type(*f.return_type) == "mV");
  REQUIRE(f.body.size() == 2);
  CHECK(f.body[0]->kind == ast::Stmt::Kind::Declaration);
  const ast::Stmt& ifs = *f.body[1];
  CHECK(ifs.kind == ast::Stmt::Kind::If);
  REQUIRE(ifs.branches.size() == 3);
  CHECK(print_expr(*ifs.branches[1].condition) == "(c < 0)");
  CHECK(ifs.branches[2].condition == nullptr);
  CHECK(print_expr(*ifs.branches[2].body.at(0)->value) == "(0 mV)");
  CHECK(span_str(ifs.span) == "10:9-15:23");
  CHECK(span_str(ifs.branches[1].span) == "12:9-13:21");
  CHECK_FALSE(m.functions[1].return_type.has_value());
  CHECK(m.functions[1].body.at(0)->kind == ast::Stmt::Kind::Return);
  CHECK(m.functions[1].body.at(0)->value == nullptr);

  REQUIRE(m.update.has_value());
  const ast::Stmt& loop = *m.update->at(0);
  CHECK(loop.kind == ast::Stmt::Kind::For);
  CHECK(loop.loop_var == "i");
  CHECK(span_str(loop.loop_var_span) == "19:13-19:13");
  CHECK(print_expr(*loop.from) == "0");
  CHECK(print_expr(*loop.to) == "n");
  CHECK(loop.step == -1.0);
  CHECK(print_expr(*loop.body.at(0)->target) == "x[i]");
  CHECK(loop.body.at(0)->assign_op == "/=");
  const ast::Stmt& wh = *m.update->at(1);
  CHECK(wh.kind == ast::Stmt::Kind::While);
  CHECK(print_expr(*wh.value) == "(((j < 3.14) and (j > 0)) or (false == true))");
  CHECK(m.update->at(2)->kind == ast::Stmt::Kind::Call);
  CHECK(span_str(m.update_span) == "18:5-23:24");

  std::vector<ast::BlockKind> kinds;
  for (const auto& b : m.blocks) kinds.push_back(b.kind);
  CHECK(kinds == std::vector<ast::BlockKind>{ast::BlockKind::OnReceive, ast::BlockKind::OnReceive,
                                             ast::BlockKind::OnCondition, ast::BlockKind::Function,
                                             ast::BlockKind::Function, ast::BlockKind::Update});
  CHECK(span_str(m.blocks[2].span) == "6:5-6:42");
}

TEST_CASE("parser: spans of expressions and models") {
  auto unit = must_parse(
      "# docstring\n"
      "model izh:\n"
      "    parameters:\n"
      "        c mV = -50 mV   # reset\n"
      "\n"
      "model second:\n"
      "    update:\n"
      "        x = (a + b) * 2 ms**2\n");
  REQUIRE(unit.models.size() == 2);
  const ast::Model& m = unit.models[0];
  CHECK(span_str(m.span) == "2:1-4:21");
  CHECK(span_str(m.name_span) == "2:7-2:9");
  const ast::Declaration& d = m.parameters.at(0);
  CHECK(span_str(d.span) == "4:9-4:21");
  CHECK(span_str(d.name_spans.at(0)) == "4:9-4:9");
  CHECK(span_str(d.type.span) == "4:11-4:12");
  const ast::Expr& init = *d.init;
  CHECK(init.kind == ast::Expr::Kind::Unary);
  CHECK(span_str(init.span) == "4:16-4:21");
  const ast::Expr& lit = *init.args.at(0);
  CHECK(lit.implicit_mul);
  CHECK(span_str(lit.span) == "4:17-4:21");
  CHECK(span_str(lit.args.at(0)->span) == "4:17-4:18");
  CHECK(span_str(lit.args.at(1)->span) == "4:20-4:21");

  const ast::Stmt& s = *unit.models[1].update->at(0);
  CHECK(span_str(s.span) == "8:9-8:29");
  CHECK(span_str(s.target->span) == "8:9-8:9");
  const ast::Expr& mul = *s.value;
  CHECK(span_str(mul.span) == "8:13-8:29");
  CHECK(mul.args.at(0)->kind == ast::Expr::Kind::Paren);
  CHECK(span_str(mul.args.at(0)->span) == "8:13-8:19");
  CHECK(span_str(mul.args.at(1)->span) == "8:23-8:29");
}

TEST_CASE("parser: string literals are unescaped") {
  auto unit = must_parse(
      "model m:\n"
      "    update:\n"
      "        println(\"a \\\"quoted\\\" \\\\ word\\n\")\n"
      "        print(\"joined \\\n"
      "     line\")\n");
  const auto& u = *unit.models.at(0).update;
  CHECK(u.at(0)->value->args.at(0)->text == "a \"quoted\" \\ word\n");
  // Blanks before the line break are dropped, the next line's indentation is kept.
  CHECK(u.at(1)->value->args.at(0)->text == "joined      line");
}

TEST_CASE("parser: columns count bytes so carets line up with UTF-8 text") {
  auto unit = must_parse("model m:\n    parameters:\n        x real = f(\"\xC2\xB5\") + y\n");
  // The micro sign is two bytes, so `y` is in byte column 28.
  const ast::Expr& init = *unit.models.at(0).parameters.at(0).init;
  CHECK(span_str(init.args.at(1)->span) == "3:28-3:28");
}

TEST_CASE("parser: a UTF-8 byte order mark and CRLF line ends are accepted") {
  auto unit = must_parse("\xEF\xBB\xBFmodel m:\r\n    state:\r\n        x real = 1\r\n");
  CHECK(unit.models.at(0).state.at(0).names.at(0) == "x");
  CHECK(span_str(unit.models.at(0).state.at(0).span) == "3:9-3:18");
}

TEST_CASE("parser: the seed models parse") {
  NESTJIT_REQUIRE_SHARED(izh, "seed/izhikevich_neuron.nestml");
  NESTJIT_REQUIRE_SHARED(stdp, "seed/stdp_synapse.nestml");
  DiagnosticList diags;
  auto a = syntax::parse(make_source(izh, test::read_text(izh)), diags);
  auto b = syntax::parse(make_source(stdp, test::read_text(stdp)), diags);
  INFO(render(diags));
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(diags.empty());

  const ast::Model& n = a->models.at(0);
  CHECK(n.name == "izhikevich_neuron");
  CHECK(n.parameters.size() == 8);
  CHECK(n.state.size() == 2);
  CHECK(n.odes.size() == 2);
  CHECK(n.inputs.size() == 2);
  CHECK(n.on_condition.size() == 1);
  CHECK(print_expr(*n.parameters.at(5).init) == "((-inf) * mV)");

  const ast::Model& s = b->models.at(0);
  CHECK(s.name == "stdp_synapse");
  CHECK(s.kernels.size() == 2);
  CHECK(s.inlines.size() == 2);
  CHECK(s.outputs.at(0).attributes.size() == 2);
  CHECK(s.on_receive.size() == 2);
  CHECK(print_expr(*s.on_receive.at(1).body.at(1)->value) == "emit_spike(w, d)");
}

TEST_CASE("parser: an equation's left-hand side may index a vector (x[i]'), a kernel's may not") {
  auto unit = must_parse(
      "model m:\n"
      "    equations:\n"
      "        x[i]' = -x[i] / ms\n"
      "        y[2]'' = -y[2] / ms**2\n"
      "        z' = -z / ms\n");
  const ast::Model& m = unit.models.at(0);
  REQUIRE(m.odes.size() == 3);
  CHECK(m.odes[0].name == "x");
  CHECK(m.odes[0].order == 1);
  REQUIRE(m.odes[0].index);
  CHECK(print_expr(*m.odes[0].index) == "i");
  CHECK(span_str(m.odes[0].lhs_span) == "3:9-3:13");
  REQUIRE(m.odes[1].index);
  CHECK(print_expr(*m.odes[1].index) == "2");
  CHECK(m.odes[1].order == 2);
  CHECK_FALSE(m.odes[2].index);

  DiagnosticList diags;
  auto bad = syntax::parse(make_source("k.nestml", "model m:\n    equations:\n        kernel k[i] = exp(-t / ms)\n"),
                           diags);
  CHECK(render(diags).find("error[E-SYNTAX]: the left-hand side of a kernel must be a plain name") !=
        std::string::npos);
}
