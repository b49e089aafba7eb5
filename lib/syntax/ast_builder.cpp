// Converts a parse tree into the ast:: tree: expressions, types, declarations and
// statements (model blocks are in model_blocks.cpp).
#include "ast_builder.h"

#include <fmt/format.h>

#include <charconv>

#include "builder.h"

namespace nestjit::syntax::building {


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

}  // namespace nestjit::syntax::building
