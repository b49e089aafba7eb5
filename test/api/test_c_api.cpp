// The C API: status codes and last-error messages for every kind of misuse, diagnostics
// through the callback, the step callback, views, and equality with the C++ API.
#include <doctest/doctest.h>

#include <cstring>
#include <nestjit/c/nestjit.h>
#include <nestjit/nestjit.h>
#include <string>
#include <vector>

#include "embed_models.h"

namespace {

std::string last(nj_kernel* k) { return nj_last_error(k); }

struct Collected {
  std::vector<std::string> codes, rendered;
  std::vector<int> lines;
};

void collect(void* user, const nj_diagnostic* d) {
  auto* c = static_cast<Collected*>(user);
  c->codes.push_back(d->code);
  c->rendered.push_back(d->rendered);
  c->lines.push_back(d->line);
}

nj_kernel* new_kernel() {
  nj_kernel* k = nullptr;
  char err[200];
  REQUIRE(nj_kernel_new(0.1, &k, err, sizeof err) == NJ_OK);
  REQUIRE(nj_install_source(k, "noisy_leaky.nestml", embed_test::kNoisyLeaky, nullptr) == NJ_OK);
  return k;
}

}  // namespace

TEST_CASE("C: a kernel with a bad resolution is refused with a message") {
  nj_kernel* k = reinterpret_cast<nj_kernel*>(1);
  char err[200] = "";
  CHECK(nj_kernel_new(-0.1, &k, err, sizeof err) == NJ_ERROR);
  CHECK(k == nullptr);
  CHECK(std::string(err).find("resolution must be positive") != std::string::npos);
  CHECK(std::string(nj_version()) == "0.1.0");
}

TEST_CASE("C: install errors come through the diagnostic callback and the last error") {
  nj_kernel* k = nullptr;
  REQUIRE(nj_kernel_new(0.1, &k, nullptr, 0) == NJ_OK);
  Collected c;
  REQUIRE(nj_set_diagnostic_callback(k, collect, &c) == NJ_OK);
  std::string broken = embed_test::kNoisyLeaky;
  broken.replace(broken.find("    state:"), 10, "    state");
  CHECK(nj_install_source(k, "broken.nestml", broken.c_str(), nullptr) == NJ_ERROR_INSTALL);
  REQUIRE(!c.codes.empty());
  CHECK(c.codes[0] == "E-SYNTAX");
  CHECK(c.lines[0] == 7);
  CHECK(c.rendered[0].find("broken.nestml:7:") == 0);
  CHECK(last(k).find("broken.nestml:7:") == 0);
  CHECK(nj_install_file(k, "/nonexistent.nestml", nullptr) == NJ_ERROR_INSTALL);
  CHECK(last(k).find("/nonexistent.nestml") != std::string::npos);
  // Still usable.
  CHECK(nj_install_source(k, "ok.nestml", embed_test::kNoisyLeaky, nullptr) == NJ_OK);
  nj_kernel_free(k);
}

TEST_CASE("C: misuse returns a code and a message, never crashes, and the kernel goes on") {
  nj_kernel* k = new_kernel();
  uint64_t n = 0, sg = 0, dc = 0;
  CHECK(nj_create(k, "no_such_model", 1, &n) == NJ_ERROR);
  CHECK(last(k).find("unknown model 'no_such_model'") != std::string::npos);
  REQUIRE(nj_create(k, "noisy_leaky_neuron", 1, &n) == NJ_OK);
  REQUIRE(nj_create(k, "spike_generator", 1, &sg) == NJ_OK);
  REQUIRE(nj_create(k, "dc_generator", 1, &dc) == NJ_OK);
  CHECK(nj_set_double(k, n, "no_such_parameter", 1.0) == NJ_ERROR);
  CHECK(last(k).find("no parameter or state variable 'no_such_parameter'") != std::string::npos);
  const char* names[] = {"V_m"};
  CHECK(nj_set_strings(k, n, "tau", names, 1) == NJ_ERROR);
  CHECK(last(k).find("parameter 'tau' needs a number") != std::string::npos);
  double v = 0;
  CHECK(nj_get_double(k, n, "nope", &v) == NJ_ERROR);
  CHECK(last(k).find("has no variable 'nope'") != std::string::npos);
  nj_syn_spec spec;
  nj_syn_spec_init(&spec);
  spec.receptor_type = 2;
  CHECK(nj_connect(k, sg, 1, n, 1, NJ_ALL_TO_ALL, &spec) == NJ_ERROR);
  CHECK(last(k).find("receptor_type 2 does not exist") != std::string::npos);
  CHECK(nj_connect(k, sg, 1, dc, 1, NJ_ALL_TO_ALL, nullptr) == NJ_ERROR);
  CHECK(last(k).find("takes no input") != std::string::npos);
  CHECK(nj_connect(k, sg, 1, n, 1, static_cast<nj_rule>(7), nullptr) == NJ_ERROR);
  CHECK(nj_simulate(k, -1.0) == NJ_ERROR);
  CHECK(last(k).find("non-negative") != std::string::npos);
  CHECK(nj_simulate(k, 0.25) == NJ_ERROR);
  CHECK(last(k).find("not a multiple of the resolution") != std::string::npos);
  CHECK(nj_create(k, nullptr, 1, &n) == NJ_ERROR_ARGUMENT);
  CHECK(last(k) == "model and first must not be NULL");
  CHECK(nj_simulate(nullptr, 1.0) == NJ_ERROR_ARGUMENT);
  CHECK(nj_reset(k) == NJ_OK);
  CHECK(nj_get_double(k, n, "V_m", &v) == NJ_ERROR);
  CHECK(last(k).find("there is no node with id 1") != std::string::npos);
  REQUIRE(nj_create(k, "noisy_leaky_neuron", 1, &n) == NJ_OK);
  CHECK(nj_simulate(k, 1.0) == NJ_OK);
  double t = 0;
  CHECK(nj_time(k, &t) == NJ_OK);
  CHECK(t == doctest::Approx(1.0));
  nj_kernel_free(k);
}

namespace {

struct Loop {
  uint64_t neuron;
  int calls = 0;
  int stop_after = 1000;
  nj_status refused = NJ_OK;
  std::string refused_message;
  std::vector<double> v;
};

int controller(nj_kernel* k, void* user) {
  auto* loop = static_cast<Loop*>(user);
  double v = 0;
  if (nj_get_double(k, loop->neuron, "V_m", &v) != NJ_OK) return 1;
  loop->v.push_back(v);
  nj_inject_current(k, loop->neuron, 300.0 + 20.0 * (-60.0 - v), nullptr);
  if (++loop->calls == 2) {
    loop->refused = nj_simulate(k, 1.0);  // forbidden inside the callback
    loop->refused_message = nj_last_error(k);
  }
  return loop->calls >= loop->stop_after ? 1 : 0;
}

}  // namespace

TEST_CASE("C: the step callback drives a closed loop exactly as the C++ API does") {
  nj_kernel* k = new_kernel();
  Loop loop;
  REQUIRE(nj_create(k, "noisy_leaky_neuron", 1, &loop.neuron) == NJ_OK);
  REQUIRE(nj_set_step_callback(k, controller, &loop, 1.0) == NJ_OK);
  REQUIRE(nj_simulate(k, 50.0) == NJ_OK);
  CHECK(loop.calls == 50);
  CHECK(loop.refused == NJ_ERROR_CALLBACK);
  CHECK(loop.refused_message.find("simulate() cannot be called from inside a step callback") == 0);
  // The same loop in C++.
  nestjit::Kernel cpp;
  REQUIRE(cpp.install_source("noisy_leaky.nestml", embed_test::kNoisyLeaky).ok);
  auto n = cpp.create("noisy_leaky_neuron");
  std::vector<double> v;
  cpp.set_step_callback([&](nestjit::Kernel& kk) {
    const double vm = kk.get_status(n[0]).at("V_m");
    v.push_back(vm);
    kk.inject_current(n[0], 300.0 + 20.0 * (-60.0 - vm));
  }, 1.0);
  cpp.simulate(50.0);
  CHECK(v == loop.v);
  // A callback that returns nonzero stops the simulation with NJ_ERROR_CALLBACK.
  loop.stop_after = loop.calls + 3;
  CHECK(nj_simulate(k, 50.0) == NJ_ERROR_CALLBACK);
  CHECK(last(k).find("the step callback stopped the simulation at t = 53") == 0);
  double t = 0;
  nj_time(k, &t);
  CHECK(t == doctest::Approx(53.0));
  REQUIRE(nj_set_step_callback(k, nullptr, nullptr, 0) == NJ_OK);
  CHECK(nj_simulate(k, 7.0) == NJ_OK);
  nj_kernel_free(k);
}

TEST_CASE("C: recordings as views and connections by handle") {
  nj_kernel* k = new_kernel();
  REQUIRE(nj_install_source(k, "counting.nestml", embed_test::kCountingSynapse, nullptr) == NJ_OK);
  uint64_t sg, pre, post, sr, mm;
  REQUIRE(nj_create(k, "spike_generator", 1, &sg) == NJ_OK);
  REQUIRE(nj_create(k, "parrot_neuron", 1, &pre) == NJ_OK);
  REQUIRE(nj_create(k, "noisy_leaky_neuron", 1, &post) == NJ_OK);
  REQUIRE(nj_create(k, "spike_recorder", 1, &sr) == NJ_OK);
  REQUIRE(nj_create(k, "multimeter", 1, &mm) == NJ_OK);
  const double times[] = {5.0, 10.0, 15.0};
  REQUIRE(nj_set_doubles(k, sg, "spike_times", times, 3) == NJ_OK);
  const char* rec[] = {"V_m"};
  REQUIRE(nj_set_strings(k, mm, "record_from", rec, 1) == NJ_OK);
  nj_syn_spec spec;
  nj_syn_spec_init(&spec);
  spec.synapse_model = "counting_synapse";
  spec.has_weight = 1;
  spec.weight = 20.0;
  REQUIRE(nj_connect(k, sg, 1, pre, 1, NJ_ALL_TO_ALL, nullptr) == NJ_OK);
  REQUIRE(nj_connect(k, pre, 1, post, 1, NJ_ALL_TO_ALL, &spec) == NJ_OK);
  REQUIRE(nj_connect(k, post, 1, sr, 1, NJ_ALL_TO_ALL, nullptr) == NJ_OK);
  REQUIRE(nj_connect(k, mm, 1, post, 1, NJ_ALL_TO_ALL, nullptr) == NJ_OK);
  REQUIRE(nj_simulate(k, 30.0) == NJ_OK);
  const uint64_t* senders;
  const double* spike_times;
  size_t count = 0;
  REQUIRE(nj_spike_events(k, sr, &senders, &spike_times, &count) == NJ_OK);
  CHECK(count == 3);  // 20 mV kicks: every one fires the neuron
  if (count) CHECK(senders[0] == post);
  const double *mt, *mv;
  const uint64_t* ms;
  REQUIRE(nj_multimeter_series(k, mm, "V_m", &mt, &ms, &mv, &count) == NJ_OK);
  CHECK(count == 29);  // 1 .. 29 ms delivered (the last slice arrives with the next simulate)
  CHECK(nj_multimeter_series(k, mm, "U_m", &mt, &ms, &mv, &count) == NJ_ERROR);
  nj_connections* c = nullptr;
  REQUIRE(nj_get_connections(k, pre, 1, 0, 0, "counting_synapse", &c) == NJ_OK);
  CHECK(nj_connections_size(c) == 1);
  double values[2];
  REQUIRE(nj_connections_get(c, "n", values, 2, &count) == NJ_OK);
  CHECK(count == 1);
  CHECK(values[0] == 3.0);
  CHECK(nj_connections_get(c, "n", values, 0, &count) == NJ_ERROR_ARGUMENT);
  CHECK(nj_connections_get(c, "nope", values, 2, &count) == NJ_ERROR);
  CHECK(nj_connections_set(c, "w", 2.0) == NJ_OK);
  REQUIRE(nj_reset(k) == NJ_OK);
  CHECK(nj_connections_get(c, "n", values, 2, &count) == NJ_ERROR);
  CHECK(last(k).find("selected before reset()") != std::string::npos);
  nj_connections_free(c);
  nj_kernel_free(k);
}
