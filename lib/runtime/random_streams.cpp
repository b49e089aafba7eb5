#include "runtime/random_streams.h"

#include <cmath>
#include <limits>

namespace nestjit::runtime {

namespace {
// Every stream gets its own seed sequence (seed, stream number), so streams do not overlap
// in any practical sense and adding VPs does not change the streams that already exist.
// Seeding a Mersenne twister through a seed_seq fills 624 words (microseconds), and a sweep
// that resets the kernel hundreds of times with one seed paid that on every reset (3% of
// the seed sweep): the engines a (seed, stream) gives never change, so the last few made on
// this thread are kept and copied.
Rng seeded_engine(uint64_t seed, uint32_t stream) {
  struct Made {
    uint64_t seed;
    uint32_t stream;
    Rng engine;
  };
  constexpr size_t kKept = 8;
  thread_local std::vector<Made> made;
  for (const Made& m : made)
    if (m.seed == seed && m.stream == stream) return m.engine;
  std::seed_seq seq{uint32_t(seed), uint32_t(seed >> 32), stream};
  Rng engine(seq);
  if (made.size() == kKept) made.erase(made.begin());
  made.push_back({seed, stream, engine});
  return engine;
}
}  // namespace

RandomStreams::RandomStreams(uint64_t seed, size_t virtual_processes)
    : seed_(seed), shared_(seeded_engine(seed, 0)) {
  for (size_t i = 0; i < virtual_processes; ++i)
    vp_.push_back(seeded_engine(seed, uint32_t(i + 1)));
}

uint64_t uniform_index(Rng& rng, uint64_t n) {
  unsigned __int128 m = (unsigned __int128)rng() * n;
  uint64_t low = uint64_t(m);
  if (low < n) {
    const uint64_t threshold = -n % n;
    while (low < threshold) {
      m = (unsigned __int128)rng() * n;
      low = uint64_t(m);
    }
  }
  return uint64_t(m >> 64);
}

namespace {
constexpr double kTableMeanLimit = 64.0;
}

PoissonSampler::PoissonSampler(double mean) : mean_(mean) {
  if (!(mean > 0.0) || mean > kTableMeanLimit) return;
  double p = std::exp(-mean), sum = p;
  cdf_.push_back(sum);
  for (long k = 1; 1.0 - sum > 1e-16 && k < 1000; ++k) {
    p *= mean / double(k);
    sum += p;
    cdf_.push_back(sum);
  }
  cdf_.push_back(std::numeric_limits<double>::infinity());  // the walk's sentinel
  guide_.resize(kGuideSize);
  size_t below = 0;
  for (size_t b = 0; b < kGuideSize; ++b) {
    const double start = double(b) / double(kGuideSize);
    while (cdf_[below] <= start) ++below;
    guide_[b] = uint16_t(below);
  }
}

long PoissonSampler::large(Rng& rng) const {
  if (!(mean_ > 0.0)) return 0;
  return std::poisson_distribution<long>(mean_)(rng);
}

}  // namespace nestjit::runtime

#include <fmt/format.h>
#include <stdexcept>

namespace nestjit::runtime {

namespace {
// One standard normal by Box-Muller with both uniforms fresh: no cached second value, so a
// draw depends only on the stream (the standard library's normal keeps state of its own).
double standard_normal(Rng& rng) {
  const double u1 = 1.0 - uniform01(rng), u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}
constexpr int kMaxRedraws = 1000;
}  // namespace

std::string RandomDistribution::describe() const {
  switch (kind) {
    case Kind::uniform: return fmt::format("uniform(min={}, max={})", a, b);
    case Kind::normal: return fmt::format("normal(mean={}, std={})", a, b);
    case Kind::normal_clipped:
      return fmt::format("normal_clipped(mean={}, std={}, min={}, max={})", a, b, min, max);
    case Kind::lognormal: return fmt::format("lognormal(mean={}, std={})", a, b);
    case Kind::exponential: return fmt::format("exponential(beta={})", a);
  }
  return "?";
}

void RandomDistribution::check() const {
  auto fail = [&](const std::string& why) {
    throw std::invalid_argument(fmt::format("{}: {}", describe(), why));
  };
  for (double x : {a, b, min, max})
    if (!std::isfinite(x)) fail("arguments must be finite numbers");
  switch (kind) {
    case Kind::uniform:
      if (!(b > a)) fail("max must be greater than min");
      break;
    case Kind::normal:
    case Kind::lognormal:
      if (!(b > 0)) fail("std must be positive");
      break;
    case Kind::normal_clipped:
      if (!(b > 0)) fail("std must be positive");
      if (!(max > min)) fail("max must be greater than min");
      break;
    case Kind::exponential:
      if (!(a > 0)) fail("beta must be positive");
      break;
  }
}

double RandomDistribution::draw(Rng& rng) const {
  switch (kind) {
    case Kind::uniform: return a + (b - a) * uniform01(rng);
    case Kind::normal: return a + b * standard_normal(rng);
    case Kind::lognormal: return std::exp(a + b * standard_normal(rng));
    case Kind::exponential: return -a * std::log(1.0 - uniform01(rng));
    case Kind::normal_clipped:
      for (int i = 0; i < kMaxRedraws; ++i) {
        const double x = a + b * standard_normal(rng);
        if (x >= min && x <= max) return x;
      }
      throw std::invalid_argument(fmt::format(
          "{}: no value inside [min, max] in {} draws; the interval is too far out in the tail",
          describe(), kMaxRedraws));
  }
  return 0.0;
}

}  // namespace nestjit::runtime
