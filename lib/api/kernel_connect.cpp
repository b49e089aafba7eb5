// nestjit::Kernel: connect() and the connections it made.
#include <algorithm>
#include <fmt/format.h>

#include "api/kernel_impl.h"

namespace nestjit {

void Kernel::connect(const NodeCollection& pre, const NodeCollection& post, ConnRule rule,
                     const SynSpec& requested) {
  auto& net = *impl_->net;
  // CopyModel names and SetDefaults values (kernel_defaults.cpp); names the new connections
  // after the copy when done, also when a later pair fails.
  const SynSpec spec = impl_->resolve_synapse(requested);
  struct NameOnExit {
    Kernel::Impl& impl;
    const std::string& name;
    size_t static_before, plastic_before;
    ~NameOnExit() { impl.name_connections(name, static_before, plastic_before); }
  } name_on_exit{*impl_, requested.synapse_model, net.static_count(), net.plastic_count()};
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

Connections Kernel::get_connections(const NodeCollection& source, const NodeCollection& target,
                                    const std::string& synapse_model) {
  Connections out;
  out.kernel_ = this;
  auto in = [](const NodeCollection& nc, uint64_t id) {
    return nc.size() == 0 || (id >= nc.first && id < nc.first + nc.size());
  };
  auto& net = *impl_->net;
  auto name_of = [](const std::map<size_t, std::string>& names, size_t i, const std::string& base) {
    auto it = names.find(i);
    return it == names.end() ? base : it->second;
  };
  // Static connections first, then plastic ones (each in the order made).
  for (size_t i = 0; i < net.static_count(); ++i) {
    const auto& c = net.static_connection(i);
    if (in(source, c.source) && in(target, c.target) &&
        (synapse_model.empty() || synapse_model == name_of(impl_->static_names, i, "static_synapse")))
      out.refs_.push_back({false, i});
  }
  for (size_t i = 0; i < net.plastic_count(); ++i) {
    const auto& c = net.plastic(i);
    if (in(source, c.source) && in(target, c.target) &&
        (synapse_model.empty() || synapse_model == name_of(impl_->plastic_names, i, c.model().name())))
      out.refs_.push_back({true, i});
  }
  return out;
}

std::map<std::string, double> Connections::status(size_t i) const {
  if (i >= refs_.size())
    throw Error(fmt::format("connection {} does not exist ({} selected)", i, refs_.size()));
  auto& net = *kernel_->impl_->net;
  std::map<std::string, double> out;
  uint64_t source, target;
  if (refs_[i].plastic) {
    const auto& c = net.plastic(refs_[i].index);
    out = c.get_status();
    source = c.source;
    target = c.target;
    out["receptor"] = c.receptor;
  } else {
    const auto& c = net.static_connection(refs_[i].index);
    out["weight"] = c.weight;
    out["delay"] = double(c.delay_steps) * net.resolution();
    out["receptor"] = c.receptor;
    source = c.source;
    target = c.target;
  }
  out["source"] = double(source);
  out["target"] = double(target);
  return out;
}

std::vector<std::string> Connections::synapse_models() const {
  std::vector<std::string> out;
  const auto& impl = *kernel_->impl_;
  for (const auto& r : refs_) {
    const auto& names = r.plastic ? impl.plastic_names : impl.static_names;
    auto it = names.find(r.index);
    if (it != names.end()) out.push_back(it->second);
    else if (r.plastic) out.push_back(impl.net->plastic(r.index).model().name());
    else out.push_back("static_synapse");
  }
  return out;
}

std::vector<double> Connections::get(const std::string& name) const {
  std::vector<double> out;
  for (size_t i = 0; i < refs_.size(); ++i) {
    const auto& r = refs_[i];
    try {
      if (!r.plastic || name == "source" || name == "target") {
        auto s = status(i);
        auto it = s.find(name);
        if (it == s.end())
          throw Error(fmt::format("a static_synapse connection has no variable '{}'", name));
        out.push_back(it->second);
        continue;
      }
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
  for (size_t i = 0; i < refs_.size(); ++i) set_at(i, name, value);
}

void Connections::set_at(size_t i, const std::string& name, double value) {
  if (i >= refs_.size())
    throw Error(fmt::format("connection {} does not exist ({} selected)", i, refs_.size()));
  {
    const Ref& r = refs_[i];
    try {
      if (!r.plastic) {
        if (name != "weight")
          throw Error(fmt::format("only the weight of a static_synapse connection can be set, not '{}'", name));
        kernel_->impl_->net->static_connection(r.index).weight = value;
        return;
      }
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

}  // namespace nestjit
