#include "python_launch.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <unistd.h>

// Set by python/CMakeLists.txt: the interpreter the package is built for, the build tree's
// package folder, the folder of this binary in the build tree, and the installed package's
// folder relative to the install prefix.
#ifndef NESTJIT_PYTHON
#define NESTJIT_PYTHON "/usr/bin/python3"
#endif
#ifndef NESTJIT_BUILD_PYTHONPATH
#define NESTJIT_BUILD_PYTHONPATH ""
#endif
#ifndef NESTJIT_BUILD_BINDIR
#define NESTJIT_BUILD_BINDIR ""
#endif
#ifndef NESTJIT_INSTALL_PYTHONDIR
#define NESTJIT_INSTALL_PYTHONDIR ""
#endif

namespace nestjit::cli {

namespace fs = std::filesystem;

namespace {

// Where the nestjit package is: next to the build (this binary in the build tree) or under
// the install prefix (bin/../<python dir>).
std::string package_path() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return NESTJIT_BUILD_PYTHONPATH;
  fs::path dir = exe.parent_path();
  if (fs::equivalent(dir, fs::path(NESTJIT_BUILD_BINDIR), ec)) return NESTJIT_BUILD_PYTHONPATH;
  fs::path installed = dir.parent_path() / NESTJIT_INSTALL_PYTHONDIR;
  if (fs::exists(installed / "nestjit", ec)) return installed.string();
  return NESTJIT_BUILD_PYTHONPATH;
}

}  // namespace

int exec_python_repl(const std::vector<std::string>& args) {
  std::string path = package_path();
  if (const char* old = std::getenv("PYTHONPATH"); old && *old) path += std::string(":") + old;
  setenv("PYTHONPATH", path.c_str(), 1);
  std::vector<std::string> all = {NESTJIT_PYTHON, "-m", "nestjit.repl"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(NESTJIT_PYTHON, argv.data());
  std::fprintf(stderr, "nestjit: cannot start %s: %s\n", NESTJIT_PYTHON, std::strerror(errno));
  return 2;
}

}  // namespace nestjit::cli
