// The pool engine (runtime/neuron_pool.h): instances of a model advance together in one
// compiled loop, but in node order and with their input kept across a rebuild, so a
// network behaves exactly as when every neuron was its own object.
#include <doctest/doctest.h>

#include <nestjit/nestjit.h>

namespace {

const std::string kIafExp = NESTJIT_SHARED_DIR "/corpus/models/neurons/iaf_psc_exp_neuron.nestml";
const std::string kIafAlpha = NESTJIT_SHARED_DIR "/corpus/models/neurons/iaf_psc_alpha_neuron.nestml";

bool have_corpus() {
  if (std::FILE* f = std::fopen(kIafExp.c_str(), "r")) {
    std::fclose(f);
    return true;
  }
  MESSAGE("skipped: ../shared/corpus is absent");
  return false;
}

struct Outcome {
  std::vector<double> v_m, spike_times;
  std::vector<uint64_t> senders;
};

// Two neurons in a chain driven by spikes that are still in flight at t = 10 ms; the
// extra neuron is created before the run, between the two simulate calls, or never; or a
// silent generator is connected between them with a longer delay (the rings grow).
enum class Extra { None, Before, Between, LongerDelay };
Outcome chain(Extra extra) {
  nestjit::Kernel k;
  REQUIRE(k.install_file(kIafExp).ok);
  auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{2.0, 9.0, 9.9, 20.0}}});
  auto n = k.create("iaf_psc_exp_neuron", 2, {{"I_e", 300.0}});
  if (extra == Extra::Before) k.create("iaf_psc_exp_neuron");
  auto sr = k.create("spike_recorder");
  nestjit::SynSpec strong;
  strong.weight = 3000.0;
  strong.delay = 4.0;  // the spikes at 9 and 9.5 ms arrive after the first simulate
  k.connect(sg, {n.first, 1}, nestjit::ConnRule::all_to_all, strong);
  nestjit::SynSpec inh;
  inh.weight = -300.0;
  inh.delay = 1.0;
  k.connect({n.first, 1}, {n.first + 1, 1}, nestjit::ConnRule::all_to_all, inh);
  k.connect(n, sr);
  k.simulate(10.0);
  if (extra == Extra::Between) k.create("iaf_psc_exp_neuron");  // the pool is rebuilt
  if (extra == Extra::LongerDelay) {
    auto silent = k.create("spike_generator");
    nestjit::SynSpec slow;
    slow.delay = 8.0;
    k.connect(silent, {n.first + 1, 1}, nestjit::ConnRule::all_to_all, slow);
  }
  k.simulate(40.0);
  Outcome o;
  for (size_t i = 0; i < 2; ++i) o.v_m.push_back(k.get_status(n[i]).at("V_m"));
  auto ev = k.spike_events(sr[0]);
  o.spike_times = ev.times;
  o.senders = ev.senders;
  return o;
}

}  // namespace

TEST_CASE("pools: a pool rebuilt between simulates keeps state and the spikes in flight") {
  // (With per-neuron ring buffers, rings that grew started empty: spikes in flight were lost.)
  if (!have_corpus()) return;
  const Outcome plain = chain(Extra::None);
  REQUIRE(plain.spike_times.size() >= 3);  // each kick makes neuron 1 fire
  for (Extra e : {Extra::Before, Extra::Between, Extra::LongerDelay}) {
    const Outcome o = chain(e);
    CHECK(o.v_m == plain.v_m);  // bit for bit
    CHECK(o.spike_times == plain.spike_times);
    CHECK(o.senders == plain.senders);
  }
}

TEST_CASE("pools: nodes of interleaved models are still updated in node order") {
  if (!have_corpus()) return;
  nestjit::Kernel k;
  REQUIRE(k.install_file(kIafExp).ok);
  REQUIRE(k.install_file(kIafAlpha).ok);
  auto a = k.create("iaf_psc_exp_neuron");
  auto b = k.create("iaf_psc_alpha_neuron");
  auto c = k.create("iaf_psc_exp_neuron");  // same pool as a, after b in node order
  auto mm = k.create("multimeter", 1, {{"interval", 0.1}, {"record_from", std::vector<std::string>{"V_m"}}});
  k.connect(mm, a);
  k.connect(mm, b);
  k.connect(mm, c);
  k.simulate(3.0);
  const auto ev = k.multimeter_events(mm[0]);
  // Without connections a slice is 1 ms (10 steps): each node's 10 samples, in node order.
  REQUIRE(ev.senders.size() >= 30);
  for (size_t i = 0; i < 30; ++i) CHECK(ev.senders[i] == std::vector<uint64_t>{a[0], b[0], c[0]}[i / 10]);
}

TEST_CASE("pools: spikes of weight 0 still arrive, in flight across a rebuild too") {
  // The loop reads a step's spike cells only when a delivery flagged them (NjPoolSlice::
  // arrived); a weight-0 spike leaves the summed weight 0 but must still run onReceive, and
  // a rebuilt pool derives the flags from the cells it carries over.
  nestjit::Kernel k;
  REQUIRE(k.install_source("counter.nestml",
                           "model counter_neuron:\n"
                           "    state:\n"
                           "        n real = 0\n"
                           "    input:\n"
                           "        spikes <- spike\n"
                           "    output:\n"
                           "        spike\n"
                           "    onReceive(spikes):\n"
                           "        n += 1\n"
                           "    update:\n"
                           "        n += 0\n")
              .ok);
  auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0, 2.0, 9.0}}});
  auto c = k.create("counter_neuron");
  nestjit::SynSpec zero;
  zero.weight = 0.0;
  zero.delay = 4.0;
  k.connect(sg, c, nestjit::ConnRule::all_to_all, zero);
  k.simulate(5.5);  // the spike of 1 ms has arrived (5 ms), the one of 2 ms is in flight
  CHECK(k.get_status(c[0]).at("n") == 1.0);
  k.create("counter_neuron");  // the pool is rebuilt before the next simulate
  k.simulate(10.0);
  CHECK(k.get_status(c[0]).at("n") == 3.0);
}

TEST_CASE("pools: currents in flight survive a rebuild (their arrival flags are rebuilt)") {
  // A dc_generator's current reaches the neuron 4 ms after it is sent; the neuron sums what
  // it receives. A pool rebuilt while 4 ms of current is in flight must give the same sum
  // as a run without the rebuild.
  auto run = [](bool rebuild) {
    nestjit::Kernel k;
    REQUIRE(k.install_source("integrator.nestml",
                             "model integrator_neuron:\n"
                             "    state:\n"
                             "        q real = 0\n"
                             "    input:\n"
                             "        I pA <- continuous\n"
                             "    output:\n"
                             "        spike\n"
                             "    update:\n"
                             "        q += I / pA\n")
                .ok);
    auto dc = k.create("dc_generator", 1, {{"amplitude", 1.5}, {"start", 2.0}});
    auto n = k.create("integrator_neuron");
    nestjit::SynSpec slow;
    slow.delay = 4.0;
    k.connect(dc, n, nestjit::ConnRule::all_to_all, slow);
    k.simulate(5.0);
    if (rebuild) k.create("integrator_neuron");
    k.simulate(10.0);
    return k.get_status(n[0]).at("q");
  };
  const double plain = run(false);
  CHECK(plain > 0.0);
  CHECK(run(true) == plain);
}
