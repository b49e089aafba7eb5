// RecordBuffer<T>: the growable array recorders append to (spike times, senders, samples).
//
// Why not std::vector: a recorder fed by 10,000 neurons takes 630,000 spikes a second of
// model time, and a vector that doubles allocates fresh pages and copies the old ones at
// each growth. On these machines touching fresh memory is what costs (the kernel zeroes
// every page on first touch): bench_unconnected spent a sixth of Simulate in page faults of
// its recorder's vectors. Past a few hundred kB this buffer lives in its own mapping and
// grows with mremap, which moves page tables instead of bytes, so every page is touched
// once. Below that (most recorders), it is a malloc block grown with realloc.
// Elements are trivially copyable; the storage is contiguous (views hand out spans).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace nestjit::runtime {

template <class T>
class RecordBuffer {
  static_assert(std::is_trivially_copyable_v<T>);
  // A mapping's length is its capacity in bytes, kept exact by whole elements per page.
  static_assert(4096 % sizeof(T) == 0);

 public:
  RecordBuffer() = default;
  RecordBuffer(const RecordBuffer&) = delete;
  RecordBuffer& operator=(const RecordBuffer&) = delete;
  RecordBuffer(RecordBuffer&& o) noexcept { swap(o); }
  RecordBuffer& operator=(RecordBuffer&& o) noexcept {
    RecordBuffer(std::move(o)).swap(*this);
    return *this;
  }
  ~RecordBuffer() { release(); }

  void push_back(T v) {
    if (size_ == capacity_) grow(size_ + 1);
    data_[size_++] = v;
  }
  void clear() { size_ = 0; }  // keeps the storage: a cleared recorder fills again
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T* data() const { return data_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  const T& operator[](size_t i) const { return data_[i]; }
  const T& back() const { return data_[size_ - 1]; }

 private:
  // Bytes from which the storage is a mapping of its own (a multiple of the page size).
  static constexpr size_t kMapBytes = size_t(256) << 10;

  void swap(RecordBuffer& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(capacity_, o.capacity_);
  }

  static bool mapped(size_t capacity) {
#if defined(__linux__)
    return capacity * sizeof(T) >= kMapBytes;
#else
    (void)capacity;
    return false;
#endif
  }

  void grow(size_t need) {
    size_t cap = capacity_ ? capacity_ * 2 : 64;
    while (cap < need) cap *= 2;
    if (mapped(cap)) {
      // Whole pages: round the capacity up to kMapBytes.
      size_t bytes = (cap * sizeof(T) + kMapBytes - 1) / kMapBytes * kMapBytes;
      cap = bytes / sizeof(T);
#if defined(__linux__)
      void* p;
      if (mapped(capacity_)) {
        p = mremap(data_, capacity_ * sizeof(T), bytes, MREMAP_MAYMOVE);
      } else {
        p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED && size_) std::memcpy(p, data_, size_ * sizeof(T));
        if (p != MAP_FAILED) std::free(data_);
      }
      if (p == MAP_FAILED) throw std::bad_alloc();
      data_ = static_cast<T*>(p);
#endif
    } else {
      void* p = std::realloc(data_, cap * sizeof(T));
      if (!p) throw std::bad_alloc();
      data_ = static_cast<T*>(p);
    }
    capacity_ = cap;
  }

  void release() {
    if (!data_) return;
#if defined(__linux__)
    if (mapped(capacity_)) {
      munmap(data_, capacity_ * sizeof(T));
      data_ = nullptr;
      return;
    }
#endif
    std::free(data_);
    data_ = nullptr;
  }

  T* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
};

}  // namespace nestjit::runtime
