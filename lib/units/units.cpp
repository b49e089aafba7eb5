#include "units/units.h"

#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nestjit::units {

namespace {

// Powers of ten of the internal base scales (m, kg, s, A, K, mol, cd).
constexpr std::array<double, kBaseCount> kInternalBaseExponent = {0, -24, -3, -12, 0, 0, 0};

// 10^e, exactly rounded when e is an integer (strtod rounds correctly; pow need not).
double power_of_ten(double e) {
  if (e == std::floor(e) && std::fabs(e) < 300) return std::strtod(fmt::format("1e{}", long(e)).c_str(), nullptr);
  return std::pow(10.0, e);
}
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
  double si_exponent;  // every unit listed is a power of ten of SI
  bool prefixable;
};

// Unprefixed unit symbols. `g` is listed with factor 1e-3 so that `kg` comes out of the
// prefix rule; `kg` itself is also listed so it is found without the prefix search.
const std::vector<NamedUnit>& named_units() {
  static const std::vector<NamedUnit> table = {
      {"m", dim(1, 0, 0, 0), 0, true},
      {"g", dim(0, 1, 0, 0), -3, true},
      {"s", dim(0, 0, 1, 0), 0, true},
      {"A", dim(0, 0, 0, 1), 0, true},
      {"K", dim(0, 0, 0, 0, 1), 0, true},
      {"mol", dim(0, 0, 0, 0, 0, 1), 0, true},
      {"cd", dim(0, 0, 0, 0, 0, 0, 1), 0, true},
      {"Hz", dim(0, 0, -1, 0), 0, true},
      {"N", dim(1, 1, -2, 0), 0, true},
      {"Pa", dim(-1, 1, -2, 0), 0, true},
      {"J", dim(2, 1, -2, 0), 0, true},
      {"W", dim(2, 1, -3, 0), 0, true},
      {"C", dim(0, 0, 1, 1), 0, true},
      {"V", dim(2, 1, -3, -1), 0, true},
      {"F", dim(-2, -1, 4, 2), 0, true},
      {"Ohm", dim(2, 1, -3, -2), 0, true},
      {"ohm", dim(2, 1, -3, -2), 0, true},
      {"S", dim(-2, -1, 3, 2), 0, true},
      {"Wb", dim(2, 1, -2, -1), 0, true},
      {"T", dim(0, 1, -2, -1), 0, true},
      {"H", dim(2, 1, -2, -2), 0, true},
      {"Bq", dim(0, 0, -1, 0), 0, true},
      {"Gy", dim(2, 0, -2, 0), 0, true},
      {"Sv", dim(2, 0, -2, 0), 0, true},
      {"kat", dim(0, 0, -1, 0, 0, 1), 0, true},
      {"rad", dim(0, 0, 0, 0), 0, true},
      {"sr", dim(0, 0, 0, 0), 0, true},
      {"lm", dim(0, 0, 0, 0, 0, 0, 1), 0, true},
      {"lx", dim(-2, 0, 0, 0, 0, 0, 1), 0, true},
      {"l", dim(3, 0, 0, 0), -3, true},
      {"L", dim(3, 0, 0, 0), -3, true},
  };
  return table;
}

// SI prefixes; "u" is micro as NESTML writes it. Longest first so "da" wins over "d".
const std::vector<std::pair<const char*, double>>& prefixes() {
  static const std::vector<std::pair<const char*, double>> table = {
      {"da", 1},  {"q", -30}, {"r", -27}, {"y", -24}, {"z", -21}, {"a", -18},
      {"f", -15}, {"p", -12}, {"n", -9},  {"u", -6},  {"m", -3},  {"c", -2},
      {"d", -1},  {"h", 2},   {"k", 3},   {"M", 6},   {"G", 9},   {"T", 12},
      {"P", 15},  {"E", 18},  {"Z", 21},  {"Y", 24},  {"R", 27},  {"Q", 30},
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

double Unit::si_factor() const { return si_mantissa * power_of_ten(si_exponent); }

double Unit::internal_scale() const {
  double e = si_exponent;
  for (int i = 0; i < kBaseCount; ++i) e -= kInternalBaseExponent[i] * dim.exp[i];
  return si_mantissa == 1.0 ? power_of_ten(e) : si_mantissa * power_of_ten(e);
}

Unit Unit::operator*(const Unit& o) const {
  return {dim * o.dim, si_mantissa * o.si_mantissa, si_exponent + o.si_exponent,
          name + "*" + o.name};
}

Unit Unit::operator/(const Unit& o) const {
  return {dim / o.dim, si_mantissa / o.si_mantissa, si_exponent - o.si_exponent,
          name + "/" + o.name};
}

Unit Unit::pow(double p) const {
  return {dim.pow(p), std::pow(si_mantissa, p), si_exponent * p, name + "**" + format_exp(p)};
}

std::optional<Unit> lookup(const std::string& name) {
  static const std::unordered_map<std::string, Unit> cache = [] {
    std::unordered_map<std::string, Unit> m;
    for (const auto& u : named_units()) {
      if (u.prefixable)
        for (const auto& [p, f] : prefixes()) {
          std::string n = std::string(p) + u.name;
          m.emplace(n, Unit{u.dim, 1.0, f + u.si_exponent, n});
        }
    }
    // Unprefixed names win over prefixed readings of the same spelling ("cd", "Pa", "kat").
    for (const auto& u : named_units()) m[u.name] = Unit{u.dim, 1.0, u.si_exponent, u.name};
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
