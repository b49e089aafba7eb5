// The parse tree -> ast:: builder's class (private to lib/syntax: it sees ANTLR types).
// Expressions, types and statements are built in ast_builder.cpp, model blocks in
// model_blocks.cpp.
#pragma once
#include <string>

#include "NestmlLexer.h"
#include "ast_builder.h"

namespace nestjit::syntax::building {

using P = NestmlParser;
using L = NestmlLexer;
using antlr4::Token;
using ast::Expr;
using ast::ExprPtr;
using ast::Op;
using Kind = ast::Expr::Kind;

// Text of a string literal without its quotes, escapes resolved (LANGUAGE.md 1.3).
std::string unescape_string(const std::string& literal);
double parse_number(const std::string& text);

class Builder {
 public:
  Builder(antlr4::TokenStream& tokens, const SourceMap& map, SyntaxErrorSink& errors)
      : tokens_(tokens), map_(map), errors_(errors) {}

  ast::Model model(P::ModelContext* c);

 private:
  // ---- spans ----
  SourceSpan span(Token* t) const { return t ? token_span(map_, *t) : SourceSpan{}; }
  SourceSpan span(Token* first, Token* last) const {
    return SourceSpan::cover(span(first), span(last));
  }
  SourceSpan span(antlr4::tree::TerminalNode* n) const { return n ? span(n->getSymbol()) : SourceSpan{}; }
  // From the first token of `c` to its last token that is not layout (NEWLINE/INDENT/
  // DEDENT/EOF), so a block's span ends at its last statement, not at the next line.
  SourceSpan span(antlr4::ParserRuleContext* c) const {
    if (!c || !c->getStart()) return {};
    Token* first = c->getStart();
    Token* last = c->getStop();
    if (!last || last->getTokenIndex() < first->getTokenIndex()) return span(first);
    size_t i = last->getTokenIndex();
    while (i > first->getTokenIndex()) {
      Token* t = tokens_.get(i);
      size_t type = t->getType();
      bool layout = type == L::NEWLINE || type == L::INDENT || type == L::DEDENT || type == Token::EOF;
      if (!layout && t->getChannel() == Token::DEFAULT_CHANNEL) break;
      --i;
    }
    return span(first, tokens_.get(i));
  }

  // Called when a child the grammar guarantees is missing; only happens if the grammar and
  // this builder disagree, so it is reported instead of crashing.
  ExprPtr broken(antlr4::ParserRuleContext* c) {
    errors_.report(span(c), "internal error: incomplete parse tree");
    auto e = std::make_unique<Expr>();
    e->span = span(c);
    return e;
  }

  ExprPtr node(Kind kind, const SourceSpan& s) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->span = s;
    return e;
  }

  // ---- expressions ----
  ExprPtr expr(P::ExpressionContext* c);
  ExprPtr binary(P::ExpressionContext* c, Op op, P::ExpressionContext* l, P::ExpressionContext* r);
  ExprPtr unary(P::ExpressionContext* c, Op op, P::ExpressionContext* operand);
  ExprPtr simple(P::SimpleExpressionContext* c);
  ExprPtr number(Token* t);
  ExprPtr variable(P::VariableContext* c);
  ExprPtr call(P::FunctionCallContext* c);

  // ---- types ----
  ast::TypeExpr data_type(P::DataTypeContext* c);
  ExprPtr unit(P::UnitTypeContext* c);
  ExprPtr unit_exponent(P::UnitExponentContext* c);

  // ---- declarations and statements ----
  ast::Declaration declaration(P::DeclarationContext* c);
  std::string decorator(P::DecoratorContext* c);
  ast::Parameter parameter(P::ParameterContext* c);
  ast::Block block(P::BlockContext* c);
  ast::StmtPtr statement(P::StatementContext* c);
  ast::StmtPtr small_statement(P::SmallStatementContext* c);
  ast::StmtPtr if_statement(P::IfStatementContext* c);
  ast::StmtPtr for_statement(P::ForStatementContext* c);
  ast::StmtPtr while_statement(P::WhileStatementContext* c);
  ast::HandlerArg handler_argument(P::HandlerArgumentContext* c);

  // ---- model blocks ----
  void header(ast::Model& m, ast::BlockKind kind, Token* first, antlr4::tree::TerminalNode* colon);
  void variable_block(ast::Model& m, P::VariableBlockContext* c);
  void equations_block(ast::Model& m, P::EquationsBlockContext* c);
  void input_block(ast::Model& m, P::InputBlockContext* c);
  void output_block(ast::Model& m, P::OutputBlockContext* c);
  void on_receive(ast::Model& m, P::OnReceiveBlockContext* c);
  void on_condition(ast::Model& m, P::OnConditionBlockContext* c);
  void function(ast::Model& m, P::FunctionBlockContext* c);
  std::vector<ast::Parameter> port_attributes(P::PortAttributesContext* c);
  // Name of a variable on a left-hand side (`g'` -> "g", 1) where no index is allowed.
  // `index` null: an index on the left-hand side is an error; else it receives the index.
  void lhs_name(P::VariableContext* v, std::string& name, int& order, const char* what,
                ast::ExprPtr* index = nullptr);

  antlr4::TokenStream& tokens_;
  const SourceMap& map_;
  SyntaxErrorSink& errors_;
};

}  // namespace nestjit::syntax::building
