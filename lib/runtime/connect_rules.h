// Connection rules: which (source, target) pairs one connect() makes, in the order it makes
// them, with the reference simulator's rule names and autapse/multapse flags. Draws that
// pick sources for a target come from the target's VP stream (fixed_indegree,
// pairwise_bernoulli); draws that pick targets for a source, or pairs, come from the
// rank-synchronised stream (fixed_outdegree, fixed_total_number), as a rank must agree on
// them with the others.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>

#include "runtime/random_streams.h"

namespace nestjit::runtime {

struct NodeRange {
  uint64_t first = 0;  // node id
  size_t count = 0;
  bool contains(uint64_t id) const { return id >= first && id < first + count; }
};

struct Rule {
  enum class Kind { all_to_all, one_to_one, fixed_indegree, fixed_outdegree, fixed_total_number,
                    pairwise_bernoulli };
  Kind kind = Kind::all_to_all;
  size_t indegree = 0, outdegree = 0, total = 0;
  double p = 0.0;
  bool allow_autapses = true, allow_multapses = true;
};

// Throws std::invalid_argument when the rule cannot be applied to these populations.
void check_rule(const Rule& rule, NodeRange pre, NodeRange post);
// The number of connections the rule makes, when it is known before drawing.
std::optional<size_t> rule_count(const Rule& rule, NodeRange pre, NodeRange post);
// Calls make(source, target) for every connection, in order.
void generate_connections(const Rule& rule, NodeRange pre, NodeRange post, RandomStreams& streams,
                          const std::function<void(uint64_t source, uint64_t target)>& make);

}  // namespace nestjit::runtime
