#include "support/diagnostic.h"

#include <fmt/format.h>

namespace nestjit {

void DiagnosticList::error(std::string code, SourceFilePtr file, SourceSpan span,
                           std::string message, std::string hint) {
  items_.push_back({Severity::Error, std::move(code), std::move(file), span, std::move(message),
                    std::move(hint)});
}

void DiagnosticList::warning(std::string code, SourceFilePtr file, SourceSpan span,
                             std::string message, std::string hint) {
  items_.push_back({Severity::Warning, std::move(code), std::move(file), span,
                    std::move(message), std::move(hint)});
}

bool DiagnosticList::has_errors() const { return error_count() > 0; }

size_t DiagnosticList::error_count() const {
  size_t n = 0;
  for (const auto& d : items_) n += d.severity == Severity::Error;
  return n;
}

void DiagnosticList::append(const DiagnosticList& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

static const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

std::string render(const Diagnostic& d) {
  std::string out;
  std::string where = d.file ? d.file->path : std::string("<input>");
  if (d.span.valid()) where += fmt::format(":{}:{}", d.span.line, d.span.column);
  out += fmt::format("{}: {}[{}]: {}\n", where, severity_name(d.severity), d.code, d.message);
  if (d.file && d.span.valid()) {
    std::string line = d.file->line_text(d.span.line);
    // Control characters would reach the user's terminal; show them as '?' (one byte each,
    // so the caret columns stay right).
    for (char& c : line)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) c = '?';
    out += fmt::format("  {}\n  ", line);
    int last = d.span.end_line == d.span.line ? d.span.end_column : static_cast<int>(line.size());
    if (last < d.span.column) last = d.span.column;
    for (int c = 1; c < d.span.column; ++c) out += (c - 1 < (int)line.size() && line[c - 1] == '\t') ? '\t' : ' ';
    out += std::string(static_cast<size_t>(last - d.span.column + 1), '^');
    out += '\n';
  }
  if (!d.hint.empty()) out += fmt::format("  hint: {}\n", d.hint);
  return out;
}

std::string render(const DiagnosticList& list) {
  std::string out;
  for (const auto& d : list.items()) out += render(d);
  return out;
}

}  // namespace nestjit
