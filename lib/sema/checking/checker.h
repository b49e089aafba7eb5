// The checker's shared state (private to lib/sema/checking/). `Checker` holds the model
// being checked, the symbol table under construction and the scopes of the body being
// typed. Each pass is one member function defined in the file named after its family of
// context conditions; sema/checker.cpp lists the passes in run order.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sema/builtins.h"
#include "sema/model.h"
#include "support/diagnostic.h"
#include "units/units.h"

namespace nestjit::sema::checking {

using ast::Expr;
using EK = ast::Expr::Kind;

// Where an expression or statement sits; some functions are legal only in some places.
enum class Context { Declaration, Equations, Update, OnReceive, OnCondition, Function };

bool ends_with(const std::string& s, const std::string& suffix);
// Splits "x''" into ("x", 2).
std::pair<std::string, int> split_primes(const std::string& name);

class Checker {
 public:
  Checker(const ast::Model& model, SourceFilePtr file, const CheckOptions& opts,
          DiagnosticList& diags);

  // ---- the passes, in the order check() runs them ----
  void check_block_multiplicity();     // checker.cpp
  void add_predefined();               // checker.cpp: t, e, pi
  void declare_ports();                // declarations.cpp
  void declare_kernels();              // declarations.cpp
  void declare_variables();            // declarations.cpp
  void check_variable_initializers();  // declarations.cpp
  void declare_inlines();              // declarations.cpp
  void check_equations();              // equations.cpp
  void check_update();                 // blocks.cpp
  void check_on_receive_handlers();    // blocks.cpp
  void check_on_conditions();          // blocks.cpp
  void check_functions();              // blocks.cpp
  void check_integrate_odes_called();  // equations.cpp
  void run_cocos();                    // cocos.cpp: the structural context conditions

  std::unique_ptr<CheckedModel> take_model() { return std::move(m_); }

 private:
  std::unique_ptr<CheckedModel> m_;
  const ast::Model& model_;
  SourceFilePtr file_;
  DiagnosticList& diags_;
  std::vector<std::vector<Symbol*>> scopes_;  // local scopes, innermost last
  std::vector<std::unique_ptr<Symbol>> locals_;
  bool integrate_odes_seen_ = false;
  // Every local declaration of the handler/function body being checked, to tell "used
  // before its declaration" from "not declared at all".
  std::vector<std::pair<std::string, SourceSpan>> body_locals_;
  void begin_body(const ast::Block& body);
  const SourceSpan* later_local(const std::string& name, const SourceSpan& use) const;
  bool emit_seen_ = false;
  void error(const std::string& code, SourceSpan span, std::string msg, std::string hint = {});
  void warning(const std::string& code, SourceSpan span, std::string msg, std::string hint = {});
  Symbol* add_symbol(std::string name, int order, SymbolKind kind, Type type, SourceSpan span);

  // ---- name lookup ----

  const Symbol* lookup_model(const std::string& name, int order) const;
  const Symbol* lookup(const std::string& name, int order) const;
  void redeclaration_check(const std::string& name, int order, SourceSpan span);

  // ---- declarations ----

  Type declared_type(const ast::TypeExpr& t);
  std::optional<units::Unit> unit_type(const Expr& e);
  std::optional<double> constant_value(const Expr& e);
  // False (after an E-UNIT-EXPONENT error at `where`) for a non-finite or huge exponent.
  static constexpr double kMaxUnitExponent = 1000;
  bool exponent_in_range(double p, const Expr& where);

  // Model-level variables (parameters, state, internals) are all declared first, in source
  // order, so that an initializer may use a variable of another block whatever the block
  // order in the file (the corpus does both). Within one block, an initializer may only use
  // names declared before it (upstream evaluates a block top to bottom), and never its own name.
  struct PendingDecl {
    const ast::Declaration* decl;
    SymbolKind kind;
    Type type;
    std::vector<Symbol*> symbols;
  };
  std::vector<PendingDecl> pending_;
  int constant_depth_ = 0;
  const ast::Declaration* current_decl_ = nullptr;  // whose initializer is being checked
  SymbolKind current_decl_kind_ = SymbolKind::Local;
  void check_vector_in_scalar(const ast::Declaration& d, const Expr& init);
  void check_kernel_ode(const ast::KernelDef::Part& part, Type rhs);
  Type check_ode_of_vector(const ast::OdeEquation& ode, const Symbol& x);
  bool always_returns(const ast::Block& b);
  void check_returns(const ast::Function& f);
  void check_on_receive(const ast::OnReceive& h);
  void check_function(const ast::Function& f);

  // ---- statements ----

  void check_block(const ast::Block& block, Context ctx);
  void stmt(const ast::Stmt& s, Context ctx);
  void assignment(const ast::Stmt& s, Context ctx);
  void require_boolean(Type t, const Expr& e, const char* what);
  static bool assignable(Type target, Type value);
  void check_assignable(Type target, Type value, const Expr& e, const std::string& name);

  // ---- expressions ----

  Type record(const Expr& e, Type t, const Symbol* s = nullptr);
  Type expr(const Expr& e, Context ctx);

  // Where a declaration stands in the file, for "declared before use" comparisons.
  static std::pair<int, int> pos(const SourceSpan& s) { return {s.line, s.column}; }

  Type name(const Expr& e, Context ctx);
  Type unary(const Expr& e, Context ctx);
  Type binary(const Expr& e, Context ctx);
  Type call(const Expr& e, Context ctx);
  void check_call_context(const Expr& e, const BuiltinFunction& b, Context ctx);
  const Expr* delta_allowed_ = nullptr;
  void check_template_args(const Expr& e, const BuiltinFunction& b, const std::vector<Type>& args);
  void check_argument(const ast::Function& f, size_t i, Type want, Type got, const Expr& arg);
  Type convolve(const Expr& e, Context ctx);
};

}  // namespace nestjit::sema::checking
