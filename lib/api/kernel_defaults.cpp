// nestjit::Kernel: model defaults (SetDefaults/GetDefaults), model copies (CopyModel), full
// node status dictionaries and the kernel status, as the Python package needs them.
#include <cmath>
#include <fmt/format.h>

#include "api/kernel_impl.h"

namespace nestjit {

namespace {

// The role a built-in model plays, as upstream's "element_type".
const char* element_type(const std::string& builtin) {
  if (builtin.find("generator") != std::string::npos) return "stimulator";
  if (builtin == "spike_recorder" || builtin == "multimeter" || builtin == "voltmeter" ||
      builtin == "weight_recorder")
    return "recorder";
  if (builtin == "static_synapse") return "synapse";
  return "neuron";
}

void put_numbers(Params& out, const std::map<std::string, double>& values) {
  for (const auto& [k, v] : values) out[k] = v;
}


// A device's settings beyond its numbers (shared by node status and defaults).
void put_device_settings(Params& out, const runtime::Node& node, double resolution) {
  if (auto* g = dynamic_cast<const runtime::SpikeGenerator*>(&node)) {
    out["spike_times"] = g->get_list("spike_times");
  } else if (auto* mm = dynamic_cast<const runtime::Multimeter*>(&node)) {
    out["record_from"] = mm->record_from;
  } else if (auto* sr = dynamic_cast<const runtime::SpikeRecorder*>(&node)) {
    out["n_events"] = double(sr->times.size());
  } else if (auto* wr = dynamic_cast<const runtime::WeightRecorder*>(&node)) {
    out["n_events"] = double(wr->times.size());
    out["senders"] = wr->get_list("senders");
    out["targets"] = wr->get_list("targets");
  }
}

}  // namespace

const std::string& Kernel::Impl::base_of(const std::string& name) const {
  auto it = copies.find(name);
  return it == copies.end() ? name : it->second.base;
}

Params Kernel::Impl::defaults_of(const std::string& name) const {
  auto copy = copies.find(name);
  Params out;
  if (auto base = defaults.find(base_of(name)); base != defaults.end()) out = base->second;
  if (copy != copies.end())
    for (const auto& [k, v] : copy->second.defaults) out[k] = v;
  return out;
}

SynSpec Kernel::Impl::resolve_synapse(const SynSpec& spec) const {
  SynSpec out = spec;
  const std::string name = spec.synapse_model.empty() ? "static_synapse" : spec.synapse_model;
  const Params defs = defaults_of(name);
  out.synapse_model = copies.count(name) ? base_of(name) : spec.synapse_model;
  for (const auto& [key, value] : defs) {
    const double v = api::as_number(key, value);
    if (key == "weight") {
      if (!out.weight) out.weight = v;
    } else if (key == "delay") {
      if (!out.delay) out.delay = v;
    } else if (key == "receptor_type") {
      if (out.receptor_type == 0) out.receptor_type = int(v);
    } else {
      out.params.emplace(key, v);  // keeps a value the caller gave
    }
  }
  return out;
}

void Kernel::Impl::name_connections(const std::string& name, size_t static_before,
                                    size_t plastic_before) {
  if (!copies.count(name)) return;
  for (size_t i = static_before; i < net->static_count(); ++i) static_names[i] = name;
  for (size_t i = plastic_before; i < net->plastic_count(); ++i) plastic_names[i] = name;
}

void Kernel::Impl::reset_network() {
  net = std::make_unique<runtime::Network>(options.resolution_ms, options.rng_seed);
  copies.clear();
  defaults.clear();
  plastic_names.clear();
  static_names.clear();
  static_copy_names.clear();
  plastic_ports.clear();
  node_names.clear();
}

Params Kernel::get_node_status(uint64_t id) const {
  try {
    const runtime::Node& node = impl_->net->node(id);
    Params out;
    put_numbers(out, node.get_status());
    put_device_settings(out, node, impl_->net->resolution());
    auto named = impl_->node_names.find(id);
    out["model"] = named != impl_->node_names.end() ? named->second : node.model_name();
    out["global_id"] = double(id);
    const bool nestml = dynamic_cast<const runtime::JitNeuron*>(&node) != nullptr;
    out["element_type"] = std::string(nestml ? "neuron" : element_type(node.model_name()));
    return out;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(e.what());
  }
}

Params Kernel::get_defaults(const std::string& model) const {
  const std::string& base = impl_->base_of(model);
  Params out;
  auto installed = impl_->models.find(base);
  if (installed != impl_->models.end()) {
    const auto& m = installed->second;
    if (m->ir->is_synapse) {
      runtime::PlasticConnection c(m, 0, 0, impl_->net->resolution());
      put_numbers(out, c.get_status());
      // Shared by all connections of the model: set with set_defaults or copy_model only.
      out["weight_recorder"] = 0.0;
      out["element_type"] = std::string("synapse");
    } else {
      runtime::JitNeuron n(m, impl_->net->resolution());
      // Vector sizes among the defaults lay out the instances the defaults describe.
      Params sizes;
      for (const auto& [k, v] : impl_->defaults_of(model))
        if (int i = m->slot(k); i >= 0 && m->ir->vector_size_parameters.count(i)) sizes[k] = v;
      if (!sizes.empty()) {
        try {
          n.set_params(sizes, {});
        } catch (const std::exception& e) {
          throw Error(e.what());
        }
      }
      put_numbers(out, n.get_status());
      out["recordables"] = n.model().ir->recordables();
      out["element_type"] = std::string("neuron");
    }
  } else if (base == "static_synapse") {
    out["weight"] = 1.0;
    out["delay"] = 1.0;
    out["receptor_type"] = 0.0;
    out["element_type"] = std::string("synapse");
  } else if (auto node = Kernel::Impl::make_device(base)) {
    put_numbers(out, node->get_status());
    put_device_settings(out, *node, impl_->net->resolution());
    out["element_type"] = std::string(element_type(base));
  } else {
    impl_->model(model);  // throws: unknown model, listing the known ones
  }
  for (const auto& [k, v] : impl_->defaults_of(model)) out[k] = v;
  out["model"] = model;
  return out;
}

void Kernel::set_defaults(const std::string& model, const Params& params) {
  get_defaults(model);  // throws for an unknown model
  auto copy = impl_->copies.find(model);
  Params& target = copy != impl_->copies.end() ? copy->second.defaults : impl_->defaults[model];
  // A new vector size changes which element names exist: check the other keys against the
  // layout the new sizes give (the sizes are taken back if anything is refused).
  const Params saved = target;
  auto installed = impl_->models.find(impl_->base_of(model));
  if (installed != impl_->models.end())
    for (const auto& [key, value] : params)
      if (int i = installed->second->slot(key);
          i >= 0 && installed->second->ir->vector_size_parameters.count(i)) {
        if (installed->second->ir->is_synapse)
          throw Error(fmt::format("SetDefaults: '{}' sizes vectors of synapse model '{}', which "
                                  "are fixed at install", key, model));
        target[key] = value;
      }
  try {
    Params known = get_defaults(model);
    for (const auto& [key, value] : params) {
      auto it = known.find(key);
      if (key == "weight_recorder" && impl_->base_of(model) == "static_synapse" &&
          !impl_->models.count("static_synapse"))
        throw Error(fmt::format(
            "SetDefaults: the built-in static_synapse of '{}' records no weights (its compact "
            "rows hold no recorder); install the NESTML static_synapse "
            "(models/synapses/static_synapse.nestml) or a plastic synapse and name the "
            "weight_recorder there", model));
      if (key == "weight_recorder") {
        const double* id = std::get_if<double>(&value);
        if (!id || *id < 0 || *id != std::floor(*id))
          throw Error(fmt::format("SetDefaults: weight_recorder of '{}' must be a node id", model));
        if (*id != 0 && (*id > double(impl_->net->node_count()) ||
                         !dynamic_cast<const runtime::WeightRecorder*>(&impl_->net->node(uint64_t(*id)))))
          throw Error(fmt::format("SetDefaults: weight_recorder of '{}': node {} is not a "
                                  "weight_recorder", model, *id));
      }
      if (it == known.end())
        throw Error(fmt::format("SetDefaults: model '{}' has no property '{}'", model, key));
      if (it->second.index() != value.index() || key == "model" || key == "element_type" ||
          key == "recordables" || key == "n_events")
        throw Error(fmt::format("SetDefaults: property '{}' of model '{}' cannot be set to this value",
                                key, model));
    }
  } catch (...) {
    target = saved;
    throw;
  }
  for (const auto& [key, value] : params) target[key] = value;
  // @homogeneous synapse parameters are the model's, not a connection's: the new value holds
  // for the connections made under this name so far too.
  if (installed == impl_->models.end() || !installed->second->ir->is_synapse) return;
  const auto& m = *installed->second;
  for (const auto& [key, value] : params) {
    const int slot = m.slot(key);
    if (slot < 0 || !m.ir->slots[size_t(slot)].homogeneous) continue;
    for (size_t i = 0; i < impl_->net->plastic_count(); ++i)
      if (impl_->plastic_name(i) == model) impl_->net->plastic(i).set(key, std::get<double>(value));
  }
}

void Kernel::copy_model(const std::string& existing, const std::string& new_name,
                        const Params& params) {
  get_defaults(existing);  // throws for an unknown model
  if (impl_->models.count(new_name) || api::builtin_models().count(new_name) ||
      impl_->copies.count(new_name))
    throw Error(fmt::format("CopyModel: a model named '{}' exists already", new_name));
  if (new_name.empty()) throw Error("CopyModel: the new model needs a name");
  impl_->copies[new_name] = {impl_->base_of(existing), impl_->defaults_of(existing)};
  try {
    set_defaults(new_name, params);
  } catch (...) {
    impl_->copies.erase(new_name);
    throw;
  }
}

Params Kernel::get_kernel_status() const {
  const auto& net = *impl_->net;
  Params out;
  out["resolution"] = net.resolution();
  out["rng_seed"] = double(impl_->options.rng_seed);
  out["biological_time"] = net.time();
  out["network_size"] = double(net.node_count());
  out["num_connections"] = double(impl_->net->static_count() + impl_->net->plastic_count());
  out["min_delay"] = double(net.min_delay()) * net.resolution();
  out["max_memory_mb"] = impl_->max_memory_mb;  // resource limits (kernel_limits.cpp)
  return out;
}

void Kernel::set_kernel_status(const Params& params) {
  // Check everything first so that a bad key changes nothing.
  for (const auto& [key, value] : params) {
    const double v = api::as_number(key, value);
    if (key == "resolution") {
      if (!(v > 0)) throw Error(fmt::format("resolution must be positive, not {}", v));
      if (impl_->net->node_count() > 0 && v != impl_->net->resolution())
        throw Error("resolution can only be changed before any node is created (call ResetKernel first)");
    } else if (key == "rng_seed") {
      if (!(v >= 1 && v < 4294967296.0 && v == double(uint64_t(v))))
        throw Error(fmt::format("rng_seed must be an integer from 1 to 2^32-1, not {}", v));
      // The seed lays out every random stream of the network (one per future thread), so it
      // is set on an empty network, as scripts do right after ResetKernel.
      if (impl_->net->node_count() > 0 && uint64_t(v) != impl_->options.rng_seed)
        throw Error("rng_seed can only be changed before any node is created (call ResetKernel first)");
    } else if (key == "max_memory_mb") {
      if (!(std::isfinite(v) && v > 0))
        throw Error(fmt::format("max_memory_mb must be a positive number of MB, not {}", v));
    } else if (key == "biological_time" || key == "network_size" || key == "num_connections" ||
               key == "min_delay") {
      throw Error(fmt::format("kernel property '{}' is read-only", key));
    } else {
      throw Error(fmt::format(
          "unknown kernel property '{}' (settable: resolution, rng_seed, max_memory_mb)", key));
    }
  }
  for (const auto& [key, value] : params) {
    const double v = std::get<double>(value);
    if (key == "resolution") impl_->options.resolution_ms = v;
    if (key == "rng_seed") impl_->options.rng_seed = uint64_t(v);
    if (key == "max_memory_mb") impl_->max_memory_mb = v;
  }
  if (impl_->net->node_count() == 0 &&
      (impl_->net->resolution() != impl_->options.resolution_ms ||
       impl_->net->rng_seed() != impl_->options.rng_seed))
    impl_->net = std::make_unique<runtime::Network>(impl_->options.resolution_ms,
                                                    impl_->options.rng_seed);
}

}  // namespace nestjit
