// Many kernels in one process: the seed's 180-run STDP sweep on one thread (one kernel)
// against the same sweep split over two threads (two kernels, 90 runs each). Prints wall
// and CPU seconds per repeat, min and median, the ratio two-thread / one-thread wall time,
// and whether both ways gave bit-identical points. Installs are outside the timed part.
//
//   bench_threads [--repeat N] [--models DIR]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nestjit/nestjit.h>
#include <string>
#include <thread>
#include <vector>

#include "stdp_sweep.h"

namespace {

using Points = std::vector<stdp_window::Point>;

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Timing {
  double wall, cpu;
};

template <class F>
Timing timed(F&& f) {
  const double w0 = wall_seconds(), c0 = cpu_seconds();
  f();
  return {wall_seconds() - w0, cpu_seconds() - c0};
}

// What the machine gives two threads right now: the wall time of two independent busy loops
// in parallel over that of one (1.0: two free cores; 2.0: one core, shared).
double parallel_calibration() {
  auto spin = [] {
    volatile double x = 0;
    for (long i = 0; i < 100000000; ++i) x = x + 1e-9;
  };
  Timing one = timed(spin);
  Timing two = timed([&] {
    std::thread a(spin), b(spin);
    a.join();
    b.join();
  });
  return two.wall / one.wall;
}

bool same(const Points& a, const Points& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].t_input != b[i].t_input || a[i].dt != b[i].dt || a[i].w_after != b[i].w_after)
      return false;
  return true;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nestjit: the STDP sweep on one thread vs two kernels on two threads"};
  int repeat = 5;
  std::string models = NESTJIT_STDP_MODEL_DIR;
  app.add_option("--repeat", repeat, "repetitions (min and median are printed)");
  app.add_option("--models", models, "directory of the seed's models");
  CLI11_PARSE(app, argc, argv);

  nestjit::Kernel one, a, b;
  for (auto* k : {&one, &a, &b})
    for (const auto& r : stdp_window::install_models(*k, models))
      if (!r.ok) {
        std::fputs(r.report().c_str(), stderr);
        return 1;
      }
  // The seed's sweep: post input times 1, 6, ..., 896 (180 runs). Split interleaved (1, 11,
  // ... and 6, 16, ...) because later runs cost more: halves by time are unequal.
  std::vector<double> wall1, cpu1, wall2, cpu2;
  bool identical = true;
  for (int r = 0; r < repeat; ++r) {
    Points whole, first, second;
    double busy_a = 0, busy_b = 0;  // each thread's own CPU seconds
    Timing t1 = timed([&] { whole = stdp_window::sweep(one, 1, 900, 5); });
    Timing t2 = timed([&] {
      std::thread ta([&] {
        const double c0 = thread_cpu_seconds();
        first = stdp_window::sweep(a, 1, 900, 10);
        busy_a = thread_cpu_seconds() - c0;
      });
      std::thread tb([&] {
        const double c0 = thread_cpu_seconds();
        second = stdp_window::sweep(b, 6, 900, 10);
        busy_b = thread_cpu_seconds() - c0;
      });
      ta.join();
      tb.join();
    });
    first.insert(first.end(), second.begin(), second.end());
    std::sort(first.begin(), first.end(),
              [](const auto& x, const auto& y) { return x.t_input < y.t_input; });
    identical = identical && whole.size() == 180 && same(whole, first);
    wall1.push_back(t1.wall);
    cpu1.push_back(t1.cpu);
    wall2.push_back(t2.wall);
    cpu2.push_back(t2.cpu);
    // A thread whose CPU time is well below the wall time was waiting (for a lock or for a
    // core the machine gave to another process).
    std::printf("repeat %d: one thread %.3f s wall %.3f s CPU | two threads %.3f s wall %.3f s CPU"
                " (threads busy %.3f s, %.3f s)\n",
                r + 1, t1.wall, t1.cpu, t2.wall, t2.cpu, busy_a, busy_b);
  }
  std::printf("\n%-28s %10s %10s %10s %10s\n", "180 runs", "wall min", "wall med", "CPU min",
              "CPU med");
  std::printf("%-28s %10.3f %10.3f %10.3f %10.3f\n", "1 thread, 1 kernel",
              *std::min_element(wall1.begin(), wall1.end()), median(wall1),
              *std::min_element(cpu1.begin(), cpu1.end()), median(cpu1));
  std::printf("%-28s %10.3f %10.3f %10.3f %10.3f\n", "2 threads, 2 kernels x 90",
              *std::min_element(wall2.begin(), wall2.end()), median(wall2),
              *std::min_element(cpu2.begin(), cpu2.end()), median(cpu2));
  std::printf("two-thread / one-thread wall time: %.2f (min) %.2f (median); goal <= 0.60\n",
              *std::min_element(wall2.begin(), wall2.end()) / *std::min_element(wall1.begin(), wall1.end()),
              median(wall2) / median(wall1));
  std::printf("results bit-identical: %s\n", identical ? "yes" : "NO");
  std::printf("machine check: two independent busy loops took %.2fx the time of one (1.00 = two\n"
              "free cores; near 2 the machine is loaded and the ratio above cannot drop)\n",
              parallel_calibration());
  return identical ? 0 : 1;
}
