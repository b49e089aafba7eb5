// Precedence and associativity of every row of LANGUAGE.md 4.1, checked by printing the
// parsed expression fully parenthesised ("[...]" marks parentheses the source contains).
#include <doctest/doctest.h>

#include "ast_print.h"

using nestjit::test::parse_and_print_expr;

namespace {

struct Row {
  const char* source;
  const char* expected;
};

void check_rows(std::initializer_list<Row> rows) {
  for (const Row& r : rows) {
    INFO("source: " << r.source);
    CHECK(parse_and_print_expr(r.source) == r.expected);
  }
}

}  // namespace

TEST_CASE("4.1 row 1: parentheses override precedence") {
  check_rows({
      {"(a + b) * c", "([(a + b)] * c)"},
      {"-(2 ** 2)", "(-[(2 ** 2)])"},
      {"((a))", "[[a]]"},
      {"(a ? b : c) ? d : e", "([(a ? b : c)] ? d : e)"},
  });
}

TEST_CASE("4.1 row 2: simple expressions are atomic") {
  check_rows({
      {"10 mV", "(10 mV)"},
      {"10mV", "(10 mV)"},
      {"2.5 ms", "(2.5 ms)"},
      {"1E-9 ms", "(1e-09 ms)"},
      {"2 tau", "(2 tau)"},
      {"2 x'", "(2 x')"},
      {"3 v[i]", "(3 v[i])"},
      {"-90.mV", "(-(90 mV))"},
      {"x''", "x''"},
      {"v[i + 1]", "v[(i + 1)]"},
      {"f(a, b)", "f(a, b)"},
      {"f()", "f()"},
      {"V_m(t - d)", "V_m((t - d))"},
      {"inf", "inf"},
      {"-inf * mV", "((-inf) * mV)"},
      {"\"text\"", "\"text\""},
      {"true", "true"},
      {"True", "true"},
      {"false", "false"},
      {"False", "false"},
      {".5", "0.5"},
      {"1.", "1"},
      {"1.5e+2", "150"},
      {"g_ex$", "g_ex$"},
      {"spikes.weight", "spikes.weight"},
  });
}

TEST_CASE("4.1 row 3: ** is right associative and binds tighter than unary minus") {
  check_rows({
      {"2**3**2", "(2 ** (3 ** 2))"},
      {"-2**2", "(-(2 ** 2))"},
      {"2 ms**2", "((2 ms) ** 2)"},
      {"42 ns**0.5", "((42 ns) ** 0.5)"},
      {"2**-1", "(2 ** (-1))"},
      {"a**b*c", "((a ** b) * c)"},
      {"a*b**c", "(a * (b ** c))"},
  });
}

TEST_CASE("4.1 row 4: unary + - ~ apply to a power-level operand") {
  check_rows({
      {"-a*b", "((-a) * b)"},
      {"+a - b", "((+a) - b)"},
      {"~a + b", "((~a) + b)"},
      {"- -a", "(-(-a))"},
      {"a * -b", "(a * (-b))"},
  });
}

TEST_CASE("4.1 row 5: * / % are left associative") {
  check_rows({
      {"a * b / c % d", "(((a * b) / c) % d)"},
      {"a / b * c", "((a / b) * c)"},
      {"a % b * c", "((a % b) * c)"},
  });
}

TEST_CASE("4.1 row 6: + - are left associative and looser than * /") {
  check_rows({
      {"a - b + c", "((a - b) + c)"},
      {"a + b * c", "(a + (b * c))"},
      {"a - b - c", "((a - b) - c)"},
  });
}

TEST_CASE("4.1 row 7: all bit operators share one level, left associative") {
  check_rows({
      {"a & b == c", "((a & b) == c)"},
      {"a + b << 2", "((a + b) << 2)"},
      {"a | b ^ c & d", "(((a | b) ^ c) & d)"},
      {"a << b >> c", "((a << b) >> c)"},
      {"a & b | c", "((a & b) | c)"},
  });
}

TEST_CASE("4.1 row 8: comparisons are left associative") {
  check_rows({
      {"a < b == c", "((a < b) == c)"},
      {"a <> b", "(a != b)"},
      {"a != b", "(a != b)"},
      {"a <= b >= c", "((a <= b) >= c)"},
      {"a > b + 1", "(a > (b + 1))"},
  });
}

TEST_CASE("4.1 row 9: not is looser than comparisons and tighter than and/or") {
  check_rows({
      {"not a < b", "(not (a < b))"},
      {"not a and b", "((not a) and b)"},
      {"a and not b", "(a and (not b))"},
      {"not not a", "(not (not a))"},
  });
}

TEST_CASE("4.1 row 10: and/or share one level, left associative") {
  check_rows({
      {"a or b and c", "((a or b) and c)"},
      {"a and b or c", "((a and b) or c)"},
      {"a < b and c > d", "((a < b) and (c > d))"},
  });
}

TEST_CASE("4.1 row 11: the ternary is lowest and left associative") {
  check_rows({
      {"a ? b : c ? d : e", "((a ? b : c) ? d : e)"},
      {"a or b ? c : d", "((a or b) ? c : d)"},
      {"c ? x + 1 : y * 2", "(c ? (x + 1) : (y * 2))"},
      {"c ? a ? b : d : e", "(c ? (a ? b : d) : e)"},
  });
}
