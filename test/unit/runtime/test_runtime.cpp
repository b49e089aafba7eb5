// Tests of the runtime: ring buffers, spike timing through the Network with the built-in
// devices (SEMANTICS.md 2.2), delay rounding and input validation, min-delay slices, and
// the plastic synapse's treatment of postsynaptic spikes at the edges of the window
// (SEMANTICS.md 5.2). Expected numbers are derived by hand in the comments.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "jit/jit.h"
#include "nir/lower.h"
#include "runtime/loaded_model.h"
#include "runtime/network.h"
#include "runtime/node.h"
#include "runtime/moved_variables.h"
#include "runtime/plastic_synapse.h"
#include "runtime/ring_buffer.h"
#include "sema/model.h"
#include "support/diagnostic.h"
#include "syntax/parser.h"
#include "test_support.h"

using namespace nestjit;
using namespace nestjit::runtime;

namespace {

// Parses, checks, lowers and compiles the first model of `text`.
std::shared_ptr<LoadedModel> load(const std::string& text) {
  DiagnosticList diags;
  auto parsed = syntax::parse(make_source("t.nestml", text), diags);
  INFO(render(diags));
  REQUIRE(parsed.has_value());
  auto unit = std::make_unique<ast::CompilationUnit>(std::move(*parsed));
  auto checked = sema::check(*unit, {}, diags);
  REQUIRE_FALSE(diags.has_errors());
  std::shared_ptr<const nir::Model> ir = nir::lower(*checked.at(0), {}, diags);
  REQUIRE(ir);
  jit::CompileTimings timings;
  auto code = jit::compile(*ir, runtime_symbols(), diags, timings);
  REQUIRE(code);
  // The IR no longer refers to the AST once lowered; `unit` may go away.
  return std::make_shared<LoadedModel>(ir, code);
}

SpikeGenerator* add_generator(Network& net, NodeId& id, const std::vector<double>& times) {
  auto g = std::make_unique<SpikeGenerator>();
  SpikeGenerator* raw = g.get();
  raw->set_spike_times(times, net.resolution());
  id = net.add_node(std::move(g));
  return raw;
}

void connect(Network& net, NodeId from, NodeId to, double delay_ms, int receptor = 0) {
  StaticConnection c;
  c.source = from;
  c.target = to;
  c.delay_steps = net.delay_steps(delay_ms);
  c.receptor = receptor;
  net.connect_static(c);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

// ---- ring buffer ----

TEST_CASE("runtime: RingBuffer sums values per step and clears on take") {
  RingBuffer rb(5);
  rb.add(3, 1.5);
  rb.add(3, 2.0);
  rb.add(4, 7.0);
  CHECK(rb.peek(3) == 3.5);  // several values in one slot are summed
  CHECK(rb.take(3) == 3.5);
  CHECK(rb.take(3) == 0.0);  // reading cleared it
  CHECK(rb.peek(4) == 7.0);  // the neighbouring slot is untouched
  rb.clear();
  CHECK(rb.peek(4) == 0.0);
}

TEST_CASE("runtime: RingBuffer wraps around at its horizon") {
  // A horizon of 5 steps: at step k a value may be added for k .. k+5. Reading every step
  // in order for longer than the buffer keeps every value apart.
  RingBuffer rb(5);
  for (int64_t k = 0; k < 40; ++k) {
    rb.add(k + 5, double(k + 5));  // the farthest allowed slot
    if (k % 3 == 0) rb.add(k + 1, 1000.0);
    double expected = (k >= 5 ? double(k) : 0.0) + (k >= 1 && (k - 1) % 3 == 0 ? 1000.0 : 0.0);
    CAPTURE(k);
    CHECK(rb.take(k) == expected);
  }
  // resize only grows, and a grown buffer holds a larger horizon.
  rb.resize(20);
  rb.add(60, 1.0);
  rb.add(41, 2.0);
  CHECK(rb.take(41) == 2.0);
  CHECK(rb.take(60) == 1.0);
}

// ---- spike timing through the network ----

TEST_CASE("runtime: generator -> parrot -> recorder timing") {
  Network net(0.1);
  NodeId gen = 0;
  add_generator(net, gen, {10.0});
  NodeId parrot = net.add_node(std::make_unique<ParrotNeuron>());
  auto rec_owner = std::make_unique<SpikeRecorder>();
  SpikeRecorder* rec = rec_owner.get();
  NodeId recorder = net.add_node(std::move(rec_owner));
  connect(net, gen, parrot, 1.0);
  connect(net, gen, recorder, 1.0);
  connect(net, parrot, recorder, 1.0);
  net.simulate(20.0);
  // The generator's spike at 10.0 (step 100) reaches the parrot at step 100 + 10; the parrot
  // re-emits it stamped 11.0. Recorders record emission stamps, not arrival times.
  REQUIRE(rec->times.size() == 2);
  CHECK(rec->senders[0] == gen);
  CHECK(rec->times[0] == doctest::Approx(10.0));
  CHECK(rec->senders[1] == parrot);
  CHECK(rec->times[1] == doctest::Approx(11.0));
  const SpikeArchive* archive = net.node(parrot).spike_archive();
  REQUIRE(archive);
  REQUIRE(archive->size() == 1);
  CHECK((*archive)[0] == doctest::Approx(11.0));
  CHECK(net.time() == doctest::Approx(20.0));
}

TEST_CASE("runtime: delays are rounded to steps") {
  Network net(0.1);
  // NEST's delay_ms_to_steps rounds to the nearest step.
  CHECK(net.delay_steps(1.0) == 10);
  CHECK(net.delay_steps(1.04) == 10);
  CHECK(net.delay_steps(1.06) == 11);
  CHECK(net.delay_steps(0.1) == 1);
  CHECK(net.delay_steps(0.14) == 1);
  // Through the network: a 1.06 ms delay is 1.1 ms, so the parrot fires at 10 + 1.1.
  NodeId gen = 0;
  add_generator(net, gen, {10.0});
  NodeId parrot = net.add_node(std::make_unique<ParrotNeuron>());
  connect(net, gen, parrot, 1.06);
  net.simulate(15.0);
  const auto* archive = net.node(parrot).spike_archive();
  REQUIRE(archive->size() == 1);
  CHECK((*archive)[0] == doctest::Approx(11.1));
}

TEST_CASE("runtime: invalid delays and spike times throw with clear messages") {
  Network net(0.1);
  for (double bad : {0.0, 0.04, -1.0, std::nan("")}) {
    CAPTURE(bad);
    try {
      net.delay_steps(bad);
      FAIL("no exception");
    } catch (const std::invalid_argument& e) {
      CHECK(contains(e.what(), "delay"));
    }
  }
  SpikeGenerator g;
  // 10.05 ms is between grid points of a 0.1 ms grid.
  try {
    g.set_spike_times({10.05}, 0.1);
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    CHECK(contains(e.what(), "10.05"));
    CHECK(contains(e.what(), "grid"));
  }
  CHECK_THROWS_AS(g.set_spike_times({0.0}, 0.1), std::invalid_argument);
  CHECK_THROWS_AS(g.set_spike_times({-1.0}, 0.1), std::invalid_argument);
  CHECK_THROWS_AS(g.set_spike_times({5.0, 2.0}, 0.1), std::invalid_argument);
  CHECK_NOTHROW(g.set_spike_times({2.0, 2.0, 5.0}, 0.1));  // repeated times are allowed
  CHECK_THROWS_AS(Network(0.0), std::invalid_argument);
  CHECK_THROWS_AS(net.simulate(-1.0), std::invalid_argument);
  // 0.05 ms is not a whole number of 0.1 ms steps.
  try {
    net.simulate(0.05);
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    CHECK(contains(e.what(), "resolution"));
  }
}

TEST_CASE("runtime: simulation runs in min-delay slices and may end mid-slice") {
  Network net(0.1);
  NodeId gen = 0;
  add_generator(net, gen, {10.2, 10.5});
  auto rec_owner = std::make_unique<SpikeRecorder>();
  SpikeRecorder* rec = rec_owner.get();
  NodeId recorder = net.add_node(std::move(rec_owner));
  connect(net, gen, recorder, 1.0);
  net.simulate(10.3);
  CHECK(net.current_step() == 103);
  CHECK(net.time() == doctest::Approx(10.3));
  CHECK(net.min_delay() == 10);
  // The spike at 10.2 was emitted in the last (partial) slice 100..103 and delivered at its
  // end; the one at 10.5 has not been generated yet.
  REQUIRE(rec->times.size() == 1);
  CHECK(rec->times[0] == doctest::Approx(10.2));
  net.simulate(0.7);
  CHECK(net.current_step() == 110);
  REQUIRE(rec->times.size() == 2);
  CHECK(rec->times[1] == doctest::Approx(10.5));
  net.simulate(0.0);
  CHECK(net.current_step() == 110);
}

TEST_CASE("runtime: multiplicity of coincident generator spikes reaches the parrot") {
  Network net(0.1);
  NodeId gen = 0;
  add_generator(net, gen, {2.0, 2.0, 3.0});
  NodeId parrot = net.add_node(std::make_unique<ParrotNeuron>());
  auto rec_owner = std::make_unique<SpikeRecorder>();
  SpikeRecorder* rec = rec_owner.get();
  NodeId recorder = net.add_node(std::move(rec_owner));
  connect(net, gen, parrot, 0.5);
  connect(net, parrot, recorder, 0.5);
  // Receptor 1 of a parrot does not repeat spikes (NEST's parrot_neuron).
  connect(net, gen, parrot, 0.5, 1);
  net.simulate(5.0);
  // Two spikes at 2.0 -> parrot emits 2 at 2.5; one at 3.0 -> one at 3.5.
  REQUIRE(rec->times.size() == 3);
  CHECK(rec->times[0] == doctest::Approx(2.5));
  CHECK(rec->times[1] == doctest::Approx(2.5));
  CHECK(rec->times[2] == doctest::Approx(3.5));
}

// ---- plastic synapse: post spikes at the window edges ----

namespace {

// An all-to-all STDP synapse written like the seed's stdp_synapse (lambda 0.01, alpha 1,
// tau 20 ms for both traces, weight w starting at 1, delay d = 1 ms).
const char* kStdpSynapse =
    "model stdp_test_synapse:\n"
    "    parameters:\n"
    "        d ms = 1 ms\n"
    "        lambda real = 0.01\n"
    "        tau_tr_pre ms = 20 ms\n"
    "        tau_tr_post ms = 20 ms\n"
    "        alpha real = 1\n"
    "    state:\n"
    "        w real = 1\n"
    "    equations:\n"
    "        kernel pre_trace_kernel = exp(-t / tau_tr_pre)\n"
    "        inline pre_trace real = convolve(pre_trace_kernel, pre_spikes)\n"
    "        kernel post_trace_kernel = exp(-t / tau_tr_post)\n"
    "        inline post_trace real = convolve(post_trace_kernel, post_spikes)\n"
    "    input:\n"
    "        pre_spikes <- spike\n"
    "        post_spikes <- spike\n"
    "    output:\n"
    "        spike\n"
    "    onReceive(post_spikes):\n"
    "        w += lambda * pre_trace\n"
    "    onReceive(pre_spikes):\n"
    "        w -= alpha * lambda * post_trace\n"
    "        emit_spike(w, d)\n"
    "    update:\n"
    "        integrate_odes()\n";

// Pre spikes come straight from a generator through the plastic connection (delay 1 ms) to
// a parrot; the parrot's own spikes (the post spikes) are driven by a second generator one
// millisecond earlier through a 1 ms static connection. The synapse's spikes reach the
// parrot on receptor 1, so they are not repeated.
struct StdpSetup {
  Network net{0.1};
  NodeId pre_gen = 0, post_gen = 0, parrot = 0;
  size_t syn = 0;

  StdpSetup(std::shared_ptr<const LoadedModel> model, const std::vector<double>& pre,
            const std::vector<double>& post) {
    add_generator(net, pre_gen, pre);
    std::vector<double> drive;
    for (double t : post) drive.push_back(t - 1.0);
    add_generator(net, post_gen, drive);
    parrot = net.add_node(std::make_unique<ParrotNeuron>());
    connect(net, post_gen, parrot, 1.0);
    auto c = std::make_unique<PlasticConnection>(model, pre_gen, parrot, net.resolution());
    c->set_delay(1.0, net.delay_steps(1.0));
    c->receptor = 1;
    syn = net.connect_plastic(std::move(c));
  }
  double w() { return net.plastic(syn).get("w"); }
};

}  // namespace

TEST_CASE("runtime: plastic synapse, post spike exactly at t_pre - d") {
  auto model = load(kStdpSynapse);
  // Pre spikes at 5, 15 and 30 ms; one post spike at 14 ms = 15 - d.
  StdpSetup s(model, {5.0, 15.0, 30.0}, {14.0});
  CHECK(s.net.plastic(s.syn).get("weight") == 1.0);
  s.net.simulate(16.0);
  const auto* archive = s.net.node(s.parrot).spike_archive();
  REQUIRE(archive->size() == 1);
  CHECK((*archive)[0] == doctest::Approx(14.0));
  // Pre at 5: no post spike yet, post trace 0 -> no change; the pre trace becomes 1.
  // Pre at 15: the post spike at 14 = t_pre - d is handled BEFORE this pre spike: the
  // synapse integrates to 14 + d = 15 (pre trace 1 * e^{-10/20}) and potentiates by
  // lambda * e^{-0.5}, without the current pre spike's increment. Depression then reads the
  // post trace strictly before t_pre - d = 14, which does not contain the spike at 14: 0.
  const double after_second = 1.0 + 0.01 * std::exp(-0.5);
  CHECK(s.w() == doctest::Approx(after_second).epsilon(1e-12));
  s.net.simulate(20.0);
  // Pre at 30: the post spike is not handled again; depression reads the post trace at
  // 30 - d = 29: e^{-(29 - 14)/20} = e^{-0.75}.
  CHECK(s.w() == doctest::Approx(after_second - 0.01 * std::exp(-0.75)).epsilon(1e-12));
}

TEST_CASE("runtime: plastic synapse, post spike one step after t_pre - d") {
  auto model = load(kStdpSynapse);
  // Post spike at 14.1 ms: one step later than 15 - d.
  StdpSetup s(model, {5.0, 15.0, 30.0}, {14.1});
  s.net.simulate(16.0);
  const auto* archive = s.net.node(s.parrot).spike_archive();
  REQUIRE(archive->size() == 1);
  CHECK((*archive)[0] == doctest::Approx(14.1));
  // Pre at 15: 14.1 > t_pre - d, so the post spike is not handled yet and is not in the
  // post trace at 14: the weight is unchanged. The pre trace is now 1 + e^{-0.5} at 15.
  CHECK(s.w() == doctest::Approx(1.0).epsilon(1e-12));
  s.net.simulate(20.0);
  // Pre at 30: first the post spike at 14.1 is handled, at 14.1 + d = 15.1, where the pre
  // trace is (1 + e^{-0.5}) e^{-0.1/20}: w += 0.01 * that. Then depression with the post
  // trace at 29: e^{-(29 - 14.1)/20} = e^{-0.745}.
  const double expected =
      1.0 + 0.01 * (1.0 + std::exp(-0.5)) * std::exp(-0.005) - 0.01 * std::exp(-0.745);
  CHECK(s.w() == doctest::Approx(expected).epsilon(1e-12));
}

TEST_CASE("runtime: plastic synapse delivers its weight to the target after the delay") {
  auto model = load(kStdpSynapse);
  // A recorder would only show emission stamps, so use a parrot on receptor 0: it repeats
  // the synapse's spike in the step it arrives, t_pre + d = 5 + 1.
  Network net(0.1);
  NodeId gen = 0;
  add_generator(net, gen, {5.0});
  NodeId parrot = net.add_node(std::make_unique<ParrotNeuron>());
  auto c = std::make_unique<PlasticConnection>(model, gen, parrot, net.resolution());
  c->set_delay(1.0, net.delay_steps(1.0));
  net.connect_plastic(std::move(c));
  net.simulate(10.0);
  const auto* archive = net.node(parrot).spike_archive();
  REQUIRE(archive->size() == 1);
  CHECK((*archive)[0] == doctest::Approx(6.0));
}

TEST_CASE("runtime: the seed stdp_synapse gives the same window edge") {
  NESTJIT_REQUIRE_SHARED(path, "seed/stdp_synapse.nestml");
  auto model = load(test::read_text(path));
  StdpSetup s(model, {5.0, 15.0, 30.0}, {14.0});
  s.net.simulate(36.0);
  CHECK(s.w() == doctest::Approx(1.0 + 0.01 * std::exp(-0.5) - 0.01 * std::exp(-0.75)).epsilon(1e-12));
}

// ---- variables moved into the neuron, and the neuron's pruned spike history ----

namespace {

// The triplet rule's shape: tr_r* are driven by pre spikes, tr_o* only by post spikes;
// `gated` changes only under a condition, `reset` is set to 1 (nearest-neighbour style).
const char* kTracesSynapse =
    "model traces_synapse:\n"
    "    state:\n"
    "        w real = 1\n"
    "        tr_r real = 0\n"
    "        tr_o real = 0\n"
    "        reset real = 0\n"
    "        gated real = 0\n"
    "    parameters:\n"
    "        tau_r ms = 10 ms\n"
    "        tau_o ms = 30 ms\n"
    "    equations:\n"
    "        tr_r' = -tr_r / tau_r\n"
    "        tr_o' = -tr_o / tau_o\n"
    "        reset' = -reset / tau_o\n"
    "        gated' = -gated / tau_o\n"
    "    input:\n"
    "        pre_spikes <- spike\n"
    "        post_spikes <- spike\n"
    "    output:\n"
    "        spike\n"
    "    onReceive(post_spikes):\n"
    "        w += tr_r * tr_o\n"
    "        tr_o += 2\n"
    "        reset = 1\n"
    "        if w > 5:\n"
    "            gated += 1\n"
    "    onReceive(pre_spikes):\n"
    "        tr_r += 1\n"
    "        emit_spike(w)\n"
    "    update:\n"
    "        integrate_odes()\n";

}  // namespace

TEST_CASE("runtime: variables only post spikes drive are moved into the neuron") {
  auto model = load(kTracesSynapse);
  const auto rules = find_moved_variables(*model->ir);
  std::vector<std::string> names;
  for (const auto& r : rules) names.push_back(model->ir->slots[r.slot].name);
  // tr_r changes in the pre handler and gated only conditionally: both stay in the synapse.
  CHECK(names == std::vector<std::string>{"tr_o", "reset"});
  std::vector<double> slots;
  NjContext ctx{};
  model->initialise(slots, ctx, nullptr, 0.1);
  const auto set = instantiate(rules, slots.data());
  REQUIRE(set.size() == 2);
  CHECK(set[0].rate == doctest::Approx(-1.0 / 30.0).epsilon(1e-14));
  CHECK(set[0].jump == MovedVariable::Jump::Add);
  CHECK(set[0].amount == 2.0);
  CHECK(set[1].jump == MovedVariable::Jump::Set);
  CHECK(set[1].amount == 1.0);
}

TEST_CASE("runtime: spike archive values, getter before increment, pruning") {
  SpikeArchive a;
  MovedVariable tr;
  tr.rate = -1.0 / 20.0;
  tr.amount = 1.0;
  a.register_reader(-1.0, 1.0);  // one reader, delay 1 ms
  const int set = a.add_set(&a, {tr});
  auto spike = [&](double t) { a.record(std::llround(t / 0.1), t, 1.0); };
  spike(10.0);
  spike(40.0);
  // Just before the spike at 40: only the one at 10 counts; just after: both.
  CHECK(a.trace(set, 0, 400, 40.0) == doctest::Approx(std::exp(-30.0 / 20.0)).epsilon(1e-14));
  CHECK(a.trace(set, 0, 401, 40.1) ==
        doctest::Approx((std::exp(-30.0 / 20.0) + 1.0) * std::exp(-0.1 / 20.0)).epsilon(1e-14));
  // Unread entries are never dropped, however old.
  spike(100.0);
  CHECK(a.size() == 3);
  // Read (0, 50]: the spikes at 10 and 40.
  auto [b, e] = a.read(0, 500);
  CHECK(e - b == 2);
  // At 130: the entry at 10 is read and the next one (40) is more than max_delay + min_delay
  // = 2 ms before 130, so it goes; so does 40 (read; 100 is 30 ms before 130). The entry at
  // 100 is unread and stays.
  spike(130.0);
  REQUIRE(a.size() == 2);
  CHECK(a[0] == doctest::Approx(100.0));
  // With nothing before 100 left, the value just before 100 is the initial value (0)
  // propagated from 0: upstream's getter does the same on its pruned history.
  CHECK(a.trace(set, 0, 1000, 100.0) == 0.0);
  // The stored values still carry the whole past: just before 130 the spikes at 10, 40, 100.
  const double expected = std::exp(-120.0 / 20.0) + std::exp(-90.0 / 20.0) + std::exp(-30.0 / 20.0);
  CHECK(a.trace(set, 0, 1300, 130.0) == doctest::Approx(expected).epsilon(1e-13));
}

TEST_CASE("runtime: a neuron without plastic inputs keeps only its latest spike") {
  SpikeArchive a;
  for (int k = 1; k <= 100; ++k) a.record(k * 10, k * 1.0, 1.0);
  CHECK(a.size() == 1);
  CHECK(a[0] == doctest::Approx(100.0));
  CHECK(a.peak_size() == 1);
}

TEST_CASE("runtime: the plastic synapse's spike archive stays bounded over 10 s") {
  // Pre spikes every 50 ms, post spikes every 20 ms, one STDP connection, 10 s: 500 post
  // spikes. Each pre spike reads the post spikes since the last one, so the history holds
  // at most the post spikes of one 50 ms window plus the one before: about 4.
  auto model = load(kStdpSynapse);
  std::vector<double> pre, post;
  for (double t = 5.0; t < 10000.0; t += 50.0) pre.push_back(t);
  for (double t = 3.0; t < 10000.0; t += 20.0) post.push_back(t);
  StdpSetup s(model, pre, post);
  const SpikeArchive* archive = s.net.node(s.parrot).spike_archive();
  size_t worst = 0;
  for (int second = 0; second < 10; ++second) {
    s.net.simulate(1000.0);
    worst = std::max(worst, archive->peak_size());
    CHECK(archive->size() <= 5);
  }
  CHECK(worst <= 5);
  // Without pruning the history would hold all 500 post spikes. The weight kept changing.
  CHECK(std::isfinite(s.w()));
  CHECK(s.w() != 1.0);
}

TEST_CASE("runtime: plastic connections of one model share one pool of rows") {
  // 200 identical STDP connections (one generator, 200 parrots driven alike) are stored as
  // rows of one SynapsePool; the pool grows (and moves) while they are made, and each ends
  // with the weight a lone connection gets.
  auto model = load(kStdpSynapse);
  StdpSetup lone(model, {5.0, 15.0, 30.0}, {14.0});
  lone.net.simulate(36.0);

  StdpSetup s(model, {5.0, 15.0, 30.0}, {14.0});
  std::vector<size_t> syns{s.syn};
  for (int i = 1; i < 200; ++i) {
    NodeId parrot = s.net.add_node(std::make_unique<ParrotNeuron>());
    connect(s.net, s.post_gen, parrot, 1.0);
    auto c = std::make_unique<PlasticConnection>(model, s.pre_gen, parrot, s.net.resolution());
    c->set_delay(1.0, s.net.delay_steps(1.0));
    c->receptor = 1;
    syns.push_back(s.net.connect_plastic(std::move(c)));
  }
  SynapsePool& pool = s.net.synapse_pool(*model);
  CHECK(pool.size() == 200);
  CHECK(pool.row(1) - pool.row(0) == std::ptrdiff_t(model->ir->slots.size()));
  s.net.simulate(36.0);
  for (size_t i : syns) {
    CAPTURE(i);
    CHECK(s.net.plastic(i).get("w") == lone.w());
  }
  CHECK(lone.w() != 1.0);
  MESSAGE("sizeof(PlasticConnection) = " << sizeof(PlasticConnection) << " bytes, plus a row of "
                                         << pool.stride() << " doubles");
}

// ---- pooled neurons' spike archives ----

TEST_CASE("runtime: a pooled neuron's archive holds its latest spike, and every spike once read") {
  // A neuron that spikes every 25th step. Without readers, the pool keeps a pooled
  // neuron's latest spike itself (NeuronPool::emit) and writes it into the archive when
  // someone asks for it: the archive then looks as if each spike had been recorded there
  // (only the latest kept). A plastic connection made later reads the archive from then on.
  auto clock = load(
      "model clock_neuron:\n"
      "    state:\n"
      "        n integer = 0\n"
      "    input:\n"
      "        spikes <- spike\n"
      "    output:\n"
      "        spike\n"
      "    update:\n"
      "        n += 1\n"
      "        if n >= 25:\n"
      "            n = 0\n"
      "            emit_spike()\n");
  Network net(0.1);
  NodeId a = net.add_node(std::make_unique<JitNeuron>(clock, net.resolution()));
  NodeId b = net.add_node(std::make_unique<JitNeuron>(clock, net.resolution()));
  auto rec_owner = std::make_unique<SpikeRecorder>();
  SpikeRecorder* rec = rec_owner.get();
  NodeId recorder = net.add_node(std::move(rec_owner));
  connect(net, a, recorder, 1.0);
  connect(net, b, recorder, 1.0);
  net.simulate(20.0);
  // Each neuron at steps 25, 50, ..., 200 (2.5 .. 20 ms).
  REQUIRE(rec->times.size() == 16);
  CHECK(rec->times.back() == doctest::Approx(20.0));
  for (NodeId n : {a, b}) {
    const SpikeArchive* archive = net.node(n).spike_archive();
    REQUIRE(archive->size() == 1);
    CHECK((*archive)[0] == doctest::Approx(20.0));
  }
  // A plastic connection onto a (a generator that never fires): from now on every spike of
  // a stays (nothing has read them), b still keeps its latest only.
  NodeId gen = 0;
  add_generator(net, gen, {});
  auto c = std::make_unique<PlasticConnection>(load(kStdpSynapse), gen, a, net.resolution());
  c->set_delay(1.0, net.delay_steps(1.0));
  net.connect_plastic(std::move(c));
  net.simulate(10.0);
  const SpikeArchive* archive_a = net.node(a).spike_archive();
  REQUIRE(archive_a->size() == 5);  // 20 ms (kept) and 22.5, 25, 27.5, 30
  CHECK((*archive_a)[0] == doctest::Approx(20.0));
  CHECK((*archive_a)[4] == doctest::Approx(30.0));
  const SpikeArchive* archive_b = net.node(b).spike_archive();
  REQUIRE(archive_b->size() == 1);
  CHECK((*archive_b)[0] == doctest::Approx(30.0));
}
