// The NESTML abstract syntax tree: an owning tree produced by syntax/ and read by sema/.
// It mirrors the source closely (no desugaring) so diagnostics can point at what the user
// wrote; every node carries its SourceSpan. Nothing here knows about ANTLR.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/source.h"

namespace nestjit::ast {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class Op {
  // unary
  Neg, Plus, BitNot, Not,
  // binary
  Pow, Mul, Div, Mod, Add, Sub,
  BitAnd, BitXor, BitOr, Shl, Shr,
  Lt, Le, Eq, Ne, Ge, Gt,
  And, Or,
};
const char* op_spelling(Op op);

// One expression node. A small closed set of kinds; children live in `args`.
struct Expr {
  enum class Kind {
    Number,   // num (is_integer tells whether it was written without '.' or exponent)
    Bool,     // bool_value
    String,   // text = the unescaped string
    Inf,      // the keyword inf
    Name,     // text = name, primes = number of ', args[0] = vector index if any
    Call,     // text = function name, args = arguments
    Unary,    // op, args[0]
    Binary,   // op, args[0] op args[1]; implicit_mul for "10 mV" / "2 tau"
    Ternary,  // args[0] ? args[1] : args[2]
    Paren,    // ( args[0] ) - kept so precedence tests and messages see the parentheses
  };
  Kind kind = Kind::Number;
  SourceSpan span;
  double num = 0.0;
  bool is_integer = false;
  bool bool_value = false;
  std::string text;
  int primes = 0;
  Op op = Op::Add;
  bool implicit_mul = false;
  std::vector<ExprPtr> args;
};

// A data type as written: a primitive keyword, or a unit expression (which reuses Expr:
// names are unit names, numbers are only allowed as `1` numerators and exponents).
struct TypeExpr {
  enum class Kind { Integer, Real, Boolean, String, Void, Unit };
  Kind kind = Kind::Real;
  ExprPtr unit;  // only for Kind::Unit
  SourceSpan span;
};

struct Declaration {
  SourceSpan span;
  std::vector<std::string> names;
  std::vector<SourceSpan> name_spans;
  ExprPtr vector_size;  // `name[size]` (shared by all names of the declaration), or null
  bool is_recordable = false;
  bool is_inline = false;
  TypeExpr type;
  ExprPtr init;   // may be null
  ExprPtr guard;  // `[[...]]`, may be null
  std::vector<std::string> decorators;  // "homogeneous", "heterogeneous", "ns::name"
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

struct IfBranch {
  ExprPtr condition;  // null for the else branch
  Block body;
  SourceSpan span;
};

struct Stmt {
  enum class Kind { Declaration, Assignment, Call, Return, If, While, For };
  Kind kind = Kind::Call;
  SourceSpan span;

  // Declaration
  std::unique_ptr<Declaration> declaration;
  // Assignment: target (a Name expression) assign_op value; assign_op is one of = += -= *= /=
  ExprPtr target;
  std::string assign_op;
  // Assignment value, Call expression, Return value (may be null), While condition
  ExprPtr value;
  // If: branches in order (if, elif..., else with null condition)
  std::vector<IfBranch> branches;
  // For: `for loop_var in from ... to step step:`
  std::string loop_var;
  SourceSpan loop_var_span;
  ExprPtr from, to;
  double step = 1.0;
  // While, For: body
  Block body;
};

struct OdeEquation {
  SourceSpan span;
  std::string name;  // variable whose derivative is defined
  int order = 1;     // number of primes on the left-hand side
  SourceSpan lhs_span;
  ExprPtr rhs;
  // `x[i]' = f(i)`: the element index as written (a name standing for every element, or an
  // integer expression naming one); null for a scalar ODE.
  ExprPtr index;
};

// `kernel g = f(t)`, `kernel g' = ...`, or several ODE parts joined by ",\n".
struct KernelDef {
  SourceSpan span;
  struct Part {
    std::string name;
    int order = 0;  // 0 for the function-of-time form
    SourceSpan lhs_span;
    ExprPtr rhs;
  };
  std::vector<Part> parts;
};

struct InlineDef {
  SourceSpan span;
  std::string name;
  SourceSpan name_span;
  bool is_recordable = false;
  TypeExpr type;
  ExprPtr rhs;
  std::vector<std::string> decorators;
};

struct Parameter {  // a typed name: function parameter or spike-event attribute
  std::string name;
  TypeExpr type;
  SourceSpan span;
};

struct InputPort {
  enum class Kind { Spike, Continuous };
  SourceSpan span;
  std::string name;
  SourceSpan name_span;
  Kind kind = Kind::Spike;
  ExprPtr vector_size;              // `name[N]`
  std::optional<TypeExpr> type;     // continuous ports carry a type
  bool excitatory = false, inhibitory = false;
  int excitatory_count = 0, inhibitory_count = 0;  // for the "qualifier unique" check
  std::vector<Parameter> attributes;  // seed dialect: `spike(weight real, delay ms)`
};

struct OutputPort {
  enum class Kind { Spike, Continuous };
  SourceSpan span;
  Kind kind = Kind::Spike;
  std::vector<Parameter> attributes;  // seed dialect: `spike(weight real, delay ms)`
};

struct HandlerArg {  // `priority=1` in onReceive/onCondition headers
  std::string name;
  ExprPtr value;
  SourceSpan span;
};

struct OnReceive {
  SourceSpan span;
  std::string port;
  SourceSpan port_span;
  ExprPtr port_index;  // onReceive(spikes[2]) - rare, kept for completeness
  std::vector<HandlerArg> args;
  Block body;
};

struct OnCondition {
  SourceSpan span;
  ExprPtr condition;
  std::vector<HandlerArg> args;
  Block body;
};

struct Function {
  SourceSpan span;
  std::string name;
  SourceSpan name_span;
  std::vector<Parameter> params;
  std::optional<TypeExpr> return_type;  // none = void
  Block body;
};

// Which kind of top-level block a header introduced, kept in source order so sema can
// check "at most once" rules and point at the second occurrence.
enum class BlockKind {
  Parameters, State, Internals, Equations, Input, Output, Update, OnReceive, OnCondition,
  Function
};
struct BlockHeader {
  BlockKind kind;
  SourceSpan span;
};

struct Model {
  SourceSpan span;
  std::string name;
  SourceSpan name_span;
  std::vector<BlockHeader> blocks;

  std::vector<Declaration> parameters;
  std::vector<Declaration> state;
  std::vector<Declaration> internals;

  std::vector<OdeEquation> odes;
  std::vector<KernelDef> kernels;
  std::vector<InlineDef> inlines;

  std::vector<InputPort> inputs;
  std::vector<OutputPort> outputs;

  std::optional<Block> update;
  SourceSpan update_span;
  std::vector<OnReceive> on_receive;
  std::vector<OnCondition> on_condition;
  std::vector<Function> functions;
};

struct CompilationUnit {
  SourceFilePtr file;
  std::vector<Model> models;
};

}  // namespace nestjit::ast
