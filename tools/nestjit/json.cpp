#include "json.h"

#include <fmt/format.h>

namespace nestjit::cli {

std::string json_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20)
          out += fmt::format("\\u{:04x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  return out;
}

static const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

std::string to_json(const std::vector<Diagnostic>& diags) {
  std::string out = "[";
  bool first = true;
  for (const auto& d : diags) {
    out += first ? "\n  " : ",\n  ";
    first = false;
    out += fmt::format(
        "{{\"file\": \"{}\", \"line\": {}, \"column\": {}, \"end_line\": {}, \"end_column\": {}, "
        "\"severity\": \"{}\", \"code\": \"{}\", \"message\": \"{}\"",
        json_escape(d.file ? d.file->path : std::string()), d.span.line, d.span.column,
        d.span.end_line, d.span.end_column, severity_name(d.severity), json_escape(d.code),
        json_escape(d.message));
    if (!d.hint.empty()) out += fmt::format(", \"hint\": \"{}\"", json_escape(d.hint));
    out += "}";
  }
  out += first ? "]\n" : "\n]\n";
  return out;
}

}  // namespace nestjit::cli
