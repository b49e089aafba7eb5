// Pass: allocate one slot per parameter, state variable, internal and port, in
// declaration order (parameters, state, internals, then spike and continuous ports).
#include "nir/lowering/lowerer.h"

#include <algorithm>
#include <fmt/format.h>

#include "units/units.h"

namespace nestjit::nir::lowering {

int Lowerer::add_slot(std::string name, SlotRole role, ValueType t, std::string unit,
             bool recordable) {
  Slot s;
  s.name = std::move(name);
  s.role = role;
  s.type = t;
  s.unit = std::move(unit);
  s.recordable = recordable;
  m_->slots.push_back(std::move(s));
  return static_cast<int>(m_->slots.size() - 1);
}

std::string Lowerer::unit_of(const sema::Type& t) {
  return t.kind == sema::Type::Kind::Quantity ? units::internal_unit_name(t.dim) : "";
}

// The element count of a vector declaration: a literal, or a parameter or internal whose
// initializer folds to an integer (sums and products of them too). A parameter named in
// LowerOptions::vector_sizes takes that value instead of its default (a model variant).
// Every parameter the size depends on is added to `params`. nullopt when it cannot be folded.
std::optional<long> Lowerer::vector_size(const ast::Expr& e, int depth,
                                         std::set<const sema::Symbol*>& params) {
  if (depth > 16) return std::nullopt;
  switch (e.kind) {
    case EK::Number: return static_cast<long>(e.num);
    case EK::Paren: return vector_size(*e.args[0], depth + 1, params);
    case EK::Name: {
      const sema::Symbol* s = cm_.find(e.text, 0);
      if (!s || !s->init || s->is_vector ||
          (s->kind != SymbolKind::Parameter && s->kind != SymbolKind::Internal))
        return std::nullopt;
      if (s->kind != SymbolKind::Parameter) return vector_size(*s->init, depth + 1, params);
      params.insert(s);
      auto o = opts_.vector_sizes.find(s->name);
      auto v = o != opts_.vector_sizes.end() ? std::optional<long>(o->second)
                                             : vector_size(*s->init, depth + 1, params);
      if (v) size_values_[s] = *v;
      return v;
    }
    case EK::Binary: {
      auto a = vector_size(*e.args[0], depth + 1, params);
      auto b = vector_size(*e.args[1], depth + 1, params);
      if (!a || !b) return std::nullopt;
      if (e.op == ast::Op::Add) return *a + *b;
      if (e.op == ast::Op::Sub) return *a - *b;
      if (e.op == ast::Op::Mul) return *a * *b;
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

// Element count of a vector symbol, reported when it cannot be fixed at load time. The
// parameters the size depends on are recorded (after their slots exist) so that the
// runtime re-lays out an instance when one of them changes.
int Lowerer::element_count(const sema::Symbol& s, const ast::Expr* size) {
  constexpr long kMaxElements = 1 << 20;
  std::set<const sema::Symbol*> params;
  auto n = size ? vector_size(*size, 0, params) : std::nullopt;
  for (const sema::Symbol* p : params) sized_by_[p].push_back(s.name);
  if (!n || *n < 1 || *n > kMaxElements) {
    error("E-UNSUPPORTED", s.span,
          fmt::format("the size of vector '{}' must be a positive integer literal or a "
                      "parameter with such a value (at most {}){}",
                      s.name, kMaxElements,
                      n ? fmt::format("; it is {}", *n) : std::string()));
    return 1;
  }
  return int(*n);
}

// Records, per size parameter's slot, the vectors it sizes (see Model::vector_size_parameters).
void Lowerer::note_size_parameters() {
  for (const auto& [p, vectors] : sized_by_)
    if (auto it = slot_of_.find(p); it != slot_of_.end() && size_values_.count(p)) {
      m_->vector_size_parameters[it->second] = vectors;
      m_->vector_size_values[p->name] = size_values_.at(p);
    }
}

void Lowerer::allocate_slots() {
  // A vector x[n] takes n consecutive slots named x_0 ... x_{n-1}; its symbol maps to the
  // first. Elements of real-valued state vectors are recordable one by one.
  auto add_all = [&](SymbolKind kind, SlotRole role) {
    for (const sema::Symbol* s : cm_.of_kind(kind)) {
      bool recordable = role == SlotRole::State && s->type.kind == sema::Type::Kind::Quantity;
      if (!s->is_vector) {
        slot_of_[s] = add_slot(slot_name(s->name, s->order), role, value_type(s->type),
                               unit_of(s->type), recordable);
        continue;
      }
      const int n = element_count(*s, s->declaration ? s->declaration->vector_size.get() : nullptr);
      for (int k = 0; k < n; ++k) {
        int slot = add_slot(fmt::format("{}_{}", slot_name(s->name, s->order), k), role,
                            value_type(s->type), unit_of(s->type), recordable);
        if (k == 0) slot_of_[s] = slot;
      }
      vectors_[s] = VectorLayout{slot_of_[s], n, 1};
    }
  };
  add_all(SymbolKind::Parameter, SlotRole::Parameter);
  for (const sema::Symbol* s : cm_.of_kind(SymbolKind::Parameter)) {
    if (!s->declaration) continue;
    const auto& d = s->declaration->decorators;
    if (std::find(d.begin(), d.end(), "homogeneous") == d.end()) continue;
    const int n = vectors_.count(s) ? vectors_.at(s).count : 1;
    for (int k = 0; k < n; ++k) m_->slots[size_t(slot_of_.at(s) + k)].homogeneous = true;
  }
  add_all(SymbolKind::State, SlotRole::State);
  add_all(SymbolKind::Internal, SlotRole::Internal);

  std::set<std::string> post_ports(opts_.post_ports.begin(), opts_.post_ports.end());
  // A vector port p[n] becomes n ports p_0 ... p_{n-1}, so each element is its own
  // receptor (SEMANTICS.md 2.4: receptors 1..n in declaration order). Each port's sum and
  // received slots are adjacent, so element k's sum slot is first + 2k.
  for (const sema::Symbol* s : cm_.of_kind(SymbolKind::SpikePort)) {
    const int n = s->is_vector ? element_count(*s, s->port->vector_size.get()) : 1;
    for (int k = 0; k < n; ++k) {
      SpikePort p;
      p.name = s->is_vector ? fmt::format("{}_{}", s->name, k) : s->name;
      p.sum_slot = add_slot("__spikes__" + p.name, SlotRole::SpikeInput, ValueType::F64);
      p.received_slot = add_slot("__received__" + p.name, SlotRole::SpikeReceived, ValueType::F64);
      m_->slots[p.sum_slot].port = m_->slots[p.received_slot].port =
          static_cast<int>(m_->spike_ports.size());
      // Without an explicit post_ports option, a synapse's port named like "post..." is fed
      // by the postsynaptic neuron, as in every corpus synapse.
      p.is_post = m_->is_synapse &&
                  (post_ports.count(s->name) ||
                   (opts_.post_ports.empty() && s->name.find("post") != std::string::npos));
      p.excitatory = s->port->excitatory;
      p.inhibitory = s->port->inhibitory;
      if (k == 0 && s->is_vector) vectors_[s] = VectorLayout{p.sum_slot, n, 2};
      spike_port_of_[p.name] = static_cast<int>(m_->spike_ports.size());
      m_->spike_ports.push_back(p);
    }
  }
  for (const sema::Symbol* s : cm_.of_kind(SymbolKind::ContinuousPort)) {
    const int n = s->is_vector ? element_count(*s, s->port->vector_size.get()) : 1;
    for (int k = 0; k < n; ++k) {
      ContinuousPort p;
      p.name = s->is_vector ? fmt::format("{}_{}", s->name, k) : s->name;
      p.slot = add_slot(p.name, SlotRole::ContinuousInput, ValueType::F64, unit_of(s->type));
      m_->slots[p.slot].port = static_cast<int>(m_->continuous_ports.size());
      cont_port_of_[p.name] = static_cast<int>(m_->continuous_ports.size());
      if (k == 0) slot_of_[s] = p.slot;
      m_->continuous_ports.push_back(p);
    }
    if (s->is_vector) vectors_[s] = VectorLayout{slot_of_[s], n, 1};
  }
  note_size_parameters();
  if (m_->is_synapse) {
    m_->weight_slot = find_var(opts_.weight_variable, {"w", "weight"});
    m_->delay_slot = find_var(opts_.delay_variable, {});
  }
  for (const auto& o : ast_.outputs) m_->emits_spikes |= o.kind == ast::OutputPort::Kind::Spike;
}

int Lowerer::find_var(const std::string& given, std::initializer_list<const char*> defaults) {
  if (!given.empty()) {
    int s = m_->find_slot(given);
    if (s < 0)
      error("E-OPTION-VARIABLE", ast_.name_span,
            fmt::format("model '{}' has no variable '{}' (named by an install option)",
                        ast_.name, given));
    return s;
  }
  for (const char* d : defaults)
    if (int s = m_->find_slot(d); s >= 0 && m_->slots[s].role != SlotRole::Internal) return s;
  return -1;
}

}  // namespace nestjit::nir::lowering
