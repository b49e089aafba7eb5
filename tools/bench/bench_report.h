// What the network benchmarks print: a human line per run and, with --json, one JSON object
// per run; CPU and wall time of Simulate, build time, peak RSS. When NEST_PYTHON names a
// Python that can import nest, the same network is run there too and the ratio printed.
#pragma once
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

namespace nestjit::bench {

inline double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

inline double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;
}

struct Run {
  std::string benchmark;
  double simulate_wall_s = 0, simulate_cpu_s = 0, build_wall_s = 0;
  size_t spikes = 0, synaptic_events = 0;
  double peak_rss_mb = 0;
  double bytes_per_synapse = -1;  // < 0: no static synapses
};

inline void print(const Run& r, bool json) {
  if (json) {
    std::printf("{\"benchmark\": \"%s\", \"simulate_wall_s\": %.4f, \"simulate_cpu_s\": %.4f, "
                "\"build_wall_s\": %.4f, \"spikes\": %zu, \"synaptic_events\": %zu, "
                "\"peak_rss_mb\": %.1f",
                r.benchmark.c_str(), r.simulate_wall_s, r.simulate_cpu_s, r.build_wall_s, r.spikes,
                r.synaptic_events, r.peak_rss_mb);
    if (r.bytes_per_synapse >= 0) std::printf(", \"bytes_per_synapse\": %.2f", r.bytes_per_synapse);
    std::printf("}\n");
  } else {
    std::printf("%s: simulate %.3f s CPU (%.3f s wall), build %.3f s, %zu spikes, %zu synaptic "
                "events, peak RSS %.0f MB",
                r.benchmark.c_str(), r.simulate_cpu_s, r.simulate_wall_s, r.build_wall_s, r.spikes,
                r.synaptic_events, r.peak_rss_mb);
    if (r.bytes_per_synapse >= 0) std::printf(", %.1f bytes per static synapse", r.bytes_per_synapse);
    std::printf("\n");
  }
  std::fflush(stdout);
}

// Min and median of the runs' Simulate CPU seconds, and the ratios against the reference
// figures of issue 7 (NEST 3.10 on this machine, one thread).
inline void summary(const std::vector<Run>& runs, double nest_builtin_s, double nest_nestml_s) {
  std::vector<double> cpu;
  for (const auto& r : runs) cpu.push_back(r.simulate_cpu_s);
  std::sort(cpu.begin(), cpu.end());
  const double min = cpu.front(), median = cpu[cpu.size() / 2];
  std::fprintf(stderr,
               "%s: simulate CPU min %.3f s, median %.3f s over %zu runs; NEST built-in %.2f s "
               "(x%.1f), NESTML %.2f s (x%.1f)\n",
               runs.front().benchmark.c_str(), min, median, runs.size(), nest_builtin_s,
               nest_builtin_s / min, nest_nestml_s, nest_nestml_s / min);
}

// Simulates `kernel` (a nestjit::Kernel) for T ms and fills the run's Simulate times,
// counters, bytes per static synapse and peak RSS.
template <class Kernel>
void simulate_timed(Kernel& kernel, double T, Run& run) {
  const double c0 = cpu_seconds(), w0 = wall_seconds();
  kernel.simulate(T);
  run.simulate_cpu_s = cpu_seconds() - c0;
  run.simulate_wall_s = wall_seconds() - w0;
  const auto counters = kernel.network_counters();
  run.spikes = counters.spikes;
  run.synaptic_events = counters.synaptic_events;
  if (counters.static_synapses > 0)
    run.bytes_per_synapse = double(counters.static_bytes) / double(counters.static_synapses);
  run.peak_rss_mb = peak_rss_mb();
}

// Min and median of the runs' Simulate CPU seconds against named reference figures
// (label, seconds), each with its ratio.
inline void summary_against(const std::vector<Run>& runs,
                            const std::vector<std::pair<std::string, double>>& references) {
  std::vector<double> cpu;
  for (const auto& r : runs) cpu.push_back(r.simulate_cpu_s);
  std::sort(cpu.begin(), cpu.end());
  const double min = cpu.front(), median = cpu[cpu.size() / 2];
  std::fprintf(stderr, "%s: simulate CPU min %.3f s, median %.3f s over %zu runs",
               runs.front().benchmark.c_str(), min, median, runs.size());
  for (const auto& [label, s] : references)
    std::fprintf(stderr, "; %s %.2f s (x%.1f)", label.c_str(), s, s / min);
  std::fprintf(stderr, "\n");
}

// Runs `script` with $NEST_PYTHON when it is set and can import nest; prints its output
// (it prints NEST's figures) and returns true. Quietly false otherwise.
inline bool run_nest(const std::string& script) {
  const char* py = std::getenv("NEST_PYTHON");
  if (!py || !*py) return false;
  const std::string check = std::string(py) + " -c 'import nest' >/dev/null 2>&1";
  if (std::system(check.c_str()) != 0) return false;
  char path[] = "/tmp/nestjit_bench_nest_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return false;
  std::FILE* f = fdopen(fd, "w");
  std::fputs(script.c_str(), f);
  std::fclose(f);
  const std::string cmd = std::string(py) + " " + path;
  std::FILE* p = popen(cmd.c_str(), "r");
  if (!p) return false;
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), int(buf.size()), p)) std::fputs(buf.data(), stderr);
  pclose(p);
  std::remove(path);
  return true;
}

}  // namespace nestjit::bench
