// nestjit::Kernel: the public face of the runtime. This file: loading models, creating
// nodes, simulating; see kernel_impl.h for the other files.
#include <algorithm>
#include <fmt/format.h>
#include <set>

#include "api/kernel_impl.h"

namespace nestjit {

namespace api {

const std::set<std::string>& builtin_models() {
  static const std::set<std::string> names = {"spike_generator", "parrot_neuron",
                                              "spike_recorder", "dc_generator",
                                              "multimeter", "static_synapse"};
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

NodeCollection Kernel::create(const std::string& model, size_t n, const Params& params) {
  impl_->forbid_in_callback("create");
  if (n == 0) throw Error("create: the number of nodes must be at least 1");
  auto& net = *impl_->net;
  NodeCollection nc;
  for (size_t i = 0; i < n; ++i) {
    std::unique_ptr<runtime::Node> node;
    // An installed model wins over a built-in of the same name (e.g. a NESTML parrot_neuron).
    auto installed = impl_->models.find(model);
    if (installed != impl_->models.end()) {
      if (installed->second->ir->is_synapse)
        throw Error(fmt::format("'{}' is a synapse model; use it in connect() as synapse_model", model));
      node = std::make_unique<runtime::JitNeuron>(installed->second, net.resolution());
    } else if (model == "spike_generator") {
      node = std::make_unique<runtime::SpikeGenerator>();
    } else if (model == "parrot_neuron") {
      node = std::make_unique<runtime::ParrotNeuron>();
    } else if (model == "spike_recorder") {
      node = std::make_unique<runtime::SpikeRecorder>();
    } else if (model == "multimeter") {
      node = std::make_unique<runtime::Multimeter>();
    } else if (model == "dc_generator") {
      node = std::make_unique<runtime::DcGenerator>();
    } else {
      impl_->model(model);  // throws: unknown model, listing the known ones
    }
    uint64_t id = net.add_node(std::move(node));
    if (i == 0) nc.first = id;
  }
  nc.count = n;
  nc.epoch = impl_->epoch;
  set_status(nc, params);
  return nc;
}

// simulate() and reset() are in kernel_stepping.cpp.

double Kernel::time() const { return impl_->net->time(); }
double Kernel::resolution() const { return impl_->net->resolution(); }

}  // namespace nestjit
