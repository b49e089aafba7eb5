// libFuzzer target through the whole pipeline, as a host would drive it through the public
// API: install (parse, check, lower, ODE analysis, code generation, JIT), then create a few
// instances of every neuron model, drive every spike receptor and continuous port, record
// every recordable, simulate a few milliseconds and read the status back. Inputs that check
// with errors stop early; inputs that check clean must never crash, hang, leak or trip
// ASan/UBSan anywhere downstream. A nestjit::Error (a located model error, a numeric
// failure reported as such) is a correct outcome, not a finding.
//
// Mutation: structure-aware (fuzz/model_mutator.h). Raw byte flips of a valid model almost
// always end in a syntax error, so the front-end fuzzer already covers them; what reaches
// the stages behind the checker are models that still parse: other numbers (0, -1, 1e-308,
// 1e308, ...), other units, other operators, lines moved or repeated. The custom mutator
// makes those, and falls back to libFuzzer's byte mutations a quarter of the time.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include <nestjit/nestjit.h>

#include "model_mutator.h"

namespace {

// Loops may run forever by design (a model's `while` is the model's business, and a mutated
// `for` bound or step easily makes one endless). A host stops such a model with
// Kernel::interrupt(), so the fuzzer does too: a watchdog thread interrupts the kernel once
// a model has had its wall-time budget, and keeps interrupting (every simulate() after that
// stops at its first slice boundary) until the model's exercise is over. Compiled loops
// leave on the flag; simulate() (or create(), for a loop in initial values) then throws
// nestjit::Interrupted, a correct outcome.
class Watchdog {
 public:
  Watchdog(nestjit::Kernel& k, std::chrono::milliseconds budget)
      : thread_([this, &k, budget] {
          std::unique_lock<std::mutex> lock(m_);
          if (cv_.wait_for(lock, budget, [this] { return done_; })) return;
          do k.interrupt();
          while (!cv_.wait_for(lock, std::chrono::milliseconds(5), [this] { return done_; }));
        }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(m_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts once the members it uses exist
};

// Wall time one model may run (create, connect, 5 ms of simulation, status) before the
// watchdog stops it; ASan-instrumented CVODE models need a few hundred ms.
constexpr std::chrono::milliseconds kBudget{1500};

void exercise(nestjit::Kernel& k, const std::string& model) {
  const nestjit::ModelInfo info = k.model_info(model);
  if (info.is_synapse) {
    // A plastic connection between two parrots, driven by a spike generator.
    auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0, 2.0, 2.5}}});
    auto pre = k.create("parrot_neuron");
    auto post = k.create("parrot_neuron");
    k.connect(sg, pre);
    k.connect(sg, post);
    nestjit::SynSpec s;
    s.synapse_model = model;
    k.connect(pre, post, nestjit::ConnRule::all_to_all, s);
    k.simulate(4.0);
    (void)k.get_connections(pre, post).size();
    return;
  }
  auto n = k.create(model, 2);
  auto sg = k.create("spike_generator", 1,
                     {{"spike_times", std::vector<double>{0.5, 1.0, 1.0 + 0.1, 2.0}}});
  const int receptors = int(info.spike_receptors);
  for (int r = receptors == 1 ? 0 : 1; r <= receptors && receptors > 0; ++r)
    for (double w : {50.0, -50.0}) {
      nestjit::SynSpec s;
      s.weight = w;
      s.receptor_type = receptors == 1 ? 0 : r;
      k.connect(sg, n, nestjit::ConnRule::all_to_all, s);
    }
  for (size_t c = 0; c < info.continuous_ports.size(); ++c) {
    auto dc = k.create("dc_generator", 1, {{"amplitude", 100.0}});
    nestjit::SynSpec s;
    s.receptor_type = int(c);
    k.connect(dc, n, nestjit::ConnRule::all_to_all, s);
  }
  if (!info.recordables.empty()) {
    auto mm = k.create("multimeter", 1, {{"record_from", info.recordables}, {"interval", 0.1}});
    k.connect(mm, n);
  }
  auto sr = k.create("spike_recorder");
  k.connect(n, sr);
  k.simulate(3.0);
  for (size_t i = 0; i < n.size(); ++i) (void)k.get_status(n[i]);
  k.simulate(2.0);  // a second simulate: pre-run hooks and buffers again
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return -1;  // a model is a few KiB; keep the search on structure
  const std::string text(reinterpret_cast<const char*>(data), size);
  nestjit::Kernel k;
  const nestjit::InstallResult r = k.install_source("fuzz.nestml", text);
  if (!r.ok) return 0;
  for (const std::string& model : r.models) {
    try {
      Watchdog watchdog(k, kBudget);
      exercise(k, model);
    } catch (const nestjit::Error&) {
      // A clear error (Interrupted included) is a correct answer; the kernel must stay
      // usable for the next model.
      k.reset();
    }
    k.clear_interrupt();  // a request the watchdog made after the last simulate()
  }
  return 0;
}

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  nestjit::fuzz::ModelMutator m(seed);
  if (m.roll(4) == 0) return LLVMFuzzerMutate(data, size, max_size);
  std::string text(reinterpret_cast<const char*>(data), size);
  text = m.mutate(text);
  if (text.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::copy(text.begin(), text.end(), data);
  return text.size();
}
