// The model IR: a checked model lowered to unit-free numbers. Every variable is a slot in a
// per-instance array of doubles; blocks are statement trees over slots; ODE systems and
// convolution states are explicit. This is all codegen/ needs to know about a model.
#pragma once
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
  };
  Kind kind = Kind::Const;
  ValueType type = ValueType::F64;
  double value = 0.0;
  int index = 0;
  Op op = Op::Add;
  sema::Builtin builtin = sema::Builtin::Exp;
  std::vector<ExprPtr> args;
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

struct Stmt {
  enum class Kind {
    AssignSlot,     // slots[index] = value
    AssignLocal,    // locals[index] = value
    Eval,           // evaluate value for its effects (a call)
    If,             // branches (cond, body)...; else_body
    While,          // while (value) body
    Return,         // return value (may be null)
    IntegrateOdes,  // ODE system `index` over timestep(); also advances the model's own
                    // convolution states when `advance_convolutions` (synapses)
    EmitSpike,      // args: weight, delay (either may be missing)
  };
  Kind kind = Kind::Eval;
  int index = 0;
  bool advance_convolutions = false;
  ExprPtr value;
  std::vector<std::pair<ExprPtr, Block>> branches;
  Block else_body;
  Block body;
  std::vector<ExprPtr> args;
};

enum class SlotRole {
  Parameter, State, Internal,
  Convolution,      // kernel x spike port state, advanced every step
  ConvolutionTmp,   // phase-3 value of a convolution (SEMANTICS.md 2, phases 3 and 6)
  SpikeInput,       // summed weight of the spikes read in this step, per spike port
  SpikeReceived,    // 1 if any spike arrived on the port in this step
  ContinuousInput,  // value of a continuous input port for this step
  IntegrationStep,  // adaptive RKF45 step carried across steps, per ODE system
};

struct Slot {
  std::string name;
  SlotRole role = SlotRole::State;
  ValueType type = ValueType::F64;
  std::string unit;        // internal unit name for reporting ("mV", "ms", "" = real)
  bool recordable = false;
  int port = -1;           // SpikeInput/SpikeReceived/ContinuousInput/Convolution: port index
};

// A convolution of a kernel with a spike port, represented as a scalar linear state
// K' = rate * K with K += increment * weight per spike.
struct Convolution {
  std::string kernel, port_name;
  int port = -1;         // spike port index
  int slot = -1;         // Convolution slot
  int tmp_slot = -1;     // ConvolutionTmp slot
  int rate_slot = -1;    // Internal slot holding the decay rate (1/ms)
  int increment_slot = -1;  // Internal slot holding the per-spike increment
  bool from_post_archive = false;  // synapse post port: value comes from the neuron's archive
};

struct OdeSystem {
  std::vector<int> state_slots;  // integrated variables, in order
  std::vector<ExprPtr> rhs;      // derivative of each, over slots (system slots read from y)
  int step_slot = -1;            // IntegrationStep slot
};

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

struct Model {
  std::string name;
  bool is_synapse = false;
  std::vector<Slot> slots;

  CodeBlock init_parameters;    // parameter defaults, in declaration order
  CodeBlock compute_internals;  // internals and convolution rates/increments
  CodeBlock init_state;         // state initial values (after internals)
  CodeBlock update;             // the update block
  std::vector<Handler> on_receive;
  std::vector<CodeBlock> on_condition;  // condition folded into an If
  std::vector<Function> functions;
  std::vector<OdeSystem> ode_systems;
  std::vector<Convolution> convolutions;
  std::vector<SpikePort> spike_ports;
  std::vector<ContinuousPort> continuous_ports;
  bool emits_spikes = false;
  int weight_slot = -1;  // synapse: the variable bound to the connection weight
  int delay_slot = -1;   // synapse: the variable bound to the connection delay

  int find_slot(const std::string& name) const;
};

}  // namespace nestjit::nir
