// Diagnostics as JSON for editors and tools: one array of objects with file, line, column,
// end_line, end_column, severity, code, message and (when present) hint.
#pragma once
#include <string>
#include <vector>

#include "support/diagnostic.h"

namespace nestjit::cli {

std::string json_escape(const std::string& s);
std::string to_json(const std::vector<Diagnostic>& diags);

}  // namespace nestjit::cli
