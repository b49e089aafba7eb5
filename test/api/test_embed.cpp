// The embedding API: closed-loop stepping with a callback, host input, what a callback may
// call, misuse errors, views of recorded data, reload, and compiled code shared by kernels.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nestjit/nestjit.h>
#include <vector>

#include "embed_models.h"

namespace {

using embed_test::kNoisyLeaky;

void install(nestjit::Kernel& k) {
  auto r = k.install_source("noisy_leaky.nestml", kNoisyLeaky);
  REQUIRE_MESSAGE(r.ok, r.report());
}

// V_m of `node` after every callback, plus the spike times, for a run of `ms`.
struct Trace {
  std::vector<double> v;
  std::vector<double> spikes;
};

}  // namespace

TEST_CASE("the step callback runs at every multiple of its interval, in simulate, run_until and step") {
  nestjit::Kernel k;
  install(k);
  k.create("noisy_leaky_neuron");
  std::vector<double> times;
  k.set_step_callback([&](nestjit::Kernel& kk) {
    CHECK(kk.in_step_callback());
    times.push_back(kk.time());
  }, 2.5);
  CHECK_FALSE(k.in_step_callback());
  k.simulate(6.0);     // 2.5, 5.0
  k.run_until(10.0);   // 7.5, 10.0
  k.step(26);          // 12.5 (10.0 + 2.6 ms)
  REQUIRE(times.size() == 5);
  CHECK(times[0] == doctest::Approx(2.5));
  CHECK(times[1] == doctest::Approx(5.0));
  CHECK(times[2] == doctest::Approx(7.5));
  CHECK(times[3] == doctest::Approx(10.0));
  CHECK(times[4] == doctest::Approx(12.5));
  CHECK(k.time() == doctest::Approx(12.6));
  k.clear_step_callback();
  k.simulate(5.0);
  CHECK(times.size() == 5);
  CHECK_THROWS_WITH_AS(k.set_step_callback([](nestjit::Kernel&) {}, 0.25),
                       doctest::Contains("not a multiple of the resolution"), nestjit::Error);
  CHECK_THROWS_WITH_AS(k.set_step_callback([](nestjit::Kernel&) {}, -1.0),
                       doctest::Contains("must be positive"), nestjit::Error);
}

TEST_CASE("simulating in callback pieces gives bit-identical results to one simulate") {
  auto run = [](bool with_callback) {
    nestjit::Kernel k;
    install(k);
    auto n = k.create("noisy_leaky_neuron", 1, {{"noise_mV", 0.5}});
    auto dc = k.create("dc_generator", 1, {{"amplitude", 400.0}});
    auto sr = k.create("spike_recorder");
    k.connect(dc, n);
    k.connect(n, sr);
    if (with_callback) k.set_step_callback([](nestjit::Kernel&) {}, 0.3);
    k.simulate(200.0);
    return std::make_pair(k.get_status(n[0]).at("V_m"), k.spike_events(sr[0]).times);
  };
  auto whole = run(false), pieces = run(true);
  REQUIRE(whole.second.size() > 5);
  CHECK(whole.first == pieces.first);
  CHECK(whole.second == pieces.second);
}

TEST_CASE("inject_current acts exactly as a dc_generator over a one-step connection") {
  // The host's rule: a current that depends on the V_m it reads, set every millisecond.
  auto rule = [](double v) { return 300.0 + 20.0 * (-60.0 - v); };
  auto host_run = [&] {
    nestjit::Kernel k;
    install(k);
    auto n = k.create("noisy_leaky_neuron");
    Trace t;
    k.set_step_callback([&](nestjit::Kernel& kk) {
      const double v = kk.get_status(n[0]).at("V_m");
      t.v.push_back(v);
      kk.inject_current(n[0], rule(v));
    }, 1.0);
    k.simulate(100.0);
    return t;
  };
  auto device_run = [&] {
    nestjit::Kernel k;
    install(k);
    auto n = k.create("noisy_leaky_neuron");
    auto dc = k.create("dc_generator");
    nestjit::SynSpec one_step;
    one_step.delay = 0.1;
    k.connect(dc, n, nestjit::ConnRule::all_to_all, one_step);
    Trace t;
    k.set_step_callback([&](nestjit::Kernel& kk) {
      const double v = kk.get_status(n[0]).at("V_m");
      t.v.push_back(v);
      kk.set_status(dc, {{"amplitude", rule(v)}});
    }, 1.0);
    k.simulate(100.0);
    return t;
  };
  Trace a = host_run(), b = device_run();
  REQUIRE(a.v.size() == 100);
  CHECK(a.v == b.v);
  // The current did something: V_m left rest.
  CHECK(a.v.back() != doctest::Approx(-70.0));
}

TEST_CASE("inject_spike acts exactly as a spike sent now over a one-step connection") {
  auto v_after = [](bool host) {
    nestjit::Kernel k;
    install(k);
    auto n = k.create("noisy_leaky_neuron");
    if (host) {
      k.simulate(5.0);
      k.inject_spike(n[0], 4.0);
    } else {
      auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{5.0}}});
      nestjit::SynSpec s;
      s.weight = 4.0;
      s.delay = 0.1;
      k.connect(sg, n, nestjit::ConnRule::all_to_all, s);
      k.simulate(5.0);
    }
    k.simulate(2.0);
    return k.get_status(n[0]).at("V_m");
  };
  const double host = v_after(true);
  CHECK(host == v_after(false));
  CHECK(host == doctest::Approx(-70.0 + 4.0 * std::exp(-1.9 / 10.0)).epsilon(1e-9));
}

TEST_CASE("a step callback may read and act, but not restructure or re-enter the kernel") {
  nestjit::Kernel k;
  install(k);
  auto n = k.create("noisy_leaky_neuron");
  auto sr = k.create("spike_recorder");
  k.connect(n, sr);
  std::vector<std::string> refused;
  int calls = 0;
  k.set_step_callback([&](nestjit::Kernel& kk) {
    ++calls;
    // Allowed: reading, set_status, host input.
    kk.get_status(n[0]);
    kk.spike_events_view(sr[0]);
    kk.set_status(n, {{"tau", 12.0}});
    kk.inject_current(n[0], 10.0);
    auto refuse = [&](auto&& call) {
      try {
        call();
      } catch (const nestjit::CallbackError& e) {
        refused.push_back(e.what());
      }
    };
    refuse([&] { kk.simulate(1.0); });
    refuse([&] { kk.run_until(100.0); });
    refuse([&] { kk.step(); });
    refuse([&] { kk.reset(); });
    refuse([&] { kk.create("noisy_leaky_neuron"); });
    refuse([&] { kk.connect(n, sr); });
    refuse([&] { kk.install_source("x.nestml", kNoisyLeaky); });
    refuse([&] { kk.set_step_callback([](nestjit::Kernel&) {}, 1.0); });
  }, 1.0);
  k.simulate(3.0);
  CHECK(calls == 3);
  REQUIRE(refused.size() == 3 * 8);
  CHECK(refused[0].find("simulate() cannot be called from inside a step callback") == 0);
  CHECK(refused[3].find("reset()") == 0);
  CHECK(refused[5].find("connect()") == 0);
  // The kernel went on and is usable: still 2 nodes, time advanced, tau set.
  CHECK(k.time() == doctest::Approx(3.0));
  CHECK(k.get_status(n[0]).at("tau") == 12.0);
  CHECK_THROWS_AS(k.get_status(3), nestjit::Error);
  k.clear_step_callback();
  k.simulate(1.0);
  CHECK(k.time() == doctest::Approx(4.0));
}

TEST_CASE("an exception from the callback ends simulate at the callback's time; the kernel goes on") {
  nestjit::Kernel k;
  install(k);
  k.create("noisy_leaky_neuron");
  k.set_step_callback([](nestjit::Kernel& kk) {
    if (kk.time() > 4.5) throw std::runtime_error("host says stop");
  }, 1.0);
  CHECK_THROWS_WITH(k.simulate(10.0), "host says stop");
  CHECK(k.time() == doctest::Approx(5.0));
  k.clear_step_callback();
  k.simulate(5.0);
  CHECK(k.time() == doctest::Approx(10.0));
}

TEST_CASE("misuse gives a clear nestjit::Error and leaves the kernel usable") {
  nestjit::Kernel k;
  install(k);
  auto n = k.create("noisy_leaky_neuron");
  CHECK_THROWS_WITH_AS(k.create("no_such_neuron"), doctest::Contains("unknown model 'no_such_neuron'"),
                       nestjit::Error);
  CHECK_THROWS_WITH_AS(k.set_status(n, {{"no_such_parameter", 1.0}}),
                       doctest::Contains("has no parameter or state variable 'no_such_parameter'"),
                       nestjit::Error);
  CHECK_THROWS_WITH_AS(k.set_status(n, {{"tau", std::string("long")}}),
                       doctest::Contains("parameter 'tau' needs a number"), nestjit::Error);
  // Incompatible ports.
  auto sg = k.create("spike_generator");
  auto dc = k.create("dc_generator");
  auto parrot = k.create("parrot_neuron");
  auto sr = k.create("spike_recorder");
  nestjit::SynSpec receptor3;
  receptor3.receptor_type = 3;
  CHECK_THROWS_WITH_AS(k.connect(sg, n, nestjit::ConnRule::all_to_all, receptor3),
                       doctest::Contains("cannot connect spike_generator #2 to noisy_leaky_neuron #1: noisy_leaky_neuron has spike receptors 0; receptor_type 3 does not exist"),
                       nestjit::Error);
  CHECK_THROWS_WITH_AS(k.connect(sg, dc), doctest::Contains("a dc_generator takes no input"),
                       nestjit::Error);
  CHECK_THROWS_WITH_AS(k.connect(dc, parrot),
                       doctest::Contains("cannot connect dc_generator #3 to parrot_neuron #4: a parrot_neuron takes no current"),
                       nestjit::Error);
  nestjit::SynSpec port1;
  port1.receptor_type = 1;
  CHECK_THROWS_WITH_AS(k.connect(dc, n, nestjit::ConnRule::all_to_all, port1),
                       doctest::Contains("cannot connect dc_generator #3 to noisy_leaky_neuron #1: noisy_leaky_neuron has 1 continuous input port(s); receptor_type 1 does not exist"),
                       nestjit::Error);
  CHECK_THROWS_WITH_AS(k.connect(sr, n), doctest::Contains("a spike_recorder only receives"),
                       nestjit::Error);
  CHECK_THROWS_WITH_AS(k.inject_current(n[0], 1.0, "I_syn"),
                       doctest::Contains("no continuous input port 'I_syn' (ports: I_in)"), nestjit::Error);
  CHECK_THROWS_WITH_AS(k.inject_current(sr[0], 1.0), doctest::Contains("not a NESTML neuron"),
                       nestjit::Error);
  CHECK_THROWS_WITH_AS(k.inject_spike(n[0], 1.0, 2), doctest::Contains("has no receptor 2"),
                       nestjit::Error);
  // Time: negative, off the grid, in the past, not finite.
  CHECK_THROWS_WITH_AS(k.simulate(-1.0), doctest::Contains("must be a non-negative number"),
                       nestjit::Error);
  CHECK_THROWS_WITH_AS(k.simulate(1.05), doctest::Contains("1.05 ms is not a multiple of the resolution 0.1 ms"),
                       nestjit::Error);
  k.simulate(2.0);
  CHECK_THROWS_WITH_AS(k.run_until(1.0), doctest::Contains("before the current time 2 ms"),
                       nestjit::Error);
  CHECK_THROWS_AS(k.run_until(std::nan("")), nestjit::Error);
  // Node ids and connections after reset.
  auto old_nodes = n;
  k.connect(sg, n);
  k.reset();
  CHECK_THROWS_WITH_AS(k.set_status(old_nodes, {{"tau", 5.0}}),
                       doctest::Contains("come from before reset() or from another kernel"),
                       nestjit::Error);
  CHECK_THROWS_WITH_AS(k.get_status(old_nodes[0]), doctest::Contains("there is no node with id 1"),
                       nestjit::Error);
  auto fresh = k.create("noisy_leaky_neuron");
  CHECK(fresh[0] == old_nodes[0]);  // ids are reused (as in NEST) ...
  CHECK_THROWS_AS(k.connect(old_nodes, fresh), nestjit::Error);  // ... but old handles are not
  nestjit::Kernel other;
  install(other);
  CHECK_THROWS_WITH_AS(other.set_status(fresh, {{"tau", 5.0}}),
                       doctest::Contains("from another kernel"), nestjit::Error);
  // Still usable after every one of these.
  k.simulate(1.0);
  CHECK(k.time() == doctest::Approx(1.0));
  CHECK(k.get_status(fresh[0]).at("V_m") == -70.0);
}

TEST_CASE("Connections from before reset() are refused, not read out of the new network") {
  nestjit::Kernel k;
  auto r = k.install_source("counting.nestml", embed_test::kCountingSynapse);
  REQUIRE_MESSAGE(r.ok, r.report());
  auto a = k.create("parrot_neuron"), b = k.create("parrot_neuron");
  nestjit::SynSpec s;
  s.synapse_model = "counting_synapse";
  k.connect(a, b, nestjit::ConnRule::all_to_all, s);
  auto conns = k.get_connections(a);
  REQUIRE(conns.size() == 1);
  CHECK(conns.get("n") == std::vector<double>{0.0});
  k.reset();
  CHECK_THROWS_WITH_AS(conns.get("n"), doctest::Contains("selected before reset()"), nestjit::Error);
  CHECK_THROWS_AS(conns.set("w", 2.0), nestjit::Error);
}

TEST_CASE("views of recorded data equal the copies, without copying") {
  nestjit::Kernel k;
  install(k);
  auto n = k.create("noisy_leaky_neuron", 2, {{"noise_mV", 1.0}});
  auto dc = k.create("dc_generator", 1, {{"amplitude", 450.0}});
  auto sr = k.create("spike_recorder");
  auto mm = k.create("multimeter", 1,
                     {{"record_from", std::vector<std::string>{"V_m"}}, {"interval", 0.5}});
  k.connect(dc, n);
  k.connect(n, sr);
  k.connect(mm, n);
  k.simulate(100.0);
  auto copy = k.spike_events(sr[0]);
  auto view = k.spike_events_view(sr[0]);
  REQUIRE(copy.times.size() > 5);
  CHECK(std::vector<double>(view.times.begin(), view.times.end()) == copy.times);
  CHECK(std::vector<uint64_t>(view.senders.begin(), view.senders.end()) == copy.senders);
  auto mcopy = k.multimeter_events(mm[0]);
  auto mview = k.multimeter_events_view(mm[0]);
  REQUIRE(mcopy.times.size() > 100);
  CHECK(std::vector<double>(mview.times.begin(), mview.times.end()) == mcopy.times);
  CHECK(std::vector<double>(mview["V_m"].begin(), mview["V_m"].end()) == mcopy.values["V_m"]);
  CHECK(mview.names == std::vector<std::string>{"V_m"});
  CHECK_THROWS_WITH_AS(mview["U_m"], doctest::Contains("does not record 'U_m'"), nestjit::Error);
  CHECK_THROWS_AS(k.spike_events_view(mm[0]), nestjit::Error);
}

TEST_CASE("reload installs the edited file again; existing nodes keep their code") {
  auto dir = std::filesystem::temp_directory_path() / "nestjit_reload_test";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "noisy_leaky.nestml").string();
  auto write = [&](const std::string& text) { std::ofstream(path) << text; };
  write(kNoisyLeaky);
  nestjit::Kernel k;
  nestjit::InstallOptions opts;
  opts.numeric_solver = "rk45";
  REQUIRE(k.install_file(path, opts).ok);
  auto before = k.create("noisy_leaky_neuron");
  std::string edited = kNoisyLeaky;
  edited.replace(edited.find("V_th mV = -55 mV"), 16, "V_th mV = -50 mV");
  write(edited);
  auto r = k.reload("noisy_leaky_neuron");
  REQUIRE_MESSAGE(r.ok, r.report());
  CHECK(k.get_default("noisy_leaky_neuron", "V_th") == -50.0);
  CHECK(k.model_info("noisy_leaky_neuron").numeric_solver == "rk45");  // options kept
  auto after = k.create("noisy_leaky_neuron");
  CHECK(k.get_status(before[0]).at("V_th") == -55.0);
  CHECK(k.get_status(after[0]).at("V_th") == -50.0);
  // A broken edit: diagnostics, and the last good model stays installed.
  write("model noisy_leaky_neuron:\n    state\n");
  auto bad = k.reload("noisy_leaky_neuron");
  CHECK_FALSE(bad.ok);
  CHECK(bad.report().find("noisy_leaky.nestml:2:") != std::string::npos);
  CHECK(k.get_default("noisy_leaky_neuron", "V_th") == -50.0);
  k.simulate(1.0);
  // Models installed from a string have no file to reload.
  REQUIRE(k.install_source("mem.nestml", R"(model mem_neuron:
    state:
        x real = 0
    update:
        x += 1
)").ok);
  CHECK_THROWS_WITH_AS(k.reload("mem_neuron"), doctest::Contains("was not installed from a file"),
                       nestjit::Error);
  CHECK_THROWS_WITH_AS(k.reload("nope"), doctest::Contains("unknown model 'nope'"), nestjit::Error);
  std::filesystem::remove_all(dir);
}

TEST_CASE("kernels that install the same source share its compiled code") {
  const std::string text = std::string(kNoisyLeaky) + "\n# cache test\n";
  auto run = [](nestjit::Kernel& k) {
    auto n = k.create("noisy_leaky_neuron", 1, {{"noise_mV", 0.3}});
    auto dc = k.create("dc_generator", 1, {{"amplitude", 420.0}});
    k.connect(dc, n);
    k.simulate(50.0);
    return k.get_status(n[0]).at("V_m");
  };
  double first_v = 0;
  {
    nestjit::Kernel a, b;
    auto ra = a.install_source("cached.nestml", text);
    REQUIRE(ra.ok);
    CHECK_FALSE(ra.from_cache);
    auto rb = b.install_source("cached.nestml", text);
    REQUIRE(rb.ok);
    CHECK(rb.from_cache);
    CHECK(rb.timings.total_ms() == 0.0);
    CHECK(rb.models == ra.models);
    // Other options: compiled anew.
    nestjit::InstallOptions numeric;
    numeric.numeric_solver = "forward-Euler";
    CHECK_FALSE(b.install_source("cached.nestml", text, numeric).from_cache);
    REQUIRE(b.install_source("cached.nestml", text).from_cache);
    first_v = run(a);
    CHECK(run(b) == first_v);
  }
  // Nobody uses the code any more: it was freed, and is compiled again.
  nestjit::Kernel c;
  auto rc = c.install_source("cached.nestml", text);
  REQUIRE(rc.ok);
  CHECK_FALSE(rc.from_cache);
  CHECK(run(c) == first_v);
}
