// nestjit::Kernel: the public face of the runtime. This file: loading models, creating
// nodes, simulating; see kernel_impl.h for the other files.
#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <regex>
#include <set>

#include "api/kernel_impl.h"
#include "runtime/init_interrupt.h"
#include "runtime/volume_transmitter.h"

namespace nestjit {

namespace api {

const std::set<std::string>& builtin_models() {
  static const std::set<std::string> names = {
      "spike_generator", "poisson_generator", "dc_generator", "step_current_generator",
      "noise_generator", "parrot_neuron", "spike_recorder", "multimeter", "voltmeter",
      "static_synapse", "volume_transmitter", "weight_recorder"};
  return names;
}

double as_number(const std::string& key, const Value& v) {
  if (const double* d = std::get_if<double>(&v)) return *d;
  throw Error(fmt::format("parameter '{}' needs a number", key));
}

}  // namespace api

const runtime::LoadedModel& Kernel::Impl::model(const std::string& name) const {
  auto it = models.find(name);
  if (it == models.end()) {
    std::string known;
    for (const auto& [n, m] : models) known += (known.empty() ? "" : ", ") + n;
    for (const auto& n : api::builtin_models()) known += (known.empty() ? "" : ", ") + n;
    throw Error(fmt::format("unknown model '{}' (known: {})", name, known));
  }
  return *it->second;
}

std::string InstallResult::report() const {
  std::string out;
  for (const auto& d : diagnostics) out += d.rendered;
  return out;
}

Kernel::Kernel(KernelOptions options) {
  if (!(options.resolution_ms > 0))
    throw Error(fmt::format("resolution must be positive, not {}", options.resolution_ms));
  impl_ = std::make_unique<Impl>(options);
  impl_->owner = this;
}

Kernel::~Kernel() = default;

InstallResult Kernel::Impl::install(const SourceFilePtr& file, const InstallOptions& options) {
  Impl& impl = *this;
  api::LoadOptions lo;
  lo.post_ports = options.post_ports;
  lo.weight_variable = options.weight_variable;
  lo.delay_variable = options.delay_variable;
  lo.synapse_models = options.synapse_models;
  lo.numeric_solver = options.numeric_solver;
  lo.solver = options.solver;
  bool from_cache = false;
  api::LoadOutcome outcome = api::load_models_shared(file, lo, from_cache);
  InstallResult r;
  r.ok = outcome.ok;
  r.from_cache = from_cache;
  r.timings = outcome.timings;
  for (const auto& d : outcome.diagnostics.items()) {
    DiagnosticInfo p;
    p.severity = d.severity == Severity::Error     ? DiagnosticInfo::Severity::Error
                 : d.severity == Severity::Warning ? DiagnosticInfo::Severity::Warning
                                                   : DiagnosticInfo::Severity::Note;
    p.code = d.code;
    p.file = d.file ? d.file->path : file->path;
    p.line = d.span.line;
    p.column = d.span.column;
    p.message = d.message;
    p.hint = d.hint;
    p.rendered = render(d);
    r.diagnostics.push_back(std::move(p));
  }
  if (!outcome.ok) return r;
  for (auto& m : outcome.models) {
    r.models.push_back(m->name());
    impl.models[m->name()] = std::move(m);
  }
  return r;
}

InstallResult Kernel::install_file(const std::string& path, const InstallOptions& options) {
  impl_->forbid_in_callback("install_file");
  std::string error;
  SourceFilePtr file = read_source_file(path, error);
  if (!file) {
    InstallResult r;
    DiagnosticInfo d;
    d.code = "E-FILE";
    d.file = path;
    d.message = error;
    d.rendered = fmt::format("{}: error[E-FILE]: {}\n", path, error);
    r.diagnostics.push_back(d);
    return r;
  }
  InstallResult r = impl_->install(file, options);
  for (const auto& m : r.models) impl_->install_options[m] = options;  // for reload()
  return r;
}

InstallResult Kernel::install_source(const std::string& name, const std::string& source,
                                     const InstallOptions& options) {
  impl_->forbid_in_callback("install_source");
  InstallResult r = impl_->install(make_source(name, source), options);
  for (const auto& m : r.models) impl_->install_options.erase(m);  // not reloadable
  return r;
}

std::unique_ptr<runtime::Node> Kernel::Impl::make_device(const std::string& model) {
  if (model == "spike_generator") return std::make_unique<runtime::SpikeGenerator>();
  if (model == "poisson_generator") return std::make_unique<runtime::PoissonGenerator>();
  if (model == "dc_generator") return std::make_unique<runtime::DcGenerator>();
  if (model == "step_current_generator") return std::make_unique<runtime::StepCurrentGenerator>();
  if (model == "noise_generator") return std::make_unique<runtime::NoiseGenerator>();
  if (model == "parrot_neuron") return std::make_unique<runtime::ParrotNeuron>();
  if (model == "spike_recorder") return std::make_unique<runtime::SpikeRecorder>();
  if (model == "multimeter") return std::make_unique<runtime::Multimeter>();
  if (model == "voltmeter") return runtime::Multimeter::voltmeter();
  if (model == "volume_transmitter") return std::make_unique<runtime::VolumeTransmitter>();
  if (model == "weight_recorder") return std::make_unique<runtime::WeightRecorder>();
  return nullptr;
}

NodeCollection Kernel::create(const std::string& requested, size_t n, const Params& params) {
  impl_->forbid_in_callback("create");
  if (n == 0) throw Error("create: the number of nodes must be at least 1");
  const std::string model = impl_->base_of(requested);  // a CopyModel name's base
  auto& net = *impl_->net;
  // The nodes are built and given their parameters first and join the network only when
  // all of that worked: a bad parameter leaves no node behind.
  impl_->check_create_memory(model, n);  // before reserving: n may be absurd
  std::vector<std::unique_ptr<runtime::Node>> nodes;
  nodes.reserve(n);
  const runtime::DeviceContext ctx = net.device_context();
  // SetDefaults/CopyModel values first, then this call's parameters.
  Params merged = impl_->defaults_of(requested);
  for (const auto& [k, v] : params) merged[k] = v;
  // Interrupts: a model's initial values may loop (a user function); interrupt() stops that
  // loop and this create() then throws Interrupted. A request pending from before is left for
  // the next simulate (attaching it would cut the initialisation's loops short).
  const bool pending = impl_->interrupt_requested.load(std::memory_order_relaxed);
  std::optional<runtime::ScopedInitInterrupt> interruptible;
  if (!pending) interruptible.emplace(impl_->interrupt_requested);
  try {
    for (size_t i = 0; i < n; ++i) {
      std::unique_ptr<runtime::Node> node;
      // An installed model wins over a built-in of the same name (e.g. a NESTML parrot_neuron).
      auto installed = impl_->models.find(model);
      if (installed != impl_->models.end()) {
        if (installed->second->ir->is_synapse)
          throw Error(fmt::format("'{}' is a synapse model; use it in connect() as synapse_model", model));
        auto neuron = std::make_unique<runtime::JitNeuron>(installed->second, net.resolution());
        neuron->attach_log(&net.diagnostics());  // parameter warnings (issue 13)
        node = std::move(neuron);
      } else {
        node = Impl::make_device(model);
        if (!node) impl_->model(model);  // throws: unknown model, listing the known ones
      }
      // The id it will get, so that messages about its parameters name it.
      node->id = net.node_count() + 1 + i;
      // The parameters of create() are checked together, guards included (SetStatus rules).
      node->begin_status_change();
      node->set_params(merged, ctx);
      node->end_status_change();
      nodes.push_back(std::move(node));
    }
    if (!pending && impl_->interrupt_requested.exchange(false, std::memory_order_relaxed))
      throw Interrupted(time());  // the nodes made so far are dropped
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    // Located messages (a guard's file:line:col) already name the model; keep them first.
    const std::string what = e.what();
    if (std::regex_search(what, std::regex("^[^ ]+:[0-9]+:[0-9]+: "))) throw Error(what);
    throw Error(fmt::format("create('{}'): {}", model, what));
  }
  NodeCollection nc;
  for (size_t i = 0; i < n; ++i) {
    uint64_t id = net.add_node(std::move(nodes[i]));
    if (i == 0) nc.first = id;
  }
  nc.count = n;
  if (model != requested)
    for (size_t i = 0; i < n; ++i) impl_->node_names[nc[i]] = requested;
  nc.epoch = impl_->epoch;
  return nc;
}

// simulate() and reset() are in kernel_stepping.cpp.

void Kernel::interrupt() noexcept {
  impl_->interrupt_requested.store(true, std::memory_order_relaxed);
}
void Kernel::clear_interrupt() noexcept {
  impl_->interrupt_requested.store(false, std::memory_order_relaxed);
}

Interrupted::Interrupted(double time_ms)
    : Error(fmt::format("interrupted at t = {} ms", time_ms)), time_ms_(time_ms) {}

double Kernel::time() const { return impl_->net->time(); }
double Kernel::resolution() const { return impl_->net->resolution(); }

}  // namespace nestjit
