// nestjit::Kernel: connect() and the connections it made.
#include <algorithm>
#include <fmt/format.h>

#include "api/kernel_impl.h"

namespace nestjit {

void Kernel::connect(const NodeCollection& pre, const NodeCollection& post, ConnRule rule,
                     const SynSpec& spec) {
  impl_->forbid_in_callback("connect");
  impl_->check_epoch(pre, "connect");
  impl_->check_epoch(post, "connect");
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
        api::check_static_target(net.node(s), net.node(t), spec.receptor_type);
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
      api::check_static_target(net.node(s), net.node(t), spec.receptor_type);
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
  impl_->check_epoch(source, "get_connections");
  impl_->check_epoch(target, "get_connections");
  Connections out;
  out.kernel_ = this;
  out.epoch_ = impl_->epoch;
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

void Connections::check_valid() const {
  if (!kernel_) throw Error("these Connections were not selected by get_connections()");
  if (kernel_->impl_->epoch != epoch_)
    throw Error("these Connections were selected before reset(); select them again with "
                "get_connections()");
}

std::vector<double> Connections::get(const std::string& name) const {
  check_valid();
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
  check_valid();
  if (i >= refs_.size())
    throw Error(fmt::format("connection {} does not exist ({} selected)", i, refs_.size()));
  return kernel_->impl_->net->plastic(refs_[i].index).weight_log;
}

void Connections::set(const std::string& name, double value) {
  check_valid();
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

}  // namespace nestjit
