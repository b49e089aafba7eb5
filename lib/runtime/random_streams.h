// The kernel's seeded random streams, laid out as the reference simulator lays them out: one
// rank-synchronised stream (draws every rank must agree on, e.g. which sources a
// fixed_outdegree rule picks) and one stream per virtual process (draws that belong to the
// nodes a VP owns: the Poisson trains sent to them, the noise currents they receive, the
// weights and delays of connections onto them). Today there is one VP; when threads arrive
// each takes its own stream and no draw changes order.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "runtime/mt19937_64.h"

namespace nestjit::runtime {

// The generator of every stream: std::mt19937_64's numbers (runtime/mt19937_64.h).
using Rng = Mt19937_64;

class RandomStreams {
 public:
  explicit RandomStreams(uint64_t seed = 143202461, size_t virtual_processes = 1);

  uint64_t seed() const { return seed_; }
  size_t virtual_processes() const { return vp_.size(); }
  Rng& rank_synchronised() { return shared_; }
  Rng& vp(size_t i) { return vp_[i]; }
  // The VP that owns a node (by its 0-based index), round robin as the reference does.
  size_t vp_of(size_t node_index) const { return node_index % vp_.size(); }
  Rng& for_node(size_t node_index) { return vp_[vp_of(node_index)]; }

 private:
  uint64_t seed_;
  Rng shared_;
  std::vector<Rng> vp_;
};

// A double in [0, 1) from the top 53 bits of one draw.
inline double uniform01(Rng& rng) { return double(rng() >> 11) * 0x1.0p-53; }

// An index in [0, n) without modulo bias (Lemire's method).
uint64_t uniform_index(Rng& rng, uint64_t n);

// Poisson counts of a fixed mean by inversion of a tabulated CDF: one uniform draw per
// sample, exact in distribution (the tail beyond the table has probability below 1e-16).
// Large means fall back to the standard library's sampler.
class PoissonSampler {
 public:
  explicit PoissonSampler(double mean = 0.0);
  double mean() const { return mean_; }
  // The count is the number of CDF entries u passes (a prefix: the CDF is non-decreasing).
  // The guide table says how many entries lie at or below the start of u's bucket, so the
  // walk from there usually stops at its first comparison (a bucket holds one of the CDF's
  // few steps in under 1 case in 20); the counts are those of a walk from 0.
  long operator()(Rng& rng) const {
    if (cdf_.empty()) return large(rng);
    return table()(rng);
  }
  // The tables by pointer, for a loop that stores between draws (the compiler would reload
  // the vectors' pointers after every store); only when tabled().
  struct Table {
    const double* cdf;
    const uint16_t* guide;
    // (always inlined: called once per synapse in the delivery loop, 20% of bench_brunel)
    [[gnu::always_inline]] long operator()(Rng& rng) const {
      const double u = uniform01(rng);
      size_t k = guide[size_t(u * double(kGuideSize))];  // (u * 2^8 is exact)
      while (u >= cdf[k]) ++k;                             // (cdf ends in +inf)
      return long(k);
    }
  };
  bool tabled() const { return !cdf_.empty(); }
  Table table() const { return {cdf_.data(), guide_.data()}; }

 private:
  static constexpr size_t kGuideSize = 256;
  long large(Rng& rng) const;  // no table: mean 0 or above the table's limit
  double mean_;
  std::vector<double> cdf_;       // P(count <= k) for k < cdf_.size() - 1, then +inf
  std::vector<uint16_t> guide_;   // guide_[b]: entries of cdf_ <= b / kGuideSize
};

}  // namespace nestjit::runtime

namespace nestjit::runtime {

// A distribution of connection weights or delays (the API's nestjit::Distribution).
struct RandomDistribution {
  enum class Kind { uniform, normal, normal_clipped, lognormal, exponential };
  Kind kind = Kind::uniform;
  double a = 0.0, b = 1.0, min = 0.0, max = 0.0;
  // Throws std::invalid_argument naming the distribution and the bad argument.
  void check() const;
  double draw(Rng& rng) const;
  std::string describe() const;
};

}  // namespace nestjit::runtime
