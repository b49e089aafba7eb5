#include "support/text_check.h"

#include <fmt/format.h>

namespace nestjit {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not one (overlong
// forms, surrogates and values past U+10FFFF included, as the standard requires).
size_t utf8_sequence(const std::string& s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  if (c == 0xE0 && b(i + 1) < 0xA0) return 0;  // overlong
  if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // UTF-16 surrogate
  if (c == 0xF0 && b(i + 1) < 0x90) return 0;  // overlong
  if (c == 0xF4 && b(i + 1) >= 0x90) return 0;  // past U+10FFFF
  return n;
}

// 1-based line and column (in bytes, as SourceSpan counts) of byte offset `pos`.
SourceSpan span_at(const std::string& s, size_t pos) {
  int line = 1, column = 1;
  for (size_t i = 0; i < pos; ++i) {
    if (s[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column, line, column};
}

}  // namespace

bool check_source_text(const SourceFilePtr& file, DiagnosticList& diags) {
  const std::string& text = file->text;
  if (text.size() > kMaxSourceBytes) {
    diags.error("E-NOT-TEXT", file, {},
                fmt::format("the file has {} bytes; a model file may have at most {} MiB",
                            text.size(), kMaxSourceBytes >> 20),
                "is this the right file? NESTML models are small text files");
    return false;
  }
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\0') {
      diags.error("E-NOT-TEXT", file, span_at(text, i),
                  "this is not a text file (it contains a NUL byte)",
                  "give the path of a .nestml model");
      return false;
    }
    const size_t n = utf8_sequence(text, i);
    if (n == 0) {
      diags.error("E-NOT-TEXT", file, span_at(text, i),
                  fmt::format("byte 0x{:02X} is not valid UTF-8",
                              static_cast<unsigned>(static_cast<unsigned char>(text[i]))),
                  "NESTML files are UTF-8; save the file with UTF-8 encoding");
      return false;
    }
    i += n;
  }
  return true;
}

}  // namespace nestjit
