#include "test_support.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace nestjit::test {

std::optional<std::string> shared_path(const std::string& relative) {
  std::filesystem::path p = std::filesystem::path(NESTJIT_SHARED_DIR) / relative;
  if (!std::filesystem::exists(p)) return std::nullopt;
  return p.string();
}

std::string source_path(const std::string& relative) {
  return (std::filesystem::path(NESTJIT_SOURCE_DIR) / relative).string();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace nestjit::test
