// nestjit::Kernel: connect() and the connections it made. connect() checks everything it
// can before it makes the first connection and removes what it made when a later check
// fails (a drawn delay below the resolution), so an error leaves the kernel as it was.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "api/kernel_impl.h"
#include "runtime/connect_rules.h"

namespace nestjit {

double SynValue::value_or(double fallback) const {
  if (!has_value()) return fallback;
  if (const double* d = constant()) return *d;
  throw Error("this weight or delay is an array or a distribution, not one number");
}

namespace {

runtime::Rule to_rule(const ConnSpec& c) {
  runtime::Rule r;
  r.kind = static_cast<runtime::Rule::Kind>(int(c.rule));
  r.indegree = c.indegree;
  r.outdegree = c.outdegree;
  r.total = c.N;
  r.p = c.p;
  r.allow_autapses = c.allow_autapses;
  r.allow_multapses = c.allow_multapses;
  return r;
}

// Values of a weight or delay per connection: constant, array or distribution.
class ValueSource {
 public:
  ValueSource(const char* what, const SynValue& v, double fallback, std::optional<size_t> count)
      : what_(what), fallback_(fallback) {
    if (const auto* a = v.array()) {
      if (!count)
        throw Error(fmt::format("{} given as an array needs a rule that makes a known number of "
                                "connections (not pairwise_bernoulli)", what));
      if (a->size() != *count)
        throw Error(fmt::format("{} array has {} values for the {} connections this rule makes",
                                what, a->size(), *count));
      array_ = a;
    } else if (const auto* d = v.distribution()) {
      dist_.kind = static_cast<runtime::RandomDistribution::Kind>(int(d->kind));
      dist_.a = d->a;
      dist_.b = d->b;
      dist_.min = d->min;
      dist_.max = d->max;
      try {
        dist_.check();
      } catch (const std::exception& e) {
        throw Error(fmt::format("{}: {}", what, e.what()));
      }
      random_ = true;
    } else {
      fallback_ = v.value_or(fallback);
    }
  }
  bool is_constant() const { return !array_ && !random_; }
  double constant() const { return fallback_; }
  double next(size_t i, runtime::Rng& rng) const {
    if (array_) return (*array_)[i];
    if (random_) return dist_.draw(rng);
    return fallback_;
  }

 private:
  const char* what_;
  double fallback_;
  const std::vector<double>* array_ = nullptr;
  runtime::RandomDistribution dist_;
  bool random_ = false;
};

}  // namespace

void Kernel::connect(const NodeCollection& pre, const NodeCollection& post, const ConnSpec& conn,
                     const SynSpec& requested) {
  impl_->forbid_in_callback("connect");
  impl_->check_epoch(pre, "connect");
  impl_->check_epoch(post, "connect");
  auto& net = *impl_->net;
  // CopyModel names and SetDefaults values (kernel_defaults.cpp); plastic connections made
  // under a copy's name are reported under it (static ones as static_synapse).
  if (requested.params.count("weight_recorder"))
    throw Error(fmt::format(
        "connect: 'weight_recorder' is a property of the synapse model, shared by all its "
        "connections, and cannot be given per connect(); set it with set_defaults(\"{0}\", ...) "
        "or copy_model(\"{0}\", new_name, {{{{\"weight_recorder\", id}}}})",
        requested.synapse_model.empty() ? "static_synapse" : requested.synapse_model));
  const SynSpec spec = impl_->resolve_synapse(requested);
  struct NameOnExit {
    Kernel::Impl& impl;
    const std::string& name;
    const NodeCollection& pre;
    size_t plastic_before;
    std::vector<size_t> row_before;  // static row lengths of the sources (copies only)
    ~NameOnExit() {
      impl.name_connections(name, impl.net->static_count(), plastic_before);
      for (size_t i = 0; i < row_before.size(); ++i) {
        const size_t after = impl.net->static_row(pre[i]).size();
        for (size_t pos = row_before[i]; pos < after; ++pos)
          impl.static_copy_names[{pre[i], uint32_t(pos)}] = name;
      }
    }
  } name_on_exit{*impl_, requested.synapse_model, pre, net.plastic_count(), {}};
  if (impl_->copies.count(requested.synapse_model))
    for (size_t i = 0; i < pre.size(); ++i)
      name_on_exit.row_before.push_back(net.static_row(pre[i]).size());
  const runtime::NodeRange src{pre.first, pre.size()}, tgt{post.first, post.size()};
  const runtime::Rule rule = to_rule(conn);
  try {
    runtime::check_rule(rule, src, tgt);
    for (auto nc : {pre, post})
      if (nc.size() > 0) {
        net.node(nc.first);
        net.node(nc.first + nc.size() - 1);
      }
  } catch (const std::exception& e) {
    throw Error(e.what());
  }
  const auto count = runtime::rule_count(rule, src, tgt);
  ValueSource weight("weight", spec.weight, 1.0, count), delay("delay", spec.delay, 1.0, count);

  // Connect(multimeter, neuron): the multimeter samples the neuron; no synapse is made.
  auto* first_source = &net.node(pre.first);
  if (dynamic_cast<runtime::Multimeter*>(first_source)) {
    for (size_t i = 0; i < pre.size(); ++i)
      if (!dynamic_cast<runtime::Multimeter*>(&net.node(pre[i])))
        throw Error("connect(multimeter, neuron): every source must be a multimeter");
    std::vector<std::pair<runtime::Multimeter*, runtime::JitNeuron*>> pairs;
    auto& streams = net.streams();
    try {
      runtime::generate_connections(rule, src, tgt, streams, [&](uint64_t s, uint64_t t) {
        auto* n = dynamic_cast<runtime::JitNeuron*>(&net.node(t));
        if (!n)
          throw Error(fmt::format("a multimeter can only record from NESTML neurons, not {}",
                                  net.node(t).model_name()));
        pairs.emplace_back(static_cast<runtime::Multimeter*>(&net.node(s)), n);
      });
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(e.what());
    }
    // Every recorded name must be a recordable of its neuron; checked before any attach.
    for (auto [mm, n] : pairs) {
      const auto names = n->model().ir->recordables();
      for (const auto& want : mm->record_from)
        if (std::find(names.begin(), names.end(), want) == names.end()) {
          std::string list;
          for (const auto& x : names) list += (list.empty() ? "" : ", ") + x;
          throw Error(fmt::format("'{}' is not a recordable of {} (recordables: {})", want,
                                  n->model_name(), list));
        }
    }
    for (auto [mm, n] : pairs) n->attach(mm, net.resolution());
    return;
  }

  for (size_t i = 0; i < pre.size(); ++i)
    if (dynamic_cast<runtime::SpikeRecorder*>(&net.node(pre[i])))
      throw Error(fmt::format("connect: a spike_recorder only receives; it cannot send to {}",
                              post.size() ? net.node(post[0]).model_name() : std::string("nodes")));
  const bool builtin_static =
      spec.synapse_model.empty() ||
      (spec.synapse_model == "static_synapse" && !impl_->models.count("static_synapse"));
  // The built-in static synapse is weight, delay and receptor only (SynSpec's own fields);
  // any other name would be dropped without a trace.
  if (builtin_static && !requested.params.empty())
    throw Error(fmt::format(
        "connect: the built-in static_synapse has no variable '{}'; it has only weight, delay "
        "and receptor_type (SynSpec::weight, ::delay, ::receptor_type); for variables of your "
        "own, install a NESTML synapse",
        requested.params.begin()->first));
  std::shared_ptr<runtime::LoadedModel> plastic_model;
  if (!builtin_static) {
    auto it = impl_->models.find(spec.synapse_model);
    if (it == impl_->models.end() || !it->second->ir->is_synapse)
      throw Error(fmt::format("'{}' is not an installed synapse model", spec.synapse_model));
    plastic_model = it->second;
    for (const auto& [key, value] : requested.params)
      api::refuse_homogeneous(*plastic_model, key, "connect");
    for (size_t i = 0; i < pre.size(); ++i)
      if (dynamic_cast<runtime::PoissonGenerator*>(&net.node(pre[i])) ||
          net.node(pre[i]).sends_current())
        throw Error(fmt::format("a {} cannot drive a '{}' connection; put a parrot_neuron in between",
                                net.node(pre[i]).model_name(), spec.synapse_model));
    for (size_t i = 0; i < post.size(); ++i)
      if (!dynamic_cast<runtime::JitNeuron*>(&net.node(post[i])) &&
          !dynamic_cast<runtime::ParrotNeuron*>(&net.node(post[i])))
        throw Error(fmt::format("the target of a '{}' connection must be a neuron",
                                spec.synapse_model));
    // The receptor, as for static synapses (a bad one would fail mid-simulate).
    for (size_t i = 0; pre.size() > 0 && i < post.size(); ++i) {
      auto& target = net.node(post[i]);
      const std::string why = target.check_input(false, spec.receptor_type);
      if (!why.empty())
        throw Error(fmt::format("cannot connect {} #{} to {} #{} through '{}': {}",
                                net.node(pre[0]).model_name(), pre[0], target.model_name(),
                                post[i], spec.synapse_model, why));
    }
  }

  // A constant delay is checked once, before anything is made.
  int64_t constant_delay = 0;
  try {
    if (delay.is_constant()) constant_delay = net.delay_steps(delay.constant());
  } catch (const std::exception& e) {
    throw Error(e.what());
  }

  const auto mark = net.mark();
  auto& streams = net.streams();
  size_t index = 0;
  struct Planned {
    uint64_t source, target;
    double weight;
    int64_t delay;
  };
  std::vector<Planned> planned;
  try {
    runtime::generate_connections(rule, src, tgt, streams, [&](uint64_t s, uint64_t t) {
      // Weights and delays of a connection are drawn from its target's VP stream.
      runtime::Rng& rng = streams.for_node(size_t(t - 1));
      const double w = weight.next(index, rng);
      const int64_t d = delay.is_constant() ? constant_delay : net.delay_steps(delay.next(index, rng));
      ++index;
      if (builtin_static) {
        net.connect_static({s, t, w, d, spec.receptor_type});
        return;
      }
      planned.push_back({s, t, w, d});
    });
    // Plastic connections register with their target's archive and volume transmitter when
    // stored, which rollback() does not undo: they are made only once every weight and delay
    // has been drawn and checked.
    for (const Planned& p : planned) {
      auto c = std::make_unique<runtime::PlasticConnection>(plastic_model, p.source, p.target,
                                                            net.resolution());
      c->receptor = spec.receptor_type;
      c->set_delay(double(p.delay) * net.resolution(), p.delay);
      if (spec.weight) c->set_weight(p.weight);
      c->record_weights = spec.record_weights;
      for (const auto& [k, v] : spec.params) c->set(k, v);
      net.connect_plastic(std::move(c));
    }
  } catch (const std::exception& e) {
    net.rollback(mark);
    throw Error(e.what());
  }
  // weight_recorder's ports, in the order the connections were made.
  for (size_t i = mark.plastics; i < net.plastic_count(); ++i) {
    auto& c = net.plastic(i);
    c.port = impl_->plastic_ports[{c.source, &c.model()}]++;
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
  const bool want_static = synapse_model.empty() || impl_->copies.count(synapse_model) ||
                           (synapse_model == "static_synapse" && !impl_->models.count("static_synapse"));
  if (want_static) {
    const uint64_t lo = source.size() ? source.first : 1;
    const uint64_t hi = source.size() ? source.first + source.size() : net.node_count() + 1;
    for (uint64_t s = lo; s < hi && s <= net.node_count(); ++s) {
      auto row = net.static_row(s);
      for (size_t i = 0; i < row.size(); ++i)
        if (in(target, row[i].target + 1) &&
            (synapse_model.empty() || impl_->static_name(s, i) == synapse_model))
          out.refs_.push_back({false, i, s});
    }
  }
  for (size_t i = 0; i < net.plastic_count(); ++i) {
    const auto& c = net.plastic(i);
    if (in(source, c.source) && in(target, c.target) &&
        (synapse_model.empty() || synapse_model == impl_->plastic_name(i)))
      out.refs_.push_back({true, i});
  }
  return out;
}

size_t Kernel::num_connections() const {
  return impl_->net->static_count() + impl_->net->plastic_count();
}

Kernel::NetworkCounters Kernel::network_counters() const {
  auto& net = *impl_->net;
  NetworkCounters c;
  c.spikes = net.spikes_emitted();
  c.synaptic_events = net.synaptic_events();
  c.static_synapses = net.static_count();
  net.static_row(1);  // merges staged synapses, so the bytes are those of the rows
  c.static_bytes = net.static_bytes();
  return c;
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
  auto& net = *kernel_->impl_->net;
  for (const auto& r : refs_) {
    try {
      if (r.plastic) {
        const auto& c = net.plastic(r.index);
        if (name == "source") out.push_back(double(c.source));
        else if (name == "target") out.push_back(double(c.target));
        else if (name == "receptor") out.push_back(double(c.receptor));
        else out.push_back(c.get(name));
        continue;
      }
      const auto& s = net.static_synapse(r.source, uint32_t(r.index));
      if (name == "weight") out.push_back(s.weight);
      else if (name == "delay") out.push_back(double(s.delay_steps) * net.resolution());
      else if (name == "source") out.push_back(double(r.source));
      else if (name == "target") out.push_back(double(s.target + 1));
      else if (name == "receptor") out.push_back(double(s.receptor));
      else
        throw Error(fmt::format("static_synapse has no variable '{}' (weight, delay, source, "
                                "target, receptor)", name));
    } catch (const Error&) {
      throw;
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
  if (!refs_[i].plastic) throw Error("static synapses keep no weight history");
  return kernel_->impl_->net->plastic(refs_[i].index).weight_log;
}

void Connections::set(const std::string& name, double value) {
  check_valid();
  auto& net = *kernel_->impl_->net;
  // Checked once for all selected connections before any changes.
  int64_t steps = 0;
  for (const auto& r : refs_) {
    if (r.plastic) {
      api::refuse_homogeneous(net.plastic(r.index).model(), name, "set");
      continue;
    }
    try {
      if (name == "delay") steps = net.delay_steps(value);
    } catch (const std::exception& e) {
      throw Error(e.what());
    }
    if (name == "weight") {
      if (!std::isfinite(value)) throw Error(fmt::format("weight must be a finite number, not {}", value));
    } else if (name == "delay") {
      if (steps > int64_t(runtime::ConnectionTable::kMaxDelaySteps))
        throw Error(fmt::format("delay {} ms is longer than static synapses can store", value));
    } else {
      throw Error(fmt::format("static_synapse: '{}' cannot be set (weight, delay)", name));
    }
  }
  for (const auto& r : refs_) {
    try {
      if (!r.plastic) {
        auto& s = net.static_synapse(r.source, uint32_t(r.index));
        if (name == "weight") s.weight = value;
        else s.delay_steps = uint16_t(steps);
        net.invalidate();
        continue;
      }
      auto& c = net.plastic(r.index);
      if (name == "weight") c.set_weight(value);
      else c.set(name, value);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(e.what());
    }
  }
}

Connections Connections::one(size_t i) const {
  check_valid();
  if (i >= refs_.size())
    throw Error(fmt::format("connection {} does not exist ({} selected)", i, refs_.size()));
  Connections out;
  out.kernel_ = kernel_;
  out.epoch_ = epoch_;
  out.refs_ = {refs_[i]};
  return out;
}

std::map<std::string, double> Connections::status(size_t i) const {
  const Connections one = this->one(i);
  std::map<std::string, double> out;
  if (refs_[i].plastic) {
    try {
      out = kernel_->impl_->net->plastic(refs_[i].index).get_status();
    } catch (const std::exception& e) {
      throw Error(e.what());
    }
  } else {
    for (const char* key : {"weight", "delay"}) out[key] = one.get(key)[0];
  }
  for (const char* key : {"source", "target", "receptor"}) out[key] = one.get(key)[0];
  return out;
}

std::vector<std::string> Connections::synapse_models() const {
  std::vector<std::string> out;
  for (const auto& r : refs_)
    out.push_back(r.plastic ? kernel_->impl_->plastic_name(r.index)
                            : kernel_->impl_->static_name(r.source, r.index));
  return out;
}

void Connections::set_at(size_t i, const std::string& name, double value) {
  one(i).set(name, value);
}

}  // namespace nestjit
