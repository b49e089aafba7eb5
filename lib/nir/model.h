// The model IR: a checked model lowered to unit-free numbers. Every variable is a slot in a
// per-instance array of doubles; blocks are statement trees over slots; ODE systems and
// convolution states are explicit. This is all codegen/ needs to know about a model.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sema/builtins.h"

namespace nestjit::nir {

enum class ValueType { F64, I64, Bool };

enum class Op {
  Neg, Not, BitNot, ToF64, ToI64, ToBool,
  Add, Sub, Mul, Div, Mod, Pow,
  BitAnd, BitXor, BitOr, Shl, Shr,
  Lt, Le, Eq, Ne, Ge, Gt,
  And, Or,
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind {
    Const,       // value
    Slot,        // index: instance slot
    Local,       // index: local variable of the block being generated
    Param,       // index: parameter of the user function being generated
    Time,        // t as the runtime defines it for the block (SEMANTICS.md 2, 3, 5)
    Timestep,    // timestep(): h for neurons, the inter-event interval for synapses
    Resolution,  // resolution()
    Unary,       // op args[0]
    Binary,      // args[0] op args[1]
    Select,      // args[0] ? args[1] : args[2]
    Builtin,     // builtin(args...)
    Call,        // user function `index`(args...)
    SlotElement, // slots[index + stride * args[0]], args[0] checked against 0..count-1
  };
  Kind kind = Kind::Const;
  ValueType type = ValueType::F64;
  double value = 0.0;
  int index = 0;
  Op op = Op::Add;
  sema::Builtin builtin = sema::Builtin::Exp;
  std::vector<ExprPtr> args;
  // SlotElement: the vector's element count and slot stride, and its name for the
  // out-of-range message.
  int count = 0, stride = 1;
  std::string name;
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

struct Stmt {
  enum class Kind {
    AssignSlot,     // slots[index] = value
    AssignLocal,    // locals[index] = value
    AssignElement,  // slots[index + stride * args[0]] = value (element of a vector; see
                    // Expr::SlotElement for count, stride and name, kept in `element`)
    Eval,           // evaluate value for its effects (a call)
    If,             // branches (cond, body)...; else_body
    While,          // while (value) body
    Return,         // return value (may be null)
    IntegrateOdes,  // Integration `index` over timestep(); synapses (advance_convolutions)
                    // also advance their convolution states, which neurons do every step
    EmitSpike,      // args: weight, delay (either may be missing)
    Print,          // text[0] args[0] text[1] args[1] ... text[n]; see print_* below
  };
  Kind kind = Kind::Eval;
  int index = 0;
  bool advance_convolutions = false;
  ExprPtr value;
  std::vector<std::pair<ExprPtr, Block>> branches;
  Block else_body;
  Block body;
  std::vector<ExprPtr> args;
  // Print: the literal pieces around the `{name}` placeholders, each placeholder's unit as
  // declared (printed after its value), whether a newline follows, and the channel.
  std::vector<std::string> text, units;
  bool newline = false;
  enum class Channel { Out, Info, Warning } channel = Channel::Out;
  ExprPtr element;  // AssignElement: the SlotElement expression naming the target
};

// slots[slot] = value
inline StmtPtr assign_slot(int slot, ExprPtr value) {
  auto st = std::make_unique<Stmt>();
  st->kind = Stmt::Kind::AssignSlot;
  st->index = slot;
  st->value = std::move(value);
  return st;
}

enum class SlotRole {
  Parameter, State, Internal,
  Convolution,      // kernel x spike port state, advanced every step
  ConvolutionTmp,   // phase-3 value of a convolution (SEMANTICS.md 2, phases 3 and 6)
  Propagator,       // A, P, Q of analytic blocks
  SpikeInput,       // summed weight of the spikes read in this step, per spike port
  SpikeReceived,    // 1 if any spike arrived on the port in this step
  ContinuousInput,  // value of a continuous input port for this step
  IntegrationStep,  // adaptive RKF45 step carried across steps
};

struct Slot {
  std::string name;
  SlotRole role = SlotRole::State;
  ValueType type = ValueType::F64;
  std::string unit;        // internal unit name for reporting ("mV", "ms", "" = real)
  bool recordable = false;
  int port = -1;           // SpikeInput/SpikeReceived/ContinuousInput/Convolution: port index
  // A parameter declared @homogeneous: in a synapse model, one value shared by every
  // connection of the model (set through its defaults, never per connection).
  bool homogeneous = false;
};

// A continuous variable: an ODE state (one per derivative order: x, x', ...) or one state of
// a convolution (kernel x spike port).
struct OdeVar {
  std::string name;
  int slot = -1;
  bool is_convolution = false;
  ExprPtr rhs;            // derivative, over slots; spike-port and delta terms removed
  bool analytic = false;  // solved exactly by a propagator
  int block = -1;         // analytic block
  int row = -1;           // row within the block
};

// Variables solved exactly over a step h: x(t+h) = P x(t) + Q b with P = expm(A h) and
// Q = integral_0^h expm(A s) ds. A and b are state-free expressions (A evaluated with the
// internals, b at every step because it may contain continuous inputs). A, P and Q are
// instance slots, row-major n*n; the runtime computes P and Q from A after the internals.
struct AnalyticBlock {
  std::vector<int> vars;      // indices into Model::ode_vars, in row order
  std::vector<ExprPtr> a;     // n*n entries, null = 0
  std::vector<ExprPtr> b;     // n entries, null = 0
  std::vector<char> nonzero;  // n*n: whether P_ij can be nonzero (j reachable from i)
  int a_slot = -1, p_slot = -1, q_slot = -1;
  size_t size() const { return vars.size(); }
};

// A kernel convolved with a spike port. Its states K, K', ... (companion form for kernels
// given as functions of t; the kernel's own variables for ODE-form kernels) are OdeVars that
// advance every step (SEMANTICS.md 2, phases 3 and 6) and jump by weight x increment.
struct Convolution {
  std::string kernel, port_name;
  int port = -1;
  std::vector<int> vars;            // OdeVar indices
  std::vector<int> tmp_slots;       // phase-3 values, parallel to vars
  std::vector<int> increment_slots; // Internal slots, parallel to vars
  bool from_post_archive = false;   // synapse post port: value computed from the neuron's archive
  int slot = -1;                    // the convolution's value (first state)
  int rate_slot = -1;               // archive-backed only: decay rate of the 1-state kernel
};

// x += coefficient * (summed weight of port p in this step) at the end of the step
// (phase 8): delta-kernel convolutions and spike ports used directly in ODEs.
struct Jump {
  int slot = -1;
  int port = -1;
  ExprPtr coefficient;
};

// One numeric system (SEMANTICS.md 2.6): y holds every non-convolution ODE variable, then
// every convolution state. Variables selected by the integrate_odes call have their ODE
// right-hand side, the others derivative 0; convolution states evolve with their own linear
// ODE. Only the first `writeback` entries are stored back after the step.
struct NumericSystem {
  std::vector<int> vars;       // OdeVar indices in y order
  std::vector<ExprPtr> rhs;    // parallel to vars
  int writeback = 0;
  // d rhs_i / d y_j, row-major; empty when some right-hand side cannot be differentiated
  // symbolically (CVODE then uses difference quotients).
  std::vector<ExprPtr> jacobian;
};

// One integrate_odes(...) argument list (empty list = all variables).
struct Integration {
  std::vector<int> analytic_vars;  // selected analytic OdeVars (overwritten by propagators)
  int numeric_system = -1;         // -1 when every selected variable is analytic
};

// Rkf45: GSL's adaptive RKF45 as NEST uses it. ForwardEuler: one Euler step per call.
// Cvode: SUNDIALS CVODE (BDF), for stiff systems. Auto: RKF45 until a stiffness estimate
// (spectral radius of the Jacobian times the step) says the system is stiff, then CVODE.
// A delayed state variable x(t - d) used in an equation (SEMANTICS.md 2, phase 2): every
// step, before anything else, the runtime pushes x into a ring of round(d/h)+1 values and
// sets value_slot to the oldest one.
struct Delay {
  int var_slot = -1;    // x
  int delay_slot = -1;  // Internal slot holding d (ms)
  int value_slot = -1;  // x(t - d) as read by the equations
};

enum class NumericSolver { Rkf45, ForwardEuler, Cvode, Auto };

struct SpikePort {
  std::string name;
  int sum_slot = -1, received_slot = -1;
  bool is_post = false;     // synapse: fed by the postsynaptic neuron's spikes
  bool excitatory = false, inhibitory = false;
};

struct ContinuousPort {
  std::string name;
  int slot = -1;
};

struct Handler {
  int port = -1;
  bool has_priority = false;
  long priority = 0;
  Block body;
  int locals = 0;
  std::vector<ValueType> local_types;
};

struct CodeBlock {
  Block body;
  int locals = 0;           // number of locals the block declares
  std::vector<ValueType> local_types;
};

struct Function {
  std::string name;
  std::vector<ValueType> params;
  ValueType result = ValueType::F64;
  bool returns_void = true;
  CodeBlock code;
};

// A `[[condition]]` declared after a parameter, state or internal (nir/guards.h): checked
// by the compiled check_guards function when a value is set and when an instance is made.
struct Guard {
  std::string variable;     // the declared variable it follows
  int slot = -1;            // that variable's slot
  bool on_parameter = false;
  ExprPtr condition;        // Bool, over slots
  std::string file;         // where the guard is written
  int line = 0, column = 0;
  std::string text;         // the condition as written
};

struct Model {
  std::string name;
  bool is_synapse = false;
  std::vector<Slot> slots;

  CodeBlock init_parameters;    // parameter defaults, in declaration order
  CodeBlock compute_internals;  // internals and convolution rates/increments
  CodeBlock init_state;         // state initial values (after internals)
  std::vector<Guard> guards;    // declared guards, in declaration order
  CodeBlock update;             // the update block
  std::vector<Handler> on_receive;
  std::vector<CodeBlock> on_condition;  // condition folded into an If
  std::vector<Function> functions;
  std::vector<OdeVar> ode_vars;
  std::vector<AnalyticBlock> analytic_blocks;
  std::vector<Convolution> convolutions;
  std::vector<Jump> jumps;
  std::vector<NumericSystem> numeric_systems;
  std::vector<Integration> integrations;
  NumericSolver numeric_solver = NumericSolver::Auto;
  // NESTML's `solver: "numeric"`: no propagators; convolution states are integrated in the
  // numeric system too (and written back from it) instead of advancing in phases 3 and 6.
  bool all_numeric = false;
  int step_slot = -1;  // adaptive RKF45 step, shared by all numeric systems (as NEST's)
  // Filled by lowering, read by the analysis: the ODE variables each integrate_odes call
  // selects (Stmt::index of IntegrateOdes indexes this and, after analysis, integrations).
  std::vector<std::vector<int>> integration_selections;
  // Archive-backed convolution states (synapse post ports): not integrated, set by the
  // runtime from the neuron's spike archive.
  std::vector<int> archive_vars;
  std::vector<SpikePort> spike_ports;
  std::vector<ContinuousPort> continuous_ports;
  bool emits_spikes = false;
  // `recordable inline` expressions, sampled by multimeters (in declaration order).
  std::vector<std::pair<std::string, ExprPtr>> recordable_inlines;
  // Everything a multimeter can record, in NEST's order (sorted by name).
  std::vector<std::string> recordables() const;
  std::vector<Delay> delays;
  // Parameters that size vectors (x[N], x[N + 1], x[n] with internal n = 2 * N): slot of N ->
  // the vectors it sizes. Sizes are fixed when the model is lowered (N's default, or the
  // value LowerOptions::vector_sizes gives), so a change of N at run time moves the instance
  // to a variant lowered with the new value (runtime/vector_relayout.cpp).
  std::map<int, std::vector<std::string>> vector_size_parameters;
  std::map<std::string, long> vector_size_values;  // size parameter -> value laid out with
  int weight_slot = -1;  // synapse: the variable bound to the connection weight
  int delay_slot = -1;   // synapse: the variable bound to the connection delay

  int find_slot(const std::string& name) const;
};

}  // namespace nestjit::nir
