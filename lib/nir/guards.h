// Lowering of parameter guards: `tau ms = 10 ms [[tau > 0 ms]]` becomes a nir::Guard with
// the condition over slots and the place it is written, for the compiled check_guards
// function and its messages. Kept out of lower.cpp, which calls lower_guards once.
#pragma once
#include <functional>
#include <vector>

#include "ast/ast.h"
#include "nir/model.h"
#include "sema/model.h"

namespace nestjit::nir {

// `slot_of` gives a symbol's slot (-1 if none); `lower_condition` lowers a checked
// expression to a Bool nir expression in the lowering's current context.
void lower_guards(const sema::CheckedModel& model,
                  const std::function<int(const sema::Symbol&)>& slot_of,
                  const std::function<ExprPtr(const ast::Expr&)>& lower_condition,
                  std::vector<Guard>& out);

}  // namespace nestjit::nir
