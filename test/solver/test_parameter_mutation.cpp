// Mutation test (issue 13): every library neuron model with one parameter at a time set to
// an extreme but legal number, kicked by spikes for 50 ms. Every run must either complete
// with a finite state or stop with one located diagnostic (model, instance, time); none may
// crash, hang, write more than a few lines to stderr, or silently hand back a state that
// was not advanced. Prints the counts.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nestjit/nestjit.h>
#include <sstream>
#include <string>
#include <vector>

#include "stderr_capture.h"
#include "test_support.h"

namespace {

constexpr double kExtremes[] = {0.0, -1.0, 1e-308, 1e308, 1e6};
constexpr double kSimulateMs = 50.0;
constexpr double kChunkMs = 5.0;  // the watchdog looks at the clock between chunks
constexpr double kMaxRunSeconds = 5.0;
constexpr size_t kMaxStderrLines = 3;

struct Counts {
  long runs = 0, completed = 0, stopped = 0, rejected = 0, unchanged = 0;
  double worst_seconds = 0;
  std::string worst;
  std::vector<std::string> problems;
  std::vector<std::string> unchanged_runs;
};

size_t lines(const std::string& s) {
  return size_t(std::count(s.begin(), s.end(), '\n')) + (!s.empty() && s.back() != '\n');
}

std::string variant_name(const std::string& model, const std::string& param, double value) {
  std::ostringstream o;
  o << model << " " << param << " = " << value;
  return o.str();
}

void run_variant(nestjit::Kernel& k, const std::string& model, const std::string& param,
                 double value, Counts& c) {
  const std::string name = variant_name(model, param, value);
  auto problem = [&](const std::string& what) { c.problems.push_back(name + ": " + what); };
  k.reset();
  ++c.runs;
  if (std::getenv("NESTJIT_MUTATION_VERBOSE")) std::printf("%s\n", name.c_str()), std::fflush(stdout);
  nestjit::test::StderrCapture capture;
  const auto start = std::chrono::steady_clock::now();
  std::string error;
  bool created = false;
  uint64_t neuron = 0;
  std::map<std::string, double> before;
  try {
    auto n = k.create(model, 1, {{param, value}});
    created = true;
    neuron = n[0];
    before = k.get_status(neuron);
    auto sg = k.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0, 5.0, 10.0, 20.0}}});
    nestjit::SynSpec kick;
    kick.weight = 100.0;
    // NEST's receptor numbering: 0 with one receptor, 1..n with several.
    kick.receptor_type = k.model_info(model).spike_receptors > 1 ? 1 : 0;
    k.connect(sg, n, nestjit::ConnRule::all_to_all, kick);
    while (k.time() < kSimulateMs) {
      k.simulate(kChunkMs);
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (s > kMaxRunSeconds) {
        problem("still running after " + std::to_string(s) + " s at t = " + std::to_string(k.time()));
        break;
      }
    }
  } catch (const nestjit::Error& e) {
    error = e.what();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string err_text = capture.stop();
  if (seconds > c.worst_seconds) {
    c.worst_seconds = seconds;
    c.worst = name;
  }
  if (lines(err_text) > kMaxStderrLines)
    problem("wrote " + std::to_string(lines(err_text)) + " lines to stderr: " + err_text.substr(0, 300));
  if (!created) {
    // Refused at create (a guard or a value check): the message must say which and where.
    ++c.rejected;
    if (error.find(param) == std::string::npos) problem("create refused without naming the parameter: " + error);
    return;
  }
  if (!error.empty()) {
    // Stopped: exactly one error diagnostic, naming model, instance and time.
    ++c.stopped;
    const std::string located = model + " #" + std::to_string(neuron) + " at t = ";
    if (error.rfind(located, 0) != 0) problem("message not located: " + error);
    long errors = 0;
    for (const auto& d : k.runtime_diagnostics())
      errors += d.info.severity == nestjit::DiagnosticInfo::Severity::Error;
    if (errors != 1) problem("stopped with " + std::to_string(errors) + " error diagnostics: " + error);
    if (error.find("status -") != std::string::npos) problem("status code as a number: " + error);
    for (const auto& [key, v] : k.get_status(neuron))
      if (!std::isfinite(v) && std::isfinite(before.count(key) ? before[key] : 0.0))
        problem("state left non-finite after the stop: " + key);
    return;
  }
  if (!(k.time() >= kSimulateMs)) return;  // the watchdog fired; already a problem
  ++c.completed;
  auto after = k.get_status(neuron);
  bool changed = false;
  for (const auto& [key, v] : after) {
    if (!std::isfinite(v) && std::isfinite(before[key])) problem("completed with " + key + " = " + std::to_string(v));
    changed |= !(v == before[key]) && !(std::isnan(v) && std::isnan(before[key]));
  }
  // A model whose whole state sits still for 50 ms despite the kicks is counted (a large
  // number would point at a solver that reports success without advancing).
  if (!changed) {
    ++c.unchanged;
    c.unchanged_runs.push_back(name);
  }
}

}  // namespace

TEST_CASE("mutation: extreme parameter values never crash, hang, flood stderr or pass silently") {
  NESTJIT_REQUIRE_SHARED(dir, "corpus/models/neurons");
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".nestml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  Counts c;
  long models = 0;
  for (const auto& file : files) {
    nestjit::Kernel k;
    auto r = k.install_file(file);
    if (!r.ok) continue;  // models nestjit does not load yet are the corpus tests' business
    for (const auto& model : r.models) {
      ++models;
      for (const auto& param : k.model_info(model).parameters)
        for (double v : kExtremes) run_variant(k, model, param, v, c);
    }
  }
  std::printf(
      "mutation: %ld models, %ld runs: %ld completed with finite state (%ld with the state "
      "unchanged), %ld stopped with a located diagnostic, %ld refused at create; slowest %.2f s (%s)\n",
      models, c.runs, c.completed, c.unchanged, c.stopped, c.rejected, c.worst_seconds,
      c.worst.c_str());
  MESSAGE(c.runs << " runs, " << c.completed << " completed, " << c.stopped << " stopped, "
                 << c.rejected << " refused, " << c.unchanged << " unchanged");
  for (const auto& u : c.unchanged_runs) std::printf("  state unchanged: %s\n", u.c_str());
  for (size_t i = 0; i < std::min<size_t>(c.problems.size(), 40); ++i) MESSAGE(c.problems[i]);
  CHECK(c.problems.empty());
  CHECK(models >= 25);
  CHECK(c.runs == c.completed + c.stopped + c.rejected);
}
