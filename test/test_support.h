// Helpers shared by the test programs.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace nestjit::test {

// Absolute path of a file under ../shared (the third-party corpus and NEST's results), or
// nullopt when ../shared or that file is absent; tests then skip with a message.
std::optional<std::string> shared_path(const std::string& relative);

// Absolute path of a file in this repository.
std::string source_path(const std::string& relative);

std::string read_text(const std::string& path);

// The .nestml files directly in `dir`, sorted.
std::vector<std::string> nestml_files(const std::string& dir);

}  // namespace nestjit::test

// Skips the current test case (with a message) when ../shared/<rel> is missing; otherwise
// binds `var` to its absolute path.
#define NESTJIT_REQUIRE_SHARED(var, rel)                                           \
  auto var##_opt = ::nestjit::test::shared_path(rel);                              \
  if (!var##_opt) {                                                                \
    MESSAGE("skipped: ../shared/" << (rel) << " is absent (third-party data not checked out)"); \
    return;                                                                        \
  }                                                                                \
  const std::string var = *var##_opt
