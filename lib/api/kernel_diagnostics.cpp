// Kernel::runtime_diagnostics: what the network logged while it was built and run.
#include "api/kernel_impl.h"

namespace nestjit {

std::vector<RuntimeDiagnostic> Kernel::runtime_diagnostics() const {
  std::vector<RuntimeDiagnostic> out;
  for (const auto& e : impl_->net->diagnostics().entries()) {
    RuntimeDiagnostic d;
    d.info.severity = e.error ? DiagnosticInfo::Severity::Error : DiagnosticInfo::Severity::Warning;
    d.info.code = e.code;
    d.info.message = e.message;
    d.info.rendered = fmt::format("{}[{}]: {}", e.error ? "error" : "warning", e.code, e.message);
    if (e.count > 1) d.info.rendered += fmt::format(" ({} times)", e.count);
    d.count = e.count;
    out.push_back(std::move(d));
  }
  return out;
}

void Kernel::clear_runtime_diagnostics() { impl_->net->diagnostics().clear(); }

}  // namespace nestjit
