// Turns ANTLR's syntax errors into E-SYNTAX diagnostics that name the offending token and
// what was expected, with a hint for the common mistakes (missing ':', bad indentation,
// unclosed '(' at the end of a line, ',' at the end of a line). Replaces ANTLR's console
// listener. Only the parser's first error is reported, because ANTLR's error recovery
// mostly produces follow-up errors that would mislead; the sink additionally keeps one
// error per line and caps the total (layout errors from the lexer can be several).
// Private to lib/syntax: it sees ANTLR types.
#pragma once
#include <set>
#include <string>

#include "antlr4-runtime.h"
#include "source_map.h"
#include "support/diagnostic.h"

namespace nestjit::syntax {

// Collects E-SYNTAX diagnostics for one file (deduplicated per line, capped).
class SyntaxErrorSink {
 public:
  SyntaxErrorSink(SourceFilePtr file, DiagnosticList& diags) : file_(std::move(file)), diags_(diags) {}

  void report(const SourceSpan& span, std::string message, std::string hint = {});
  size_t count() const { return count_; }

  static constexpr size_t kMaxErrors = 20;

 private:
  SourceFilePtr file_;
  DiagnosticList& diags_;
  std::set<int> lines_;
  size_t count_ = 0;
};

class SyntaxErrorListener : public antlr4::BaseErrorListener {
 public:
  SyntaxErrorListener(SyntaxErrorSink& sink, const SourceMap& map, antlr4::TokenStream& tokens)
      : sink_(sink), map_(map), tokens_(tokens) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t line,
                   size_t char_position, const std::string& msg, std::exception_ptr e) override;

 private:
  SourceSpan where(antlr4::Token* offending) const;
  const antlr4::Token* previous_real(antlr4::Token* tok) const;
  std::string hint_for(antlr4::Token* offending, const antlr4::misc::IntervalSet& expected) const;

  SyntaxErrorSink& sink_;
  const SourceMap& map_;
  antlr4::TokenStream& tokens_;
};

// Human description of a token ("name 'foo'", "end of line", "keyword 'if'").
std::string describe_token(const antlr4::Token& tok);

// Span of one token in original-source coordinates (zero-width tokens cover one column).
SourceSpan token_span(const SourceMap& map, const antlr4::Token& tok);

}  // namespace nestjit::syntax
