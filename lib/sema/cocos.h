// Structural context conditions (LANGUAGE.md 10) that need the typed model but no type
// inference of their own: each is one function with one stable code. The checker
// (checker.cpp) runs them after it has resolved and typed a model.
#pragma once
#include "sema/model.h"
#include "support/diagnostic.h"

namespace nestjit::sema::cocos {

struct Context {
  const ast::Model& model;
  const CheckedModel& checked;
  const SourceFilePtr& file;
  DiagnosticList& diags;
};

// CoCo function_unique (duplicates among the user's functions): E-FUNCTION-DUPLICATE.
void function_unique(const Context& c);
// CoCo no_nest_name_space_collision: E-NEST-NAME-COLLISION.
void no_nest_name_space_collision(const Context& c);
// CoCo priorities_correctly_specified: E-PRIORITY; unknown handler arguments warn.
void priorities_correctly_specified(const Context& c);
// CoCos vector_parameter_declared_in_right_block and vector_declaration_right_size:
// E-VECTOR-SIZE-BLOCK, E-VECTOR-SIZE-TYPE, E-VECTOR-SIZE.
void vector_declaration_sizes(const Context& c);
// CoCo vector_input_port_correct_size_type: E-PORT-SIZE.
void vector_input_port_sizes(const Context& c);
// each_block_defined_at_most_once, its warning half: W-INPUT-MISSING, W-OUTPUT-MISSING.
void input_output_present(const Context& c);
// A synapse has exactly one presynaptic spike port... at least one spike port: W-SYNAPSE-PORTS.
void synapse_has_spike_input(const Context& c);
// Every ODE-form kernel or ODE defines each variable once: E-ODE-DUPLICATE.
void equations_unique(const Context& c);

// Ours (recursion.cpp): no cycle among the user's functions: E-FUNCTION-RECURSIVE.
void functions_not_recursive(const Context& c);

// All of the above, in this order.
void run_all(const Context& c);

}  // namespace nestjit::sema::cocos
