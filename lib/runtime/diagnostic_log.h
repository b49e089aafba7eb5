// Diagnostics raised while a network runs (solver warnings and failures, parameter
// warnings): one entry per distinct condition and instance, with a count of repeats, so a
// condition that recurs every step becomes one line instead of a flood.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

namespace nestjit::runtime {

struct LoggedDiagnostic {
  bool error = false;
  std::string code;     // "W-SOLVER", "E-SOLVER", "W-PARAMETER", ...
  std::string message;  // the first occurrence's text
  long count = 1;
};

class DiagnosticLog {
 public:
  // `key` identifies the condition (instance + solver flag, say); repeats only count.
  void add(const std::string& key, bool error, std::string code, std::string message,
           long count = 1) {
    auto [it, fresh] = index_.try_emplace(key, entries_.size());
    if (!fresh) {
      entries_[it->second].count += count;
      return;
    }
    entries_.push_back({error, std::move(code), std::move(message), count});
  }
  const std::vector<LoggedDiagnostic>& entries() const { return entries_; }
  void clear() {
    entries_.clear();
    index_.clear();
  }

 private:
  std::vector<LoggedDiagnostic> entries_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace nestjit::runtime
