// Interrupts: Kernel::interrupt() from a second thread stops simulate() at a min-delay slice
// boundary with nestjit::Interrupted; the kernel keeps its state and time and goes on.
#include <doctest/doctest.h>

#include <nestjit/nestjit.h>
#include <chrono>
#include <cmath>
#include <string>
#include <thread>

namespace {

// Counts its steps, so the count tells whether every node stopped at the same boundary.
const char* kCounter = R"(model step_counter:
    state:
        n real = 0
    update:
        n += 1
)";

// Interrupts `k` after `delay` from another thread, joined when this goes out of scope.
struct DelayedInterrupt {
  std::thread t;
  DelayedInterrupt(nestjit::Kernel& k, std::chrono::milliseconds delay)
      : t([&k, delay] {
          std::this_thread::sleep_for(delay);
          k.interrupt();
        }) {}
  ~DelayedInterrupt() { t.join(); }
};

}  // namespace

TEST_CASE("interrupt() from another thread stops a long simulate at a slice boundary") {
  nestjit::Kernel k{{.resolution_ms = 0.1}};
  auto r = k.install_source("counter.nestml", kCounter);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto nodes = k.create("step_counter", 200);
  double stopped_at = -1;
  std::string message;
  {
    DelayedInterrupt later(k, std::chrono::milliseconds(200));
    try {
      k.simulate(1e7);  // hours of CPU time: only the interrupt ends it
      FAIL("simulate returned without the interrupt");
    } catch (const nestjit::Interrupted& e) {
      stopped_at = e.time_ms();
      message = e.what();
    }
  }
  CHECK(stopped_at > 0);
  CHECK(stopped_at < 1e7);
  CHECK(k.time() == stopped_at);
  CHECK(message == "interrupted at t = " + std::to_string(int64_t(stopped_at)) + " ms");
  // Without connections min_delay is 1 ms: the stop is on a whole millisecond, and every
  // node did exactly the steps up to it.
  CHECK(stopped_at == std::round(stopped_at));
  const double steps = std::round(stopped_at / 0.1);
  CHECK(k.get_status(nodes[0]).at("n") == steps);
  CHECK(k.get_status(nodes[199]).at("n") == steps);

  // The next simulate continues the same network.
  k.simulate(5);
  CHECK(k.time() == doctest::Approx(stopped_at + 5));
  CHECK(k.get_status(nodes[7]).at("n") == steps + 50);

  // After reset another network runs from zero.
  k.reset();
  CHECK(k.time() == 0);
  auto fresh = k.create("step_counter", 1);
  k.simulate(2);
  CHECK(k.get_status(fresh[0]).at("n") == 20);
}

TEST_CASE("an interrupt is an Error, stays pending until a simulate honours it, and clears") {
  nestjit::Kernel k;
  auto r = k.install_source("counter.nestml", kCounter);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto n = k.create("step_counter");
  k.simulate(3);
  k.interrupt();  // no simulate running: the next one stops before its first slice
  try {
    k.simulate(10);
    FAIL("simulate ran despite a pending interrupt");
  } catch (const nestjit::Error& e) {  // callers catching Error see it too
    CHECK(dynamic_cast<const nestjit::Interrupted*>(&e) != nullptr);
    CHECK(std::string(e.what()) == "interrupted at t = 3 ms");
  }
  CHECK(k.time() == 3);
  // Honoured once: the following simulate runs to its end.
  k.simulate(2);
  CHECK(k.time() == 5);
  k.interrupt();
  k.clear_interrupt();
  k.simulate(1);
  CHECK(k.time() == 6);
  CHECK(k.get_status(n[0]).at("n") == 60);
}

TEST_CASE("interrupt() stops a model stuck in its own while loop") {
  nestjit::Kernel k{{.resolution_ms = 0.1}};
  auto r = k.install_source("stuck.nestml", R"(model stuck:
    state:
        x real = 0
    update:
        while x >= 0:
            x += 1
)");
  REQUIRE_MESSAGE(r.ok, r.report());
  auto r2 = k.install_source("counter.nestml", kCounter);
  REQUIRE_MESSAGE(r2.ok, r2.report());
  auto stuck = k.create("stuck");
  {
    DelayedInterrupt later(k, std::chrono::milliseconds(200));
    CHECK_THROWS_WITH_AS(k.simulate(10), "interrupted at t = 1 ms", nestjit::Interrupted);
  }
  // The loop was cut short in the first slice; that slice ended, the kernel stands at its end.
  CHECK(k.time() == 1);
  CHECK(k.get_status(stuck[0]).at("x") > 0);
  k.reset();
  auto n = k.create("step_counter");
  k.simulate(2);
  CHECK(k.get_status(n[0]).at("n") == 20);
}
