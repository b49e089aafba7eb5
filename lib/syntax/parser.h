// The syntax stage: NESTML source text -> ast::CompilationUnit (LANGUAGE.md sections 1-8,
// both the NESTML main dialect and the seed's 8.2 dialect). The ANTLR-generated lexer and
// parser are an implementation detail of lib/syntax; nothing ANTLR leaks through here.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ast/ast.h"
#include "support/diagnostic.h"

namespace nestjit::syntax {

// Parses one file into an AST. Syntax errors become E-SYNTAX diagnostics
// (file:line:col, message naming the offending token and what was expected, a hint where
// possible, e.g. for a missing ':' or bad indentation); returns nullopt when any occurred.
std::optional<ast::CompilationUnit> parse(const SourceFilePtr& file, DiagnosticList& diags);

// The token stream as "NAME:text" strings (INDENT/DEDENT/NEWLINE included), for tests/tools.
std::vector<std::string> token_dump(const SourceFilePtr& file);

}  // namespace nestjit::syntax
