#include "error_listener.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "NestmlLexer.h"

namespace nestjit::syntax {

using antlr4::Token;
using L = NestmlLexer;

void SyntaxErrorSink::report(const SourceSpan& span, std::string message, std::string hint) {
  // One error per line: several at one place are echoes of each other.
  if (!lines_.insert(span.line).second) return;
  ++count_;
  if (count_ > kMaxErrors) return;
  if (count_ == kMaxErrors) {
    message += fmt::format(" (stopping after {} syntax errors)", kMaxErrors);
  }
  diags_.error("E-SYNTAX", file_, span, std::move(message), std::move(hint));
}

SourceSpan token_span(const SourceMap& map, const Token& tok) {
  size_t start = tok.getStartIndex();
  size_t stop = tok.getStopIndex();
  if (stop + 1 == start || stop < start) stop = start;  // zero-width: INDENT, DEDENT, EOF
  return map.span(start, stop);
}

namespace {

bool is_keyword(size_t type) {
  return type >= L::INTEGER_KEYWORD && type <= L::EXCITATORY_KEYWORD;
}

bool is_layout(size_t type) {
  return type == L::NEWLINE || type == L::INDENT || type == L::DEDENT || type == Token::EOF;
}

std::string quoted(const std::string& text) {
  std::string shown = text.size() > 40 ? text.substr(0, 37) + "..." : text;
  return "'" + shown + "'";
}

std::string describe_char(const std::string& text) {
  unsigned char c = text.empty() ? 0 : static_cast<unsigned char>(text[0]);
  if (text.size() == 1 && c >= 0x20 && c < 0x7F) return "character " + quoted(text);
  if (text.size() == 1) return fmt::format("control character 0x{:02X}", c);
  if (text == "\xEF\xBF\xBD") return "invalid UTF-8 byte";
  return "character " + quoted(text);
}

// Hint for a character that is not part of NESTML.
std::string char_hint(const std::string& text) {
  if (text == "!") return "NESTML writes logical negation as 'not' and inequality as '!='";
  if (text == "\"") return "string literals must end with '\"' on the same line";
  if (text == "\\")
    return "a backslash continues a line only when it is the last character on the line";
  if (text == "{" || text == "}")
    return "NESTML has no braces: blocks are a header ending in ':' plus an indented body";
  return {};
}

// Name of a token type as it should appear in an "expected ..." list.
std::string expected_name(const antlr4::dfa::Vocabulary& vocab, size_t type) {
  switch (type) {
    case Token::EOF: return "end of file";
    case L::NEWLINE: return "end of line";
    case L::INDENT: return "an indented block";
    case L::DEDENT: return "end of block";
    case L::NAME: return "a name";
    case L::INTEGER:
    case L::FLOAT: return "a number";
    case L::STRING_LITERAL: return "a string";
    case L::BOOLEAN_LITERAL: return "true/false";
    case L::KERNEL_JOINING: return "',' + line break";
    default: break;
  }
  std::string lit = vocab.getLiteralName(type);
  return lit.empty() ? vocab.getSymbolicName(type) : lit;
}

// The expected set, condensed: the many tokens that can start an expression are shown as
// "an expression" and the binary operators as "an operator".
std::string describe_expected(const antlr4::dfa::Vocabulary& vocab,
                              const antlr4::misc::IntervalSet& set) {
  static const std::vector<size_t> expression_start = {
      L::NAME, L::INTEGER, L::FLOAT, L::STRING_LITERAL, L::BOOLEAN_LITERAL, L::INF_KEYWORD,
      L::LEFT_PAREN, L::PLUS, L::MINUS, L::TILDE, L::NOT_KEYWORD};
  static const std::vector<size_t> operators = {
      L::STAR_STAR, L::STAR, L::SLASH, L::PERCENT, L::PLUS, L::MINUS, L::AMPERSAND, L::CARET,
      L::PIPE, L::SHIFT_LEFT, L::SHIFT_RIGHT, L::LESS, L::LESS_EQUAL, L::EQUAL_EQUAL,
      L::NOT_EQUAL, L::LESS_GREATER, L::GREATER_EQUAL, L::GREATER, L::AND_KEYWORD,
      L::OR_KEYWORD, L::QUESTION};
  std::vector<size_t> types;
  for (ssize_t t : set.toList()) types.push_back(static_cast<size_t>(t));
  const auto has = [&](size_t t) { return std::find(types.begin(), types.end(), t) != types.end(); };
  std::vector<std::string> names;
  std::set<size_t> covered;
  if (has(L::NAME) && has(L::INTEGER) && has(L::LEFT_PAREN) && has(L::MINUS)) {
    names.push_back("an expression");
    covered.insert(expression_start.begin(), expression_start.end());
  }
  if (has(L::STAR) && has(L::SLASH) && has(L::AND_KEYWORD)) {
    names.push_back("an operator");
    covered.insert(operators.begin(), operators.end());
  }
  for (size_t t : types) {
    if (covered.count(t)) continue;
    std::string n = expected_name(vocab, t);
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  if (names.empty()) return {};
  constexpr size_t kMaxShown = 8;
  bool truncated = names.size() > kMaxShown;
  if (truncated) names.resize(kMaxShown);
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += (i + 1 == names.size() && !truncated) ? " or " : ", ";
    out += names[i];
  }
  if (truncated) out += ", ...";
  return out;
}

}  // namespace

std::string describe_token(const Token& tok) {
  const size_t type = tok.getType();
  const std::string text = tok.getText();
  switch (type) {
    case Token::EOF: return "end of file";
    case L::NEWLINE: return "end of line";
    case L::INDENT: return "indentation";
    case L::DEDENT: return "end of the indented block";
    case L::KERNEL_JOINING: return "',' at the end of the line";
    case L::NAME: return "name " + quoted(text);
    case L::INTEGER:
    case L::FLOAT: return "number " + quoted(text);
    case L::STRING_LITERAL: return "string " + (text.size() > 40 ? text.substr(0, 37) + "...\"" : text);
    case L::ERROR_CHAR: return describe_char(text);
    default: break;
  }
  if (is_keyword(type)) return "keyword " + quoted(text);
  return quoted(text);
}

std::string SyntaxErrorListener::hint_for(Token* offending,
                                          const antlr4::misc::IntervalSet& expected) const {
  const size_t type = offending->getType();
  const Token* prev = previous_real(offending);
  const auto expects = [&](size_t t) { return expected.contains(t); };
  if (prev && prev->getType() == L::COLON && expects(L::NEWLINE) &&
      prev->getLine() == offending->getLine()) {
    return "NESTML has no single-line blocks: put the body on the next line, indented";
  }
  if (type == L::FULLSTOP && expects(L::ELLIPSIS))
    return "write blanks around '...' (`1 ... 5`): `1.` is a number";
  if (expects(L::STEP_KEYWORD))
    return "the step of a for loop is mandatory: `for i in 0 ... n step 1:`";
  if ((type == L::NEWLINE || type == Token::EOF) && expects(L::NAME) && expects(L::INTEGER))
    return "end a line with '\\' to continue an expression on the next line";
  return {};
}

const Token* SyntaxErrorListener::previous_real(Token* tok) const {
  for (size_t i = tok->getTokenIndex(); i-- > 0;) {
    Token* t = tokens_.get(i);
    if (t->getChannel() == Token::DEFAULT_CHANNEL && !is_layout(t->getType())) return t;
  }
  return nullptr;
}

SourceSpan SyntaxErrorListener::where(Token* offending) const {
  // Errors "at" the end of a line or file point just past the last real token, which is
  // where the missing ':' or ')' belongs (not after a trailing comment).
  if (offending->getType() == L::NEWLINE || offending->getType() == Token::EOF ||
      (offending->getType() == L::DEDENT)) {
    if (const Token* prev = previous_real(offending)) return map_.point(prev->getStopIndex() + 1);
  }
  return token_span(map_, *offending);
}

void SyntaxErrorListener::syntaxError(antlr4::Recognizer* recognizer, Token* offending,
                                      size_t line, size_t char_position, const std::string& msg,
                                      std::exception_ptr) {
  // Only the parser's first error is reported (as CPython does): ANTLR's recovery resumes at
  // places that rarely match the user's intent, so later errors are mostly misleading
  // echoes ("unexpected 'update'" after a broken statement). Layout errors found by the
  // lexer are reported before parsing and also suppress this one.
  if (sink_.count() > 0) return;
  if (!offending) {  // cannot happen with our lexer (ERROR_CHAR catches everything)
    SourceSpan s{static_cast<int>(line), static_cast<int>(char_position) + 1,
                 static_cast<int>(line), static_cast<int>(char_position) + 1};
    sink_.report(s, msg);
    return;
  }
  const size_t type = offending->getType();
  const SourceSpan span = where(offending);
  const std::string found = describe_token(*offending);

  antlr4::misc::IntervalSet expected;
  auto* parser = dynamic_cast<antlr4::Parser*>(recognizer);
  if (parser) {
    try {
      expected = parser->getExpectedTokens();
    } catch (...) {
      // an empty set just makes the message less specific
    }
  }
  const bool at_line_end = type == L::NEWLINE || type == Token::EOF;

  if (type == L::INDENT) {
    sink_.report(span, "unexpected indentation",
                 "this line is indented deeper than the line before it; only the body of a "
                 "header ending in ':' starts a new indented block");
    return;
  }
  if (type == L::KERNEL_JOINING) {
    sink_.report(span, "unexpected ',' at the end of the line",
                 "end a line with '\\' to continue it; ',' followed by a line break only joins "
                 "the parts of a multi-part kernel");
    return;
  }
  if (type == L::ERROR_CHAR) {
    sink_.report(span, "unexpected " + found, char_hint(offending->getText()));
    return;
  }
  if (at_line_end && expected.contains(static_cast<size_t>(L::COLON))) {
    sink_.report(span, fmt::format("expected ':' before {}", found),
                 "block headers such as 'state', 'update', 'if x > 0' or 'onReceive(spikes)' "
                 "end with ':'");
    return;
  }
  if (at_line_end && expected.contains(static_cast<size_t>(L::RIGHT_PAREN))) {
    sink_.report(span, fmt::format("unclosed '(': expected ')' before {}", found),
                 "parentheses must be closed on the same line; end a line with '\\' to "
                 "continue it");
    return;
  }
  if (expected.contains(static_cast<size_t>(L::INDENT))) {
    sink_.report(span, fmt::format("expected an indented block, found {}", found),
                 "the lines after a header ending in ':' must be indented deeper than the "
                 "header");
    return;
  }
  std::string list = parser ? describe_expected(parser->getVocabulary(), expected) : std::string();
  std::string message = list.empty() ? "unexpected " + found
                                     : fmt::format("unexpected {}; expected {}", found, list);
  sink_.report(span, std::move(message), hint_for(offending, expected));
}

}  // namespace nestjit::syntax
