// Physical units: dimensions, SI prefixes, unit names, and the scale that turns a quantity
// into nestjit's internal number. Pure code, no dependencies.
//
// Internal representation: every quantity is a double in NEST's units - time ms, voltage mV,
// current pA, conductance nS, capacitance pF, resistance GOhm; other dimensions are built
// from the same base scales (length m, temperature K, amount mol, luminous intensity cd).
// These six NEST units are mutually consistent once the base scales are
//   s -> 1e-3, A -> 1e-12, kg -> 1e-24, mol -> 1e-3, m/K/cd -> 1,
// (amounts in mmol, the unit NESTML models of ion concentrations use, so their numbers read
// as NEST reports them),
// so a unit's internal scale is its SI factor divided by the product of base scales raised to
// its dimension exponents. Arithmetic on internal numbers is then dimensionally exact: the
// product of two internal numbers is the internal number of the product, and no conversion
// factor is ever needed between two units of one dimension (they share one representation).
#pragma once
#include <array>
#include <optional>
#include <string>

namespace nestjit::units {

enum Base { Metre, Kilogram, Second, Ampere, Kelvin, Mole, Candela, kBaseCount };

// Exponents of the seven SI base dimensions (fractional exponents are allowed: ns**0.5).
struct Dimension {
  std::array<double, kBaseCount> exp{};

  bool dimensionless() const;
  bool operator==(const Dimension& o) const;
  bool operator!=(const Dimension& o) const { return !(*this == o); }
  Dimension operator*(const Dimension& o) const;
  Dimension operator/(const Dimension& o) const;
  Dimension pow(double p) const;
  // Human form in SI base units, e.g. "kg*m**2/(s**3*A)"; "1" when dimensionless.
  std::string to_string() const;
};

// A unit: its dimension, its factor relative to SI, and a display name. The factor is kept
// as mantissa * 10^exponent so that prefixes and base scales combine without rounding:
// every internal scale of a prefixed SI unit is then an exactly rounded power of ten.
struct Unit {
  Dimension dim;
  double si_mantissa = 1.0;
  double si_exponent = 0.0;  // power of ten
  std::string name;

  double si_factor() const;

  // Number that one of this unit becomes internally (1 for mV, 1000 for s, 1e-3 for 1/s).
  double internal_scale() const;
  Unit operator*(const Unit& o) const;
  Unit operator/(const Unit& o) const;
  Unit pow(double p) const;
};

// Looks up a unit symbol ("mV", "GOhm", "ms", "Hz", "uS", "kg", ...): an SI base or
// derived unit, optionally with one SI prefix. nullopt if the name is not a unit.
std::optional<Unit> lookup(const std::string& name);

// The unit nestjit stores quantities of this dimension in, by name when it is one of the
// NEST units ("mV", "ms", "pA", "nS", "pF", "GOhm", "ms**-1") - used to report values.
std::string internal_unit_name(const Dimension& d);

}  // namespace nestjit::units
