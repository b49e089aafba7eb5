// Converts a parse tree without syntax errors into the ast:: tree, copying source spans.
// It is only called when the parser reported no error, so every context it meets is
// complete; it still checks for null children so a grammar/builder mismatch shows up as an
// E-SYNTAX diagnostic rather than a crash. Private to lib/syntax: it sees ANTLR types.
#pragma once
#include "NestmlParser.h"
#include "ast/ast.h"
#include "error_listener.h"
#include "source_map.h"

namespace nestjit::syntax {

ast::CompilationUnit build_ast(NestmlParser::CompilationUnitContext* tree,
                               antlr4::TokenStream& tokens, const SourceMap& map,
                               const SourceFilePtr& file, SyntaxErrorSink& errors);

}  // namespace nestjit::syntax
