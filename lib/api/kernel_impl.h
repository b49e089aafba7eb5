// Kernel::Impl, shared by the files that implement nestjit::Kernel (kernel.cpp: loading,
// creating and simulating; kernel_connect.cpp: connections; kernel_status.cpp: status and
// model information; kernel_recording.cpp: recorded data).
#pragma once
#include <atomic>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "api/model_cache.h"
#include "nestjit/nestjit.h"
#include "runtime/network.h"
#include "runtime/weight_recorder.h"

namespace nestjit {

namespace api {

const std::set<std::string>& builtin_models();

// The number in `v`, or an Error naming `key`.
double as_number(const std::string& key, const Value& v);

// A new, process-wide unique epoch (see Kernel::Impl::epoch).
uint64_t next_epoch();

// kernel_limits.cpp: the default of the kernel status key "max_memory_mb".
double default_max_memory_mb();

// kernel_checks.cpp: Errors for input a target cannot take (named after `call`).
void check_spike_receptor(const runtime::JitNeuron& n, int receptor, const char* call);
int continuous_port_index(const runtime::JitNeuron& n, const std::string& port, const char* call);
// A static connection source -> target with receptor_type `receptor`.
void check_static_target(runtime::Node& source, runtime::Node& target, int receptor);
// Throws when `name` is an @homogeneous parameter of the synapse model `model`: such a value
// is shared by every connection of the model and set only through its defaults.
void refuse_homogeneous(const runtime::LoadedModel& model, const std::string& name, const char* call);

}  // namespace api

struct Kernel::Impl {
  KernelOptions options;
  std::unique_ptr<runtime::Network> net;
  // Interrupts: set by Kernel::interrupt() (any thread, signal handlers), consumed by simulate.
  std::atomic<bool> interrupt_requested{false};
  static_assert(std::atomic<bool>::is_always_lock_free, "interrupt() must be signal-safe");
  std::map<std::string, std::shared_ptr<runtime::LoadedModel>> models;

  explicit Impl(KernelOptions o) : options(o), net(std::make_unique<runtime::Network>(o.resolution_ms, o.rng_seed)) {}

  InstallResult install(const SourceFilePtr& file, const InstallOptions& options);

  // CopyModel and SetDefaults (kernel_defaults.cpp); both last until reset(), as upstream.
  struct ModelCopy {
    std::string base;  // an installed or built-in model
    Params defaults;   // applied on creation, before the caller's parameters
  };
  std::map<std::string, ModelCopy> copies;
  std::map<std::string, Params> defaults;  // SetDefaults on installed/built-in names
  // Names of connections and nodes made under a CopyModel name (by index / node id).
  std::map<size_t, std::string> plastic_names, static_names;
  // Static synapses made under a CopyModel name, by (source, position in its row).
  std::map<std::pair<uint64_t, uint32_t>, std::string> static_copy_names;
  std::string static_name(uint64_t source, size_t position) const {
    auto it = static_copy_names.find({source, uint32_t(position)});
    return it == static_copy_names.end() ? "static_synapse" : it->second;
  }
  // The name a plastic connection was made under (a CopyModel name, or its model's).
  std::string plastic_name(size_t i) const {
    auto it = plastic_names.find(i);
    return it == plastic_names.end() ? net->plastic(i).model().name() : it->second;
  }
  std::map<uint64_t, std::string> node_names;
  // weight_recorder's "ports": plastic connections made so far per (source, model).
  std::map<std::pair<uint64_t, const runtime::LoadedModel*>, long> plastic_ports;

  // The installed or built-in model behind `name` (itself unless a copy).
  const std::string& base_of(const std::string& name) const;
  // The defaults `name` applies on creation: SetDefaults of its base, then of the copy.
  Params defaults_of(const std::string& name) const;
  // `spec` with its synapse model resolved to the base and that model's defaults filled in.
  SynSpec resolve_synapse(const SynSpec& spec) const;
  // Records `name` for connections made since the counts `static_before`/`plastic_before`.
  void name_connections(const std::string& name, size_t static_before, size_t plastic_before);
  void reset_network();

  const runtime::LoadedModel& model(const std::string& name) const;
  // A new node of a built-in device model, or nullptr when `model` is not one.
  static std::unique_ptr<runtime::Node> make_device(const std::string& model);

  // ---- Embedding (lib/api/kernel_stepping.cpp) ----
  Kernel* owner = nullptr;  // handed to the step callback
  // Identifies this kernel's current network: a process-wide counter, renewed by reset(), so
  // handles (NodeCollection, Connections) from before a reset or from another kernel are
  // recognised.
  uint64_t epoch = api::next_epoch();
  std::map<std::string, InstallOptions> install_options;  // per installed model, for reload()
  Kernel::StepCallback step_callback;
  int64_t callback_every = 0;  // steps; 0: no callback
  // The thread running the step callback (none: std::thread::id{}); atomic because another
  // thread's misuse of the kernel reads it.
  std::atomic<std::thread::id> callback_thread{};
  std::atomic<bool> simulating{false};
  // Host input applied at the start of each slice: currents held on (node, continuous port),
  // spikes queued for the next step.
  std::map<std::pair<uint64_t, int>, double> held_currents;
  struct QueuedSpike {
    uint64_t node;
    double weight;
    int receptor;
  };
  std::vector<QueuedSpike> queued_spikes;

  // Throws CallbackError when called from inside the step callback.
  void forbid_in_callback(const char* call) const;
  // Throws Error for a collection from before reset() or from another kernel.
  void check_epoch(const NodeCollection& nodes, const char* call) const;
  // Advances the network by `steps`, stopping for the step callback at its times.
  void advance(int64_t steps);
  // After reset(): a fresh network, with the host's hooks and input cleared.
  void renew_network();

  // ---- Resource limits (kernel_limits.cpp) ----
  // The kernel status key "max_memory_mb": the most one create() may need for its nodes and,
  // separately, a simulation for its ring buffers. Kept across reset().
  double max_memory_mb = api::default_max_memory_mb();
  // Errors (naming the need and the cap) before anything is allocated.
  void check_create_memory(const std::string& model, size_t n) const;
  void check_buffer_memory();  // before a simulation prepares the network
};

}  // namespace nestjit
