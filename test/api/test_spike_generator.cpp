// spike_generator's window beyond NEST's golden runs (test/golden/test_device_golden.cpp): its
// spike times are relative to origin, and a spike at origin + t is sent iff
// origin + start < origin + t <= origin + stop (the reference's rule for spike-emitting
// devices), whenever the window is set.
#include <doctest/doctest.h>
#include <nestjit/nestjit.h>

#include <cmath>

namespace {

std::vector<long> steps_of(const std::vector<double>& ts) {
  std::vector<long> out;
  for (double t : ts) out.push_back(std::lround(t / 0.1));
  return out;
}

std::vector<double> parrot_times(const nestjit::Params& window, double T = 20.0) {
  nestjit::Kernel k;
  nestjit::Params p = window;
  p["spike_times"] = std::vector<double>{1.0, 2.0, 3.0, 4.0, 5.0};
  auto sg = k.create("spike_generator", 1, p);
  auto parrot = k.create("parrot_neuron");
  auto sr = k.create("spike_recorder");
  k.connect(sg, parrot);  // delay 1 ms
  k.connect(parrot, sr);
  k.simulate(T);
  return k.spike_events(sr[0]).times;
}

}  // namespace

TEST_CASE("spike_generator start/stop: sent iff start < t <= stop") {
  CHECK(steps_of(parrot_times({{"start", 2.0}, {"stop", 4.0}})) == std::vector<long>{40, 50});
  CHECK(steps_of(parrot_times({})) == std::vector<long>{20, 30, 40, 50, 60});
}

TEST_CASE("spike_generator origin shifts the spike times and the window") {
  // Spikes at 1 + {1..5} = 2..6 ms; window (1 + 1, 1 + 3] keeps 3 and 4 ms; parrot + 1 ms.
  CHECK(steps_of(parrot_times({{"origin", 1.0}, {"start", 1.0}, {"stop", 3.0}})) ==
        std::vector<long>{40, 50});
  CHECK(steps_of(parrot_times({{"origin", 10.0}})) == std::vector<long>{120, 130, 140, 150, 160});
}

TEST_CASE("spike_generator window: stop before start is refused, the old window kept") {
  nestjit::Kernel k;
  auto sg = k.create("spike_generator", 1, {{"start", 1.0}, {"stop", 5.0}});
  CHECK_THROWS_WITH_AS(k.set_status(sg, {{"stop", 0.5}}),
                       doctest::Contains("stop (0.5 ms) must not be before start (1 ms)"), nestjit::Error);
  CHECK(k.get_status(sg[0]).at("stop") == 5.0);
}
