// Load-time benchmark: how long nestjit takes from NESTML source to callable machine code,
// per stage. The first load in a process includes starting LLVM's JIT (cold); later loads of
// the same files show the steady cost (warm). Prints a table; asserts nothing.
//
//   bench_load [--repeat N] [FILE...]      (default: the seed's two models)
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <nestjit/nestjit.h>
#include <string>
#include <vector>

namespace {

struct Row {
  std::vector<double> parse, check, ode, ir, jit, total;
  void add(const nestjit::LoadTimings& t) {
    parse.push_back(t.parse_ms);
    check.push_back(t.check_ms);
    ode.push_back(t.ode_ms);
    ir.push_back(t.ir_ms);
    jit.push_back(t.jit_ms);
    total.push_back(t.total_ms());
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

void print(const char* label, const Row& r) {
  std::printf("%-34s %8.2f %8.2f %8.2f %8.2f %8.2f %9.2f\n", label, median(r.parse),
              median(r.check), median(r.ode), median(r.ir), median(r.jit), median(r.total));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nestjit load-time benchmark"};
  int repeat = 20;
  std::vector<std::string> files;
  app.add_option("--repeat", repeat, "warm loads per file")->check(CLI::PositiveNumber);
  app.add_option("files", files, ".nestml files (default: the seed's models)");
  CLI11_PARSE(app, argc, argv);
  if (files.empty())
    files = {std::string(NESTJIT_STDP_MODEL_DIR) + "/izhikevich_neuron.nestml",
             std::string(NESTJIT_STDP_MODEL_DIR) + "/stdp_synapse.nestml"};

  std::printf("%-34s %8s %8s %8s %8s %8s %9s   (ms, median)\n", "file", "parse", "check", "ode",
              "IR", "JIT", "total");
  nestjit::Kernel kernel;
  Row cold_all;
  nestjit::LoadTimings cold_sum;
  for (const auto& f : files) {
    auto r = kernel.install_file(f);
    if (!r.ok) {
      std::fputs(r.report().c_str(), stderr);
      return 1;
    }
    cold_sum += r.timings;
  }
  cold_all.add(cold_sum);
  print("all files, first load (cold)", cold_all);

  Row warm_all;
  for (int i = 0; i < repeat; ++i) {
    nestjit::LoadTimings sum;
    for (const auto& f : files) {
      sum += kernel.install_file(f).timings;
    }
    warm_all.add(sum);
  }
  print("all files, reload (warm)", warm_all);
  for (const auto& f : files) {
    Row row;
    for (int i = 0; i < repeat; ++i) row.add(kernel.install_file(f).timings);
    std::string name = f.substr(f.find_last_of('/') + 1);
    print(name.c_str(), row);
  }
  return 0;
}
