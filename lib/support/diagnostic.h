// Diagnostics are values: every stage appends to a DiagnosticList instead of throwing, and
// the caller decides how to show them (human text with a caret line, or JSON).
#pragma once
#include <string>
#include <vector>

#include "support/source.h"

namespace nestjit {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;     // stable identifier, e.g. "E-SYNTAX", "E-UNIT-MISMATCH"
  SourceFilePtr file;   // may be null for diagnostics not tied to a file
  SourceSpan span;
  std::string message;  // what is wrong, naming the thing
  std::string hint;     // how to fix it; may be empty
};

class DiagnosticList {
 public:
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  void error(std::string code, SourceFilePtr file, SourceSpan span, std::string message,
             std::string hint = {});
  void warning(std::string code, SourceFilePtr file, SourceSpan span, std::string message,
               std::string hint = {});

  bool has_errors() const;
  size_t error_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  void append(const DiagnosticList& other);
  bool empty() const { return items_.empty(); }

 private:
  std::vector<Diagnostic> items_;
};

// "file:line:col: error[CODE]: message" followed by the source line, a caret line under the
// span, and "  hint: ..." when there is a hint.
std::string render(const Diagnostic& d);
std::string render(const DiagnosticList& list);

}  // namespace nestjit
