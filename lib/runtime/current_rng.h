// The random stream compiled code draws from (random_normal etc.). It is per thread and
// points at the generator of the network being simulated on that thread, so kernels on
// different threads never share a generator (runtime_symbols.cpp defines it).
#pragma once
#include "runtime/random_streams.h"

namespace nestjit::runtime {

void set_current_rng(Rng* r);
Rng* get_current_rng();

// Points the thread's stream at `r` for a scope (a simulate), then back to what it was, so
// no pointer to a destroyed network outlives its simulate.
class ScopedRng {
 public:
  explicit ScopedRng(Rng& r) : previous_(get_current_rng()) { set_current_rng(&r); }
  ~ScopedRng() { set_current_rng(previous_); }
  ScopedRng(const ScopedRng&) = delete;
  ScopedRng& operator=(const ScopedRng&) = delete;

 private:
  Rng* previous_;
};

}  // namespace nestjit::runtime
