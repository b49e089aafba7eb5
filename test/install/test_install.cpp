// `cmake --install` gives a package that host programs build against without the source
// tree: the C++ closed-loop example through find_package(nestjit) (shared and static), the C
// STDP pairing through pkg-config and a plain compiler call; both run and give the right
// numbers.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <unistd.h>
#include <string>

#include "stdp_sweep.h"
#include "test_support.h"

namespace fs = std::filesystem;

namespace {

// Runs a shell command; returns its exit code and (stdout + stderr) in `output`.
int run(const std::string& cmd, std::string& output, const fs::path& log) {
  int rc = std::system((cmd + " > '" + log.string() + "' 2>&1").c_str());
  output = nestjit::test::read_text(log.string());
  return rc;
}

// Lines of exactly "key value" -> map (other lines, such as diagnostics, are skipped).
std::map<std::string, std::string> fields(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key, value, extra;
    if (words >> key >> value && !(words >> extra)) out[key] = value;
  }
  return out;
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

struct Prefix {
  fs::path root;
  Prefix() {
    root = fs::temp_directory_path() / ("nestjit_install_" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);
  }
  ~Prefix() { fs::remove_all(root); }
};

}  // namespace

TEST_CASE("the installed package builds and runs both embedding examples") {
  Prefix tmp;
  const fs::path prefix = tmp.root / "prefix", log = tmp.root / "log.txt";
  std::string out;
  REQUIRE_MESSAGE(run(std::string(NESTJIT_CMAKE) + " --install " + q(NESTJIT_BUILD_DIR) +
                          " --prefix " + q(prefix), out, log) == 0, out);
  // What was installed.
  CHECK(fs::exists(prefix / "include/nestjit/nestjit.h"));
  CHECK(fs::exists(prefix / "include/nestjit/c/nestjit.h"));
  CHECK(fs::exists(prefix / "lib/libnestjit.a"));
  CHECK(fs::is_symlink(prefix / "lib/libnestjit.so"));
  CHECK(fs::exists(prefix / "lib/libnestjit.so.0.1"));
  CHECK(fs::exists(prefix / "lib/cmake/nestjit/nestjitConfig.cmake"));
  CHECK(fs::exists(prefix / "lib/pkgconfig/nestjit.pc"));
  // The shared library's SONAME carries the version.
  REQUIRE(run("readelf -d " + q(prefix / "lib/libnestjit.so.0.1"), out, log) == 0);
  CHECK(out.find("Library soname: [libnestjit.so.0.1]") != std::string::npos);

  const fs::path models = nestjit::test::source_path("examples/stdp_window");

  SUBCASE("C++: find_package(nestjit), closed-loop rate controller") {
    for (const char* variant : {"OFF", "ON"}) {
      const std::string static_variant = variant;
      CAPTURE(static_variant);
      const fs::path build = tmp.root / (std::string("embed_cpp_static_") + variant);
      REQUIRE_MESSAGE(run(std::string(NESTJIT_CMAKE) + " -S " +
                              q(nestjit::test::source_path("examples/embed_cpp")) + " -B " +
                              q(build) + " -G '" NESTJIT_GENERATOR "' -DCMAKE_PREFIX_PATH=" +
                              q(prefix) + " -DEMBED_STATIC=" + variant,
                          out, log) == 0, out);
      REQUIRE_MESSAGE(run(std::string(NESTJIT_CMAKE) + " --build " + q(build), out, log) == 0, out);
      REQUIRE_MESSAGE(run(q(build / "embed_cpp") + " --models " + q(models) +
                              " --target 20 --seconds 8", out, log) == 0, out);
      auto f = fields(out);
      REQUIRE_MESSAGE(f.count("final_rate_hz"), out);
      // The controller holds the rate at the target: within 10 % over the last two seconds.
      CHECK(std::stod(f["final_rate_hz"]) == doctest::Approx(20.0).epsilon(0.10));
      MESSAGE(out);
    }
  }

  SUBCASE("C: pkg-config and a plain compiler call, the seed's STDP pairing") {
    const fs::path exe = tmp.root / "stdp_pairing";
    const std::string pc = "PKG_CONFIG_PATH=" + q(prefix / "lib/pkgconfig") + " " NESTJIT_PKG_CONFIG;
    REQUIRE_MESSAGE(run(std::string(NESTJIT_C_COMPILER) + " -std=c99 -Wall -Wextra -Werror " +
                            q(nestjit::test::source_path("examples/embed_c/stdp_pairing.c")) +
                            " $(" + pc + " --cflags --libs nestjit) -Wl,-rpath," +
                            (prefix / "lib").string() + " -o " + q(exe),
                        out, log) == 0, out);
    REQUIRE_MESSAGE(run(q(exe) + " " + q(models) + " 321", out, log) == 0, out);
    auto f = fields(out);
    REQUIRE_MESSAGE(f.count("w_after"), out);
    // The same pairing through the C++ API, in this process.
    nestjit::Kernel k;
    for (const auto& r : stdp_window::install_models(k, models.string())) REQUIRE(r.ok);
    auto points = stdp_window::sweep(k, 321, 322, 5);
    REQUIRE(points.size() == 1);
    CHECK(std::stod(f["w_before"]) == points[0].w_before);
    CHECK(std::stod(f["w_after"]) == points[0].w_after);
    CHECK(points[0].w_after != points[0].w_before);  // the pairing did change the weight
  }
}
