// Queries on sema's result types.
#include "sema/model.h"

#include <cmath>
#include <fmt/format.h>

namespace nestjit::sema {

std::string Type::to_string() const {
  switch (kind) {
    case Kind::Error: return "<error>";
    case Kind::Void: return "void";
    case Kind::Boolean: return "boolean";
    case Kind::Integer: return "integer";
    case Kind::String: return "string";
    case Kind::Quantity: {
      if (dim.dimensionless()) return "real";
      std::string n = units::internal_unit_name(dim);
      if (!n.empty() && n.find(' ') == std::string::npos) return n;
      // Powers of time read better in ms, the internal time unit: ms**2, 1/ms**2.
      bool time_only = true;
      for (int i = 0; i < units::kBaseCount; ++i)
        if (i != units::Second && dim.exp[i] != 0) time_only = false;
      if (time_only) {
        double p = dim.exp[units::Second];
        std::string e = fmt::format("{}", std::fabs(p));
        return p > 0 ? "ms**" + e : "1/ms**" + e;
      }
      return dim.to_string();
    }
  }
  return "?";
}

const Symbol* CheckedModel::find(const std::string& name, int order) const {
  for (const auto& s : symbols)
    if (s->name == name && s->order == order && s->kind != SymbolKind::Local &&
        s->kind != SymbolKind::FunctionParam)
      return s.get();
  return nullptr;
}

std::vector<const Symbol*> CheckedModel::of_kind(SymbolKind k) const {
  std::vector<const Symbol*> out;
  for (const auto& s : symbols)
    if (s->kind == k) out.push_back(s.get());
  return out;
}

}  // namespace nestjit::sema
