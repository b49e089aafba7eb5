// Starting the Python half of the nestjit program (the interactive session, `run`, `watch`):
// Debian's python3, found when nestjit was configured, with the nestjit package on its path.
#pragma once
#include <string>
#include <vector>

namespace nestjit::cli {

// Replaces this process by `python3 -m nestjit.repl ARGS...` with PYTHONPATH pointing at the
// build tree's package (when this binary runs from the build tree) or the installed one.
// Returns only when exec failed, with the exit code to use (2) after printing why.
int exec_python_repl(const std::vector<std::string>& args);

}  // namespace nestjit::cli
