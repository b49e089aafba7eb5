// nestjit::Kernel: the public face of the runtime.
#include <algorithm>
#include <fmt/format.h>
#include <set>

#include "api/model_loader.h"
#include "nestjit/nestjit.h"
#include "runtime/network.h"

namespace nestjit {

namespace {

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

}  // namespace

struct Kernel::Impl {
  KernelOptions options;
  std::unique_ptr<runtime::Network> net;
  std::map<std::string, std::shared_ptr<runtime::LoadedModel>> models;

  explicit Impl(KernelOptions o) : options(o), net(std::make_unique<runtime::Network>(o.resolution_ms)) {}

  InstallResult install(const SourceFilePtr& file, const InstallOptions& options);

  const runtime::LoadedModel& model(const std::string& name) const {
    auto it = models.find(name);
    if (it == models.end()) {
      std::string known;
      for (const auto& [n, m] : models) known += (known.empty() ? "" : ", ") + n;
      for (const auto& n : builtin_models()) known += (known.empty() ? "" : ", ") + n;
      throw Error(fmt::format("unknown model '{}' (known: {})", name, known));
    }
    return *it->second;
  }
};

std::string InstallResult::report() const {
  std::string out;
  for (const auto& d : diagnostics) out += d.rendered;
  return out;
}

Kernel::Kernel(KernelOptions options) {
  if (!(options.resolution_ms > 0))
    throw Error(fmt::format("resolution must be positive, not {}", options.resolution_ms));
  impl_ = std::make_unique<Impl>(options);
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
  api::LoadOutcome outcome = api::load_models(file, lo);
  InstallResult r;
  r.ok = outcome.ok;
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
  return impl_->install(file, options);
}

InstallResult Kernel::install_source(const std::string& name, const std::string& source,
                                     const InstallOptions& options) {
  return impl_->install(make_source(name, source), options);
}

NodeCollection Kernel::create(const std::string& model, size_t n, const Params& params) {
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
  set_status(nc, params);
  return nc;
}

void Kernel::set_status(const NodeCollection& nodes, const Params& params) {
  auto& net = *impl_->net;
  for (size_t i = 0; i < nodes.size(); ++i) {
    runtime::Node& node = net.node(nodes[i]);
    for (const auto& [key, value] : params) {
      try {
        if (auto* g = dynamic_cast<runtime::SpikeGenerator*>(&node); g && key == "spike_times") {
          const auto* times = std::get_if<std::vector<double>>(&value);
          if (!times) throw Error("spike_times needs a list of times in ms");
          g->set_spike_times(*times, net.resolution());
          continue;
        }
        if (auto* mm = dynamic_cast<runtime::Multimeter*>(&node); mm && key == "record_from") {
          const auto* names = std::get_if<std::vector<std::string>>(&value);
          if (!names) throw Error("record_from needs a list of names");
          mm->set_record_from(*names);
          continue;
        }
        node.set_status(key, as_number(key, value));
      } catch (const Error&) {
        throw;
      } catch (const std::exception& e) {
        throw Error(e.what());
      }
    }
  }
}

void Kernel::connect(const NodeCollection& pre, const NodeCollection& post, ConnRule rule,
                     const SynSpec& spec) {
  auto& net = *impl_->net;
  if (rule == ConnRule::one_to_one && pre.size() != post.size())
    throw Error(fmt::format("one_to_one needs equally many sources and targets ({} and {})",
                            pre.size(), post.size()));
  std::vector<std::pair<uint64_t, uint64_t>> pairs;
  if (rule == ConnRule::one_to_one)
    for (size_t i = 0; i < pre.size(); ++i) pairs.emplace_back(pre[i], post[i]);
  else
    for (size_t i = 0; i < pre.size(); ++i)
      for (size_t j = 0; j < post.size(); ++j) pairs.emplace_back(pre[i], post[j]);
  try {
    const double delay_ms = spec.delay.value_or(1.0);
    const int64_t delay = net.delay_steps(delay_ms);
    const bool builtin_static =
        spec.synapse_model.empty() ||
        (spec.synapse_model == "static_synapse" && !impl_->models.count("static_synapse"));
    if (builtin_static) {
      for (auto [s, t] : pairs) {
        // Connect(multimeter, neuron): the multimeter samples the neuron.
        if (auto* mm = dynamic_cast<runtime::Multimeter*>(&net.node(s))) {
          auto* n = dynamic_cast<runtime::JitNeuron*>(&net.node(t));
          if (!n) throw Error(fmt::format("a multimeter can only record from NESTML neurons, not {}", net.node(t).model_name()));
          n->attach(mm, net.resolution());
          continue;
        }
        runtime::StaticConnection c;
        c.source = s;
        c.target = t;
        c.weight = spec.weight.value_or(1.0);
        c.delay_steps = delay;
        c.receptor = spec.receptor_type;
        net.connect_static(c);
      }
      return;
    }
    auto it = impl_->models.find(spec.synapse_model);
    if (it == impl_->models.end() || !it->second->ir->is_synapse)
      throw Error(fmt::format("'{}' is not an installed synapse model", spec.synapse_model));
    for (auto [s, t] : pairs) {
      if (!dynamic_cast<runtime::JitNeuron*>(&net.node(t)) &&
          !dynamic_cast<runtime::ParrotNeuron*>(&net.node(t)))
        throw Error(fmt::format("the target of a '{}' connection must be a neuron",
                                spec.synapse_model));
      auto c = std::make_unique<runtime::PlasticConnection>(it->second, s, t, net.resolution());
      c->receptor = spec.receptor_type;
      c->set_delay(double(delay) * net.resolution(), delay);
      if (spec.weight) c->set_weight(*spec.weight);
      c->record_weights = spec.record_weights;
      for (const auto& [k, v] : spec.params) c->set(k, v);
      net.connect_plastic(std::move(c));
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(e.what());
  }
}

void Kernel::simulate(double ms) {
  try {
    impl_->net->simulate(ms);
  } catch (const std::exception& e) {
    throw Error(e.what());
  }
}

void Kernel::reset() { impl_->net = std::make_unique<runtime::Network>(impl_->options.resolution_ms); }

double Kernel::time() const { return impl_->net->time(); }
double Kernel::resolution() const { return impl_->net->resolution(); }

std::map<std::string, double> Kernel::get_status(uint64_t node) const {
  try {
    return impl_->net->node(node).get_status();
  } catch (const std::exception& e) {
    throw Error(e.what());
  }
}

Connections Kernel::get_connections(const NodeCollection& source, const NodeCollection& target,
                                    const std::string& synapse_model) {
  Connections out;
  out.kernel_ = this;
  auto in = [](const NodeCollection& nc, uint64_t id) {
    return nc.size() == 0 || (id >= nc.first && id < nc.first + nc.size());
  };
  auto& net = *impl_->net;
  for (size_t i = 0; i < net.plastic_count(); ++i) {
    const auto& c = net.plastic(i);
    if (in(source, c.source) && in(target, c.target) &&
        (synapse_model.empty() || synapse_model == c.model().name()))
      out.refs_.push_back({true, i});
  }
  return out;
}

std::vector<double> Connections::get(const std::string& name) const {
  std::vector<double> out;
  for (const auto& r : refs_) {
    try {
      out.push_back(kernel_->impl_->net->plastic(r.index).get(name));
    } catch (const std::exception& e) {
      throw Error(e.what());
    }
  }
  return out;
}

std::vector<std::pair<double, double>> Connections::weight_history(size_t i) const {
  if (i >= refs_.size())
    throw Error(fmt::format("connection {} does not exist ({} selected)", i, refs_.size()));
  return kernel_->impl_->net->plastic(refs_[i].index).weight_log;
}

void Connections::set(const std::string& name, double value) {
  for (const auto& r : refs_) {
    try {
      auto& c = kernel_->impl_->net->plastic(r.index);
      if (name == "weight") c.set_weight(value);
      else c.set(name, value);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(e.what());
    }
  }
}

SpikeEvents Kernel::spike_events(uint64_t recorder) const {
  auto* r = dynamic_cast<runtime::SpikeRecorder*>(&impl_->net->node(recorder));
  if (!r) throw Error(fmt::format("node {} is not a spike_recorder", recorder));
  return {r->senders, r->times};
}

MultimeterEvents Kernel::multimeter_events(uint64_t multimeter) const {
  auto& net = *impl_->net;
  auto* mm = dynamic_cast<runtime::Multimeter*>(&net.node(multimeter));
  if (!mm) throw Error(fmt::format("node {} is not a multimeter", multimeter));
  // Samples reach the multimeter one min-delay slice late (NEST's delivery of DataEvents).
  const double delivered_until = net.time() - double(net.min_delay()) * net.resolution() + 1e-9;
  MultimeterEvents out;
  for (const auto& name : mm->record_from) out.values[name];
  for (size_t k = 0; k < mm->times.size(); ++k) {
    if (mm->times[k] > delivered_until) continue;
    out.times.push_back(mm->times[k]);
    out.senders.push_back(mm->senders[k]);
    for (size_t i = 0; i < mm->record_from.size(); ++i)
      out.values[mm->record_from[i]].push_back(mm->values[i][k]);
  }
  return out;
}

ModelInfo Kernel::model_info(const std::string& model) const {
  const runtime::LoadedModel& m = impl_->model(model);
  const nir::Model& ir = *m.ir;
  ModelInfo info;
  info.name = ir.name;
  info.is_synapse = ir.is_synapse;
  info.recordables = ir.recordables();
  info.source_path = m.source_path;
  for (const auto& s : ir.slots) {
    if (s.role == nir::SlotRole::Parameter) info.parameters.push_back(s.name);
    if (s.role == nir::SlotRole::State) info.state.push_back(s.name);
  }
  for (const auto& v : ir.ode_vars) {
    if (v.analytic) ++info.exact_variables;
    else if (!v.is_convolution) ++info.numeric_variables;
  }
  info.spike_receptors = runtime::receptors_of(ir).size();
  for (const auto& p : ir.continuous_ports) info.continuous_ports.push_back(p.name);
  switch (ir.numeric_solver) {
    case nir::NumericSolver::ForwardEuler: info.numeric_solver = "forward-Euler"; break;
    case nir::NumericSolver::Rkf45: info.numeric_solver = "rk45"; break;
    case nir::NumericSolver::Cvode: info.numeric_solver = "cvode"; break;
    case nir::NumericSolver::Auto: info.numeric_solver = "auto"; break;
  }
  return info;
}

std::vector<std::string> Kernel::recordables(const std::string& model) const {
  return impl_->model(model).ir->recordables();
}

double Kernel::get_default(const std::string& model, const std::string& name) const {
  const runtime::LoadedModel& m = impl_->model(model);
  // A throwaway instance gives the defaults exactly as construction computes them.
  if (m.ir->is_synapse) {
    runtime::PlasticConnection c(impl_->models.at(model), 0, 0, impl_->net->resolution());
    return c.get(name);
  }
  runtime::JitNeuron n(impl_->models.at(model), impl_->net->resolution());
  auto status = n.get_status();
  auto it = status.find(name);
  if (it == status.end()) throw Error(fmt::format("model '{}' has no variable '{}'", model, name));
  return it->second;
}

std::vector<std::string> Kernel::models() const {
  std::vector<std::string> out(builtin_models().begin(), builtin_models().end());
  for (const auto& [n, m] : impl_->models) out.push_back(n);
  return out;
}

}  // namespace nestjit
