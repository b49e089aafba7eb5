// Syntax errors: E-SYNTAX diagnostics with the right position, a message naming the
// offending token and what was expected, and a hint for the common mistakes. Also checks
// that no input (garbage, binary, empty, absurdly nested) crashes the parser.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <random>
#include <set>

#include "ast_print.h"
#include "support/text_check.h"
#include "syntax/parser.h"

using namespace nestjit;
using nestjit::test::parse_text;

namespace {

struct Result {
  bool ok;
  DiagnosticList diags;
};

Result parse(const std::string& text) {
  Result r;
  r.ok = parse_text(text, r.diags).has_value();
  return r;
}

// "line:col: message" of the first diagnostic.
std::string first(const Result& r) {
  if (r.diags.empty()) return "<no diagnostic>";
  const Diagnostic& d = r.diags.items()[0];
  return fmt::format("{}:{}: {}", d.span.line, d.span.column, d.message);
}

}  // namespace

TEST_CASE("errors: missing ':' after a block header") {
  Result r = parse("model m:\n    state\n        x real = 1\n");
  CHECK_FALSE(r.ok);
  REQUIRE(r.diags.error_count() >= 1);
  CHECK(r.diags.items()[0].code == "E-SYNTAX");
  CHECK(first(r) == "2:10: expected ':' before end of line");
  CHECK(r.diags.items()[0].hint.find("end with ':'") != std::string::npos);

  // After a comment, the position is still right after the header.
  Result c = parse("model m:\n    update:\n        if x > 0   # test\n            y = 1\n");
  CHECK(first(c) == "3:17: expected ':' before end of line");

  // The rendered form is file:line:col: error[E-SYNTAX]: ... with a caret line.
  const std::string text = render(r.diags.items()[0]);
  CHECK(text.rfind("test.nestml:2:10: error[E-SYNTAX]: expected ':' before end of line\n", 0) == 0);
  CHECK(text.find("    state\n           ^\n") != std::string::npos);
}

TEST_CASE("errors: bad indentation") {
  Result r = parse("model m:\n    state:\n        x real = 1\n      y real = 2\n");
  CHECK_FALSE(r.ok);
  CHECK(first(r) == "4:7: unindent does not match any outer indentation level");

  Result deeper = parse("model m:\n    state:\n        x real = 1\n            y real = 2\n");
  CHECK(first(deeper) == "4:13: unexpected indentation");
  CHECK_FALSE(deeper.diags.items()[0].hint.empty());

  Result missing = parse("model m:\n    update:\n    x = 1\n");
  CHECK(first(missing) == "3:5: expected an indented block, found name 'x'");

  Result first_line = parse("  model m:\n    update:\n        x = 1\n");
  CHECK(first(first_line) == "1:3: unexpected indentation");
}

TEST_CASE("errors: unterminated parenthesis") {
  Result r = parse("model m:\n    update:\n        x = (a + b\n        y = 1\n");
  CHECK_FALSE(r.ok);
  CHECK(first(r) == "3:19: unclosed '(': expected ')' before end of line");
  CHECK(r.diags.items()[0].hint.find("same line") != std::string::npos);

  Result call = parse("model m:\n    update:\n        f(a,\n          b)\n");
  CHECK(first(call) == "3:12: unexpected ',' at the end of the line");
}

TEST_CASE("errors: unexpected tokens name the token and what was expected") {
  Result r = parse("model m:\n    update:\n        x = 1 ! 2\n");
  CHECK(first(r) == "3:15: unexpected character '!'");
  CHECK(r.diags.items()[0].hint.find("'not'") != std::string::npos);

  Result kw = parse("model m:\n    state:\n        if real = 1\n");
  CHECK(first(kw).rfind("3:9: unexpected keyword 'if'; expected ", 0) == 0);

  Result eq = parse("model m:\n    update:\n        x = \n");
  CHECK(first(eq) == "3:12: unexpected end of line; expected an expression");

  Result blk = parse("model m:\n    foo:\n        x = 1\n");
  CHECK(first(blk).rfind("2:5: unexpected name 'foo'; expected ", 0) == 0);
  CHECK(first(blk).find("'state'") != std::string::npos);

  Result str = parse("model m:\n    update:\n        print(\"abc)\n");
  CHECK(first(str) == "3:15: unexpected character '\"'");

  // Parse-level rejection of the main dialect: continuous output takes no attributes.
  Result out = parse("model m:\n    output:\n        continuous(foo real)\n");
  CHECK(first(out).rfind("3:19: unexpected '('", 0) == 0);

  Result none = parse("# only a comment\n");
  CHECK(first(none) == "1:1: no model definition found");
}

TEST_CASE("errors: only the first parser error is reported, with hints for common slips") {
  std::string text = "model m:\n    update:\n";
  for (int i = 0; i < 50; ++i) text += "        x = = 1 = = 2\n";
  Result r = parse(text);
  CHECK_FALSE(r.ok);
  CHECK(r.diags.error_count() == 1);
  CHECK(first(r) == "3:13: unexpected '='; expected an expression");

  // A broken statement must not produce "unexpected 'update'" echoes further down.
  Result echo = parse("model m:\n    update:\n        for i in 1...5 step 1:\n            y = 3\n"
                      "        x = 1\n    update:\n        x = 2\n");
  CHECK(echo.diags.error_count() == 1);
  CHECK(first(echo) == "3:20: unexpected '.'; expected '...'");
  CHECK(echo.diags.items()[0].hint.find("blanks around '...'") != std::string::npos);

  Result one_line = parse("model m:\n    update:\n        if x: y = 1\n");
  CHECK(first(one_line) == "3:15: unexpected name 'y'; expected end of line");
  CHECK(one_line.diags.items()[0].hint.find("no single-line blocks") != std::string::npos);

  Result step = parse("model m:\n    update:\n        for i in 1 ... 5:\n            y = 2\n");
  CHECK(first(step) == "3:25: unexpected ':'; expected 'step'");
  CHECK(step.diags.items()[0].hint.find("mandatory") != std::string::npos);

  Result cont = parse("model m:\n    update:\n        x = 1 +\n            2\n");
  CHECK(first(cont) == "3:16: unexpected end of line; expected an expression");
  CHECK(cont.diags.items()[0].hint.find("'\\'") != std::string::npos);

  // Layout errors are all reported (one per line), each with the same hint.
  Result layout = parse("model m:\n    state:\n        x real\n      y real\n    update:\n"
                        "        if c:\n            f()\n          g()\n");
  CHECK(layout.diags.error_count() == 2);
  CHECK(layout.diags.items()[1].span.line == 8);
}

TEST_CASE("errors: garbage, binary, empty and absurdly nested input never crash") {
  CHECK_FALSE(parse("").ok);
  CHECK_FALSE(parse("\n\n   \n").ok);
  CHECK_FALSE(parse("model").ok);
  CHECK_FALSE(parse("model m:").ok);
  CHECK_FALSE(parse(")))(((:::\n\t\t  \x01\x02\xff\xfe").ok);

  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    std::string bytes;
    for (int i = 0; i < 400; ++i) bytes += static_cast<char>(rng() & 0xFF);
    Result r = parse(bytes);
    CHECK_FALSE(r.ok);
    CHECK(r.diags.error_count() >= 1);
  }
  // Random token soup from the language's own vocabulary.
  const char* words[] = {"model", "m", ":", "\n", "    ", "state", "(", ")", "x", "=", "1",
                         "mV", "if", "else", "+", "**", "kernel", ",\n", "[[", "]", "\\\n"};
  for (int round = 0; round < 200; ++round) {
    std::string soup;
    for (int i = 0; i < 60; ++i) soup += std::string(words[rng() % std::size(words)]) + " ";
    (void)parse(soup);
  }

  std::string deep = "model m:\n    update:\n        x = " + std::string(100000, '(') + "1" +
                     std::string(100000, ')') + "\n";
  Result d = parse(deep);
  CHECK_FALSE(d.ok);
  CHECK(first(d).find("nested more than") != std::string::npos);

  // Unary runs and '**' chains nest the parse like parentheses: 100 are fine, more are
  // refused (2000 of them overflowed a 2 MB thread stack in the parser).
  auto minus = [](int n) {
    std::string s = "model m:\n    update:\n        x = ";
    for (int i = 0; i < n; ++i) s += "- ";
    return s + "1\n";
  };
  CHECK(parse(minus(100)).ok);
  Result m = parse(minus(1990));
  CHECK_FALSE(m.ok);
  CHECK(first(m) == "3:213: expression nested more than 100 levels deep (unary operators in a row)");
  auto pow = [](int n) {
    std::string s = "model m:\n    update:\n        x = 2";
    for (int i = 0; i < n; ++i) s += "**2";
    return s + "\n";
  };
  CHECK(parse(pow(100)).ok);
  Result pw = parse(pow(995));
  CHECK_FALSE(pw.ok);
  CHECK(first(pw).find("nested more than 100 levels deep ('**' in a row)") != std::string::npos);

  std::string long_line = "model m:\n    update:\n        x = 1";
  for (int i = 0; i < 5000; ++i) long_line += " + 1";
  Result l = parse(long_line + "\n");
  CHECK_FALSE(l.ok);
  CHECK(first(l).find("longer than") != std::string::npos);

  std::string blocks = "model m:\n    update:\n";
  for (int i = 0; i < 300; ++i) blocks += std::string(8 + 4 * i, ' ') + "if c:\n";
  Result b = parse(blocks);
  CHECK_FALSE(b.ok);
}

TEST_CASE("errors: input that is not UTF-8 model text gets one located E-NOT-TEXT error") {
  // A NUL byte: binary file.
  Result bin = parse(std::string("model m:\n    st\0ate:\n", 21));
  REQUIRE(bin.diags.error_count() == 1);
  CHECK(bin.diags.items()[0].code == "E-NOT-TEXT");
  CHECK(first(bin) == "2:7: this is not a text file (it contains a NUL byte)");

  // Latin-1 in a comment is not UTF-8: located at the offending byte, with a hint.
  Result latin = parse("model m:\n    parameters:\n        x real = 1 # caf\xe9\n");
  REQUIRE(latin.diags.error_count() == 1);
  CHECK(first(latin) == "3:25: byte 0xE9 is not valid UTF-8");
  CHECK(latin.diags.items()[0].hint.find("UTF-8") != std::string::npos);

  // Overlong encodings and UTF-16 surrogates are invalid too; real UTF-8 is accepted.
  CHECK(first(parse("model m:\n    # \xc0\xaf\n")) == "2:7: byte 0xC0 is not valid UTF-8");
  CHECK(first(parse("model m:\n    # \xed\xa0\x80\n")) == "2:7: byte 0xED is not valid UTF-8");
  Result utf8 = parse("model m:\n    parameters:\n        x real = 1 # \xc2\xb5m, caf\xc3\xa9, \xf0\x9f\xa7\xa0\n");
  CHECK(utf8.ok);

  // Too large to be a model: refused before lexing, without a source line.
  Result big = parse(std::string(kMaxSourceBytes + 1, ' '));
  REQUIRE(big.diags.error_count() == 1);
  CHECK(big.diags.items()[0].code == "E-NOT-TEXT");
  CHECK(big.diags.items()[0].message.find("at most 16 MiB") != std::string::npos);
}

TEST_CASE("errors: read_source_file refuses directories, devices and huge files up front") {
  std::string error;
  CHECK(read_source_file("/tmp", error) == nullptr);
  CHECK(error == "'/tmp' is a directory, not a model file");
  CHECK(read_source_file("/dev/zero", error) == nullptr);  // would never end reading
  CHECK(error == "'/dev/zero' is not a regular file");
  CHECK(read_source_file("/nonexistent/model.nestml", error) == nullptr);
  CHECK(error.find("cannot open '/nonexistent/model.nestml'") == 0);
}

TEST_CASE("errors: control characters of a source line are not echoed to the terminal") {
  Result r = parse("model m:\n    \x1b[2Jstate:\n");
  REQUIRE_FALSE(r.diags.empty());
  std::string text = render(r.diags);
  CHECK(text.find('\x1b') == std::string::npos);
}
