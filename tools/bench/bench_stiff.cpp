// CVODE versus RKF45 on a stiff system (Robertson's kinetics written in NESTML): wall time
// per simulated ms for each solver, side by side. Prints a table; asserts nothing.
#include <chrono>
#include <cstdio>
#include <nestjit/nestjit.h>
#include <string>

#include "../../test/sim/stiff_models.h"

int main() {
  std::printf("%-8s %10s %12s %14s %14s\n", "solver", "T [ms]", "wall [ms]", "us per sim ms",
              "y1(T)");
  for (const char* solver : {"rk45", "cvode", "auto"}) {
    for (double T : {40.0, 400.0}) {
      nestjit::Kernel k;
      nestjit::InstallOptions opts;
      opts.numeric_solver = solver;
      auto r = k.install_source("robertson.nestml", kRobertsonModel, opts);
      if (!r.ok) {
        std::fputs(r.report().c_str(), stderr);
        return 1;
      }
      auto n = k.create("robertson");
      auto t0 = std::chrono::steady_clock::now();
      k.simulate(T);
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      std::printf("%-8s %10.0f %12.2f %14.2f %14.8f\n", solver, T, ms, 1000.0 * ms / T,
                  k.get_status(n[0]).at("y1"));
    }
  }
  return 0;
}
