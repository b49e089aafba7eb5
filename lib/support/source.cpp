#include "support/source.h"

#include "support/text_check.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace nestjit {

SourceSpan SourceSpan::cover(const SourceSpan& a, const SourceSpan& b) {
  if (!a.valid()) return b;
  if (!b.valid()) return a;
  SourceSpan s = a;
  if (b.line < s.line || (b.line == s.line && b.column < s.column)) {
    s.line = b.line;
    s.column = b.column;
  }
  if (b.end_line > s.end_line || (b.end_line == s.end_line && b.end_column > s.end_column)) {
    s.end_line = b.end_line;
    s.end_column = b.end_column;
  }
  return s;
}

std::string SourceFile::line_text(int line) const {
  if (line < 1) return {};
  size_t pos = 0;
  for (int l = 1; l < line; ++l) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) return {};
    ++pos;
  }
  size_t end = text.find('\n', pos);
  std::string s = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

SourceFilePtr read_source_file(const std::string& path, std::string& error) {
  // Refuse directories, devices and huge files before reading: /dev/zero or a multi-GB data
  // file must not exhaust the host's memory (check_source_text catches the rest).
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::is_directory(status)) {
    error = "'" + path + "' is a directory, not a model file";
    return nullptr;
  }
  if (!ec && std::filesystem::is_regular_file(status)) {
    const auto bytes = std::filesystem::file_size(path, ec);
    if (!ec && bytes > kMaxSourceBytes) {
      error = "'" + path + "' has " + std::to_string(bytes) + " bytes; a model file may have at most " +
              std::to_string(kMaxSourceBytes >> 20) + " MiB";
      return nullptr;
    }
  } else if (!ec) {
    error = "'" + path + "' is not a regular file";
    return nullptr;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::string("cannot open '") + path + "': " + std::strerror(errno);
    return nullptr;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return make_source(path, ss.str());
}

SourceFilePtr make_source(std::string path, std::string text) {
  auto f = std::make_shared<SourceFile>();
  f->path = std::move(path);
  f->text = std::move(text);
  return f;
}

}  // namespace nestjit
