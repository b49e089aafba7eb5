// Driver of the syntax stage: decode -> lex (with layout) -> sanity limits -> parse ->
// build the AST. The AST is only built from an error-free parse tree, so the builder never
// sees the partial trees ANTLR's error recovery produces.
#include "syntax/parser.h"

#include <fmt/format.h>

#include "NestmlLexer.h"
#include "NestmlParser.h"
#include "ast_builder.h"
#include "error_listener.h"
#include "indent_lexer_base.h"
#include "source_map.h"
#include "support/text_check.h"

namespace nestjit::syntax {

namespace {

// Recursive-descent parsing (and every later tree walk) uses one stack frame chain per
// nesting level, so inputs nested absurdly deep are refused up front instead of
// overflowing the stack. Real models stay far below these limits.
constexpr size_t kMaxParenDepth = 100;
constexpr size_t kMaxTokensPerLine = 2000;
constexpr size_t kMaxBlockDepth = 100;

// Feeds already-decoded text to ANTLR (its own UTF-8 decoder throws on invalid input).
class CodePointStream : public antlr4::ANTLRInputStream {
 public:
  CodePointStream(const std::u32string& text, const std::string& name) {
    _data = text;
    p = 0;
    this->name = name;
  }
};

// Everything that lives for one parse; ANTLR objects refer to each other by pointer.
struct Pipeline {
  Pipeline(const SourceFilePtr& file)
      : map(file->text), input(map.code_points(), file->path), lexer(&input), tokens(&lexer) {
    lexer.removeErrorListeners();  // the lexer cannot fail: ERROR_CHAR matches anything
    tokens.fill();
  }
  SourceMap map;
  CodePointStream input;
  NestmlLexer lexer;
  antlr4::CommonTokenStream tokens;
};

// Reports the first place where the input exceeds the nesting limits; true if it does.
bool too_complex(Pipeline& p, SyntaxErrorSink& sink) {
  if (p.lexer.max_depth() > kMaxBlockDepth) {
    sink.report(SourceSpan{1, 1, 1, 1},
                fmt::format("blocks are nested more than {} levels deep", kMaxBlockDepth));
    return true;
  }
  // Unary operators in a row (`- - - x`) and `**` chains (right-associative) nest the parse
  // as deeply as parentheses do, so they count against the same limit.
  size_t depth = 0, line_tokens = 0, unary_run = 0, powers = 0;
  for (antlr4::Token* t : p.tokens.getTokens()) {
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    const size_t type = t->getType();
    if (type == NestmlLexer::NEWLINE) {
      depth = line_tokens = unary_run = powers = 0;
      continue;
    }
    const bool prefix = type == NestmlLexer::MINUS || type == NestmlLexer::PLUS ||
                        type == NestmlLexer::TILDE || type == NestmlLexer::NOT_KEYWORD;
    unary_run = prefix ? unary_run + 1 : 0;
    if (type == NestmlLexer::STAR_STAR) ++powers;
    if (unary_run > kMaxParenDepth || powers > kMaxParenDepth) {
      sink.report(token_span(p.map, *t),
                  fmt::format("expression nested more than {} levels deep ({} in a row)",
                              kMaxParenDepth, unary_run > kMaxParenDepth ? "unary operators" : "'**'"),
                  "split the expression using inline expressions or local variables");
      return true;
    }
    if (type == NestmlLexer::LEFT_PAREN || type == NestmlLexer::LEFT_SQUARE) ++depth;
    if ((type == NestmlLexer::RIGHT_PAREN || type == NestmlLexer::RIGHT_SQUARE) && depth > 0) --depth;
    if (depth > kMaxParenDepth) {
      sink.report(token_span(p.map, *t),
                  fmt::format("expression nested more than {} levels deep", kMaxParenDepth));
      return true;
    }
    if (++line_tokens > kMaxTokensPerLine) {
      sink.report(token_span(p.map, *t),
                  fmt::format("statement longer than {} tokens", kMaxTokensPerLine),
                  "split the expression using inline expressions or local variables");
      return true;
    }
  }
  return false;
}

std::optional<ast::CompilationUnit> parse_impl(const SourceFilePtr& file, DiagnosticList& diags) {
  Pipeline p(file);
  SyntaxErrorSink sink(file, diags);
  for (const auto& e : p.lexer.layout_errors()) sink.report(p.map.point(e.char_index), e.message, e.hint);
  if (too_complex(p, sink)) return std::nullopt;

  NestmlParser parser(&p.tokens);
  parser.removeErrorListeners();
  SyntaxErrorListener listener(sink, p.map, p.tokens);
  parser.addErrorListener(&listener);
  NestmlParser::CompilationUnitContext* tree = parser.compilationUnit();
  if (sink.count() > 0) return std::nullopt;

  ast::CompilationUnit unit = build_ast(tree, p.tokens, p.map, file, sink);
  if (unit.models.empty()) {
    sink.report(SourceSpan{1, 1, 1, 1}, "no model definition found",
                "a NESTML file contains one or more 'model <name>:' blocks");
  }
  if (sink.count() > 0) return std::nullopt;
  return unit;
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::optional<ast::CompilationUnit> parse(const SourceFilePtr& file, DiagnosticList& diags) {
  if (!file) return std::nullopt;
  if (!check_source_text(file, diags)) return std::nullopt;
  try {
    return parse_impl(file, diags);
  } catch (const std::exception& e) {
    diags.error("E-SYNTAX", file, {}, fmt::format("internal error in the parser: {}", e.what()));
  } catch (...) {
    diags.error("E-SYNTAX", file, {}, "internal error in the parser");
  }
  return std::nullopt;
}

std::vector<std::string> token_dump(const SourceFilePtr& file) {
  std::vector<std::string> out;
  if (!file) return out;
  Pipeline p(file);
  const auto& vocab = p.lexer.getVocabulary();
  for (antlr4::Token* t : p.tokens.getTokens()) {
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL || t->getType() == antlr4::Token::EOF)
      continue;
    // Synthesized tokens (INDENT, DEDENT, the NEWLINE added at EOF) have no text.
    const bool synthesized = t->getStopIndex() + 1 == t->getStartIndex();
    out.push_back(std::string(vocab.getSymbolicName(t->getType())) + ":" +
                  (synthesized ? std::string() : escape(t->getText())));
  }
  return out;
}

}  // namespace nestjit::syntax
