// sema's result: a model whose every name is resolved and every expression typed.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ast/ast.h"
#include "sema/types.h"
#include "support/diagnostic.h"

namespace nestjit::sema {

enum class SymbolKind {
  Parameter, State, Internal, Inline, SpikePort, ContinuousPort, Kernel, Local,
  FunctionParam, Predefined,  // t, e, pi
};

struct Symbol {
  std::string name;        // as declared, without primes
  int order = 0;           // derivative order for state variables declared as x', x''
  SymbolKind kind = SymbolKind::Local;
  Type type;
  SourceSpan span;
  const ast::Declaration* declaration = nullptr;  // parameters, state, internals, locals
  const ast::Expr* init = nullptr;                // initializer expression, if any
  const ast::InlineDef* inline_def = nullptr;
  const ast::KernelDef* kernel_def = nullptr;
  const ast::InputPort* port = nullptr;
  bool is_vector = false;
};

// What a name or call in an expression refers to.
struct ExprInfo {
  Type type;
  const Symbol* symbol = nullptr;   // Name: the variable
  double unit_scale = 0.0;          // Name that is a unit: its internal number
  bool is_unit_name = false;
  const ast::Function* function = nullptr;  // Call of a user function
};

struct CheckedModel {
  SourceFilePtr file;
  const ast::Model* ast = nullptr;
  bool is_synapse = false;
  // All model-level symbols, owned here; pointers stay valid (deque-like storage).
  std::vector<std::unique_ptr<Symbol>> symbols;
  std::unordered_map<const ast::Expr*, ExprInfo> exprs;
  // The variable each `for` statement counts in, as resolved where the loop stands.
  std::unordered_map<const ast::Stmt*, const Symbol*> loop_vars;

  const ExprInfo* info(const ast::Expr* e) const {
    auto it = exprs.find(e);
    return it == exprs.end() ? nullptr : &it->second;
  }
  const Symbol* find(const std::string& name, int order = 0) const;
  std::vector<const Symbol*> of_kind(SymbolKind k) const;
};

struct CheckOptions {
  // Synapse detection follows NESTML: names listed here, or ending in "synapse".
  std::vector<std::string> synapse_models;
};

// Checks every model of a parsed file. Keeps the CompilationUnit alive by reference: the
// caller owns it for as long as the CheckedModels are used.
std::vector<std::unique_ptr<CheckedModel>> check(const ast::CompilationUnit& unit,
                                                 const CheckOptions& options,
                                                 DiagnosticList& diags);

}  // namespace nestjit::sema
