// Test helpers: print AST expressions fully parenthesised, so precedence and associativity
// can be asserted as plain strings, and parse snippets wrapped in a minimal model.
#pragma once
#include <optional>
#include <string>

#include "ast/ast.h"
#include "support/diagnostic.h"

namespace nestjit::test {

// `a + b * c` -> "(a + (b * c))"; `10 mV` -> "(10 mV)"; written parentheses print as
// "[...]" so they can be told apart from the ones the printer adds.
std::string print_expr(const ast::Expr& e);
std::string print_type(const ast::TypeExpr& t);

// Parses `text` as a file named "test.nestml"; `diags` receives the diagnostics.
std::optional<ast::CompilationUnit> parse_text(const std::string& text, DiagnosticList& diags);

// Parses `expr` as the right-hand side of an assignment inside a model's update block and
// returns the printed expression, or "<error: ...>" with the rendered diagnostics.
std::string parse_and_print_expr(const std::string& expr);

}  // namespace nestjit::test
