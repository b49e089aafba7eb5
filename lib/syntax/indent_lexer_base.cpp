#include "indent_lexer_base.h"

#include <algorithm>

#include "NestmlLexer.h"

namespace nestjit::syntax {

using antlr4::CommonToken;
using antlr4::Token;

int indentation_width(const std::string& blanks) {
  int width = 0;
  for (char c : blanks) {
    if (c == '\t')
      width = (width / 8 + 1) * 8;
    else if (c == '\f')
      width = 0;  // as in Python: a form feed resets the count
    else
      ++width;
  }
  return width;
}

IndentLexerBase::IndentLexerBase(antlr4::CharStream* input) : antlr4::Lexer(input) {}

void IndentLexerBase::reset() {
  antlr4::Lexer::reset();
  pending_.clear();
  indents_.clear();
  seen_token_ = false;
  last_was_newline_ = true;
  max_depth_ = 0;
  layout_errors_.clear();
}

std::unique_ptr<Token> IndentLexerBase::nextToken() {
  while (pending_.empty()) fetch();
  auto tok = std::move(pending_.front());
  pending_.pop_front();
  return tok;
}

void IndentLexerBase::fetch() {
  auto tok = antlr4::Lexer::nextToken();
  const size_t type = tok->getType();
  if (type == Token::EOF) return on_eof(std::move(tok));
  if (type == NestmlLexer::NEWLINE) return on_newline(std::move(tok));
  if (tok->getChannel() == Token::DEFAULT_CHANNEL) {
    if (!seen_token_) on_first_token(*tok);
    seen_token_ = true;
    last_was_newline_ = false;
  }
  pending_.push_back(std::move(tok));
}

void IndentLexerBase::on_newline(std::unique_ptr<Token> tok) {
  // The raw token is the line break plus the next line's leading blanks; keep only the
  // line break as its text and extent so spans and dumps stay on the line it ends.
  const std::string text = tok->getText();
  const size_t brk_len = std::min(text.find_first_not_of("\r\n"), text.size());
  const std::string blanks = text.substr(brk_len);
  const size_t next_index = tok->getStopIndex() + 1;
  const size_t next_line = tok->getLine() + 1;
  auto* ct = static_cast<CommonToken*>(tok.get());
  ct->setText(text.substr(0, brk_len));
  ct->setStopIndex(ct->getStartIndex() + brk_len - 1);

  // Blank and comment-only lines (and whatever precedes the first token) do not take part
  // in the layout; the end of input is handled by on_eof.
  const size_t next = _input->LA(1);
  const bool blank_line = next == '\n' || next == '\r' || next == '#';
  const bool at_eof = next == Token::EOF;
  if (blank_line || !seen_token_ || (at_eof && last_was_newline_)) {
    ct->setChannel(Token::HIDDEN_CHANNEL);
    pending_.push_back(std::move(tok));
    return;
  }
  pending_.push_back(std::move(tok));
  last_was_newline_ = true;
  // At the end of input the statement's own line break is kept; on_eof closes the blocks.
  if (!at_eof) indent_to(indentation_width(blanks), next_index, next_line, blanks.size());
}

void IndentLexerBase::on_first_token(const Token& tok) {
  // Leading blanks of the first line are not preceded by a line break; an indented first
  // line is "unexpected indentation" just like any other line indented too far.
  const size_t column = tok.getCharPositionInLine();
  int width = width_of_blanks_before(tok.getStartIndex(), column);
  if (width > 0) indent_to(width, tok.getStartIndex(), tok.getLine(), column);
}

int IndentLexerBase::width_of_blanks_before(size_t index, size_t column) {
  if (column == 0 || column > index) return 0;
  std::string before = _input->getText(antlr4::misc::Interval(index - column, index - 1));
  size_t n = before.find_first_not_of(" \t\f");
  return indentation_width(before.substr(0, n));
}

void IndentLexerBase::indent_to(int width, size_t index, size_t line, size_t column) {
  const int top = indents_.empty() ? 0 : indents_.back();
  if (width > top) {
    indents_.push_back(width);
    max_depth_ = std::max(max_depth_, indents_.size());
    pending_.push_back(synth(NestmlLexer::INDENT, index, line, column, ""));
    return;
  }
  while (!indents_.empty() && indents_.back() > width) {
    indents_.pop_back();
    pending_.push_back(synth(NestmlLexer::DEDENT, index, line, column, ""));
  }
  const int now = indents_.empty() ? 0 : indents_.back();
  if (now != width) {
    layout_errors_.push_back(
        {index, "unindent does not match any outer indentation level",
         "indent this line exactly as far as the block it belongs to (tabs count up to the "
         "next multiple of 8 columns)"});
  }
}

void IndentLexerBase::on_eof(std::unique_ptr<Token> tok) {
  const size_t index = tok->getStartIndex();
  const size_t line = tok->getLine();
  const size_t column = tok->getCharPositionInLine();
  if (seen_token_ && !last_was_newline_) {
    pending_.push_back(synth(NestmlLexer::NEWLINE, index, line, column, ""));
    last_was_newline_ = true;
  }
  while (!indents_.empty()) {
    indents_.pop_back();
    pending_.push_back(synth(NestmlLexer::DEDENT, index, line, column, ""));
  }
  pending_.push_back(std::move(tok));
}

std::unique_ptr<Token> IndentLexerBase::synth(size_t type, size_t index, size_t line,
                                              size_t column, const std::string& text) {
  // Zero-width token at `index` (stop = start - 1, as ANTLR does for EOF).
  auto tok = std::make_unique<CommonToken>(
      std::make_pair(static_cast<antlr4::TokenSource*>(this), _input), type,
      Token::DEFAULT_CHANNEL, index, index - 1);
  tok->setLine(line);
  tok->setCharPositionInLine(column);
  tok->setText(text);
  return tok;
}

}  // namespace nestjit::syntax
