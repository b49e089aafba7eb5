#include "nir/guards.h"

namespace nestjit::nir {

namespace {

// The condition as written, from its span (guards are one line in practice; a guard that
// spans lines is quoted from its first line).
std::string condition_text(const SourceFile* file, const SourceSpan& span) {
  if (!file || !span.valid()) return {};
  const std::string line = file->line_text(span.line);
  const size_t begin = size_t(span.column - 1);
  if (begin >= line.size()) return {};
  const size_t end = span.end_line == span.line ? size_t(span.end_column) : line.size();
  return line.substr(begin, end > begin ? end - begin : std::string::npos);
}

}  // namespace

void lower_guards(const sema::CheckedModel& model,
                  const std::function<int(const sema::Symbol&)>& slot_of,
                  const std::function<ExprPtr(const ast::Expr&)>& lower_condition,
                  std::vector<Guard>& out) {
  using sema::SymbolKind;
  // Upstream enforces the guards of parameters only (SEMANTICS.md 8.26): guards on state
  // and internals are documentation there, and a corpus model (CoCoInvariantNotBool) has an
  // internal guard that never holds.
  for (SymbolKind kind : {SymbolKind::Parameter}) {
    for (const sema::Symbol* s : model.of_kind(kind)) {
      if (!s->declaration || !s->declaration->guard || s->order != 0) continue;
      const int slot = slot_of(*s);
      if (slot < 0) continue;
      const ast::Expr& g = *s->declaration->guard;
      Guard guard;
      guard.variable = s->name;
      guard.slot = slot;
      guard.on_parameter = kind == SymbolKind::Parameter;
      guard.condition = lower_condition(g);
      guard.file = model.file ? model.file->path : std::string();
      guard.line = g.span.line;
      guard.column = g.span.column;
      guard.text = condition_text(model.file.get(), g.span);
      out.push_back(std::move(guard));
    }
  }
}

}  // namespace nestjit::nir
