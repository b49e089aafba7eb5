// A readable tree of a checked model's AST, with the types and symbols sema resolved.
#pragma once
#include <string>

#include "sema/model.h"

namespace nestjit::sema {

// One line per node, indented by depth, with `<line:column>` and, for expressions,
// ": type -> what the name refers to".
std::string dump_ast(const CheckedModel& model);

}  // namespace nestjit::sema
