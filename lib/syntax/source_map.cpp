#include "source_map.h"

#include <algorithm>

namespace nestjit::syntax {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes one UTF-8 sequence at `i`; returns its length (>= 1) and the code point, or
// length 1 and U+FFFD for an invalid, overlong or truncated sequence.
size_t decode_one(const std::string& s, size_t i, char32_t& cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  cp = kReplacement;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  size_t len;
  char32_t value;
  char32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, value = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, value = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, value = b0 & 0x07, min = 0x10000;
  } else {
    return 1;
  }
  if (i + len > s.size()) return 1;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 1;
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 1;
  cp = value;
  return len;
}

}  // namespace

SourceMap::SourceMap(const std::string& bytes) {
  code_points_.reserve(bytes.size());
  byte_of_.reserve(bytes.size() + 1);
  line_start_.push_back(0);
  // A UTF-8 byte order mark is not part of the text (editors on Windows add one).
  const size_t begin = bytes.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  for (size_t i = begin; i < bytes.size();) {
    char32_t cp;
    size_t len = decode_one(bytes, i, cp);
    code_points_.push_back(cp);
    byte_of_.push_back(i);
    if (bytes[i] == '\n') line_start_.push_back(i + 1);
    i += len;
  }
  byte_of_.push_back(bytes.size());
}

void SourceMap::position(size_t index, int& line, int& column) const {
  size_t byte = byte_of_[std::min(index, byte_of_.size() - 1)];
  auto it = std::upper_bound(line_start_.begin(), line_start_.end(), byte);
  size_t line_index = static_cast<size_t>(it - line_start_.begin()) - 1;
  line = static_cast<int>(line_index + 1);
  column = static_cast<int>(byte - line_start_[line_index] + 1);
}

SourceSpan SourceMap::span(size_t first, size_t last) const {
  SourceSpan s;
  position(first, s.line, s.column);
  if (last < first) last = first;  // zero-width tokens (INDENT, EOF) cover one column
  position(last, s.end_line, s.end_column);
  return s;
}

}  // namespace nestjit::syntax
