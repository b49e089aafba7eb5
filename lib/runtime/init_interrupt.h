// Interrupts outside a simulate: compiled code that runs when an instance is made (parameter
// defaults, internals, state initial values, any user function they call) reads the flag a
// ScopedInitInterrupt attached on this thread, so Kernel::interrupt() also stops a loop there
// (Kernel::create then throws Interrupted). Without one, the flag is never set.
#pragma once
#include <atomic>

#include "nir/abi.h"

namespace nestjit::runtime {

inline thread_local const volatile bool* init_interrupt_flag = &nestjit_no_interrupt;

class ScopedInitInterrupt {
 public:
  // std::atomic<bool> has bool's layout (lock-free); compiled code reads it as a byte, as
  // Network::simulate's flag.
  explicit ScopedInitInterrupt(const std::atomic<bool>& flag) : previous_(init_interrupt_flag) {
    init_interrupt_flag = reinterpret_cast<const volatile bool*>(&flag);
  }
  ~ScopedInitInterrupt() { init_interrupt_flag = previous_; }
  ScopedInitInterrupt(const ScopedInitInterrupt&) = delete;
  ScopedInitInterrupt& operator=(const ScopedInitInterrupt&) = delete;

 private:
  const volatile bool* previous_;
};

}  // namespace nestjit::runtime
