// Superclass of the generated NestmlLexer that implements NESTML's off-side rule
// (LANGUAGE.md 1.1). The grammar produces one raw NEWLINE token per line break (holding the
// next line's leading blanks); this class turns it into the token sequence the parser
// expects:
//   * a line followed by a blank or comment-only line: its NEWLINE goes to the hidden
//     channel and the indentation is not looked at;
//   * otherwise NEWLINE, then INDENT if the next line is indented deeper, or one DEDENT per
//     closed level if it is indented less;
//   * at EOF: NEWLINE (when a statement is still open) plus a DEDENT per open level.
// Tabs advance to the next multiple of 8. Unlike upstream NESTML, a dedent to a width that matches
// no enclosing level is reported (as a layout error) instead of being silently accepted.
// Private to lib/syntax: it sees ANTLR types.
#pragma once
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "antlr4-runtime.h"

namespace nestjit::syntax {

class IndentLexerBase : public antlr4::Lexer {
 public:
  // A problem found while computing the layout; reported as E-SYNTAX by the parser driver.
  struct LayoutError {
    size_t char_index;  // index (in code points) of the first character of the bad line
    std::string message;
    std::string hint;
  };

  explicit IndentLexerBase(antlr4::CharStream* input);

  std::unique_ptr<antlr4::Token> nextToken() override;
  void reset() override;

  const std::vector<LayoutError>& layout_errors() const { return layout_errors_; }
  // Deepest block nesting seen so far (the driver refuses absurd nesting before parsing).
  size_t max_depth() const { return max_depth_; }

 private:
  void fetch();  // pulls one raw token and queues what it turns into
  void on_newline(std::unique_ptr<antlr4::Token> tok);
  void on_eof(std::unique_ptr<antlr4::Token> tok);
  void on_first_token(const antlr4::Token& tok);
  void indent_to(int width, size_t index, size_t line, size_t column);
  std::unique_ptr<antlr4::Token> synth(size_t type, size_t index, size_t line, size_t column,
                                       const std::string& text);
  int width_of_blanks_before(size_t index, size_t column);

  std::deque<std::unique_ptr<antlr4::Token>> pending_;
  std::vector<int> indents_;  // widths of the open blocks; empty = top level (width 0)
  bool seen_token_ = false;   // a default-channel token has been produced
  bool last_was_newline_ = true;
  size_t max_depth_ = 0;
  std::vector<LayoutError> layout_errors_;
};

// Width of a run of blanks: space = 1, tab = to the next multiple of 8.
int indentation_width(const std::string& blanks);

}  // namespace nestjit::syntax

// The generated lexer names its superclass without a namespace.
using IndentLexerBase = nestjit::syntax::IndentLexerBase;
