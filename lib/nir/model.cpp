// Queries on nir::Model.
#include "nir/model.h"

#include <algorithm>

namespace nestjit::nir {

std::vector<std::string> Model::recordables() const {
  std::vector<std::string> out;
  for (const auto& s : slots)
    if (s.recordable) out.push_back(s.name);
  for (const auto& [name, e] : recordable_inlines) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

int Model::find_slot(const std::string& name) const {
  for (size_t i = 0; i < slots.size(); ++i)
    if (slots[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace nestjit::nir
