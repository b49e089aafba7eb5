#include "units/units.h"

#include <cmath>
#include <fmt/format.h>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nestjit::units {

namespace {

constexpr std::array<double, kBaseCount> kInternalBaseScale = {1.0, 1e-24, 1e-3, 1e-12,
                                                               1.0, 1.0,   1.0};
constexpr std::array<const char*, kBaseCount> kBaseNames = {"m", "kg", "s", "A", "K", "mol", "cd"};

Dimension dim(double m, double kg, double s, double a, double k = 0, double mol = 0,
              double cd = 0) {
  Dimension d;
  d.exp = {m, kg, s, a, k, mol, cd};
  return d;
}

struct NamedUnit {
  const char* name;
  Dimension dim;
  double si_factor;
  bool prefixable;
};

// Unprefixed unit symbols. `g` is listed with factor 1e-3 so that `kg` comes out of the
// prefix rule; `kg` itself is also listed so it is found without the prefix search.
const std::vector<NamedUnit>& named_units() {
  static const std::vector<NamedUnit> table = {
      {"m", dim(1, 0, 0, 0), 1.0, true},
      {"g", dim(0, 1, 0, 0), 1e-3, true},
      {"s", dim(0, 0, 1, 0), 1.0, true},
      {"A", dim(0, 0, 0, 1), 1.0, true},
      {"K", dim(0, 0, 0, 0, 1), 1.0, true},
      {"mol", dim(0, 0, 0, 0, 0, 1), 1.0, true},
      {"cd", dim(0, 0, 0, 0, 0, 0, 1), 1.0, true},
      {"Hz", dim(0, 0, -1, 0), 1.0, true},
      {"N", dim(1, 1, -2, 0), 1.0, true},
      {"Pa", dim(-1, 1, -2, 0), 1.0, true},
      {"J", dim(2, 1, -2, 0), 1.0, true},
      {"W", dim(2, 1, -3, 0), 1.0, true},
      {"C", dim(0, 0, 1, 1), 1.0, true},
      {"V", dim(2, 1, -3, -1), 1.0, true},
      {"F", dim(-2, -1, 4, 2), 1.0, true},
      {"Ohm", dim(2, 1, -3, -2), 1.0, true},
      {"ohm", dim(2, 1, -3, -2), 1.0, true},
      {"S", dim(-2, -1, 3, 2), 1.0, true},
      {"Wb", dim(2, 1, -2, -1), 1.0, true},
      {"T", dim(0, 1, -2, -1), 1.0, true},
      {"H", dim(2, 1, -2, -2), 1.0, true},
      {"Bq", dim(0, 0, -1, 0), 1.0, true},
      {"Gy", dim(2, 0, -2, 0), 1.0, true},
      {"Sv", dim(2, 0, -2, 0), 1.0, true},
      {"kat", dim(0, 0, -1, 0, 0, 1), 1.0, true},
      {"rad", dim(0, 0, 0, 0), 1.0, true},
      {"sr", dim(0, 0, 0, 0), 1.0, true},
      {"lm", dim(0, 0, 0, 0, 0, 0, 1), 1.0, true},
      {"lx", dim(-2, 0, 0, 0, 0, 0, 1), 1.0, true},
      {"l", dim(3, 0, 0, 0), 1e-3, true},
      {"L", dim(3, 0, 0, 0), 1e-3, true},
  };
  return table;
}

// SI prefixes; "u" is micro as NESTML writes it. Longest first so "da" wins over "d".
const std::vector<std::pair<const char*, double>>& prefixes() {
  static const std::vector<std::pair<const char*, double>> table = {
      {"da", 1e1},  {"q", 1e-30}, {"r", 1e-27}, {"y", 1e-24}, {"z", 1e-21}, {"a", 1e-18},
      {"f", 1e-15}, {"p", 1e-12}, {"n", 1e-9},  {"u", 1e-6},  {"m", 1e-3},  {"c", 1e-2},
      {"d", 1e-1},  {"h", 1e2},   {"k", 1e3},   {"M", 1e6},   {"G", 1e9},   {"T", 1e12},
      {"P", 1e15},  {"E", 1e18},  {"Z", 1e21},  {"Y", 1e24},  {"R", 1e27},  {"Q", 1e30},
  };
  return table;
}

std::string format_exp(double e) {
  if (e == std::floor(e)) return fmt::format("{}", static_cast<long>(e));
  return fmt::format("{}", e);
}

}  // namespace

bool Dimension::dimensionless() const {
  for (double e : exp)
    if (e != 0.0) return false;
  return true;
}

bool Dimension::operator==(const Dimension& o) const {
  for (int i = 0; i < kBaseCount; ++i)
    if (std::fabs(exp[i] - o.exp[i]) > 1e-12) return false;
  return true;
}

Dimension Dimension::operator*(const Dimension& o) const {
  Dimension d;
  for (int i = 0; i < kBaseCount; ++i) d.exp[i] = exp[i] + o.exp[i];
  return d;
}

Dimension Dimension::operator/(const Dimension& o) const {
  Dimension d;
  for (int i = 0; i < kBaseCount; ++i) d.exp[i] = exp[i] - o.exp[i];
  return d;
}

Dimension Dimension::pow(double p) const {
  Dimension d;
  for (int i = 0; i < kBaseCount; ++i) d.exp[i] = exp[i] * p;
  return d;
}

std::string Dimension::to_string() const {
  std::string num, den;
  int nden = 0;
  for (int i = 0; i < kBaseCount; ++i) {
    double e = exp[i];
    if (e == 0.0) continue;
    std::string& side = e > 0 ? num : den;
    if (!side.empty()) side += "*";
    side += kBaseNames[i];
    double a = std::fabs(e);
    if (a != 1.0) side += "**" + format_exp(a);
    if (e < 0) ++nden;
  }
  if (num.empty() && den.empty()) return "1";
  if (num.empty()) num = "1";
  if (den.empty()) return num;
  return nden > 1 ? num + "/(" + den + ")" : num + "/" + den;
}

double Unit::internal_scale() const {
  double base = 1.0;
  for (int i = 0; i < kBaseCount; ++i)
    if (dim.exp[i] != 0.0) base *= std::pow(kInternalBaseScale[i], dim.exp[i]);
  return si_factor / base;
}

Unit Unit::operator*(const Unit& o) const {
  return {dim * o.dim, si_factor * o.si_factor, name + "*" + o.name};
}

Unit Unit::operator/(const Unit& o) const {
  return {dim / o.dim, si_factor / o.si_factor, name + "/" + o.name};
}

Unit Unit::pow(double p) const {
  return {dim.pow(p), std::pow(si_factor, p), name + "**" + format_exp(p)};
}

std::optional<Unit> lookup(const std::string& name) {
  static const std::unordered_map<std::string, Unit> cache = [] {
    std::unordered_map<std::string, Unit> m;
    for (const auto& u : named_units()) {
      if (u.prefixable)
        for (const auto& [p, f] : prefixes()) {
          std::string n = std::string(p) + u.name;
          m.emplace(n, Unit{u.dim, f * u.si_factor, n});
        }
    }
    // Unprefixed names win over prefixed readings of the same spelling ("cd", "Pa", "kat").
    for (const auto& u : named_units()) m[u.name] = Unit{u.dim, u.si_factor, u.name};
    // Not units in NESTML (astropy does not register them): mM-style concentrations and "min".
    for (const char* n : {"M", "mM", "uM", "min", "b"}) m.erase(n);
    return m;
  }();
  auto it = cache.find(name);
  if (it == cache.end()) return std::nullopt;
  return it->second;
}

std::string internal_unit_name(const Dimension& d) {
  static const std::vector<std::pair<Dimension, const char*>> names = {
      {dim(0, 0, 1, 0), "ms"},          {dim(2, 1, -3, -1), "mV"},
      {dim(0, 0, 0, 1), "pA"},          {dim(-2, -1, 3, 2), "nS"},
      {dim(-2, -1, 4, 2), "pF"},        {dim(2, 1, -3, -2), "GOhm"},
      {dim(0, 0, -1, 0), "1/ms"},       {dim(2, 1, -4, -1), "mV/ms"},
      {dim(0, 0, -1, 1), "pA/ms"},      {dim(-2, -1, 2, 2), "nS/ms"},
  };
  if (d.dimensionless()) return "";
  for (const auto& [nd, n] : names)
    if (nd == d) return n;
  return d.to_string() + " (internal scale)";
}

}  // namespace nestjit::units
