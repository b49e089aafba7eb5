// The 64-bit Mersenne twister, the same generator as std::mt19937_64 (parameters, seeding by
// integer and by seed sequence, output: the standard's [rand.eng.mers] spelled out), so every
// seeded stream gives the numbers it always gave. Ours because of the refill: libstdc++'s
// twist picks the matrix term with a branch on a random bit, mispredicted every other word,
// which made refilling a third of the cost of a Poisson draw (12% of bench_brunel). Here it
// is a mask, and the loops are plain enough for the compiler to vectorise.
// test_random_streams.cpp compares the output with std::mt19937_64's.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>

namespace nestjit::runtime {

class Mt19937_64 {
 public:
  using result_type = uint64_t;
  static constexpr size_t state_size = 312;
  static constexpr uint64_t default_seed = 5489u;

  Mt19937_64() { seed(default_seed); }
  explicit Mt19937_64(uint64_t value) { seed(value); }
  // Any seed sequence (std::seed_seq): generate() fills 2 * 312 32-bit words.
  template <class SeedSeq, class = decltype(std::declval<SeedSeq&>().generate(
                               static_cast<uint32_t*>(nullptr), static_cast<uint32_t*>(nullptr)))>
  explicit Mt19937_64(SeedSeq& seq) {
    seed(seq);
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<uint64_t>::max(); }

  void seed(uint64_t value) {
    x_[0] = value;
    for (size_t i = 1; i < n; ++i) x_[i] = f * (x_[i - 1] ^ (x_[i - 1] >> 62)) + i;
    i_ = n;
  }
  template <class SeedSeq>
  void seed(SeedSeq& seq) {
    uint32_t a[2 * n];
    seq.generate(a, a + 2 * n);
    bool zero = true;
    for (size_t i = 0; i < n; ++i) {
      x_[i] = uint64_t(a[2 * i]) | (uint64_t(a[2 * i + 1]) << 32);
      if (i == 0 ? (x_[0] & upper) != 0 : x_[i] != 0) zero = false;
    }
    if (zero) x_[0] = uint64_t(1) << 63;
    i_ = n;
  }

  result_type operator()() {
    if (i_ >= n) twist();
    uint64_t y = x_[i_++];
    y ^= (y >> 29) & 0x5555555555555555ULL;
    y ^= (y << 17) & 0x71d67fffeda60000ULL;
    y ^= (y << 37) & 0xfff7eee000000000ULL;
    y ^= y >> 43;
    return y;
  }
  void discard(unsigned long long z) {
    for (; z > 0; --z) (*this)();
  }

  friend bool operator==(const Mt19937_64& a, const Mt19937_64& b) {
    if (a.i_ != b.i_) return false;
    for (size_t i = 0; i < n; ++i)
      if (a.x_[i] != b.x_[i]) return false;
    return true;
  }

 private:
  static constexpr size_t n = state_size, m = 156;
  static constexpr uint64_t f = 6364136223846793005ULL, matrix = 0xb5026f5aa96619e9ULL;
  static constexpr uint64_t upper = ~uint64_t(0) << 31, lower = ~upper;
  static uint64_t step(uint64_t here, uint64_t next, uint64_t far) {
    const uint64_t y = (here & upper) | (next & lower);
    return far ^ (y >> 1) ^ (-(y & 1) & matrix);
  }
  void twist() {
    size_t k = 0;
    for (; k < n - m; ++k) x_[k] = step(x_[k], x_[k + 1], x_[k + m]);
    for (; k < n - 1; ++k) x_[k] = step(x_[k], x_[k + 1], x_[k + m - n]);
    x_[n - 1] = step(x_[n - 1], x_[0], x_[m - 1]);
    i_ = 0;
  }
  uint64_t x_[n];
  size_t i_ = n;
};

}  // namespace nestjit::runtime
