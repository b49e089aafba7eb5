// RecordBuffer: what recorders append to. It changes storage twice as it grows (malloc
// block, then a mapping of its own that mremap grows); the values must survive both.
#include <doctest/doctest.h>

#include <cstdint>
#include <span>
#include <utility>

#include "runtime/record_buffer.h"

using nestjit::runtime::RecordBuffer;

TEST_CASE("a record buffer keeps every value across its growth into a mapping") {
  RecordBuffer<double> b;
  CHECK(b.empty());
  // 1.5 million doubles: 12 MB, well past the 256 kB where the storage becomes a mapping.
  const size_t n = 1'500'000;
  for (size_t i = 0; i < n; ++i) b.push_back(double(i) * 0.5);
  REQUIRE(b.size() == n);
  size_t wrong = 0;
  for (size_t i = 0; i < n; ++i) wrong += b[i] != double(i) * 0.5;
  CHECK(wrong == 0);
  CHECK(b.back() == double(n - 1) * 0.5);
  std::span<const double> view(b);  // what the kernel's views hand out
  CHECK(view.size() == n);
  CHECK(view[12345] == 12345 * 0.5);
}

TEST_CASE("a cleared record buffer fills again from the start") {
  RecordBuffer<uint64_t> b;
  for (uint64_t i = 0; i < 100'000; ++i) b.push_back(i);
  b.clear();
  CHECK(b.size() == 0);
  for (uint64_t i = 0; i < 3; ++i) b.push_back(7 + i);
  CHECK(b.size() == 3);
  CHECK(b[0] == 7);
  CHECK(b[2] == 9);
}

TEST_CASE("a moved record buffer hands its values over") {
  RecordBuffer<int64_t> a;
  for (int64_t i = 0; i < 40'000; ++i) a.push_back(-i);
  RecordBuffer<int64_t> b(std::move(a));
  CHECK(a.size() == 0);
  CHECK(b.size() == 40'000);
  CHECK(b[39'999] == -39'999);
  RecordBuffer<int64_t> c;
  c.push_back(1);
  c = std::move(b);
  CHECK(c.size() == 40'000);
  CHECK(c[100] == -100);
  c.push_back(5);  // still grows after the move
  CHECK(c.back() == 5);
}
