// Recursive user functions: compiled code calls them on the host's stack, so a recursion
// without a reachable base case (or one a few hundred thousand levels deep) would take the
// host down with a stack overflow, which no error path can catch. Upstream has no such
// rule; no corpus model recurses. nestjit refuses any cycle in the call graph of a model's
// functions with one located error naming the cycle (ours: E-FUNCTION-RECURSIVE).
#include <fmt/format.h>
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "sema/cocos.h"

namespace nestjit::sema::cocos {

namespace {

using Calls = std::map<std::string, std::vector<const ast::Expr*>>;  // callee -> call sites

void collect_expr(const ast::Expr* e, const std::set<std::string>& user, Calls& out) {
  if (!e) return;
  if (e->kind == ast::Expr::Kind::Call && user.count(e->text)) out[e->text].push_back(e);
  for (const auto& a : e->args) collect_expr(a.get(), user, out);
}

void collect_block(const ast::Block& b, const std::set<std::string>& user, Calls& out) {
  for (const auto& s : b) {
    if (s->declaration) {
      collect_expr(s->declaration->init.get(), user, out);
      collect_expr(s->declaration->vector_size.get(), user, out);
    }
    collect_expr(s->target.get(), user, out);
    collect_expr(s->value.get(), user, out);
    collect_expr(s->from.get(), user, out);
    collect_expr(s->to.get(), user, out);
    for (const auto& br : s->branches) {
      collect_expr(br.condition.get(), user, out);
      collect_block(br.body, user, out);
    }
    collect_block(s->body, user, out);
  }
}

}  // namespace

void functions_not_recursive(const Context& c) {
  std::set<std::string> user;
  for (const auto& f : c.model.functions) user.insert(f.name);
  std::map<std::string, Calls> graph;
  for (const auto& f : c.model.functions) collect_block(f.body, user, graph[f.name]);

  // Depth-first search; a call to a function on the current path closes a cycle.
  enum class Mark { New, OnPath, Done };
  std::map<std::string, Mark> mark;
  std::vector<std::string> path;
  std::function<void(const std::string&)> visit = [&](const std::string& f) {
    mark[f] = Mark::OnPath;
    path.push_back(f);
    for (const auto& [callee, sites] : graph[f]) {
      if (mark[callee] == Mark::OnPath) {
        std::string cycle;
        auto from = std::find(path.begin(), path.end(), callee);
        for (auto it = from; it != path.end(); ++it) cycle += *it + " -> ";
        cycle += callee;
        c.diags.error("E-FUNCTION-RECURSIVE", c.file, sites.front()->span,
              fmt::format("function '{}' is recursive ({})", callee, cycle),
              "compiled functions run on the host's stack; write the recursion as a loop");
      } else if (mark[callee] == Mark::New) {
        visit(callee);
      }
    }
    path.pop_back();
    mark[f] = Mark::Done;
  };
  for (const auto& f : c.model.functions)
    if (mark[f.name] == Mark::New) visit(f.name);
}

}  // namespace nestjit::sema::cocos
