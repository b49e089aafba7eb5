#include "ast_print.h"

#include <fmt/format.h>

#include "syntax/parser.h"

namespace nestjit::test {

std::string print_expr(const ast::Expr& e) {
  using K = ast::Expr::Kind;
  auto arg = [&](size_t i) { return i < e.args.size() ? print_expr(*e.args[i]) : "<null>"; };
  switch (e.kind) {
    case K::Number:
      return e.is_integer ? fmt::format("{}", static_cast<long long>(e.num)) : fmt::format("{}", e.num);
    case K::Bool: return e.bool_value ? "true" : "false";
    case K::String: return "\"" + e.text + "\"";
    case K::Inf: return "inf";
    case K::Name: {
      std::string s = e.text + std::string(static_cast<size_t>(e.primes), '\'');
      if (!e.args.empty()) s += "[" + arg(0) + "]";
      return s;
    }
    case K::Call: {
      std::string s = e.text + "(";
      for (size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + arg(i);
      return s + ")";
    }
    case K::Unary:
      return fmt::format("({}{}{})", ast::op_spelling(e.op), e.op == ast::Op::Not ? " " : "", arg(0));
    case K::Binary:
      if (e.implicit_mul) return fmt::format("({} {})", arg(0), arg(1));
      return fmt::format("({} {} {})", arg(0), ast::op_spelling(e.op), arg(1));
    case K::Ternary: return fmt::format("({} ? {} : {})", arg(0), arg(1), arg(2));
    case K::Paren: return "[" + arg(0) + "]";
  }
  return "?";
}

std::string print_type(const ast::TypeExpr& t) {
  using K = ast::TypeExpr::Kind;
  switch (t.kind) {
    case K::Integer: return "integer";
    case K::Real: return "real";
    case K::Boolean: return "boolean";
    case K::String: return "string";
    case K::Void: return "void";
    case K::Unit: return t.unit ? print_expr(*t.unit) : "<null unit>";
  }
  return "?";
}

std::optional<ast::CompilationUnit> parse_text(const std::string& text, DiagnosticList& diags) {
  return syntax::parse(make_source("test.nestml", text), diags);
}

std::string parse_and_print_expr(const std::string& expr) {
  DiagnosticList diags;
  auto unit = parse_text("model m:\n    update:\n        x = " + expr + "\n", diags);
  if (!unit) return "<error: " + render(diags) + ">";
  const auto& stmt = unit->models.at(0).update->at(0);
  return print_expr(*stmt->value);
}

}  // namespace nestjit::test
