// NESTJIT_PERF_MAP=1 (lib/jit/perf_map.h): the JIT appends every function it links to
// /tmp/perf-<pid>.map in perf's format, so `perf report` names model code. Its own
// executable: the variable must be set before the process's first compile starts the JIT.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nestjit/nestjit.h>
#include <regex>
#include <string>
#include <unistd.h>

TEST_CASE("NESTJIT_PERF_MAP=1 writes the model's functions to /tmp/perf-<pid>.map") {
  const std::string path = "/tmp/perf-" + std::to_string(::getpid()) + ".map";
  std::remove(path.c_str());
  ::setenv("NESTJIT_PERF_MAP", "1", 1);
  nestjit::Kernel k;
  auto r = k.install_source("perf_map_probe.nestml", R"(model perf_map_probe:
    state:
        x real = 1
    parameters:
        tau ms = 10 ms
    equations:
        x' = -x / tau
    update:
        integrate_odes()
)");
  REQUIRE_MESSAGE(r.ok, r.report());
  k.create("perf_map_probe", 2);
  k.simulate(1.0);
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "no " << path);
  const std::regex line(R"(([0-9a-f]+) ([0-9a-f]+) (\S+))");
  int lines = 0;
  bool update = false, slice = false;
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    INFO(l);
    REQUIRE(std::regex_match(l, m, line));
    CHECK(std::stoull(m[1].str(), nullptr, 16) != 0);
    CHECK(std::stoull(m[2].str(), nullptr, 16) > 0);
    const std::string name = m[3].str();
    update = update || name.find("perf_map_probe_update") != std::string::npos;
    slice = slice || name.find("perf_map_probe_slice") != std::string::npos;
    ++lines;
  }
  CHECK(lines > 2);
  CHECK(update);
  CHECK(slice);
  std::remove(path.c_str());
}
