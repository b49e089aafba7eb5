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

namespace nestjit {

namespace api {

const std::set<std::string>& builtin_models();

// The number in `v`, or an Error naming `key`.
double as_number(const std::string& key, const Value& v);

// A new, process-wide unique epoch (see Kernel::Impl::epoch).
uint64_t next_epoch();

// kernel_checks.cpp: Errors for input a target cannot take (named after `call`).
void check_spike_receptor(const runtime::JitNeuron& n, int receptor, const char* call);
int continuous_port_index(const runtime::JitNeuron& n, const std::string& port, const char* call);
// A static connection source -> target with receptor_type `receptor`.
void check_static_target(runtime::Node& source, runtime::Node& target, int receptor);

}  // namespace api

struct Kernel::Impl {
  KernelOptions options;
  std::unique_ptr<runtime::Network> net;
  std::map<std::string, std::shared_ptr<runtime::LoadedModel>> models;

  explicit Impl(KernelOptions o) : options(o), net(std::make_unique<runtime::Network>(o.resolution_ms)) {}

  InstallResult install(const SourceFilePtr& file, const InstallOptions& options);

  const runtime::LoadedModel& model(const std::string& name) const;

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
};

}  // namespace nestjit
