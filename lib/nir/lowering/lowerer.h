// The lowering's shared state (private to lib/nir/lowering/). `Lowerer` carries what the
// passes of nir/lower.cpp need between them: the model being built, the slot of every
// symbol, the ports, and the locals of the block being lowered. Each pass is one member
// function defined in the file named after its purpose; lower.cpp lists them in run order.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "nir/lower.h"
#include "nir/model.h"
#include "sema/model.h"
#include "support/diagnostic.h"

namespace nestjit::nir::lowering {

using sema::SymbolKind;
using EK = ast::Expr::Kind;

// IR construction (ir_builders.cpp). Constant folding of literal x unit happens as the
// expressions are built.
ExprPtr constant(double v, ValueType t = ValueType::F64);
ExprPtr make(Expr::Kind k, ValueType t, int index = 0);
ExprPtr unary(Op op, ExprPtr a, ValueType t);
ExprPtr binary(Op op, ExprPtr a, ExprPtr b, ValueType t);
ExprPtr convert(ExprPtr e, ValueType to);
ValueType value_type(const sema::Type& t);

// Names (ir_builders.cpp): the reference simulator's spelling of a variable, a slot's name
// for derivative order `order`, and the variable as the user wrote it (for messages).
std::string nest_name(const std::string& name);
std::string slot_name(const std::string& name, int order);
std::string source_name(const std::string& name, int order);

class Lowerer {
 public:
  Lowerer(const sema::CheckedModel& cm, const LowerOptions& opts, DiagnosticList& diags);

  // ---- the passes, in the order lower() runs them ----
  void allocate_slots();            // slots.cpp: parameters, state, internals, ports
  void lower_functions();           // blocks.cpp: user functions
  void lower_initialisation();      // blocks.cpp: parameter defaults, internals, initial state
  void lower_parameter_guards();    // blocks.cpp: `[[...]]` conditions (nir/guards.cpp)
  void lower_odes();                // odes.cpp: one OdeVar per ODE order
  void lower_update();              // blocks.cpp: the update block
  void lower_on_receive_handlers(); // blocks.cpp
  void lower_on_conditions();       // blocks.cpp
  void lower_recordable_inlines();  // blocks.cpp

  bool failed() const { return failed_; }
  Model& model() { return *m_; }
  std::unique_ptr<Model> take_model() { return std::move(m_); }

 private:
  enum class Where { Init, Update, Handler, Function, Equations };

  const sema::CheckedModel& cm_;
  const ast::Model& ast_;
  const LowerOptions& opts_;
  DiagnosticList& diags_;
  std::unique_ptr<Model> m_;
  bool failed_ = false;

  std::map<const sema::Symbol*, int> slot_of_;
  std::map<std::string, int> spike_port_of_;
  std::map<std::string, int> cont_port_of_;
  // Locals of the block being lowered.
  std::map<const sema::Symbol*, int> local_of_;
  std::vector<ValueType> local_types_;
  std::map<const sema::Symbol*, int> param_of_;
  std::set<const ast::InlineDef*> expanding_;
  std::map<const ast::Function*, int> function_index_;
  std::map<int, int> var_of_slot_;   // ODE variable index of a slot
  std::set<int> kernel_var_slots_;   // state slots that are variables of ODE-form kernels
  // Vectors (variables and ports): first slot, element count, slot stride.
  struct VectorLayout {
    int first = -1, count = 0, stride = 1;
  };
  std::map<const sema::Symbol*, VectorLayout> vectors_;
  // Size parameter -> the vectors (and vector ports) whose size depends on it.
  std::map<const sema::Symbol*, std::vector<std::string>> sized_by_;
  std::map<const sema::Symbol*, long> size_values_;  // the value each was laid out with
  std::optional<double> time_override_;
  const Function* current_function_ = nullptr;

  // lowerer.cpp
  void error(const std::string& code, SourceSpan span, std::string msg, std::string hint = {});
  void begin_block();
  void end_block(CodeBlock& cb);
  CodeBlock lower_block(const ast::Block& b, Where);

  // slots.cpp
  int add_slot(std::string name, SlotRole role, ValueType t, std::string unit = {},
               bool recordable = false);
  static std::string unit_of(const sema::Type& t);
  int find_var(const std::string& given, std::initializer_list<const char*> defaults);
  std::optional<long> vector_size(const ast::Expr& e, int depth,
                                  std::set<const sema::Symbol*>& params);
  int element_count(const sema::Symbol& s, const ast::Expr* size);
  void note_size_parameters();

  // blocks.cpp
  void lower_function(const ast::Function& f, Function& out);
  void lower_on_receive(const ast::OnReceive& h);

  // odes.cpp
  int selection_of(const ast::Expr& call);
  void add_ode_vars(const ast::OdeEquation& ode, const std::vector<int>& slots);
  // While the right-hand side of element k of `x[i]' = f(i)` is lowered: i and k.
  std::optional<std::pair<const sema::Symbol*, long>> ode_index_;
  ExprPtr delayed(const ast::Expr& call, const sema::Symbol& var);

  // convolutions.cpp
  ExprPtr convolution(const ast::Expr& call);
  static bool is_delta_kernel(const sema::Symbol& k);
  int add_conv_state(Convolution& c, const std::string& name, ExprPtr rhs);
  bool kernel_of_time(const sema::Symbol& ks, Convolution& c, SourceSpan span);
  bool kernel_of_odes(const sema::Symbol& ks, Convolution& c, SourceSpan span);

  // statements.cpp
  // The assignable place a Name expression denotes.
  struct Place {
    bool local = false;
    int index = -1;
    ValueType type = ValueType::F64;
    // An element of a vector: the vector and the index expression as written.
    const sema::Symbol* vector = nullptr;
    const ast::Expr* element_index = nullptr;
    SourceSpan span;
  };
  Block lower_stmts(const ast::Block& b);
  int local_index(const sema::Symbol* s);
  std::optional<Place> place(const ast::Expr& target);
  ExprPtr read(const Place& p);
  StmtPtr write(const Place& p, ExprPtr v);
  void lower_stmt(const ast::Stmt& s, Block& out);
  void lower_call_stmt(const ast::Expr& call, Block& out);
  StmtPtr print(const ast::Expr& call);
  std::optional<std::pair<ExprPtr, std::string>> placeholder(const std::string& name);

  // expressions.cpp
  ExprPtr expr(const ast::Expr& e);
  ExprPtr name(const ast::Expr& e, const sema::ExprInfo* info);
  ExprPtr call(const ast::Expr& e, const sema::ExprInfo* info);
  ExprPtr binary_expr(const ast::Expr& e);
  ExprPtr port_rate(int port);
  // vectors.cpp: x[i] as a slot (constant index) or a checked element access.
  ExprPtr element(const sema::Symbol& s, const ast::Expr& index, SourceSpan span);
};

}  // namespace nestjit::nir::lowering
