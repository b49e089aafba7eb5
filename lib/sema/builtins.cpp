#include "sema/builtins.h"

#include <unordered_map>

#include "units/units.h"

namespace nestjit::sema {

namespace {

Type real_of(const std::vector<Type>&) { return Type::real(); }
Type first_of(const std::vector<Type>& a) { return a.empty() ? Type::real() : a[0]; }
Type void_of(const std::vector<Type>&) { return Type::void_(); }
// Random draws have the arguments' unit but are never whole numbers: random_normal(0, 1)
// is real (upstream's generated C++ computes it in double).
Type draw_of(const std::vector<Type>& a) {
  return a.empty() || a[0].kind == Type::Kind::Integer ? Type::real() : a[0];
}
Type ms_of(const std::vector<Type>&) { return Type::quantity(units::lookup("ms")->dim); }

// Every predefined function, once: lookups by name and by id both read this list.
const std::vector<BuiltinFunction>& all_builtins() {
  static const std::vector<BuiltinFunction> v = {
      {Builtin::Exp, "exp", 1, false, real_of},
      {Builtin::Ln, "ln", 1, false, real_of},
      {Builtin::Log10, "log10", 1, false, real_of},
      {Builtin::Expm1, "expm1", 1, false, real_of},
      {Builtin::Sin, "sin", 1, false, real_of},
      {Builtin::Cos, "cos", 1, false, real_of},
      {Builtin::Tan, "tan", 1, false, real_of},
      {Builtin::Sinh, "sinh", 1, false, real_of},
      {Builtin::Cosh, "cosh", 1, false, real_of},
      {Builtin::Tanh, "tanh", 1, false, real_of},
      {Builtin::Erf, "erf", 1, false, real_of},
      {Builtin::Erfc, "erfc", 1, false, real_of},
      {Builtin::Ceil, "ceil", 1, false, first_of},
      {Builtin::Floor, "floor", 1, false, first_of},
      {Builtin::Round, "round", 1, false, first_of},
      {Builtin::Abs, "abs", 1, false, first_of},
      {Builtin::Min, "min", 2, false, first_of},
      {Builtin::Max, "max", 2, false, first_of},
      {Builtin::Clip, "clip", 3, false, first_of},
      {Builtin::Pow, "pow", 2, false, first_of},
      {Builtin::RandomNormal, "random_normal", 2, false, draw_of},
      {Builtin::RandomUniform, "random_uniform", 2, false, draw_of},
      {Builtin::RandomPoisson, "random_poisson", 1, false,
       [](const std::vector<Type>&) { return Type::integer(); }},
      {Builtin::Delta, "delta", 1, false, real_of},
      {Builtin::Resolution, "resolution", 0, false, ms_of},
      {Builtin::Timestep, "timestep", 0, false, ms_of},
      {Builtin::Steps, "steps", 1, false, [](const std::vector<Type>&) { return Type::integer(); }},
      {Builtin::Print, "print", 1, false, void_of},
      {Builtin::Println, "println", 1, false, void_of},
      {Builtin::Info, "info", 1, false, void_of},
      {Builtin::Warning, "warning", 1, false, void_of},
  };
  return v;
}

}  // namespace

const BuiltinFunction* builtin(const std::string& name) {
  static const std::unordered_map<std::string, const BuiltinFunction*> table = [] {
    std::unordered_map<std::string, const BuiltinFunction*> m;
    for (const auto& b : all_builtins()) m.emplace(b.name, &b);
    return m;
  }();
  auto it = table.find(name);
  return it == table.end() ? nullptr : it->second;
}

const char* builtin_name(Builtin id) {
  for (const auto& b : all_builtins())
    if (b.id == id) return b.name;
  return "builtin";
}

}  // namespace nestjit::sema
