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

// Connection rules (PyNEST's "all_to_all", "one_to_one").
enum class ConnRule { all_to_all, one_to_one };

// PyNEST's syn_spec: which synapse, with which weight, delay and receptor.
struct SynSpec {
  // Empty: the built-in static synapse. "static_synapse" names it too, unless a NESTML model
  // of that name is installed (then that model is used, like any installed synapse).
  std::string synapse_model;
  std::optional<double> weight;  // default 1 (or the synapse model's weight variable)
  std::optional<double> delay;   // ms; default 1 ms
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

 private:
  friend class Kernel;
  struct Ref {
    bool plastic;
    size_t index;
  };
  std::vector<Ref> refs_;
  class Kernel* kernel_ = nullptr;
  uint64_t epoch_ = 0;  // the kernel's epoch when selected (see NodeCollection::epoch)
  void check_valid() const;  // throws Error after the kernel's reset()
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
  // the bad one).
  NodeCollection create(const std::string& model, size_t n = 1, const Params& params = {});
  // Connects pre to post by a rule; throws for unequal sizes under one_to_one, an unknown
  // synapse model, a bad delay, a receptor or port the target does not have, or nodes from
  // before reset(). Nothing is connected when it throws.
  void connect(const NodeCollection& pre, const NodeCollection& post,
               ConnRule rule = ConnRule::all_to_all, const SynSpec& spec = {});
  // Advances time by `ms`, a non-negative multiple of the resolution; throws for other
  // values (time does not move) or when a model's numeric integration fails (time stops at
  // the end of the failing min-delay slice).
  void simulate(double ms);

  // ResetKernel: drops nodes, connections and time; keeps installed models and options.
  void reset();

  double time() const;  // ms simulated so far
  double resolution() const;  // ms per step
  // GetStatus of one node: every parameter, state variable and internal by name; throws for
  // an id that does not exist.
  std::map<std::string, double> get_status(uint64_t node) const;
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
  // What a multimeter can record from a model, in NEST's order.
  std::vector<std::string> recordables(const std::string& model) const;
  // What nestjit made of an installed model; throws for an unknown model.
  ModelInfo model_info(const std::string& model) const;
  // A model's default value of a parameter or state variable (GetDefaults).
  double get_default(const std::string& model, const std::string& name) const;
  std::vector<std::string> models() const;  // built-in and installed

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
