#include "ast_builder.h"

#include <fmt/format.h>

#include <charconv>

#include "NestmlLexer.h"

namespace nestjit::syntax {

namespace {

using P = NestmlParser;
using L = NestmlLexer;
using antlr4::Token;
using ast::Expr;
using ast::ExprPtr;
using ast::Op;
using Kind = ast::Expr::Kind;

// Text of a string literal without its quotes. `\n`, `\t` and `\r` become control
// characters, backslash + blanks + line break joins the lines, and any other escaped
// character stands for itself (LANGUAGE.md 1.3).
std::string unescape_string(const std::string& literal) {
  std::string s = literal.size() >= 2 ? literal.substr(1, literal.size() - 2) : std::string();
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    size_t j = i + 1;
    while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
    if (j < s.size() && (s[j] == '\n' || s[j] == '\r')) {  // line continuation
      if (s[j] == '\r' && j + 1 < s.size() && s[j + 1] == '\n') ++j;
      i = j;
      continue;
    }
    char c = s[i + 1];
    out += c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
    ++i;
  }
  return out;
}

double parse_number(const std::string& text) {
  double value = 0.0;
  std::from_chars(text.data(), text.data() + text.size(), value);  // locale-independent
  return value;
}

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
  void lhs_name(P::VariableContext* v, std::string& name, int& order, const char* what);

  antlr4::TokenStream& tokens_;
  const SourceMap& map_;
  SyntaxErrorSink& errors_;
};

// ---- expressions ---------------------------------------------------------------------------

Op binary_op(size_t type) {
  switch (type) {
    case L::STAR_STAR: return Op::Pow;
    case L::STAR: return Op::Mul;
    case L::SLASH: return Op::Div;
    case L::PERCENT: return Op::Mod;
    case L::PLUS: return Op::Add;
    case L::MINUS: return Op::Sub;
    case L::AMPERSAND: return Op::BitAnd;
    case L::CARET: return Op::BitXor;
    case L::PIPE: return Op::BitOr;
    case L::SHIFT_LEFT: return Op::Shl;
    case L::SHIFT_RIGHT: return Op::Shr;
    case L::LESS: return Op::Lt;
    case L::LESS_EQUAL: return Op::Le;
    case L::EQUAL_EQUAL: return Op::Eq;
    case L::NOT_EQUAL:
    case L::LESS_GREATER: return Op::Ne;  // `<>` is a synonym of `!=`
    case L::GREATER_EQUAL: return Op::Ge;
    case L::GREATER: return Op::Gt;
    case L::AND_KEYWORD: return Op::And;
    case L::OR_KEYWORD: return Op::Or;
    default: return Op::Add;
  }
}

Op unary_op(size_t type) {
  switch (type) {
    case L::MINUS: return Op::Neg;
    case L::PLUS: return Op::Plus;
    case L::TILDE: return Op::BitNot;
    default: return Op::Not;
  }
}

ExprPtr Builder::binary(P::ExpressionContext* c, Op op, P::ExpressionContext* l,
                        P::ExpressionContext* r) {
  auto e = node(Kind::Binary, span(c));
  e->op = op;
  e->args.push_back(expr(l));
  e->args.push_back(expr(r));
  return e;
}

ExprPtr Builder::unary(P::ExpressionContext* c, Op op, P::ExpressionContext* operand) {
  auto e = node(Kind::Unary, span(c));
  e->op = op;
  e->args.push_back(expr(operand));
  return e;
}

ExprPtr Builder::expr(P::ExpressionContext* c) {
  if (!c) return broken(c);
  if (auto* x = dynamic_cast<P::SimpleContext*>(c)) return simple(x->simpleExpression());
  if (auto* x = dynamic_cast<P::ParenExpressionContext*>(c)) {
    auto e = node(Kind::Paren, span(c));
    e->args.push_back(expr(x->inner));
    return e;
  }
  if (auto* x = dynamic_cast<P::PowerExpressionContext*>(c)) return binary(c, Op::Pow, x->left, x->right);
  if (auto* x = dynamic_cast<P::UnaryExpressionContext*>(c))
    return unary(c, unary_op(x->op->getType()), x->operand);
  if (auto* x = dynamic_cast<P::MultiplicativeExpressionContext*>(c))
    return binary(c, binary_op(x->op->getType()), x->left, x->right);
  if (auto* x = dynamic_cast<P::AdditiveExpressionContext*>(c))
    return binary(c, binary_op(x->op->getType()), x->left, x->right);
  if (auto* x = dynamic_cast<P::BitExpressionContext*>(c))
    return binary(c, binary_op(x->op->getType()), x->left, x->right);
  if (auto* x = dynamic_cast<P::ComparisonExpressionContext*>(c))
    return binary(c, binary_op(x->op->getType()), x->left, x->right);
  if (auto* x = dynamic_cast<P::NotExpressionContext*>(c)) return unary(c, Op::Not, x->operand);
  if (auto* x = dynamic_cast<P::LogicalExpressionContext*>(c))
    return binary(c, binary_op(x->op->getType()), x->left, x->right);
  if (auto* x = dynamic_cast<P::TernaryExpressionContext*>(c)) {
    auto e = node(Kind::Ternary, span(c));
    e->args.push_back(expr(x->condition));
    e->args.push_back(expr(x->ifTrue));
    e->args.push_back(expr(x->ifFalse));
    return e;
  }
  return broken(c);
}

ExprPtr Builder::number(Token* t) {
  auto e = node(Kind::Number, span(t));
  e->num = parse_number(t->getText());
  e->is_integer = t->getType() == L::INTEGER;
  return e;
}

ExprPtr Builder::simple(P::SimpleExpressionContext* c) {
  if (!c) return broken(c);
  if (auto* x = dynamic_cast<P::CallExpressionContext*>(c)) return call(x->functionCall());
  if (auto* x = dynamic_cast<P::VariableExpressionContext*>(c)) return variable(x->variable());
  if (auto* x = dynamic_cast<P::NumberExpressionContext*>(c)) {
    ExprPtr num = number(x->number);
    if (!x->variable()) return num;
    // `10 mV`, `2 tau`: one atomic simple expression meaning literal x variable.
    auto e = node(Kind::Binary, span(c));
    e->op = Op::Mul;
    e->implicit_mul = true;
    e->args.push_back(std::move(num));
    e->args.push_back(variable(x->variable()));
    return e;
  }
  if (dynamic_cast<P::BooleanExpressionContext*>(c)) {
    auto e = node(Kind::Bool, span(c));
    const std::string text = c->getText();
    e->bool_value = text == "true" || text == "True";
    e->text = text;
    return e;
  }
  if (auto* x = dynamic_cast<P::StringExpressionContext*>(c)) {
    auto e = node(Kind::String, span(c));
    e->text = unescape_string(x->STRING_LITERAL()->getText());
    return e;
  }
  if (dynamic_cast<P::InfExpressionContext*>(c)) {
    auto e = node(Kind::Inf, span(c));
    e->text = "inf";
    return e;
  }
  return broken(c);
}

ExprPtr Builder::variable(P::VariableContext* c) {
  if (!c || c->NAME().empty()) return broken(c);
  auto e = node(Kind::Name, span(c));
  e->text = c->NAME(0)->getText();
  // Seed dialect: `spikes.weight` is kept as one dotted name.
  if (c->attribute) e->text += "." + c->attribute->getText();
  e->primes = static_cast<int>(c->DIFFERENTIAL_ORDER().size());
  if (c->index) e->args.push_back(expr(c->index));
  return e;
}

ExprPtr Builder::call(P::FunctionCallContext* c) {
  if (!c || !c->NAME()) return broken(c);
  auto e = node(Kind::Call, span(c));
  e->text = c->NAME()->getText();
  for (auto* a : c->expression()) e->args.push_back(expr(a));
  return e;
}

// ---- types -----------------------------------------------------------------------------------

ast::TypeExpr Builder::data_type(P::DataTypeContext* c) {
  ast::TypeExpr t;
  if (!c) return t;
  t.span = span(c);
  if (c->INTEGER_KEYWORD())
    t.kind = ast::TypeExpr::Kind::Integer;
  else if (c->REAL_KEYWORD())
    t.kind = ast::TypeExpr::Kind::Real;
  else if (c->STRING_KEYWORD())
    t.kind = ast::TypeExpr::Kind::String;
  else if (c->BOOLEAN_KEYWORD())
    t.kind = ast::TypeExpr::Kind::Boolean;
  else if (c->VOID_KEYWORD())
    t.kind = ast::TypeExpr::Kind::Void;
  else {
    t.kind = ast::TypeExpr::Kind::Unit;
    t.unit = unit(c->unitType());
  }
  return t;
}

ExprPtr Builder::unit(P::UnitTypeContext* c) {
  if (!c) return broken(c);
  if (auto* x = dynamic_cast<P::UnitNameContext*>(c)) {
    auto e = node(Kind::Name, span(c));
    e->text = x->NAME()->getText();
    return e;
  }
  if (auto* x = dynamic_cast<P::UnitParenContext*>(c)) {
    auto e = node(Kind::Paren, span(c));
    e->args.push_back(unit(x->inner));
    return e;
  }
  if (auto* x = dynamic_cast<P::UnitPowerContext*>(c)) {
    auto e = node(Kind::Binary, span(c));
    e->op = Op::Pow;
    e->args.push_back(unit(x->base));
    e->args.push_back(unit_exponent(x->unitExponent()));
    return e;
  }
  if (auto* x = dynamic_cast<P::UnitInverseContext*>(c)) {  // `1/ms`
    auto e = node(Kind::Binary, span(c));
    e->op = Op::Div;
    e->args.push_back(number(x->numerator));
    e->args.push_back(unit(x->right));
    return e;
  }
  if (auto* x = dynamic_cast<P::UnitMulDivContext*>(c)) {
    auto e = node(Kind::Binary, span(c));
    e->op = x->op->getType() == L::STAR ? Op::Mul : Op::Div;
    e->args.push_back(unit(x->left));
    e->args.push_back(unit(x->right));
    return e;
  }
  return broken(c);
}

ExprPtr Builder::unit_exponent(P::UnitExponentContext* c) {
  if (!c) return broken(c);
  if (auto* x = dynamic_cast<P::UnitExponentNumberContext*>(c)) return number(x->number);
  if (auto* x = dynamic_cast<P::UnitExponentSignedContext*>(c)) {
    auto e = node(Kind::Unary, span(c));
    e->op = x->sign->getType() == L::MINUS ? Op::Neg : Op::Plus;
    e->args.push_back(unit_exponent(x->unitExponent()));
    return e;
  }
  if (auto* x = dynamic_cast<P::UnitExponentParenContext*>(c)) {
    auto e = node(Kind::Paren, span(c));
    e->args.push_back(expr(x->expression()));
    return e;
  }
  return broken(c);
}

// ---- declarations and statements ----------------------------------------------------------

std::string Builder::decorator(P::DecoratorContext* c) {
  if (c->DECORATOR_HOMOGENEOUS()) return "homogeneous";
  if (c->DECORATOR_HETEROGENEOUS()) return "heterogeneous";
  if (c->ns && c->name) return c->ns->getText() + "::" + c->name->getText();
  return {};
}

ast::Declaration Builder::declaration(P::DeclarationContext* c) {
  ast::Declaration d;
  d.span = span(c);
  d.is_recordable = c->RECORDABLE_KEYWORD() != nullptr;
  d.is_inline = c->INLINE_KEYWORD() != nullptr;
  for (auto* v : c->variable()) {
    if (v->NAME().empty()) continue;
    // Primes stay part of the declared name: `g_ex' nS/ms = 0` declares "g_ex'".
    std::string name = v->NAME(0)->getText();
    if (v->attribute) name += "." + v->attribute->getText();
    name += std::string(v->DIFFERENTIAL_ORDER().size(), '\'');
    d.names.push_back(std::move(name));
    d.name_spans.push_back(span(v));
    if (v->index) {
      if (!d.vector_size)
        d.vector_size = expr(v->index);
      else
        errors_.report(span(v->index), "only one vector size per declaration",
                       "all names of one declaration share the size of the first one");
    }
  }
  d.type = data_type(c->dataType());
  if (c->init) d.init = expr(c->init);
  if (c->guard) d.guard = expr(c->guard);
  for (auto* dec : c->decorator()) d.decorators.push_back(decorator(dec));
  return d;
}

ast::Parameter Builder::parameter(P::ParameterContext* c) {
  ast::Parameter p;
  p.name = c->NAME() ? c->NAME()->getText() : std::string();
  p.type = data_type(c->dataType());
  p.span = span(c);
  return p;
}

ast::Block Builder::block(P::BlockContext* c) {
  ast::Block b;
  if (!c) return b;
  for (auto* s : c->statement()) {
    if (auto st = statement(s)) b.push_back(std::move(st));
  }
  return b;
}

ast::StmtPtr Builder::statement(P::StatementContext* c) {
  if (auto* x = c->smallStatement()) return small_statement(x);
  if (auto* x = c->ifStatement()) return if_statement(x);
  if (auto* x = c->forStatement()) return for_statement(x);
  if (auto* x = c->whileStatement()) return while_statement(x);
  errors_.report(span(c), "internal error: incomplete parse tree");
  return nullptr;
}

ast::StmtPtr Builder::small_statement(P::SmallStatementContext* c) {
  auto s = std::make_unique<ast::Stmt>();
  s->span = span(c);
  if (auto* a = c->assignment()) {
    s->kind = ast::Stmt::Kind::Assignment;
    s->target = variable(a->lhs);
    s->assign_op = a->op ? a->op->getText() : "=";
    s->value = expr(a->rhs);
  } else if (auto* d = c->declaration()) {
    s->kind = ast::Stmt::Kind::Declaration;
    s->declaration = std::make_unique<ast::Declaration>(declaration(d));
  } else if (auto* r = c->returnStatement()) {
    s->kind = ast::Stmt::Kind::Return;
    if (r->expression()) s->value = expr(r->expression());
  } else if (auto* f = c->functionCall()) {
    s->kind = ast::Stmt::Kind::Call;
    s->value = call(f);
  } else {
    errors_.report(span(c), "internal error: incomplete parse tree");
    return nullptr;
  }
  return s;
}

ast::StmtPtr Builder::if_statement(P::IfStatementContext* c) {
  auto s = std::make_unique<ast::Stmt>();
  s->kind = ast::Stmt::Kind::If;
  s->span = span(c);
  if (auto* x = c->ifClause()) {
    s->branches.push_back({expr(x->expression()), block(x->block()), span(x)});
  }
  for (auto* x : c->elifClause()) {
    s->branches.push_back({expr(x->expression()), block(x->block()), span(x)});
  }
  if (auto* x = c->elseClause()) s->branches.push_back({nullptr, block(x->block()), span(x)});
  return s;
}

ast::StmtPtr Builder::for_statement(P::ForStatementContext* c) {
  auto s = std::make_unique<ast::Stmt>();
  s->kind = ast::Stmt::Kind::For;
  s->span = span(c);
  if (c->NAME()) {
    s->loop_var = c->NAME()->getText();
    s->loop_var_span = span(c->NAME());
  }
  s->from = expr(c->from);
  s->to = expr(c->to);
  if (c->stepValue) {
    s->step = parse_number(c->stepValue->getText());
    if (c->stepSign && c->stepSign->getType() == L::MINUS) s->step = -s->step;
  }
  s->body = block(c->block());
  return s;
}

ast::StmtPtr Builder::while_statement(P::WhileStatementContext* c) {
  auto s = std::make_unique<ast::Stmt>();
  s->kind = ast::Stmt::Kind::While;
  s->span = span(c);
  s->value = expr(c->expression());
  s->body = block(c->block());
  return s;
}

ast::HandlerArg Builder::handler_argument(P::HandlerArgumentContext* c) {
  ast::HandlerArg a;
  a.name = c->NAME() ? c->NAME()->getText() : std::string();
  a.value = expr(c->expression());
  a.span = span(c);
  return a;
}

// ---- model blocks ---------------------------------------------------------------------------

void Builder::header(ast::Model& m, ast::BlockKind kind, Token* first,
                     antlr4::tree::TerminalNode* colon) {
  m.blocks.push_back({kind, colon ? span(first, colon->getSymbol()) : span(first)});
}

void Builder::lhs_name(P::VariableContext* v, std::string& name, int& order, const char* what) {
  if (!v || v->NAME().empty()) return;
  name = v->NAME(0)->getText();
  order = static_cast<int>(v->DIFFERENTIAL_ORDER().size());
  if (v->index || v->attribute) {
    errors_.report(span(v), fmt::format("the left-hand side of {} must be a plain name", what),
                   "write `x' = ...` with the state variable's name and primes only");
  }
}

void Builder::variable_block(ast::Model& m, P::VariableBlockContext* c) {
  ast::BlockKind kind = ast::BlockKind::Parameters;
  std::vector<ast::Declaration>* target = &m.parameters;
  if (c->blockKind->getType() == L::STATE_KEYWORD) {
    kind = ast::BlockKind::State;
    target = &m.state;
  } else if (c->blockKind->getType() == L::INTERNALS_KEYWORD) {
    kind = ast::BlockKind::Internals;
    target = &m.internals;
  }
  header(m, kind, c->blockKind, c->COLON());
  for (auto* d : c->declaration()) target->push_back(declaration(d));
}

void Builder::equations_block(ast::Model& m, P::EquationsBlockContext* c) {
  header(m, ast::BlockKind::Equations, c->getStart(), c->COLON());
  for (auto* eq : c->equation()) {
    if (auto* x = eq->inlineExpression()) {
      ast::InlineDef d;
      d.span = span(x);
      d.name = x->NAME() ? x->NAME()->getText() : std::string();
      d.name_span = span(x->NAME());
      d.is_recordable = x->RECORDABLE_KEYWORD() != nullptr;
      d.type = data_type(x->dataType());
      d.rhs = expr(x->expression());
      for (auto* dec : x->decorator()) d.decorators.push_back(decorator(dec));
      m.inlines.push_back(std::move(d));
    } else if (auto* x = eq->kernelDefinition()) {
      ast::KernelDef k;
      k.span = span(x);
      for (auto* part : x->kernelPart()) {
        ast::KernelDef::Part p;
        lhs_name(part->variable(), p.name, p.order, "a kernel");
        p.lhs_span = span(part->variable());
        p.rhs = expr(part->expression());
        k.parts.push_back(std::move(p));
      }
      m.kernels.push_back(std::move(k));
    } else if (auto* x = eq->odeEquation()) {
      ast::OdeEquation o;
      o.span = span(x);
      lhs_name(x->lhs, o.name, o.order, "an equation");
      o.lhs_span = span(x->lhs);
      o.rhs = expr(x->rhs);
      m.odes.push_back(std::move(o));
    }
  }
}

std::vector<ast::Parameter> Builder::port_attributes(P::PortAttributesContext* c) {
  std::vector<ast::Parameter> out;
  if (!c) return out;
  for (auto* p : c->parameter()) out.push_back(parameter(p));
  return out;
}

void Builder::input_block(ast::Model& m, P::InputBlockContext* c) {
  header(m, ast::BlockKind::Input, c->getStart(), c->COLON());
  for (auto* x : c->inputPort()) {
    ast::InputPort port;
    port.span = span(x);
    port.name = x->NAME() ? x->NAME()->getText() : std::string();
    port.name_span = span(x->NAME());
    port.kind = x->portKind && x->portKind->getType() == L::CONTINUOUS_KEYWORD
                    ? ast::InputPort::Kind::Continuous
                    : ast::InputPort::Kind::Spike;
    if (x->size) port.vector_size = expr(x->size);
    if (x->dataType()) port.type = data_type(x->dataType());
    for (auto* q : x->inputQualifier()) {
      if (q->EXCITATORY_KEYWORD()) ++port.excitatory_count;
      if (q->INHIBITORY_KEYWORD()) ++port.inhibitory_count;
    }
    port.excitatory = port.excitatory_count > 0;
    port.inhibitory = port.inhibitory_count > 0;
    port.attributes = port_attributes(x->portAttributes());
    m.inputs.push_back(std::move(port));
  }
}

void Builder::output_block(ast::Model& m, P::OutputBlockContext* c) {
  header(m, ast::BlockKind::Output, c->getStart(), c->COLON());
  ast::OutputPort port;
  port.span = c->portAttributes() ? span(c->portKind, c->portAttributes()->getStop())
                                  : span(c->portKind);
  port.kind = c->portKind && c->portKind->getType() == L::CONTINUOUS_KEYWORD
                  ? ast::OutputPort::Kind::Continuous
                  : ast::OutputPort::Kind::Spike;
  port.attributes = port_attributes(c->portAttributes());
  m.outputs.push_back(std::move(port));
}

void Builder::on_receive(ast::Model& m, P::OnReceiveBlockContext* c) {
  header(m, ast::BlockKind::OnReceive, c->getStart(), c->COLON());
  ast::OnReceive h;
  h.span = span(c);
  if (c->port) {
    h.port = c->port->getText();
    h.port_span = span(c->port);
  }
  if (c->index) h.port_index = expr(c->index);
  for (auto* a : c->handlerArgument()) h.args.push_back(handler_argument(a));
  h.body = block(c->block());
  m.on_receive.push_back(std::move(h));
}

void Builder::on_condition(ast::Model& m, P::OnConditionBlockContext* c) {
  header(m, ast::BlockKind::OnCondition, c->getStart(), c->COLON());
  ast::OnCondition h;
  h.span = span(c);
  h.condition = expr(c->condition);
  for (auto* a : c->handlerArgument()) h.args.push_back(handler_argument(a));
  h.body = block(c->block());
  m.on_condition.push_back(std::move(h));
}

void Builder::function(ast::Model& m, P::FunctionBlockContext* c) {
  header(m, ast::BlockKind::Function, c->getStart(), c->COLON());
  ast::Function f;
  f.span = span(c);
  f.name = c->NAME() ? c->NAME()->getText() : std::string();
  f.name_span = span(c->NAME());
  for (auto* p : c->parameter()) f.params.push_back(parameter(p));
  if (c->returnType) f.return_type = data_type(c->returnType);
  f.body = block(c->block());
  m.functions.push_back(std::move(f));
}

ast::Model Builder::model(P::ModelContext* c) {
  ast::Model m;
  m.span = span(c);
  if (c->NAME()) {
    m.name = c->NAME()->getText();
    m.name_span = span(c->NAME());
  }
  for (auto* b : c->modelBlock()) {
    if (auto* x = b->variableBlock()) {
      variable_block(m, x);
    } else if (auto* x = b->equationsBlock()) {
      equations_block(m, x);
    } else if (auto* x = b->inputBlock()) {
      input_block(m, x);
    } else if (auto* x = b->outputBlock()) {
      output_block(m, x);
    } else if (auto* x = b->updateBlock()) {
      header(m, ast::BlockKind::Update, x->getStart(), x->COLON());
      // A second update block is an error sema reports from `blocks`; keep the first body.
      if (!m.update) {
        m.update = block(x->block());
        m.update_span = span(x);
      }
    } else if (auto* x = b->onReceiveBlock()) {
      on_receive(m, x);
    } else if (auto* x = b->onConditionBlock()) {
      on_condition(m, x);
    } else if (auto* x = b->functionBlock()) {
      function(m, x);
    }
  }
  return m;
}

}  // namespace

ast::CompilationUnit build_ast(NestmlParser::CompilationUnitContext* tree,
                               antlr4::TokenStream& tokens, const SourceMap& map,
                               const SourceFilePtr& file, SyntaxErrorSink& errors) {
  ast::CompilationUnit unit;
  unit.file = file;
  Builder builder(tokens, map, errors);
  if (tree) {
    for (auto* m : tree->model()) unit.models.push_back(builder.model(m));
  }
  return unit;
}

}  // namespace nestjit::syntax
