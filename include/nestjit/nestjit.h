// nestjit's public C++ API: load NESTML models, build a network, simulate, read results.
// Names follow PyNEST where the concept exists there (Create, Connect, Simulate, GetStatus,
// SetStatus, GetConnections, spike_recorder), so NEST users feel at home.
//
// Errors: install_*() never throws; it returns diagnostics. The other calls throw
// nestjit::Error with a message that says what was wrong, and leave the kernel usable.
//
// Threads and lifetimes (docs/embedding.md):
// - Kernels are independent: any number may exist in one process, and each may be used from
//   its own thread at the same time as the others. One Kernel must not be used from two
//   threads at once (a second simulate() while one runs throws nestjit::Error); handing a
//   kernel from one thread to another between calls is fine.
// - Installing is thread-safe; compiled code of a model is shared by all kernels that install
//   the same source text with the same options, and freed when the last of them is gone.
// - Values returned by value are the caller's. Views (spike_events_view,
//   multimeter_events_view) point into the kernel and stay valid until the next call that
//   simulates, resets or destroys it. Connections and NodeCollection are plain handles: using
//   one after reset() (or with another kernel) throws nestjit::Error.
// - Values are numbers in the reference simulator's internal units (ms, mV, pA, nS, pF, GOhm).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "nestjit/export.h"

namespace nestjit {

// Every failure of a kernel call other than install_*(): what() says what was wrong and, where
// it helps, what would be right. The kernel stays usable after it.
class NESTJIT_API Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---- Embedding: misuse from inside a step callback (lib/api/kernel_stepping.cpp) ----
// Thrown when a step callback calls something that would change the network's structure or
// time while the kernel is in the middle of simulating (simulate, run_until, step, reset,
// create, connect, install_*, reload, set_step_callback).
class NESTJIT_API CallbackError : public Error {
 public:
  using Error::Error;
};

// One diagnostic of install_*() (an error, a warning or a note about a model file).
// Interrupts: thrown by Kernel::simulate() when Kernel::interrupt() stopped it at a min-delay
// slice boundary. Not a failure: the kernel is intact, time() is where it stopped, and a
// following simulate() continues the network. Message "interrupted at t = <ms> ms".
class NESTJIT_API Interrupted : public Error {
 public:
  explicit Interrupted(double time_ms);
  double time_ms() const { return time_ms_; }

 private:
  double time_ms_;
};

struct DiagnosticInfo {
  enum class Severity { Error, Warning, Note };
  Severity severity = Severity::Error;
  std::string code;  // stable, e.g. "E-SYNTAX", "E-TYPE-MISMATCH"
  std::string file;
  int line = 0, column = 0;
  std::string message, hint;
  std::string rendered;  // "file:line:col: error[CODE]: message" + source line + caret + hint
};

// Milliseconds spent in each stage of loading a file.
struct LoadTimings {
  double parse_ms = 0, check_ms = 0, ode_ms = 0, ir_ms = 0, jit_ms = 0;
  // The sum of the stages.
  double total_ms() const { return parse_ms + check_ms + ode_ms + ir_ms + jit_ms; }
  // Adds another load's stage times to these (for totals over several files).
  LoadTimings& operator+=(const LoadTimings& o) {
    parse_ms += o.parse_ms;
    check_ms += o.check_ms;
    ode_ms += o.ode_ms;
    ir_ms += o.ir_ms;
    jit_ms += o.jit_ms;
    return *this;
  }
};

// How install_*() treats a model file.
struct InstallOptions {
  // Synapse models: ports fed by the postsynaptic neuron (NESTML's post_ports; default: the
  // ports whose name contains "post"), and the variables bound to the connection's weight and
  // delay (NESTML's weight_variable / delay_variable).
  std::vector<std::string> post_ports;
  std::string weight_variable;
  std::string delay_variable;
  // Models to treat as synapses besides those whose name ends in "synapse".
  std::vector<std::string> synapse_models;
  // Numeric solver for non-linear ODEs: "auto" (default: RKF45 exactly as NEST's GSL, and
  // CVODE for an instance whose system turns out stiff), "rk45", "cvode" (SUNDIALS BDF), or
  // "forward-Euler" (one explicit Euler step per integrate_odes call).
  std::string numeric_solver = "auto";
  // "analytic" (default): linear ODEs and kernels are solved exactly by propagators, the
  // rest numerically; "numeric": everything, kernels included, goes to the numeric solver
  // (NESTML's `solver: "numeric"`).
  std::string solver = "analytic";
};

// What nestjit made of an installed model.
struct ModelInfo {
  std::string name;
  bool is_synapse = false;
  std::vector<std::string> parameters, state, recordables;
  size_t exact_variables = 0;    // ODE and kernel states solved by propagators
  size_t numeric_variables = 0;  // ODE states solved by the numeric solver
  std::string numeric_solver;    // "auto", "rk45", "cvode" or "forward-Euler"
  std::string source_path;
  // Spike receptors (NEST numbering: 0 when there is one, else 1..n) and continuous ports.
  size_t spike_receptors = 0;
  std::vector<std::string> continuous_ports;
  // Vectors and receptors (issue 8): NEST's receptor_types, the UPPER-CASE spike port names
  // (NAME_k for element k of a vector port) mapped to the receptor_type to connect to.
  std::map<std::string, int> receptor_types;
};

// ---- Inspecting an installed model (the REPL's %show and %dump; lib/api/kernel_inspect.cpp) ----
// One declared variable: its kind ("parameter", "state" or "internal") and its unit as
// nestjit stores it (NEST's internal units: "mV", "ms", "pA", ...; "" for a plain number).
struct ModelVariable {
  std::string name, kind, unit;
  bool recordable = false;
};
// A group of ODE variables solved together, with the solver and the reason it was chosen.
struct OdeSystemInfo {
  std::vector<std::string> variables;
  std::string solver;  // "propagator" (exact), "rk45", "cvode", "auto", "forward-Euler"
  std::string why;
};
struct ModelDescription {
  std::vector<ModelVariable> variables;  // parameters, state, internals in declaration order
  std::vector<OdeSystemInfo> ode_systems;
  std::vector<std::string> spike_ports;  // NESTML names, "(post)" after a synapse's post ports
};

// The outcome of install_*(): ok is false when any diagnostic is an error (then no model of
// the file was installed).
struct NESTJIT_API InstallResult {
  bool ok = false;
  std::vector<std::string> models;  // names of the models now available
  std::vector<DiagnosticInfo> diagnostics;
  LoadTimings timings;
  std::string report() const;  // all diagnostics, rendered
  // ---- Embedding: shared compiled code ----
  // True when the models came from the process-wide cache of compiled code (another kernel
  // installed the same source text with the same options); timings are then all zero.
  bool from_cache = false;
};

// Consecutive node ids, as returned by create().
struct NodeCollection {
  uint64_t first = 0;
  size_t count = 0;
  // The i-th node's id (no bounds check; i < size()).
  uint64_t operator[](size_t i) const { return first + i; }
  // The number of nodes.
  size_t size() const { return count; }
  // ---- Embedding: stale handles ----
  // Which kernel (and which of its resets) made the collection; 0 for a collection built by
  // hand, which is not checked. Kernel calls reject a collection from before reset() or from
  // another kernel.
  uint64_t epoch = 0;
};

// A parameter value for create() and set_status(): a number, a list of numbers (spike_times),
// a name, or a list of names (record_from).
using Value = std::variant<double, std::vector<double>, std::string, std::vector<std::string>>;
// Parameter name -> value.
using Params = std::map<std::string, Value>;

// ---- Connection rules, weights and delays (PyNEST's conn_spec and syn_spec) ----
enum class ConnRule {
  all_to_all,
  one_to_one,
  fixed_indegree,      // every target gets `indegree` sources drawn at random
  fixed_outdegree,     // every source gets `outdegree` targets drawn at random
  fixed_total_number,  // `N` (source, target) pairs drawn at random
  pairwise_bernoulli,  // every (source, target) pair connected with probability `p`
};

// A rule with its parameters. Converts from a bare ConnRule, so connect(a, b,
// ConnRule::one_to_one, syn) keeps working.
struct ConnSpec {
  ConnRule rule = ConnRule::all_to_all;
  size_t indegree = 0, outdegree = 0, N = 0;
  double p = 0.0;
  bool allow_autapses = true;   // a node may connect to itself
  bool allow_multapses = true;  // a pair may be connected more than once
  ConnSpec() = default;
  ConnSpec(ConnRule r) : rule(r) {}  // NOLINT: implicit on purpose
  static ConnSpec fixed_indegree_of(size_t k) { ConnSpec c(ConnRule::fixed_indegree); c.indegree = k; return c; }
  static ConnSpec fixed_outdegree_of(size_t k) { ConnSpec c(ConnRule::fixed_outdegree); c.outdegree = k; return c; }
  static ConnSpec fixed_total_number_of(size_t n) { ConnSpec c(ConnRule::fixed_total_number); c.N = n; return c; }
  static ConnSpec pairwise_bernoulli_with(double p) { ConnSpec c(ConnRule::pairwise_bernoulli); c.p = p; return c; }
};

// A distribution to draw connection weights or delays from (PyNEST's nest.random.*), drawn
// from the kernel's seeded random streams (KernelOptions::rng_seed).
struct Distribution {
  enum class Kind { uniform, normal, normal_clipped, lognormal, exponential };
  Kind kind = Kind::uniform;
  double a = 0.0, b = 1.0;  // uniform: min, max; normal, lognormal: mean, std; exponential: beta
  double min = 0.0, max = 0.0;  // normal_clipped: values outside [min, max] are redrawn
  static Distribution uniform(double min, double max) { return {Kind::uniform, min, max}; }
  static Distribution normal(double mean, double std) { return {Kind::normal, mean, std}; }
  static Distribution normal_clipped(double mean, double std, double min, double max) {
    return {Kind::normal_clipped, mean, std, min, max};
  }
  // Of the underlying normal, as the reference simulator defines them: exp(mean + std * N(0,1)).
  static Distribution lognormal(double mean, double std) { return {Kind::lognormal, mean, std}; }
  static Distribution exponential(double beta) { return {Kind::exponential, beta, 0.0}; }
};

// The weight or delay of the connections one connect() makes: unset (the default), one
// number for all, one number per connection (in the order connect() makes them), or drawn
// per connection from a distribution. Assigns like the std::optional<double> it replaces.
class SynValue {
 public:
  SynValue() = default;
  SynValue(double v) : v_(v) {}                                   // NOLINT
  SynValue(std::vector<double> per_connection) : v_(std::move(per_connection)) {}  // NOLINT
  SynValue(Distribution d) : v_(d) {}                             // NOLINT
  bool has_value() const { return v_.index() != 0; }
  explicit operator bool() const { return has_value(); }
  const double* constant() const { return std::get_if<double>(&v_); }
  const std::vector<double>* array() const { return std::get_if<std::vector<double>>(&v_); }
  const Distribution* distribution() const { return std::get_if<Distribution>(&v_); }
  // The constant value, or `fallback` when unset; throws for arrays and distributions.
  double value_or(double fallback) const;

 private:
  std::variant<std::monostate, double, std::vector<double>, Distribution> v_;
};

// PyNEST's syn_spec: which synapse, with which weight, delay and receptor.
struct SynSpec {
  // Empty: the built-in static synapse. "static_synapse" names it too, unless a NESTML model
  // of that name is installed (then that model is used, like any installed synapse).
  std::string synapse_model;
  SynValue weight;  // default 1 (or the synapse model's weight variable)
  SynValue delay;   // ms; default 1 ms; rounded to the nearest step, halves up
  int receptor_type = 0;
  std::map<std::string, double> params;  // initial values of synapse model variables
  // Plastic synapses: keep (spike time, weight sent) of every transmitted spike, as NEST's
  // weight_recorder does; read them with Connections::weight_history.
  bool record_weights = false;
};

// Connections selected by get_connections(); reads and writes their variables.
// A handle into its kernel: every call throws nestjit::Error after that kernel's reset().
class NESTJIT_API Connections {
 public:
  // The number of connections selected.
  size_t size() const { return refs_.size(); }
  // Variable `name` of every selected connection, in order; throws if a connection's model
  // has no such variable.
  std::vector<double> get(const std::string& name) const;
  // Sets variable `name` ("weight" for the weight variable) on every selected connection;
  // throws if a connection's model has no such variable.
  void set(const std::string& name, double value);
  // Connection i's transmitted spikes as (presynaptic spike time in ms, weight sent), when it
  // was made with SynSpec::record_weights.
  std::vector<std::pair<double, double>> weight_history(size_t i) const;
  // Per connection: the synapse model's name (a CopyModel name included), and its source
  // and target node ids. get() also answers "source", "target", "delay" (ms) and "weight"
  // for every connection, static ones included.
  std::vector<std::string> synapse_models() const;
  // Connection i's variables with source, target, weight and delay (GetStatus of a
  // connection).
  std::map<std::string, double> status(size_t i) const;
  // Sets a variable of connection i only (set() sets it on all).
  void set_at(size_t i, const std::string& name, double value);

 private:
  friend class Kernel;
  // A plastic connection by its index, or a static synapse by (source, position in row).
  struct Ref {
    bool plastic;
    size_t index;
    uint64_t source = 0;
  };
  std::vector<Ref> refs_;
  class Kernel* kernel_ = nullptr;
  uint64_t epoch_ = 0;  // the kernel's epoch when selected (see NodeCollection::epoch)
  void check_valid() const;  // throws Error after the kernel's reset()
  // The selection of connection i alone (throws if there is none).
  Connections one(size_t i) const;
};

// What a spike_recorder has recorded, copied out.
struct SpikeEvents {
  std::vector<uint64_t> senders;
  std::vector<double> times;  // ms
};

// Samples a multimeter has delivered: times (ms), sender ids, and one series per recorded
// name. As in NEST, the samples of the last min-delay slice arrive with the next simulate().
struct MultimeterEvents {
  std::vector<double> times;
  std::vector<uint64_t> senders;
  std::map<std::string, std::vector<double>> values;
};

// ---- weight_recorder (lib/api/kernel_recording.cpp) ----
// What a weight_recorder has recorded, copied out: one entry per spike transmitted by a
// connection whose synapse model names the recorder (set_defaults / copy_model with
// {"weight_recorder", id}), as the reference's weight_recorder events: sender and target
// ids, the presynaptic spike time (ms), the weight sent, the receptor_type, and the port (the
// connection's index among its source's connections of that synapse model).
struct WeightEvents {
  std::vector<uint64_t> senders, targets;
  std::vector<double> times, weights;
  std::vector<long> receptors, ports;
};

// A diagnostic raised while building or running a network rather than while loading a
// model: a solver warning (SUNDIALS' own messages never reach stderr), a failed or stalled
// integration (simulate() also throws it as Error), a suspicious parameter value. One entry
// per distinct condition and instance; `count` says how often it came up.
struct RuntimeDiagnostic {
  DiagnosticInfo info;  // severity, code ("W-SOLVER", "E-SIMULATION", "W-PARAMETER"), message
  long count = 1;
};

// ---- Embedding: recorded data without copying (lib/api/kernel_views.cpp) ----
// Views into a recorder's storage. Valid until the kernel next simulates, resets or is
// destroyed; read them (or copy what you keep) before that.
struct SpikeEventsView {
  std::span<const uint64_t> senders;
  std::span<const double> times;  // ms
};
// Like MultimeterEvents: only the delivered samples (all but the last min-delay slice);
// values[i] is the series of names[i] (the multimeter's record_from order).
struct NESTJIT_API MultimeterEventsView {
  std::span<const double> times;
  std::span<const uint64_t> senders;
  std::vector<std::string> names;
  std::vector<std::span<const double>> values;
  // The series of a recorded name; throws nestjit::Error if it is not recorded.
  std::span<const double> operator[](const std::string& name) const;
};

// Kernel-wide settings, fixed for the kernel's life (reset() keeps them).
struct KernelOptions {
  double resolution_ms = 0.1;
  // Seed of the random streams (connection rules, weight and delay distributions,
  // poisson_generator, noise_generator, random functions of models): the same seed gives the
  // same network and the same spikes. The reference simulator's default seed.
  uint64_t rng_seed = 143202461;
};

// A simulation kernel: installed models, a network of nodes and connections, and its time.
// See the top of this file for the threading rules.
class NESTJIT_API Kernel {
 public:
  // Throws nestjit::Error if the resolution is not a positive number.
  explicit Kernel(KernelOptions options = {});
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // Parses, checks and compiles every model in a file (or in `source`). Installed models stay
  // available across reset(). A model installed again under the same name replaces the old
  // one for nodes created afterwards.
  InstallResult install_file(const std::string& path, const InstallOptions& options = {});
  // As install_file, with the text given; `name` is the file name diagnostics show.
  InstallResult install_source(const std::string& name, const std::string& source,
                               const InstallOptions& options = {});

  // Creates n nodes of a model (installed or built-in) with parameters; throws for an
  // unknown model (the message lists the known ones), a synapse model, n == 0, or a bad
  // parameter name or value type (the nodes then exist, with the parameters applied before
  // the bad one). Also throws, making no node: Interrupted when interrupt() stopped a loop in
  // the model's initial values; an Error when the nodes would exceed max_memory_mb.
  NodeCollection create(const std::string& model, size_t n = 1, const Params& params = {});
  // Connects by `conn`'s rule. Everything is checked before the first connection is made:
  // on an error (unequal sizes under one_to_one, an unknown synapse model, a bad delay, a
  // receptor or port the target does not have, nodes from before reset()) nothing of this
  // call stays in the kernel.
  void connect(const NodeCollection& pre, const NodeCollection& post,
               const ConnSpec& conn = {}, const SynSpec& spec = {});
  // Advances time by `ms`, a non-negative multiple of the resolution; throws for other
  // values (time does not move) or when a model's numeric integration fails (the failing
  // instance stops at the end of its step; time stops at the end of that min-delay slice).
  void simulate(double ms);
  // Interrupts: asks a running (or the next) simulate() to stop at the next min-delay slice
  // boundary; it then throws Interrupted. Callable from any thread and from a signal handler
  // (async-signal-safe: it only stores to a lock-free atomic). The request stays pending until
  // a simulate() honours it; clear_interrupt() drops a pending one.
  void interrupt() noexcept;
  void clear_interrupt() noexcept;

  // ResetKernel: drops nodes, connections and time; keeps installed models and options.
  void reset();

  double time() const;  // ms simulated so far
  double resolution() const;  // ms per step
  // GetStatus of one node: every parameter, state variable and internal by name; throws for
  // an id that does not exist.
  std::map<std::string, double> get_status(uint64_t node) const;
  // A list-valued status entry of a device (spike_times, spike_weights,
  // spike_multiplicities, amplitude_times, amplitude_values), as the device stores it.
  std::vector<double> get_list(uint64_t node, const std::string& name) const;
  // SetStatus: sets every parameter on every node; throws for a name the node does not have
  // or a value of the wrong type.
  void set_status(const NodeCollection& nodes, const Params& params);
  // GetConnections: the plastic connections from `source` (all when empty) to `target` (all
  // when empty) of `synapse_model` (any when empty).
  Connections get_connections(const NodeCollection& source, const NodeCollection& target = {},
                              const std::string& synapse_model = {});
  // A spike_recorder's events, copied; throws if the node is not a spike_recorder.
  SpikeEvents spike_events(uint64_t recorder) const;
  // A multimeter's delivered samples, copied; throws if the node is not a multimeter.
  MultimeterEvents multimeter_events(uint64_t multimeter) const;
  // ---- weight_recorder ----
  // A weight_recorder's events, copied; throws if the node is not a weight_recorder.
  WeightEvents weight_events(uint64_t recorder) const;
  // Writes a spike_recorder's events (sender,time_ms), a multimeter's / voltmeter's samples
  // (time_ms,sender,<record_from...>) or a weight_recorder's events
  // (sender,target,time_ms,weight,receptor,port) as CSV; times at full double precision.
  void write_csv(uint64_t recorder, const std::string& path) const;
  // Number of connections (static and plastic), as num_connections reports it.
  size_t num_connections() const;
  // Counters of the network since the last reset(), for benchmarks.
  struct NetworkCounters {
    size_t spikes = 0;           // spikes emitted by nodes (not counting Poisson draws)
    size_t synaptic_events = 0;  // spikes through static and plastic connections
    size_t static_synapses = 0, static_bytes = 0;  // stored static synapses and their bytes
  };
  NetworkCounters network_counters() const;
  // What a multimeter can record from a model, in NEST's order.
  std::vector<std::string> recordables(const std::string& model) const;
  // What nestjit made of an installed model; throws for an unknown model.
  ModelInfo model_info(const std::string& model) const;
  // ---- Inspecting an installed model (lib/api/kernel_inspect.cpp) ----
  // Units, ODE systems and their solvers; throws for an unknown model.
  ModelDescription describe_model(const std::string& model) const;
  // The model as text: "ast" (the checked syntax tree with the type of every expression and
  // what each name refers to; parsed and checked again from the source it was installed
  // from), "ir" (nestjit's IR after ODE analysis) or "llvm" (the LLVM IR after optimisation,
  // as the JIT compiles it). Throws for an unknown model or `what`.
  std::string dump_model(const std::string& model, const std::string& what) const;
  // A model's default value of a parameter or state variable (GetDefaults).
  double get_default(const std::string& model, const std::string& name) const;
  std::vector<std::string> models() const;  // built-in, installed and copied (CopyModel)

  // ---- PyNEST's dictionaries: full status, defaults, model copies, kernel status ----
  // (what the Python package's GetStatus/GetDefaults/SetDefaults/CopyModel/
  // GetKernelStatus/SetKernelStatus stand on)
  //
  // A node's status as GetStatus shows it: its numeric variables plus "model" (the name it
  // was created under, a CopyModel name included), "global_id", and for devices their
  // settings: "spike_times" (spike_generator), "record_from" (multimeter), "n_events"
  // (spike_recorder, multimeter). set_status takes, besides single values, a
  // std::vector<double> with one value per node for a numeric variable (pop.V_m = array),
  // and "n_events" = 0 on a recorder to drop what it recorded.
  Params get_node_status(uint64_t node) const;
  // A model's defaults as a dictionary (GetDefaults), SetDefaults/CopyModel values applied:
  // NESTML neurons: parameters, state and "recordables"; NESTML synapses: parameters, state,
  // "weight", "delay"; built-ins: their settings. Every dictionary has "model" and
  // "element_type" ("neuron", "synapse", "stimulator" or "recorder").
  Params get_defaults(const std::string& model) const;
  // Values nodes (or connections) of `model` get when created from now on; until reset().
  void set_defaults(const std::string& model, const Params& params);
  // CopyModel: `new_name` has the dynamics of `existing` and its own defaults (those of
  // `existing` with `params` applied); until reset(), as in the reference simulator.
  void copy_model(const std::string& existing, const std::string& new_name,
                  const Params& params = {});
  // Kernel status: "resolution" (ms), "rng_seed", "biological_time" (ms), "network_size",
  // "num_connections", "min_delay" (ms). set_kernel_status changes "resolution" (only while
  // the network has no nodes) and "rng_seed" (reseeds the kernel's random stream); the
  // others are read-only and an unknown key is an Error naming it.
  // Resource limits: "max_memory_mb" (settable, kept across reset(); default half the
  // physical memory) caps what one create() may need for its nodes and what a simulation
  // may need for its spike and current buffers; beyond it they throw an Error naming the
  // need and the cap before allocating anything.
  Params get_kernel_status() const;
  void set_kernel_status(const Params& params);

  // Runtime diagnostics since the kernel was made or last cleared (see RuntimeDiagnostic).
  std::vector<RuntimeDiagnostic> runtime_diagnostics() const;
  void clear_runtime_diagnostics();

  // ---- Embedding: closed-loop stepping (lib/api/kernel_stepping.cpp) ----
  // A function the kernel calls while it simulates, with itself, every interval. Inside it
  // the host may read (get_status, time, spike_events*, multimeter_events*, get_connections,
  // Connections::get, model_info, ...) and act (set_status, Connections::set,
  // inject_current, inject_spike); everything else throws nestjit::CallbackError. An
  // exception thrown by the callback ends the simulate/run_until/step call and propagates
  // to its caller; the kernel then stands at the callback's time, usable.
  using StepCallback = std::function<void(Kernel&)>;
  // Calls `callback` whenever simulated time reaches a multiple of interval_ms (which must be
  // a positive multiple of the resolution), during simulate, run_until and step. One
  // callback per kernel; setting another replaces it. Throws for a bad interval.
  void set_step_callback(StepCallback callback, double interval_ms);
  void clear_step_callback();
  // True while the kernel is running the step callback.
  bool in_step_callback() const;
  // Simulates until time() == t_ms (on the grid, not before time()); throws otherwise.
  void run_until(double t_ms);
  // Simulates n steps of the resolution.
  void step(size_t n = 1);
  // Holds `current` (pA) on a continuous input port of a NESTML neuron until set again (0
  // ends it). It reaches the neuron as a dc_generator's current over a connection of one
  // step's delay would: set at time t, it drives the dynamics from t + 2 h on. `port` may be
  // empty when the model has one continuous port. Throws for other nodes or unknown ports.
  void inject_current(uint64_t node, double current, const std::string& port = {});
  // Delivers one spike of `weight` to a neuron's receptor in the next step (as a spike sent at
  // time() over a connection of one step's delay). Throws for a node without that receptor.
  void inject_spike(uint64_t node, double weight, int receptor_type = 0);

  // ---- Embedding: recorded data without copying (lib/api/kernel_views.cpp) ----
  // As spike_events / multimeter_events, but views into the recorder (see SpikeEventsView).
  SpikeEventsView spike_events_view(uint64_t recorder) const;
  MultimeterEventsView multimeter_events_view(uint64_t multimeter) const;

  // ---- Embedding: reloading a model file (lib/api/kernel_stepping.cpp) ----
  // Installs again the file `model` came from, with the options it was installed with (for a
  // host that edits a model while it runs). Existing nodes keep the code they were created
  // with; nodes created afterwards use the new one. Returns the diagnostics like
  // install_file (on failure the old model stays installed); throws nestjit::Error for an
  // unknown model or one installed from a string.
  InstallResult reload(const std::string& model);

 private:
  friend class Connections;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nestjit
