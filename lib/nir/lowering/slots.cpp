// Pass: allocate one slot per parameter, state variable, internal and port, in
// declaration order (parameters, state, internals, then spike and continuous ports).
#include "nir/lowering/lowerer.h"

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

void Lowerer::allocate_slots() {
  auto add_all = [&](SymbolKind kind, SlotRole role) {
    for (const sema::Symbol* s : cm_.of_kind(kind)) {
      bool recordable = role == SlotRole::State && s->type.kind == sema::Type::Kind::Quantity;
      slot_of_[s] = add_slot(slot_name(s->name, s->order), role, value_type(s->type),
                             unit_of(s->type), recordable);
      if (s->is_vector)
        error("E-UNSUPPORTED", s->span,
              fmt::format("vector variable '{}' is not supported by the runtime yet", s->name));
    }
  };
  add_all(SymbolKind::Parameter, SlotRole::Parameter);
  add_all(SymbolKind::State, SlotRole::State);
  add_all(SymbolKind::Internal, SlotRole::Internal);

  std::set<std::string> post_ports(opts_.post_ports.begin(), opts_.post_ports.end());
  for (const sema::Symbol* s : cm_.of_kind(SymbolKind::SpikePort)) {
    SpikePort p;
    p.name = s->name;
    p.sum_slot = add_slot("__spikes__" + s->name, SlotRole::SpikeInput, ValueType::F64);
    p.received_slot = add_slot("__received__" + s->name, SlotRole::SpikeReceived, ValueType::F64);
    m_->slots[p.sum_slot].port = m_->slots[p.received_slot].port =
        static_cast<int>(m_->spike_ports.size());
    // Without an explicit post_ports option, a synapse's port named like "post..." is fed
    // by the postsynaptic neuron, as in every corpus synapse.
    p.is_post = m_->is_synapse &&
                (post_ports.count(s->name) ||
                 (opts_.post_ports.empty() && s->name.find("post") != std::string::npos));
    p.excitatory = s->port->excitatory;
    p.inhibitory = s->port->inhibitory;
    if (s->is_vector)
      error("E-UNSUPPORTED", s->span,
            fmt::format("vector port '{}' is not supported by the runtime yet", s->name));
    spike_port_of_[s->name] = static_cast<int>(m_->spike_ports.size());
    m_->spike_ports.push_back(p);
  }
  for (const sema::Symbol* s : cm_.of_kind(SymbolKind::ContinuousPort)) {
    ContinuousPort p;
    p.name = s->name;
    p.slot = add_slot(s->name, SlotRole::ContinuousInput, ValueType::F64, unit_of(s->type));
    m_->slots[p.slot].port = static_cast<int>(m_->continuous_ports.size());
    cont_port_of_[s->name] = static_cast<int>(m_->continuous_ports.size());
    slot_of_[s] = p.slot;
    m_->continuous_ports.push_back(p);
  }
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
