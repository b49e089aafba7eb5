// nir::Model as text, for people (the REPL's `%dump ir MODEL`): slots with their roles and
// units, every block as statements over named slots, the ODE systems and how they are solved.
#pragma once
#include <string>

#include "nir/model.h"

namespace nestjit::nir {

std::string to_text(const Model& model);

}  // namespace nestjit::nir
