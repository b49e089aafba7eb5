// Several kernels in one process: on two threads at once they give bit-identical results to
// running alone, and kernels handed between threads in turn stay correct. The same file is
// the ThreadSanitizer stress test (build-tsan, see .ci/run), with fewer rounds there.
#include <doctest/doctest.h>

#include <atomic>
#include <barrier>
#include <cstdlib>
#include <nestjit/nestjit.h>
#include <string>
#include <thread>
#include <vector>

#include "embed_models.h"
#include "test_support.h"

namespace {

// What a run leaves behind, compared bit for bit.
struct Outcome {
  std::vector<double> spike_times;
  std::vector<uint64_t> senders;
  std::vector<double> state;
  bool operator==(const Outcome&) const = default;
};

// A network of one of two kinds: 0 = noisy leaky neurons (random stream, exact propagator)
// driven through plastic counting synapses, 1 = Izhikevich neurons (RKF45) driven by a dc
// current. `variant` changes the parameters so that kernels differ.
class Net {
 public:
  Net(int kind, int variant) : kind_(kind) {
    if (kind == 0) {
      REQUIRE(k_.install_source("noisy_leaky.nestml", embed_test::kNoisyLeaky).ok);
      REQUIRE(k_.install_source("counting.nestml", embed_test::kCountingSynapse).ok);
      neurons_ = k_.create("noisy_leaky_neuron", 20, {{"noise_mV", 0.5 + 0.1 * variant}});
      auto dc = k_.create("dc_generator", 1, {{"amplitude", 380.0 + variant}});
      k_.connect(dc, neurons_);
      nestjit::SynSpec syn;
      syn.synapse_model = "counting_synapse";
      syn.weight = 0.5;
      k_.connect(neurons_, neurons_, nestjit::ConnRule::all_to_all, syn);
    } else {
      auto r = k_.install_file(nestjit::test::source_path("examples/stdp_window/izhikevich_neuron.nestml"));
      REQUIRE_MESSAGE(r.ok, r.report());
      neurons_ = k_.create("izhikevich_neuron", 10);
      auto dc = k_.create("dc_generator", 1, {{"amplitude", 8.0 + variant}});
      k_.connect(dc, neurons_);
    }
    recorder_ = k_.create("spike_recorder");
    k_.connect(neurons_, recorder_);
  }

  void simulate(double ms) { k_.simulate(ms); }

  Outcome outcome() const {
    Outcome o;
    auto ev = k_.spike_events(recorder_[0]);
    o.spike_times = ev.times;
    o.senders = ev.senders;
    for (size_t i = 0; i < neurons_.size(); ++i) o.state.push_back(k_.get_status(neurons_[i]).at("V_m"));
    return o;
  }

 private:
  int kind_;
  nestjit::Kernel k_;
  nestjit::NodeCollection neurons_, recorder_;
};

Outcome run_alone(int kind, int variant, double ms) {
  Net n(kind, variant);
  n.simulate(ms);
  return n.outcome();
}

int rounds_from_env(int fallback) {
  const char* s = std::getenv("NESTJIT_STRESS_ROUNDS");
  return s ? std::atoi(s) : fallback;
}

}  // namespace

TEST_CASE("two kernels running different models on two threads match each run alone") {
  const double ms = 300.0;
  const Outcome leaky = run_alone(0, 0, ms), izh = run_alone(1, 0, ms);
  REQUIRE(leaky.spike_times.size() > 20);
  REQUIRE(izh.spike_times.size() > 20);
  Outcome a, b;
  std::thread ta([&] { a = run_alone(0, 0, ms); });
  std::thread tb([&] { b = run_alone(1, 0, ms); });
  ta.join();
  tb.join();
  CHECK(a == leaky);
  CHECK(b == izh);
}

TEST_CASE("8 kernels on 2 threads, handed between the threads in turn, stay exact") {
  const int kernels = 8, rounds = rounds_from_env(20);
  const double slice = 10.0;
  std::vector<std::unique_ptr<Net>> nets(kernels);
  // Built on the two threads too (installing concurrently shares and serialises the loads).
  std::barrier sync(2);
  auto worker = [&](int thread) {
    for (int i = thread; i < kernels; i += 2) nets[i] = std::make_unique<Net>(i % 2, i);
    sync.arrive_and_wait();
    for (int r = 0; r < rounds; ++r) {
      // In round r this thread runs the kernels of parity (thread + r) % 2: every kernel
      // moves to the other thread each round, never used by both at once.
      for (int i = (thread + r) % 2; i < kernels; i += 2) nets[i]->simulate(slice);
      sync.arrive_and_wait();
    }
  };
  std::thread t0(worker, 0), t1(worker, 1);
  t0.join();
  t1.join();
  for (int i = 0; i < kernels; ++i) {
    CAPTURE(i);
    CHECK(nets[i]->outcome() == run_alone(i % 2, i, slice * rounds));
  }
}

TEST_CASE("one kernel used from two threads at once is refused, not corrupted") {
  nestjit::Kernel k;
  REQUIRE(k.install_source("noisy_leaky.nestml", embed_test::kNoisyLeaky).ok);
  k.create("noisy_leaky_neuron", 50);
  std::atomic<bool> in_callback{false}, release{false};
  // The callback holds the first simulate inside the kernel while another thread tries.
  k.set_step_callback([&](nestjit::Kernel&) {
    in_callback = true;
    while (!release) std::this_thread::yield();
  }, 1.0);
  std::thread first([&] { k.simulate(1.0); });
  while (!in_callback) std::this_thread::yield();
  std::string refused;
  try {
    k.step(1);
  } catch (const nestjit::Error& e) {
    refused = e.what();
  }
  release = true;
  first.join();
  CHECK(refused.find("already simulating") != std::string::npos);
  CHECK(k.time() == doctest::Approx(1.0));
}
