// Helpers for tests of error messages through the public API (tests linking nestjit).
#pragma once
#include <string>

#include <nestjit/nestjit.h>

namespace nestjit::test {

// The message of the nestjit::Error `f` throws, or "" when it throws none.
std::string error_of(auto&& f) {
  try {
    f();
  } catch (const nestjit::Error& e) {
    return e.what();
  }
  return "";
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace nestjit::test
