// RandomStreams: each (seed, stream) is the Mersenne twister seeded from the seed sequence
// (seed low, seed high, stream), however many kernels were made before (the engines are
// cached per thread, random_streams.cpp) and whatever was drawn from them.
#include <doctest/doctest.h>

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
