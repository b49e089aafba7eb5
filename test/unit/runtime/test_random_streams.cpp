// RandomStreams: each (seed, stream) is the Mersenne twister seeded from the seed sequence
// (seed low, seed high, stream), however many kernels were made before (the engines are
// cached per thread, random_streams.cpp) and whatever was drawn from them.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <thread>
#include <vector>

#include "runtime/random_streams.h"

using nestjit::runtime::RandomStreams;
using nestjit::runtime::Rng;

namespace {
std::vector<uint64_t> first_draws(Rng& rng, int n = 5) {
  std::vector<uint64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(rng());
  return out;
}

std::vector<uint64_t> expected(uint64_t seed, uint32_t stream) {
  std::seed_seq seq{uint32_t(seed), uint32_t(seed >> 32), stream};
  Rng rng(seq);
  return first_draws(rng);
}
}  // namespace

// Rng is our own Mersenne twister (runtime/mt19937_64.h, a branch-free refill); it must
// give exactly std::mt19937_64's numbers, or every seeded result would move.
TEST_CASE("random streams: the engine gives std::mt19937_64's numbers") {
  for (uint64_t seed : {uint64_t(0), uint64_t(1), uint64_t(5489), uint64_t(143202461),
                        (uint64_t(1) << 63) + 7, ~uint64_t(0)}) {
    CAPTURE(seed);
    Rng ours(seed);
    std::mt19937_64 reference(seed);
    for (int i = 0; i < 2000; ++i) REQUIRE(ours() == reference());  // six refills and more
  }
  for (uint32_t stream : {0u, 1u, 2u, 77u}) {
    CAPTURE(stream);
    std::seed_seq seq_a{0x89abcdefu, 0x01234567u, stream}, seq_b{0x89abcdefu, 0x01234567u, stream};
    Rng ours(seq_a);
    std::mt19937_64 reference(seq_b);
    for (int i = 0; i < 2000; ++i) REQUIRE(ours() == reference());
    // Distributions see the same engine: the same numbers come out of them.
    std::normal_distribution<double> na, nb;
    std::poisson_distribution<long> pa(3.5), pb(3.5);
    for (int i = 0; i < 200; ++i) {
      REQUIRE(na(ours) == nb(reference));
      REQUIRE(pa(ours) == pb(reference));
    }
    ours.discard(1000);
    reference.discard(1000);
    CHECK(ours() == reference());
  }
  Rng a(7), b(7);
  CHECK(a == b);
  a();
  CHECK(!(a == b));
  b();
  CHECK(a == b);
}

TEST_CASE("random streams: each stream is the twister seeded by (seed, stream)") {
  const uint64_t seed = 0x123456789abcdefULL;
  RandomStreams s(seed, 2);
  CHECK(first_draws(s.rank_synchronised()) == expected(seed, 0));
  CHECK(first_draws(s.vp(0)) == expected(seed, 1));
  CHECK(first_draws(s.vp(1)) == expected(seed, 2));
}

TEST_CASE("random streams: a new kernel with the same seed starts from the beginning") {
  RandomStreams a(42);
  for (int i = 0; i < 1000; ++i) a.vp(0)();  // draws from one object do not reach the next
  RandomStreams b(42);
  CHECK(first_draws(b.vp(0)) == expected(42, 1));
  CHECK(first_draws(b.rank_synchronised()) == expected(42, 0));
}

TEST_CASE("random streams: many seeds in turn, more than are kept, each right") {
  for (int round = 0; round < 3; ++round)
    for (uint64_t seed = 1; seed <= 12; ++seed) {
      RandomStreams s(seed);
      REQUIRE(first_draws(s.vp(0)) == expected(seed, 1));
    }
  CHECK(first_draws(RandomStreams(1).vp(0)) != first_draws(RandomStreams(2).vp(0)));
}

TEST_CASE("random streams: kernels made on other threads get the same streams") {
  std::vector<std::vector<uint64_t>> got(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t)
    threads.emplace_back([&got, t] {
      for (int i = 0; i < 50; ++i) {
        RandomStreams s(7 + i % 3);
        if (i == 49) got[t] = first_draws(s.vp(0));
      }
    });
  for (auto& th : threads) th.join();
  for (const auto& g : got) CHECK(g == expected(7 + 49 % 3, 1));
}

// The sampler's guide table only shortens the walk: every count must be the inversion's,
// the number of CDF values the same uniform passes (the CDF summed here independently).
TEST_CASE("PoissonSampler: counts are the CDF inversion of the same uniforms") {
  using nestjit::runtime::PoissonSampler;
  for (double mean : {0.004, 0.3, 0.9, 2.5, 9.0, 37.0, 63.0}) {
    std::vector<double> cdf;
    double p = std::exp(-mean), sum = p;
    cdf.push_back(sum);
    for (long k = 1; 1.0 - sum > 1e-16 && k < 1000; ++k) {
      p *= mean / double(k);
      sum += p;
      cdf.push_back(sum);
    }
    const PoissonSampler sampler(mean);
    Rng a(2024), b(2024);
    size_t differ = 0;
    double total = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
      const long got = sampler(a);
      const double u = nestjit::runtime::uniform01(b);
      long want = 0;
      while (size_t(want) < cdf.size() && u >= cdf[size_t(want)]) ++want;
      differ += got != want;
      total += double(got);
    }
    CAPTURE(mean);
    CHECK(differ == 0);
    // and the mean within 5 standard errors
    CHECK(std::abs(total / n - mean) < 5.0 * std::sqrt(mean / n));
  }
}
