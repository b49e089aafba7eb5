// nestjit::Kernel for closed-loop hosts: simulating in pieces with a step callback, host
// input (held currents, single spikes), the rules of what a callback may call, and reload().
#include <cmath>
#include <fmt/format.h>

#include "api/kernel_impl.h"

namespace nestjit {

namespace api {

uint64_t next_epoch() {
  static std::atomic<uint64_t> counter{0};
  return ++counter;
}

}  // namespace api

namespace {

// The number of steps of the resolution h in t_ms, or an Error if t_ms is not on the grid.
int64_t steps_on_grid(double t_ms, double h, const char* what) {
  if (!std::isfinite(t_ms))
    throw Error(fmt::format("{} must be a finite number of ms, not {}", what, t_ms));
  const int64_t steps = std::llround(t_ms / h);
  if (std::fabs(double(steps) * h - t_ms) > 1e-9 * std::max(1.0, std::fabs(t_ms)))
    throw Error(fmt::format("{} {} ms is not a multiple of the resolution {} ms", what, t_ms, h));
  return steps;
}

// Marks the calling thread as inside the callback for a scope, also ended by an exception.
struct CallbackScope {
  std::atomic<std::thread::id>& thread;
  explicit CallbackScope(std::atomic<std::thread::id>& t) : thread(t) {
    thread = std::this_thread::get_id();
  }
  ~CallbackScope() { thread = std::thread::id{}; }
};

struct AtomicGuard {
  std::atomic<bool>& flag;
  ~AtomicGuard() { flag = false; }
};

runtime::JitNeuron& nestml_neuron(runtime::Network& net, uint64_t node, const char* call) {
  runtime::Node* n = nullptr;
  try {
    n = &net.node(node);
  } catch (const std::exception& e) {
    throw Error(fmt::format("{}: {}", call, e.what()));
  }
  auto* neuron = dynamic_cast<runtime::JitNeuron*>(n);
  if (!neuron)
    throw Error(fmt::format("{}: node {} is a {}, not a NESTML neuron", call, node, n->model_name()));
  return *neuron;
}

}  // namespace

void Kernel::Impl::forbid_in_callback(const char* call) const {
  if (callback_thread.load() != std::this_thread::get_id()) return;
  throw CallbackError(fmt::format(
      "{}() cannot be called from inside a step callback: the kernel is in the middle of a "
      "simulation (a callback may read state and recordings, set_status, Connections::set, "
      "inject_current and inject_spike)",
      call));
}

void Kernel::Impl::check_epoch(const NodeCollection& nodes, const char* call) const {
  if (nodes.epoch == 0 || nodes.epoch == epoch) return;
  throw Error(fmt::format(
      "{}: nodes {}..{} come from before reset() or from another kernel; node ids are only "
      "valid in the network that created them",
      call, nodes.first, nodes.first + nodes.count - (nodes.count ? 1 : 0)));
}

void Kernel::Impl::renew_network() {
  reset_network();  // kernel_defaults.cpp: the network, CopyModel names and defaults
  epoch = api::next_epoch();
  held_currents.clear();
  queued_spikes.clear();
}

void Kernel::Impl::advance(int64_t steps) {
  if (simulating.exchange(true))
    throw Error("this kernel is already simulating (on another thread): a Kernel must not be "
                "used from two threads at once");
  AtomicGuard done{simulating};
  runtime::Network& network = *net;
  check_buffer_memory();
  // Host input enters at the start of each slice (the ring buffers exist only then).
  network.before_slice = [this, &network](int64_t from, int64_t to) {
    for (const auto& s : queued_spikes)
      network.node(s.node).receive_spike(from + 1, s.weight, s.receptor, 1, 0, from);
    queued_spikes.clear();
    for (const auto& [key, value] : held_currents)
      for (int64_t k = from + 1; k <= to; ++k)
        network.node(key.first).receive_current(k + 1, value, key.second);
  };
  const double h = network.resolution();
  const int64_t end = network.current_step() + steps;
  while (network.current_step() < end) {
    int64_t stop = end;
    if (step_callback)
      stop = std::min(end, (network.current_step() / callback_every + 1) * callback_every);
    bool finished = true;
    try {
      finished = network.simulate(double(stop - network.current_step()) * h, &interrupt_requested);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(e.what());
    }
    // Kernel::interrupt() stopped it at a slice boundary: not a failure (kernel.cpp).
    if (!finished) throw Interrupted(network.time());
    if (step_callback && network.current_step() % callback_every == 0) {
      CallbackScope in(callback_thread);
      step_callback(*owner);
    }
  }
}

void Kernel::simulate(double ms) {
  impl_->forbid_in_callback("simulate");
  if (!std::isfinite(ms) || ms < 0)
    throw Error(fmt::format("simulation time must be a non-negative number of ms, not {}", ms));
  impl_->advance(steps_on_grid(ms, resolution(), "simulation time"));
}

void Kernel::run_until(double t_ms) {
  impl_->forbid_in_callback("run_until");
  const int64_t target = steps_on_grid(t_ms, resolution(), "run_until time");
  const int64_t now = impl_->net->current_step();
  if (target < now)
    throw Error(fmt::format("run_until({} ms) is before the current time {} ms", t_ms, time()));
  impl_->advance(target - now);
}

void Kernel::step(size_t n) {
  impl_->forbid_in_callback("step");
  impl_->advance(int64_t(n));
}

void Kernel::reset() {
  impl_->forbid_in_callback("reset");
  impl_->renew_network();
}

void Kernel::set_step_callback(StepCallback callback, double interval_ms) {
  impl_->forbid_in_callback("set_step_callback");
  if (!callback) throw Error("set_step_callback: the callback is empty");
  if (!(interval_ms > 0))
    throw Error(fmt::format("step callback interval must be positive, not {} ms", interval_ms));
  const int64_t every = steps_on_grid(interval_ms, resolution(), "step callback interval");
  impl_->step_callback = std::move(callback);
  impl_->callback_every = every;
}

void Kernel::clear_step_callback() {
  impl_->forbid_in_callback("clear_step_callback");
  impl_->step_callback = nullptr;
  impl_->callback_every = 0;
}

bool Kernel::in_step_callback() const {
  return impl_->callback_thread.load() == std::this_thread::get_id();
}

void Kernel::inject_current(uint64_t node, double current, const std::string& port) {
  if (!std::isfinite(current))
    throw Error(fmt::format("inject_current: the current must be finite, not {}", current));
  runtime::JitNeuron& n = nestml_neuron(*impl_->net, node, "inject_current");
  const int index = api::continuous_port_index(n, port, "inject_current");
  if (current == 0.0) impl_->held_currents.erase({node, index});
  else impl_->held_currents[{node, index}] = current;
}

void Kernel::inject_spike(uint64_t node, double weight, int receptor_type) {
  if (!std::isfinite(weight))
    throw Error(fmt::format("inject_spike: the weight must be finite, not {}", weight));
  runtime::JitNeuron& n = nestml_neuron(*impl_->net, node, "inject_spike");
  api::check_spike_receptor(n, receptor_type, "inject_spike");
  impl_->queued_spikes.push_back({node, weight, receptor_type});
}

InstallResult Kernel::reload(const std::string& model) {
  impl_->forbid_in_callback("reload");
  const runtime::LoadedModel& m = impl_->model(model);
  auto opts = impl_->install_options.find(model);
  if (m.source_path.empty() || opts == impl_->install_options.end())
    throw Error(fmt::format("reload: model '{}' was not installed from a file", model));
  const std::string path = m.source_path;
  const InstallOptions options = opts->second;
  return install_file(path, options);
}

}  // namespace nestjit
