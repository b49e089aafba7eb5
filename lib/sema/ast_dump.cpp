// The checked model as an indented tree (the REPL's `%dump ast`): one line per AST node with
// its source position, and for expressions the type the checker gave them and what each name
// resolved to. It prints what sema saw, so it is a debugging view, not NESTML to re-read.
#include "sema/ast_dump.h"

#include <fmt/format.h>

namespace nestjit::sema {

namespace {

const char* symbol_kind(SymbolKind k) {
  switch (k) {
    case SymbolKind::Parameter: return "parameter";
    case SymbolKind::State: return "state";
    case SymbolKind::Internal: return "internal";
    case SymbolKind::Inline: return "inline";
    case SymbolKind::SpikePort: return "spike port";
    case SymbolKind::ContinuousPort: return "continuous port";
    case SymbolKind::Kernel: return "kernel";
    case SymbolKind::Local: return "local";
    case SymbolKind::FunctionParam: return "function parameter";
    case SymbolKind::Predefined: return "predefined";
  }
  return "?";
}

const char* type_keyword(ast::TypeExpr::Kind k) {
  switch (k) {
    case ast::TypeExpr::Kind::Integer: return "integer";
    case ast::TypeExpr::Kind::Real: return "real";
    case ast::TypeExpr::Kind::Boolean: return "boolean";
    case ast::TypeExpr::Kind::String: return "string";
    case ast::TypeExpr::Kind::Void: return "void";
    case ast::TypeExpr::Kind::Unit: return "unit";
  }
  return "?";
}

class Dumper {
 public:
  explicit Dumper(const CheckedModel& m) : m_(m) {}

  std::string run() {
    const ast::Model& a = *m_.ast;
    line(0, fmt::format("Model {} ({})", a.name, m_.is_synapse ? "synapse" : "neuron"), a.span);
    declarations(1, "Parameters", a.parameters);
    declarations(1, "State", a.state);
    declarations(1, "Internals", a.internals);
    if (!a.odes.empty() || !a.kernels.empty() || !a.inlines.empty()) {
      line(1, "Equations", {});
      for (const auto& i : a.inlines) {
        line(2, fmt::format("Inline {}{}", i.name, i.is_recordable ? " recordable" : ""), i.span);
        expr(3, i.rhs.get());
      }
      for (const auto& k : a.kernels)
        for (const auto& p : k.parts) {
          line(2, fmt::format("Kernel {}{}", p.name, std::string(size_t(p.order), '\'')), p.lhs_span);
          expr(3, p.rhs.get());
        }
      for (const auto& o : a.odes) {
        line(2, fmt::format("Ode {}{}", o.name, std::string(size_t(o.order), '\'')), o.span);
        if (o.index) {
          line(3, "Index", o.index->span);
          expr(4, o.index.get());
        }
        expr(3, o.rhs.get());
      }
    }
    if (!a.inputs.empty()) {
      line(1, "Input", {});
      for (const auto& p : a.inputs) {
        std::string q = p.excitatory ? " excitatory" : p.inhibitory ? " inhibitory" : "";
        line(2, fmt::format("{}Port {}{}", p.kind == ast::InputPort::Kind::Spike ? "Spike" : "Continuous",
                            p.name, q), p.span);
        if (p.vector_size) expr(3, p.vector_size.get());
      }
    }
    for (const auto& o : a.outputs)
      line(1, fmt::format("Output {}", o.kind == ast::OutputPort::Kind::Spike ? "spike" : "continuous"),
           o.span);
    if (a.update) {
      line(1, "Update", a.update_span);
      block(2, *a.update);
    }
    for (const auto& r : a.on_receive) {
      line(1, fmt::format("OnReceive {}", r.port), r.span);
      handler_args(2, r.args);
      block(2, r.body);
    }
    for (const auto& c : a.on_condition) {
      line(1, "OnCondition", c.span);
      expr(2, c.condition.get());
      handler_args(2, c.args);
      block(2, c.body);
    }
    for (const auto& f : a.functions) {
      std::string params;
      for (const auto& p : f.params) params += (params.empty() ? "" : ", ") + p.name;
      line(1, fmt::format("Function {}({})", f.name, params), f.span);
      block(2, f.body);
    }
    return out_;
  }

 private:
  void line(int depth, const std::string& text, const SourceSpan& span) {
    out_ += std::string(size_t(depth) * 2, ' ') + text;
    if (span.valid()) out_ += fmt::format("  <{}:{}>", span.line, span.column);
    out_ += '\n';
  }

  void declarations(int depth, const char* title, const std::vector<ast::Declaration>& decls) {
    if (decls.empty()) return;
    line(depth, title, {});
    for (const auto& d : decls) declaration(depth + 1, d);
  }

  void declaration(int depth, const ast::Declaration& d) {
    std::string names;
    for (const auto& n : d.names) names += (names.empty() ? "" : ", ") + n;
    std::string type = type_keyword(d.type.kind);
    if (const Symbol* s = m_.find(d.names.front())) type = s->type.to_string();
    std::string flags = d.is_recordable ? " recordable" : "";
    for (const auto& dec : d.decorators) flags += " @" + dec;
    line(depth, fmt::format("Declaration {} : {}{}", names, type, flags), d.span);
    if (d.vector_size) {
      line(depth + 1, "Size", d.vector_size->span);
      expr(depth + 2, d.vector_size.get());
    }
    if (d.init) expr(depth + 1, d.init.get());
    if (d.guard) {
      line(depth + 1, "Guard", d.guard->span);
      expr(depth + 2, d.guard.get());
    }
  }

  void handler_args(int depth, const std::vector<ast::HandlerArg>& args) {
    for (const auto& a : args) {
      line(depth, fmt::format("Argument {}", a.name), a.span);
      expr(depth + 1, a.value.get());
    }
  }

  void block(int depth, const ast::Block& b) {
    for (const auto& s : b) stmt(depth, *s);
  }

  void stmt(int depth, const ast::Stmt& s) {
    switch (s.kind) {
      case ast::Stmt::Kind::Declaration: declaration(depth, *s.declaration); return;
      case ast::Stmt::Kind::Assignment:
        line(depth, fmt::format("Assignment {}", s.assign_op), s.span);
        expr(depth + 1, s.target.get());
        expr(depth + 1, s.value.get());
        return;
      case ast::Stmt::Kind::Call:
        line(depth, "CallStatement", s.span);
        expr(depth + 1, s.value.get());
        return;
      case ast::Stmt::Kind::Return:
        line(depth, "Return", s.span);
        if (s.value) expr(depth + 1, s.value.get());
        return;
      case ast::Stmt::Kind::If:
        line(depth, "If", s.span);
        for (const auto& br : s.branches) {
          line(depth + 1, br.condition ? "Branch" : "Else", br.span);
          if (br.condition) expr(depth + 2, br.condition.get());
          block(depth + 2, br.body);
        }
        return;
      case ast::Stmt::Kind::While:
        line(depth, "While", s.span);
        expr(depth + 1, s.value.get());
        block(depth + 1, s.body);
        return;
      case ast::Stmt::Kind::For:
        line(depth, fmt::format("For {} step {}", s.loop_var, s.step), s.span);
        expr(depth + 1, s.from.get());
        expr(depth + 1, s.to.get());
        block(depth + 1, s.body);
        return;
    }
  }

  // "Binary * : mV" / "Name V_m : mV -> state" / "Number 10 (integer) : integer"
  void expr(int depth, const ast::Expr* e) {
    if (!e) return;
    std::string head;
    switch (e->kind) {
      case ast::Expr::Kind::Number:
        head = fmt::format("Number {}", e->num);
        break;
      case ast::Expr::Kind::Bool: head = e->bool_value ? "Bool true" : "Bool false"; break;
      case ast::Expr::Kind::String: head = fmt::format("String \"{}\"", e->text); break;
      case ast::Expr::Kind::Inf: head = "Inf"; break;
      case ast::Expr::Kind::Name:
        head = fmt::format("Name {}{}", e->text, std::string(size_t(e->primes), '\''));
        break;
      case ast::Expr::Kind::Call: head = fmt::format("Call {}", e->text); break;
      case ast::Expr::Kind::Unary: head = fmt::format("Unary {}", ast::op_spelling(e->op)); break;
      case ast::Expr::Kind::Binary:
        head = fmt::format("Binary {}{}", ast::op_spelling(e->op), e->implicit_mul ? " (implicit)" : "");
        break;
      case ast::Expr::Kind::Ternary: head = "Ternary"; break;
      case ast::Expr::Kind::Paren: head = "Paren"; break;
    }
    if (const ExprInfo* info = m_.info(e)) {
      head += " : " + info->type.to_string();
      if (info->symbol) head += fmt::format(" -> {}", symbol_kind(info->symbol->kind));
      else if (info->is_unit_name) head += fmt::format(" -> unit ({:g})", info->unit_scale);
      else if (info->function) head += " -> user function";
    }
    line(depth, head, e->span);
    for (const auto& a : e->args) expr(depth + 1, a.get());
  }

  const CheckedModel& m_;
  std::string out_;
};

}  // namespace

std::string dump_ast(const CheckedModel& model) { return Dumper(model).run(); }

}  // namespace nestjit::sema
