// libFuzzer entry point: any byte string is a NESTML file; parse it, check it and render
// the diagnostics. Nothing may crash, hang, leak or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sema/model.h"
#include "support/diagnostic.h"
#include "syntax/parser.h"

using namespace nestjit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return -1;  // a model is a few KiB; keep the search on structure
  auto src = make_source("fuzz.nestml", std::string(reinterpret_cast<const char*>(data), size));
  DiagnosticList diags;
  if (auto unit = syntax::parse(src, diags)) {
    auto models = sema::check(*unit, {}, diags);
    (void)models;
  }
  std::string text = render(diags);
  return text.size() == static_cast<size_t>(-1);
}
