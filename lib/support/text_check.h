// Refuses input that is not a NESTML text before any stage looks at it: files too large to
// be a model, binary files (NUL bytes) and bytes that are not UTF-8. Each gets one located
// error instead of a cascade of syntax errors over garbage.
#pragma once
#include <cstddef>

#include "support/diagnostic.h"

namespace nestjit {

// Largest model text accepted (the whole corpus' largest file is under 100 KiB).
constexpr size_t kMaxSourceBytes = size_t(16) << 20;

// Adds an error to `diags` and returns false when `file` is not acceptable model text.
bool check_source_text(const SourceFilePtr& file, DiagnosticList& diags);

}  // namespace nestjit
