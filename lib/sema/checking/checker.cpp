// The Checker's construction, diagnostics, the symbol table, name lookup and the block
// structure checks (each block at most once; predefined names).
#include "sema/checking/checker.h"

#include <fmt/format.h>
#include <functional>

#include "sema/cocos.h"

namespace nestjit::sema::checking {

Checker::Checker(const ast::Model& model, SourceFilePtr file, const CheckOptions& opts,
        DiagnosticList& diags)
    : m_(std::make_unique<CheckedModel>()), model_(model), file_(std::move(file)),
      diags_(diags) {
  m_->file = file_;
  m_->ast = &model;
  m_->is_synapse = ends_with(model.name, "synapse");
  for (const auto& s : opts.synapse_models)
    if (s == model.name) m_->is_synapse = true;
}

void Checker::begin_body(const ast::Block& body) {
  body_locals_.clear();
  std::function<void(const ast::Block&)> walk = [&](const ast::Block& b) {
    for (const auto& st : b) {
      if (st->kind == ast::Stmt::Kind::Declaration)
        for (size_t i = 0; i < st->declaration->names.size(); ++i)
          body_locals_.emplace_back(st->declaration->names[i],
                                    i < st->declaration->name_spans.size()
                                        ? st->declaration->name_spans[i]
                                        : st->span);
      for (const auto& br : st->branches) walk(br.body);
      walk(st->body);
    }
  };
  walk(body);
}

const SourceSpan* Checker::later_local(const std::string& name, const SourceSpan& use) const {
  for (const auto& [n, span] : body_locals_)
    if (n == name && pos(span) > pos(use)) return &span;
  return nullptr;
}

void Checker::error(const std::string& code, SourceSpan span, std::string msg, std::string hint) {
  diags_.error(code, file_, span, std::move(msg), std::move(hint));
}

void Checker::warning(const std::string& code, SourceSpan span, std::string msg, std::string hint) {
  diags_.warning(code, file_, span, std::move(msg), std::move(hint));
}

Symbol* Checker::add_symbol(std::string name, int order, SymbolKind kind, Type type, SourceSpan span) {
  auto s = std::make_unique<Symbol>();
  s->name = std::move(name);
  s->order = order;
  s->kind = kind;
  s->type = type;
  s->span = span;
  Symbol* raw = s.get();
  m_->symbols.push_back(std::move(s));
  return raw;
}

void Checker::check_block_multiplicity() {
  std::map<ast::BlockKind, SourceSpan> seen;
  static const std::map<ast::BlockKind, const char*> once = {
      {ast::BlockKind::Parameters, "parameters"}, {ast::BlockKind::State, "state"},
      {ast::BlockKind::Internals, "internals"},   {ast::BlockKind::Equations, "equations"},
      {ast::BlockKind::Input, "input"},           {ast::BlockKind::Output, "output"},
      {ast::BlockKind::Update, "update"}};
  for (const auto& b : model_.blocks) {
    auto it = once.find(b.kind);
    if (it == once.end()) continue;
    auto [prev, fresh] = seen.emplace(b.kind, b.span);
    if (!fresh)
      error("E-BLOCK-DUPLICATE", b.span,
            fmt::format("block '{}' is defined more than once in model '{}'", it->second,
                        model_.name),
            fmt::format("merge it with the first '{}' block at line {}", it->second,
                        prev->second.line));
  }
}

void Checker::add_predefined() {
  add_symbol("t", 0, SymbolKind::Predefined, Type::quantity(units::lookup("ms")->dim), {});
  add_symbol("e", 0, SymbolKind::Predefined, Type::real(), {});
  add_symbol("pi", 0, SymbolKind::Predefined, Type::real(), {});
}

const Symbol* Checker::lookup_model(const std::string& name, int order) const {
  return m_->find(name, order);
}

const Symbol* Checker::lookup(const std::string& name, int order) const {
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
    for (const Symbol* s : *it)
      if (s->name == name && s->order == order) return s;
  return lookup_model(name, order);
}

void Checker::redeclaration_check(const std::string& name, int order, SourceSpan span) {
  const Symbol* prev = scopes_.empty() ? lookup_model(name, order) : nullptr;
  if (!scopes_.empty())
    for (const Symbol* s : scopes_.back())
      if (s->name == name && s->order == order) prev = s;
  if (!prev) return;
  if (prev->kind == SymbolKind::Predefined)
    error("E-VARIABLE-SHADOWS-PREDEFINED", span,
          fmt::format("'{}' is a predefined variable and cannot be redeclared", name),
          "choose another name");
  else
    error("E-VARIABLE-REDECLARED", span,
          fmt::format("'{}' is already declared in this scope", name),
          prev->span.valid() ? fmt::format("the first declaration is at line {}", prev->span.line)
                             : std::string{});
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::pair<std::string, int> split_primes(const std::string& name) {
  size_t n = name.size();
  int order = 0;
  while (n > 0 && name[n - 1] == '\'') {
    --n;
    ++order;
  }
  return {name.substr(0, n), order};
}

void Checker::run_cocos() { cocos::run_all({model_, *m_, file_, diags_}); }

}  // namespace nestjit::sema::checking
