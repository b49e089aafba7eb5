// The token stream seen by the parser: NEWLINE/INDENT/DEDENT from the off-side rule
// (LANGUAGE.md 1.1), continuation lines, KERNEL_JOINING and the number/name tokens.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/source.h"
#include "syntax/parser.h"

// Show token lists in failure messages.
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& v) {
    std::string out = "{";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + v[i];
    return (out + "}").c_str();
  }
};
}  // namespace doctest

namespace {

using Tokens = std::vector<std::string>;

Tokens lex(const std::string& text) {
  return nestjit::syntax::token_dump(nestjit::make_source("lex.nestml", text));
}

// Only the token names, for layout tests where the texts are noise.
Tokens names(const std::string& text) {
  Tokens out;
  for (const auto& t : lex(text)) out.push_back(t.substr(0, t.find(':')));
  return out;
}

}  // namespace

TEST_CASE("lexer: nested blocks with space indentation") {
  CHECK(lex("model m:\n    state:\n        x real = 1\n") ==
        Tokens{"MODEL_KEYWORD:model", "NAME:m", "COLON::", "NEWLINE:\\n", "INDENT:",
               "STATE_KEYWORD:state", "COLON::", "NEWLINE:\\n", "INDENT:", "NAME:x",
               "REAL_KEYWORD:real", "EQUALS:=", "INTEGER:1", "NEWLINE:\\n", "DEDENT:", "DEDENT:"});
}

TEST_CASE("lexer: tabs advance to the next multiple of 8") {
  // A tab (width 8) and eight spaces are the same level; tab + 4 spaces is deeper (12).
  const Tokens expected{"MODEL_KEYWORD", "NAME", "COLON", "NEWLINE", "INDENT", "STATE_KEYWORD",
                        "COLON", "NEWLINE", "INDENT", "NAME", "REAL_KEYWORD", "NEWLINE",
                        "NAME", "REAL_KEYWORD", "NEWLINE", "DEDENT", "DEDENT"};
  CHECK(names("model m:\n\tstate:\n\t    x real\n            y real\n") == expected);
  CHECK(names("model m:\n    state:\n\tx real\n  \ty real\n") ==
        Tokens{"MODEL_KEYWORD", "NAME", "COLON", "NEWLINE", "INDENT", "STATE_KEYWORD", "COLON",
               "NEWLINE", "INDENT", "NAME", "REAL_KEYWORD", "NEWLINE", "NAME", "REAL_KEYWORD",
               "NEWLINE", "DEDENT", "DEDENT"});
}

TEST_CASE("lexer: blank and comment-only lines do not take part in indentation") {
  const std::string text =
      "# leading comment\n"
      "\n"
      "model m:   # trailing comment\n"
      "\n"
      "  # comment at an odd indentation\n"
      "    state:\n"
      "            \n"
      "# comment in column 1\n"
      "        x real = 1  # trailing\n"
      "\n"
      "\n";
  CHECK(names(text) == Tokens{"MODEL_KEYWORD", "NAME", "COLON", "NEWLINE", "INDENT",
                              "STATE_KEYWORD", "COLON", "NEWLINE", "INDENT", "NAME",
                              "REAL_KEYWORD", "EQUALS", "INTEGER", "NEWLINE", "DEDENT",
                              "DEDENT"});
}

TEST_CASE("lexer: EOF closes every open block, with or without a final line break") {
  const Tokens expected{"MODEL_KEYWORD", "NAME", "COLON", "NEWLINE", "INDENT", "UPDATE_KEYWORD",
                        "COLON", "NEWLINE", "INDENT", "IF_KEYWORD", "NAME", "COLON", "NEWLINE",
                        "INDENT", "NAME", "LEFT_PAREN", "RIGHT_PAREN", "NEWLINE", "DEDENT",
                        "DEDENT", "DEDENT"};
  CHECK(names("model m:\n  update:\n    if c:\n      f()") == expected);
  CHECK(names("model m:\n  update:\n    if c:\n      f()\n") == expected);
  CHECK(names("model m:\n  update:\n    if c:\n      f()\n\n   # end\n") == expected);
  CHECK(lex("model m:\n  update:\n    if c:\n      f()").at(17) == "NEWLINE:");  // synthesized
}

TEST_CASE("lexer: dedent closes several levels at once") {
  CHECK(names("model a:\n  update:\n    if c:\n      f()\nmodel b:\n") ==
        Tokens{"MODEL_KEYWORD", "NAME", "COLON", "NEWLINE", "INDENT", "UPDATE_KEYWORD", "COLON",
               "NEWLINE", "INDENT", "IF_KEYWORD", "NAME", "COLON", "NEWLINE", "INDENT", "NAME",
               "LEFT_PAREN", "RIGHT_PAREN", "NEWLINE", "DEDENT", "DEDENT", "DEDENT",
               "MODEL_KEYWORD", "NAME", "COLON", "NEWLINE"});
}

TEST_CASE("lexer: backslash-newline continues the logical line") {
  CHECK(lex("x = a + \\\n      b\n") ==
        Tokens{"NAME:x", "EQUALS:=", "NAME:a", "PLUS:+", "NAME:b", "NEWLINE:\\n"});
  // The continuation line's indentation is irrelevant, even when it is smaller.
  CHECK(names("model m:\n    update:\n        x = a + \\\n  b\n") ==
        Tokens{"MODEL_KEYWORD", "NAME", "COLON", "NEWLINE", "INDENT", "UPDATE_KEYWORD", "COLON",
               "NEWLINE", "INDENT", "NAME", "EQUALS", "NAME", "PLUS", "NAME", "NEWLINE",
               "DEDENT", "DEDENT"});
}

TEST_CASE("lexer: comma + line break joins kernel parts") {
  CHECK(names("kernel g' = h - g,\n       h' = -h\n") ==
        Tokens{"KERNEL_KEYWORD", "NAME", "DIFFERENTIAL_ORDER", "EQUALS", "NAME", "MINUS", "NAME",
               "KERNEL_JOINING", "NAME", "DIFFERENTIAL_ORDER", "EQUALS", "MINUS", "NAME",
               "NEWLINE"});
}

TEST_CASE("lexer: an indented first line yields INDENT") {
  CHECK(names("  model m:\n") == Tokens{"INDENT", "MODEL_KEYWORD", "NAME", "COLON", "NEWLINE", "DEDENT"});
}

TEST_CASE("lexer: numbers, names, keywords and operators") {
  CHECK(lex("10mV 1.5E-3 .5 1. 1e3 g_ex$ e inf") ==
        Tokens{"INTEGER:10", "NAME:mV", "FLOAT:1.5E-3", "FLOAT:.5", "FLOAT:1.", "FLOAT:1e3",
               "NAME:g_ex$", "NAME:e", "INF_KEYWORD:inf", "NEWLINE:"});
  CHECK(lex("a ** b <> c <- d <= e ... [[ ]] :: @homogeneous @ns::x homogeneous") ==
        Tokens{"NAME:a", "STAR_STAR:**", "NAME:b", "LESS_GREATER:<>", "NAME:c",
               "LEFT_ARROW:<-", "NAME:d", "LESS_EQUAL:<=", "NAME:e", "ELLIPSIS:...",
               "LEFT_LEFT_SQUARE:[[", "RIGHT_SQUARE:]", "RIGHT_SQUARE:]", "DOUBLE_COLON:::",
               "DECORATOR_HOMOGENEOUS:@homogeneous", "AT:@", "NAME:ns", "DOUBLE_COLON:::",
               "NAME:x", "NAME:homogeneous", "NEWLINE:"});
  CHECK(lex("True false \"a \\\"b\\\"\" spike spikes") ==
        Tokens{"BOOLEAN_LITERAL:True", "BOOLEAN_LITERAL:false", "STRING_LITERAL:\"a \\\"b\\\"\"",
               "SPIKE_KEYWORD:spike", "NAME:spikes", "NEWLINE:"});
  // `1...5` is `1.` then `..5` (LANGUAGE.md 1.3 pitfall); with blanks it is a range.
  CHECK(lex("1...5").at(0) == "FLOAT:1.");
  CHECK(lex("1 ... 5") == Tokens{"INTEGER:1", "ELLIPSIS:...", "INTEGER:5", "NEWLINE:"});
}

TEST_CASE("lexer: characters outside the language become ERROR_CHAR, never a crash") {
  CHECK(lex("a ! b") == Tokens{"NAME:a", "ERROR_CHAR:!", "NAME:b", "NEWLINE:"});
  std::string binary;
  for (int i = 0; i < 256; ++i) binary += static_cast<char>(i);
  CHECK_FALSE(lex(binary).empty());
  CHECK(lex("").empty());
}
