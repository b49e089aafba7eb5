// The predefined functions of NESTML: arity and result type. Shared by the checker and by
// the lowering (which maps each to an IR operation).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "sema/types.h"

namespace nestjit::sema {

enum class Builtin {
  Exp, Ln, Log10, Expm1, Sin, Cos, Tan, Sinh, Cosh, Tanh, Erf, Erfc,
  Ceil, Floor, Round, Abs, Min, Max, Clip, Pow,
  RandomNormal, RandomUniform, RandomPoisson,
  Delta, Resolution, Timestep, Steps, Print, Println, Info, Warning,
};

struct BuiltinFunction {
  Builtin id;
  const char* name;
  size_t arity;
  bool variadic;
  std::function<Type(const std::vector<Type>&)> result;
};

// nullptr if `name` is not a predefined function. convolve, integrate_odes and emit_spike
// are handled by the checker itself because their arguments are not ordinary values.
const BuiltinFunction* builtin(const std::string& name);
// The name a predefined function is written with ("exp", "random_normal", ...).
const char* builtin_name(Builtin id);

}  // namespace nestjit::sema
