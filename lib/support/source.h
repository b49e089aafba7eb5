// Source text and positions. Every AST node carries a SourceSpan so that any later stage
// can point the user at the exact place a problem comes from.
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace nestjit {

// 1-based line and column of the first character, and of the last character (inclusive).
struct SourceSpan {
  int line = 0;
  int column = 0;
  int end_line = 0;
  int end_column = 0;

  bool valid() const { return line > 0; }
  // The span that covers both a and b (either may be invalid).
  static SourceSpan cover(const SourceSpan& a, const SourceSpan& b);
};

// One loaded file. Shared (not copied) by every diagnostic that points into it.
struct SourceFile {
  std::string path;  // as given by the user; used verbatim in messages
  std::string text;

  // Text of line `line` (1-based) without its newline; empty if out of range.
  std::string line_text(int line) const;
};
using SourceFilePtr = std::shared_ptr<const SourceFile>;

// Reads a file; returns nullptr and sets `error` if it cannot be read.
SourceFilePtr read_source_file(const std::string& path, std::string& error);
SourceFilePtr make_source(std::string path, std::string text);

}  // namespace nestjit
