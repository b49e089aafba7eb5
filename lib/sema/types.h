// Types of NESTML expressions as the checker computes them.
#pragma once
#include <string>

#include "units/units.h"

namespace nestjit::sema {

struct Type {
  enum class Kind { Error, Void, Boolean, Integer, String, Quantity };
  Kind kind = Kind::Error;
  units::Dimension dim;  // Quantity only; dimensionless Quantity is `real`

  static Type error() { return {Kind::Error, {}}; }
  static Type void_() { return {Kind::Void, {}}; }
  static Type boolean() { return {Kind::Boolean, {}}; }
  static Type integer() { return {Kind::Integer, {}}; }
  static Type string() { return {Kind::String, {}}; }
  static Type real() { return {Kind::Quantity, {}}; }
  static Type quantity(units::Dimension d) { return {Kind::Quantity, d}; }

  bool is_error() const { return kind == Kind::Error; }
  bool is_numeric() const { return kind == Kind::Integer || kind == Kind::Quantity; }
  bool is_real() const { return kind == Kind::Quantity && dim.dimensionless(); }
  bool is_unit() const { return kind == Kind::Quantity && !dim.dimensionless(); }
  // "real", "integer", "mV", "ms**-1", ...
  std::string to_string() const;
};

}  // namespace nestjit::sema
