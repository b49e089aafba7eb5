#include "test_support.h"

#include <algorithm>
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

std::vector<std::string> nestml_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".nestml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace nestjit::test
