// Maps positions in the decoded text the lexer sees (UTF-32 code points) back to the
// 1-based line/column of the original bytes, which is what SourceSpan and the diagnostic
// renderer use. Decoding is lenient: bytes that are not valid UTF-8 become U+FFFD, so any
// input (binary garbage included) can be lexed without the ANTLR runtime throwing.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "support/source.h"

namespace nestjit::syntax {

class SourceMap {
 public:
  explicit SourceMap(const std::string& bytes);

  const std::u32string& code_points() const { return code_points_; }

  // Span from the code point at `first` to the code point at `last` (inclusive). An index
  // at or past the end maps to the end of the text.
  SourceSpan span(size_t first, size_t last) const;
  SourceSpan point(size_t index) const { return span(index, index); }

 private:
  void position(size_t index, int& line, int& column) const;

  std::u32string code_points_;
  std::vector<size_t> byte_of_;     // byte offset of each code point (+ one past the end)
  std::vector<size_t> line_start_;  // byte offset where each line starts
};

}  // namespace nestjit::syntax
