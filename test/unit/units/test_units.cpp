// Tests of the physical-unit stage: unit lookup, SI prefixes, dimension algebra and the
// internal scale that turns a quantity into nestjit's number (NEST units: ms, mV, pA, nS,
// pF, GOhm; LANGUAGE.md 3.3-3.4, SEMANTICS.md 1).
//
// Expected scales are derived by hand from the SI definitions: the internal base scales are
// s -> 1e-3, A -> 1e-12, kg -> 1e-24 (units.h), so e.g. V = m^2 kg s^-3 A^-1 has base
// factor 1e-24 * (1e-3)^-3 * (1e-12)^-1 = 1e-3, and 1 mV (1e-3 V in SI) becomes 1e-3/1e-3 = 1.
#include <doctest/doctest.h>

#include <string>

#include "units/units.h"

using namespace nestjit::units;

namespace {

Unit must(const std::string& name) {
  auto u = lookup(name);
  INFO("unit: ", name);
  REQUIRE(u.has_value());
  return *u;
}

double scale(const std::string& name) { return must(name).internal_scale(); }

Dimension dim_of(const std::string& name) { return must(name).dim; }

// A Dimension with the given exponents (m, kg, s, A).
Dimension dims(double m, double kg, double s, double a) {
  Dimension d;
  d.exp[Metre] = m;
  d.exp[Kilogram] = kg;
  d.exp[Second] = s;
  d.exp[Ampere] = a;
  return d;
}

doctest::Approx near(double v) { return doctest::Approx(v).epsilon(1e-12); }

}  // namespace

TEST_CASE("units: internal scales of the NEST units are 1") {
  // The six NEST units are the internal representation (SEMANTICS.md 1).
  CHECK(scale("mV") == near(1.0));
  CHECK(scale("ms") == near(1.0));
  CHECK(scale("pA") == near(1.0));
  CHECK(scale("nS") == near(1.0));
  CHECK(scale("pF") == near(1.0));
  CHECK(scale("GOhm") == near(1.0));
}

TEST_CASE("units: internal scales of other units of the same dimensions") {
  // 1 s = 1000 ms; 1 nA = 1000 pA; 1 uS = 1000 nS; 1 V = 1000 mV (LANGUAGE.md 3.4 examples).
  CHECK(scale("s") == near(1000.0));
  CHECK(scale("nA") == near(1000.0));
  CHECK(scale("uS") == near(1000.0));
  CHECK(scale("V") == near(1000.0));
  // 1 Ohm = 1e-9 GOhm.
  CHECK(scale("Ohm") == near(1e-9));
  CHECK(scale("ohm") == near(1e-9));
  CHECK(scale("MOhm") == near(1e-3));
  // 1 Hz = 1/s = 1e-3 per ms.
  CHECK(scale("Hz") == near(1e-3));
  CHECK(scale("kHz") == near(1.0));
  // 1 us = 1e-3 ms; 1 uF = 1e6 pF; 1 mA = 1e9 pA.
  CHECK(scale("us") == near(1e-3));
  CHECK(scale("uF") == near(1e6));
  CHECK(scale("mA") == near(1e9));
}

TEST_CASE("units: composed units scale consistently") {
  // 1/s: dimensionless unit divided by s -> 1e-3 (the spike-port type, SEMANTICS.md 1).
  Unit per_s = Unit{} / must("s");
  CHECK(per_s.internal_scale() == near(1e-3));
  CHECK(per_s.dim == dim_of("Hz"));
  // mV/ms is the internal unit of a voltage derivative: scale 1. V/s has the same dimension
  // and the same scale (1000/1000).
  Unit mv_per_ms = must("mV") / must("ms");
  Unit v_per_s = must("V") / must("s");
  CHECK(mv_per_ms.internal_scale() == near(1.0));
  CHECK(v_per_s.internal_scale() == near(1.0));
  CHECK(mv_per_ms.dim == v_per_s.dim);
  // nA * MOhm = 1e-9 * 1e6 V = 1 mV.
  CHECK((must("nA") * must("MOhm")).internal_scale() == near(1.0));
  // SI factors multiply: 1 nA * 1 MOhm = 1e-3 V.
  CHECK((must("nA") * must("MOhm")).si_factor() == near(1e-3));
}

TEST_CASE("units: dimension algebra") {
  // pA * GOhm is a voltage (Ohm's law).
  CHECK((dim_of("pA") * dim_of("GOhm")) == dim_of("mV"));
  // nS * mV is a current.
  CHECK((dim_of("nS") * dim_of("mV")) == dim_of("pA"));
  // pF / ms is a conductance: F/s = (A s / V) / s = A / V = S.
  CHECK((dim_of("pF") / dim_of("ms")) == dim_of("nS"));
  // pA / pF is a voltage per time (C dV/dt = I).
  CHECK((dim_of("pA") / dim_of("pF")) == (dim_of("mV") / dim_of("ms")));
  // Different dimensions are unequal.
  CHECK(dim_of("mV") != dim_of("ms"));
  CHECK(dim_of("pA") != dim_of("nS"));
  // Dimension of V from the exponent table: m^2 kg s^-3 A^-1.
  CHECK(dim_of("V") == dims(2, 1, -3, -1));
  CHECK(dim_of("Ohm") == dims(2, 1, -3, -2));
  CHECK(dim_of("F") == dims(-2, -1, 4, 2));
  // x / x is dimensionless.
  CHECK((dim_of("mV") / dim_of("V")).dimensionless());
  CHECK_FALSE(dim_of("mV").dimensionless());
  CHECK(dim_of("rad").dimensionless());
}

TEST_CASE("units: SI prefixes") {
  CHECK(must("km").si_factor() == near(1e3));
  CHECK(must("MV").si_factor() == near(1e6));
  CHECK(must("GOhm").si_factor() == near(1e9));
  CHECK(must("mV").si_factor() == near(1e-3));
  CHECK(must("uS").si_factor() == near(1e-6));
  CHECK(must("nS").si_factor() == near(1e-9));
  CHECK(must("pA").si_factor() == near(1e-12));
  CHECK(must("fF").si_factor() == near(1e-15));
  // "da" (deca) is a two-letter prefix: dam = 10 m, and it is not read as "d" + "am".
  CHECK(must("dam").si_factor() == near(10.0));
  CHECK(must("dam").dim == dim_of("m"));
  // The gram is listed as 1e-3 kg, so kg comes out as 1 and mg as 1e-6 (SI kilograms).
  CHECK(must("kg").si_factor() == near(1.0));
  CHECK(must("mg").si_factor() == near(1e-6));
  // A prefix keeps the dimension.
  CHECK(dim_of("kHz") == dim_of("Hz"));
  CHECK(dim_of("GOhm") == dim_of("Ohm"));
  // Unprefixed names win over prefix readings: "Pa" is pascal (not peta-annum), "cd" is
  // the candela (not centi-day).
  CHECK(dim_of("Pa") == dims(-1, 1, -2, 0));
  Dimension candela;
  candela.exp[Candela] = 1;
  CHECK(dim_of("cd") == candela);
}

TEST_CASE("units: powers, including fractional exponents") {
  // ms**-1 has dimension s^-1 and scale 1 (it is the internal unit of a rate).
  Unit per_ms = must("ms").pow(-1);
  CHECK(per_ms.dim == dims(0, 0, -1, 0));
  CHECK(per_ms.internal_scale() == near(1.0));
  // ms**2: scale 1; s**2: scale 1e6.
  CHECK(must("s").pow(2).internal_scale() == near(1e6));
  // ns**0.5: exponent exactly 0.5, scale sqrt(1e-9 / 1e-3) = 1e-3.
  Unit sqrt_ns = must("ns").pow(0.5);
  CHECK(sqrt_ns.dim.exp[Second] == 0.5);
  CHECK(sqrt_ns.internal_scale() == near(1e-3));
  // (ns**0.5)**2 is back to a time.
  CHECK(sqrt_ns.dim.pow(2) == dim_of("s"));
  // 1/(ms*mV) == (ms*mV)**-1
  Unit a = Unit{} / (must("ms") * must("mV"));
  Unit b = (must("ms") * must("mV")).pow(-1);
  CHECK(a.dim == b.dim);
  CHECK(a.internal_scale() == near(b.internal_scale()));
}

TEST_CASE("units: names that are not units") {
  // LANGUAGE.md 3.3: M, mM, uM, b and min are deliberately not units.
  for (const char* n : {"M", "mM", "uM", "min", "b", "foo", "", "mv", "MS2"}) {
    CAPTURE(n);
    CHECK_FALSE(lookup(n).has_value());
  }
  // Prefixes alone are not units, nor are two prefixes. (`k`, `h`, `d`, `a` alone ARE units:
  // kayser, hour, day, annum, as astropy's cgs/astrophys modules register them.)
  CHECK_FALSE(lookup("M").has_value());
  CHECK_FALSE(lookup("kmV").has_value());
  CHECK_FALSE(lookup("millimV").has_value());
}

TEST_CASE("units: spelled-out names and long prefixes") {
  CHECK(lookup("Volt")->dim == dim_of("V"));
  CHECK(lookup("volt")->internal_scale() == near(1000.0));
  CHECK(lookup("millivolt")->internal_scale() == near(1.0));
  CHECK(lookup("milliVolt")->internal_scale() == near(1.0));
  CHECK(lookup("picoampere")->internal_scale() == near(1.0));
  CHECK(lookup("nanosiemens")->internal_scale() == near(1.0));
  CHECK(lookup("second")->internal_scale() == near(1000.0));
  CHECK(lookup("kiloohm")->dim == dim_of("Ohm"));
}

TEST_CASE("units: cgs and astronomical names") {
  CHECK(lookup("h")->internal_scale() == near(3.6e6));   // hour in ms
  CHECK(lookup("d")->internal_scale() == near(8.64e7));  // day in ms
  CHECK(lookup("k")->dim == dim_of("m").pow(-1));         // kayser
  CHECK(lookup("G")->dim == dim_of("T"));                 // gauss
  CHECK(lookup("erg")->dim == dim_of("J"));
  // A prefixed SI reading wins over an astro symbol of the same spelling.
  CHECK(lookup("Pa")->dim == dim_of("N") / dim_of("m").pow(2));
}

TEST_CASE("units: algebra of the issue's examples") {
  // mV * ms**-1 is a voltage rate; internally 1 (mV/ms is the internal unit of dV/dt).
  Unit mv_per_ms = *lookup("mV") * lookup("ms")->pow(-1);
  CHECK(mv_per_ms.dim == dim_of("V") / dim_of("s"));
  CHECK(mv_per_ms.internal_scale() == near(1.0));
  // pA * GOhm = mV, exactly, with internal numbers multiplying.
  Unit pa_gohm = *lookup("pA") * *lookup("GOhm");
  CHECK(pa_gohm.dim == dim_of("mV"));
  CHECK(pa_gohm.internal_scale() == near(lookup("mV")->internal_scale()));
  // nS * mV = pA.
  Unit ns_mv = *lookup("nS") * *lookup("mV");
  CHECK(ns_mv.dim == dim_of("pA"));
  CHECK(ns_mv.internal_scale() == near(1.0));
  // 1/s (spike ports): 1e-3 per ms; Hz is the same unit.
  Unit per_s = Unit{} / *lookup("s");
  CHECK(per_s.internal_scale() == near(1e-3));
  CHECK(lookup("Hz")->internal_scale() == near(1e-3));
  CHECK(per_s.dim == lookup("Hz")->dim);
  // Prefixes: 1 V = 1000 mV, 1 uS = 1000 nS, 1 nA = 1000 pA, 1 Ohm = 1e-9 GOhm.
  CHECK(lookup("V")->internal_scale() == near(1e3));
  CHECK(lookup("uS")->internal_scale() == near(1e3));
  CHECK(lookup("nA")->internal_scale() == near(1e3));
  CHECK(lookup("Ohm")->internal_scale() == near(1e-9));
  CHECK(lookup("MOhm")->internal_scale() == near(1e-3));
  CHECK(lookup("mmol")->internal_scale() / lookup("mol")->internal_scale() == near(1e-3));
  // Powers: ms**2, ms**-1, fractional ns**0.5 and ns**-0.5 round-trip.
  CHECK(lookup("ms")->pow(2).internal_scale() == near(1.0));
  CHECK(lookup("s")->pow(2).internal_scale() == near(1e6));
  Unit root = lookup("ns")->pow(0.5);
  CHECK(root.dim.exp[Second] == 0.5);
  CHECK((root * root).dim == dim_of("s"));
  CHECK((root * root).internal_scale() == near(1e-6));
  CHECK((root * lookup("ns")->pow(-0.5)).dim.dimensionless());
  // Conversion factor between two units of one dimension = ratio of internal scales.
  CHECK(lookup("V")->internal_scale() / lookup("mV")->internal_scale() == near(1000.0));
  CHECK(lookup("ms")->internal_scale() / lookup("s")->internal_scale() == near(1e-3));
}

TEST_CASE("units: Dimension::to_string") {
  CHECK(Dimension{}.to_string() == "1");
  CHECK(dim_of("ms").to_string() == "s");
  CHECK(dim_of("pA").to_string() == "A");
  CHECK(dim_of("Hz").to_string() == "1/s");
  CHECK((dim_of("s").pow(-2)).to_string() == "1/s**2");
  CHECK((dim_of("m") / dim_of("s")).to_string() == "m/s");
  CHECK(must("ns").pow(0.5).dim.to_string() == "s**0.5");
  // Several factors in the denominator are parenthesised; every base appears once with its
  // exponent (V = m^2 kg / (s^3 A)). The order of factors follows the base enumeration.
  std::string v = dim_of("V").to_string();
  CHECK(v.find("m**2") != std::string::npos);
  CHECK(v.find("kg") != std::string::npos);
  CHECK(v.find("/(s**3*A)") != std::string::npos);
}

TEST_CASE("units: internal_unit_name names the NEST unit of a dimension") {
  CHECK(internal_unit_name(dim_of("V")) == "mV");
  CHECK(internal_unit_name(dim_of("s")) == "ms");
  CHECK(internal_unit_name(dim_of("nA")) == "pA");
  CHECK(internal_unit_name(dim_of("uS")) == "nS");
  CHECK(internal_unit_name(dim_of("F")) == "pF");
  CHECK(internal_unit_name(dim_of("Ohm")) == "GOhm");
  CHECK(internal_unit_name(Dimension{}) == "");
}
