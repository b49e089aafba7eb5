// What the interrupt check on `while` back-edges costs (docs/architecture.md, "Interrupts"):
// every neuron model of a folder (default: the corpus' library neurons in ../shared, as
// bench_neurons runs them) plus a model that spends its update in a loop, each compiled with
// and without the check (codegen::set_loop_interrupt_checks) and simulated --repeat times.
// Prints CPU ns per neuron-step (min and median) and the difference of the minima. Goal: < 2%.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nestjit/nestjit.h>
#include <sstream>
#include <vector>

#include "codegen/codegen.h"

namespace {

// The worst case: an update that is one loop of 20 iterations per step.
const char* kLoopModel = R"(model loop_neuron:
    state:
        acc real = 0
        i integer = 0
    parameters:
        k real = 0.5
    update:
        i = 0
        while i < 20:
            acc = acc * k + 1
            i += 1
)";

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// CPU ns per neuron-step of `n` neurons of the model in `source` over T ms; < 0 if it fails.
double run_once(const std::string& name, const std::string& source, bool checks, int n,
                double T, double current) {
  nestjit::codegen::set_loop_interrupt_checks(checks);
  nestjit::Kernel k;
  // The name goes into the code cache's key, so the two variants are compiled separately.
  auto r = k.install_source(name + (checks ? "" : " (no loop checks)"), source);
  nestjit::codegen::set_loop_interrupt_checks(true);
  if (!r.ok || r.models.empty()) return -1;
  try {
    auto info = k.model_info(r.models[0]);
    auto pop = k.create(r.models[0], size_t(n));
    auto dc = k.create("dc_generator", 1, {{"amplitude", current}});
    if (!info.continuous_ports.empty()) k.connect(dc, pop);
    double t0 = cpu_seconds();
    k.simulate(T);
    return (cpu_seconds() - t0) * 1e9 / (double(n) * T / k.resolution());
  } catch (const nestjit::Error&) {
    return -1;
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cost of the interrupt check on while-loop back-edges"};
  std::string dir = NESTJIT_SHARED_DIR "/corpus/models/neurons";
  int n = 1000, repeat = 5;
  double T = 100.0, current = 200.0;
  app.add_option("--models", dir, "folder with .nestml neuron models ('' for the loop model only)");
  app.add_option("-n", n, "neurons per model");
  app.add_option("-T", T, "simulated time (ms)");
  app.add_option("--repeat", repeat, "runs per variant");
  app.add_option("--current", current, "dc current into the first continuous port (pA)");
  CLI11_PARSE(app, argc, argv);

  std::vector<std::pair<std::string, std::string>> models{{"loop_neuron", kLoopModel}};
  if (!dir.empty() && std::filesystem::exists(dir)) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.path().extension() == ".nestml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f);
      std::stringstream text;
      text << in.rdbuf();
      models.emplace_back(f.string(), text.str());
    }
  } else if (!dir.empty()) {
    std::fprintf(stderr, "bench_interrupt_check: %s does not exist; loop model only\n", dir.c_str());
  }

  std::printf("%-34s %21s %21s %8s\n", "model", "checks: min / median", "none: min / median",
              "cost");
  double worst = 0;
  for (const auto& [path, source] : models) {
    std::vector<double> on, off;
    for (int i = 0; i < repeat; ++i) {  // interleaved, so drifting machine load hits both
      on.push_back(run_once(path, source, true, n, T, current));
      off.push_back(run_once(path, source, false, n, T, current));
    }
    std::string name = std::filesystem::path(path).stem().string();
    if (*std::min_element(on.begin(), on.end()) < 0 || *std::min_element(off.begin(), off.end()) < 0) {
      std::printf("%-34s   (does not load or run)\n", name.c_str());
      continue;
    }
    double a = *std::min_element(on.begin(), on.end()), b = *std::min_element(off.begin(), off.end());
    double cost = 100.0 * (a - b) / b;
    worst = std::max(worst, cost);
    std::printf("%-34s %9.1f / %9.1f ns %9.1f / %9.1f ns %+7.2f%%\n", name.c_str(), a, median(on), b,
                median(off), cost);
  }
  std::printf("largest difference of the minima: %+.2f%% (goal < 2%%)\n", worst);
  return 0;
}
