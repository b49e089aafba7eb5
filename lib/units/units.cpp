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
constexpr std::array<double, kBaseCount> kInternalBaseExponent = {0, -24, -3, -12, 0, -3, 0};

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

// Long (spelled-out) names, as astropy registers them next to the symbols: each maps to the
// symbol above and takes the long prefixes ("millivolt", "milliVolt", "kiloohm").
const std::vector<std::pair<const char*, const char*>>& long_names() {
  static const std::vector<std::pair<const char*, const char*>> table = {
      {"meter", "m"},    {"metre", "m"},      {"gram", "g"},       {"second", "s"},
      {"Ampere", "A"},   {"ampere", "A"},     {"amp", "A"},        {"Kelvin", "K"},
      {"mole", "mol"},   {"candela", "cd"},   {"Hertz", "Hz"},     {"hertz", "Hz"},
      {"Newton", "N"},   {"newton", "N"},     {"Pascal", "Pa"},    {"pascal", "Pa"},
      {"Joule", "J"},    {"joule", "J"},      {"Watt", "W"},       {"watt", "W"},
      {"coulomb", "C"},  {"Volt", "V"},       {"volt", "V"},       {"Farad", "F"},
      {"farad", "F"},    {"Ohm", "Ohm"},      {"ohm", "Ohm"},      {"Siemens", "S"},
      {"siemens", "S"},  {"Weber", "Wb"},     {"weber", "Wb"},     {"Tesla", "T"},
      {"tesla", "T"},    {"Henry", "H"},      {"henry", "H"},      {"becquerel", "Bq"},
      {"Gray", "Gy"},    {"gray", "Gy"},      {"sievert", "Sv"},   {"katal", "kat"},
      {"radian", "rad"}, {"steradian", "sr"}, {"lumen", "lm"},     {"lux", "lx"},
      {"liter", "l"},    {"litre", "l"},
  };
  return table;
}

const std::vector<std::pair<const char*, double>>& long_prefixes() {
  static const std::vector<std::pair<const char*, double>> table = {
      {"quecto", -30}, {"ronto", -27}, {"yocto", -24}, {"zepto", -21}, {"atto", -18},
      {"femto", -15},  {"pico", -12},  {"nano", -9},   {"micro", -6},  {"milli", -3},
      {"centi", -2},   {"deci", -1},   {"deka", 1},    {"deca", 1},    {"hecto", 2},
      {"kilo", 3},     {"mega", 6},    {"giga", 9},    {"tera", 12},   {"peta", 15},
      {"exa", 18},     {"zetta", 21},  {"yotta", 24},  {"ronna", 27},  {"quetta", 30},
  };
  return table;
}

// Non-SI units that astropy's cgs and astrophys modules add and that a model might write
// (factor to SI = mantissa * 10^exponent). Not prefixable here.
struct ExtraUnit {
  const char* name;
  Dimension dim;
  double mantissa;
  double exponent;
};
const std::vector<ExtraUnit>& extra_units() {
  static const std::vector<ExtraUnit> table = {
      {"h", dim(0, 0, 1, 0), 3.6, 3},            {"hour", dim(0, 0, 1, 0), 3.6, 3},
      {"d", dim(0, 0, 1, 0), 8.64, 4},           {"day", dim(0, 0, 1, 0), 8.64, 4},
      {"a", dim(0, 0, 1, 0), 3.15576, 7},        {"yr", dim(0, 0, 1, 0), 3.15576, 7},
      {"wk", dim(0, 0, 1, 0), 6.048, 5},         {"G", dim(0, 1, -2, -1), 1, -4},
      {"erg", dim(2, 1, -2, 0), 1, -7},          {"dyn", dim(1, 1, -2, 0), 1, -5},
      {"eV", dim(2, 1, -2, 0), 1.602176634, -19}, {"AU", dim(1, 0, 0, 0), 1.495978707, 11},
      {"pc", dim(1, 0, 0, 0), 3.0856775814913673, 16}, {"Jy", dim(0, 1, -2, 0), 1, -26},
      {"Angstrom", dim(1, 0, 0, 0), 1, -10},     {"Ba", dim(-1, 1, -2, 0), 1, -1},
      {"P", dim(-1, 1, -1, 0), 1, -1},           {"St", dim(2, 0, -1, 0), 1, -4},
      {"Gal", dim(1, 0, -2, 0), 1, -2},          {"k", dim(-1, 0, 0, 0), 1, 2},
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
  if (e == std::floor(e) && std::fabs(e) < 1e15) return fmt::format("{}", static_cast<long>(e));
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
    // Spelled-out names, with and without long prefixes.
    for (const auto& [lname, sym] : long_names()) {
      const Unit base = m.at(sym);
      m.emplace(lname, Unit{base.dim, 1.0, base.si_exponent, lname});
      for (const auto& [p, f] : long_prefixes()) {
        std::string n = std::string(p) + lname;
        m.emplace(n, Unit{base.dim, 1.0, base.si_exponent + f, n});
      }
    }
    // cgs and astronomical units (a symbol that is also a prefixed SI unit keeps that
    // meaning, e.g. "Pa" stays pascal, not peta-annum).
    for (const auto& u : extra_units()) m.emplace(u.name, Unit{u.dim, u.mantissa, u.exponent, u.name});
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
