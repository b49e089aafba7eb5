#include "runtime/connect_rules.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>
#include <vector>

namespace nestjit::runtime {

namespace {

const char* name(Rule::Kind k) {
  switch (k) {
    case Rule::Kind::all_to_all: return "all_to_all";
    case Rule::Kind::one_to_one: return "one_to_one";
    case Rule::Kind::fixed_indegree: return "fixed_indegree";
    case Rule::Kind::fixed_outdegree: return "fixed_outdegree";
    case Rule::Kind::fixed_total_number: return "fixed_total_number";
    case Rule::Kind::pairwise_bernoulli: return "pairwise_bernoulli";
  }
  return "?";
}

// Nodes that are in both populations.
size_t overlap(NodeRange a, NodeRange b) {
  const uint64_t lo = std::max(a.first, b.first), hi = std::min(a.first + a.count, b.first + b.count);
  return hi > lo ? size_t(hi - lo) : 0;
}

// Draws `k` members of `pool` for `self` (a node that may be excluded as an autapse).
// Without multapses, members are distinct (rejection with a mark per member).
class Picker {
 public:
  Picker(NodeRange pool, bool autapses, bool multapses)
      : pool_(pool), autapses_(autapses), multapses_(multapses) {
    if (!multapses) taken_.assign(pool.count, 0);
  }
  template <class F>
  void pick(uint64_t self, size_t k, Rng& rng, F&& out) {
    chosen_.clear();
    while (chosen_.size() < k) {
      const uint64_t i = uniform_index(rng, pool_.count);
      const uint64_t id = pool_.first + i;
      if (!autapses_ && id == self) continue;
      if (!multapses_) {
        if (taken_[i]) continue;
        taken_[i] = 1;
      }
      chosen_.push_back(i);
      out(id);
    }
    if (!multapses_)
      for (uint64_t i : chosen_) taken_[i] = 0;
  }

 private:
  NodeRange pool_;
  bool autapses_, multapses_;
  std::vector<char> taken_;
  std::vector<uint64_t> chosen_;
};

}  // namespace

void check_rule(const Rule& r, NodeRange pre, NodeRange post) {
  auto fail = [&](const std::string& why) {
    throw std::invalid_argument(fmt::format("{}: {}", name(r.kind), why));
  };
  if (pre.count == 0 || post.count == 0) fail("sources and targets must not be empty");
  switch (r.kind) {
    case Rule::Kind::all_to_all: break;
    case Rule::Kind::one_to_one:
      if (pre.count != post.count)
        fail(fmt::format("needs equally many sources and targets ({} and {})", pre.count, post.count));
      break;
    case Rule::Kind::fixed_indegree:
    case Rule::Kind::fixed_outdegree: {
      const bool in = r.kind == Rule::Kind::fixed_indegree;
      const size_t k = in ? r.indegree : r.outdegree;
      const NodeRange pool = in ? pre : post;
      if (!r.allow_multapses) {
        // Without autapses a node that is in both populations has one candidate fewer.
        const size_t avail = pool.count - (!r.allow_autapses && overlap(pre, post) > 0 ? 1 : 0);
        if (k > avail)
          fail(fmt::format("{} = {} is more than the {} distinct {} available without multapses",
                           in ? "indegree" : "outdegree", k, avail, in ? "sources" : "targets"));
      } else if (!r.allow_autapses && pool.count == 1 && overlap(pre, post) > 0 && k > 0) {
        fail("the only candidate is the node itself and autapses are not allowed");
      }
      break;
    }
    case Rule::Kind::fixed_total_number: {
      const double pairs = double(pre.count) * double(post.count) -
                           (r.allow_autapses ? 0.0 : double(overlap(pre, post)));
      if (!r.allow_multapses && double(r.total) > pairs)
        fail(fmt::format("N = {} is more than the {} distinct pairs available without multapses",
                         r.total, pairs));
      if (r.total > 0 && pairs <= 0) fail("there is no pair to connect");
      break;
    }
    case Rule::Kind::pairwise_bernoulli:
      if (!(r.p >= 0.0 && r.p <= 1.0)) fail(fmt::format("p must be in [0, 1], not {}", r.p));
      break;
  }
}

std::optional<size_t> rule_count(const Rule& r, NodeRange pre, NodeRange post) {
  const size_t self = r.allow_autapses ? 0 : overlap(pre, post);
  switch (r.kind) {
    case Rule::Kind::all_to_all: return pre.count * post.count - self;
    case Rule::Kind::one_to_one:
      return r.allow_autapses || pre.first != post.first ? pre.count : 0;
    case Rule::Kind::fixed_indegree: return r.indegree * post.count;
    case Rule::Kind::fixed_outdegree: return r.outdegree * pre.count;
    case Rule::Kind::fixed_total_number: return r.total;
    case Rule::Kind::pairwise_bernoulli: return std::nullopt;
  }
  return std::nullopt;
}

void generate_connections(const Rule& r, NodeRange pre, NodeRange post, RandomStreams& streams,
                          const std::function<void(uint64_t, uint64_t)>& make) {
  check_rule(r, pre, post);
  switch (r.kind) {
    case Rule::Kind::all_to_all:
      for (size_t i = 0; i < pre.count; ++i)
        for (size_t j = 0; j < post.count; ++j) {
          const uint64_t s = pre.first + i, t = post.first + j;
          if (r.allow_autapses || s != t) make(s, t);
        }
      return;
    case Rule::Kind::one_to_one:
      for (size_t i = 0; i < pre.count; ++i)
        if (r.allow_autapses || pre.first != post.first) make(pre.first + i, post.first + i);
      return;
    case Rule::Kind::fixed_indegree: {
      Picker picker(pre, r.allow_autapses, r.allow_multapses);
      for (size_t j = 0; j < post.count; ++j) {
        const uint64_t t = post.first + j;
        picker.pick(t, r.indegree, streams.for_node(size_t(t - 1)), [&](uint64_t s) { make(s, t); });
      }
      return;
    }
    case Rule::Kind::fixed_outdegree: {
      Picker picker(post, r.allow_autapses, r.allow_multapses);
      for (size_t i = 0; i < pre.count; ++i) {
        const uint64_t s = pre.first + i;
        picker.pick(s, r.outdegree, streams.rank_synchronised(), [&](uint64_t t) { make(s, t); });
      }
      return;
    }
    case Rule::Kind::fixed_total_number: {
      Rng& rng = streams.rank_synchronised();
      std::vector<std::vector<uint32_t>> seen;  // per target, sources taken (no multapses)
      if (!r.allow_multapses) seen.resize(post.count);
      for (size_t made = 0; made < r.total;) {
        const uint64_t s = pre.first + uniform_index(rng, pre.count);
        const uint64_t j = uniform_index(rng, post.count);
        const uint64_t t = post.first + j;
        if (!r.allow_autapses && s == t) continue;
        if (!r.allow_multapses) {
          auto& v = seen[j];
          if (std::find(v.begin(), v.end(), uint32_t(s)) != v.end()) continue;
          v.push_back(uint32_t(s));
        }
        make(s, t);
        ++made;
      }
      return;
    }
    case Rule::Kind::pairwise_bernoulli: {
      if (r.p <= 0.0) return;
      // Per target, skip ahead by geometric gaps: the same distribution as one draw per
      // pair, with one draw per connection.
      const double log_q = std::log1p(-r.p);
      for (size_t j = 0; j < post.count; ++j) {
        const uint64_t t = post.first + j;
        Rng& rng = streams.for_node(size_t(t - 1));
        for (size_t i = 0;; ++i) {
          if (r.p < 1.0) {
            const double gap = std::floor(std::log(1.0 - uniform01(rng)) / log_q);
            if (gap >= double(pre.count - i)) break;
            i += size_t(gap);
          }
          if (i >= pre.count) break;
          const uint64_t s = pre.first + i;
          if (r.allow_autapses || s != t) make(s, t);
        }
      }
      return;
    }
  }
}

}  // namespace nestjit::runtime
