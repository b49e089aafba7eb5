// Printing nir::Model. Slots print by name, locals as %N, user-function parameters as $N.
#include "nir/print.h"

#include <fmt/format.h>

namespace nestjit::nir {

namespace {

const char* op_text(Op op) {
  switch (op) {
    case Op::Neg: return "-";
    case Op::Not: return "not ";
    case Op::BitNot: return "~";
    case Op::ToF64: return "f64 ";
    case Op::ToI64: return "i64 ";
    case Op::ToBool: return "bool ";
    case Op::Add: return "+";
    case Op::Sub: return "-";
    case Op::Mul: return "*";
    case Op::Div: return "/";
    case Op::Mod: return "%";
    case Op::Pow: return "**";
    case Op::BitAnd: return "&";
    case Op::BitXor: return "^";
    case Op::BitOr: return "|";
    case Op::Shl: return "<<";
    case Op::Shr: return ">>";
    case Op::Lt: return "<";
    case Op::Le: return "<=";
    case Op::Eq: return "==";
    case Op::Ne: return "!=";
    case Op::Ge: return ">=";
    case Op::Gt: return ">";
    case Op::And: return "and";
    case Op::Or: return "or";
  }
  return "?";
}

const char* role_text(SlotRole r) {
  switch (r) {
    case SlotRole::Parameter: return "parameter";
    case SlotRole::State: return "state";
    case SlotRole::Internal: return "internal";
    case SlotRole::Convolution: return "convolution";
    case SlotRole::ConvolutionTmp: return "convolution-tmp";
    case SlotRole::Propagator: return "propagator";
    case SlotRole::SpikeInput: return "spike-input";
    case SlotRole::SpikeReceived: return "spike-received";
    case SlotRole::ContinuousInput: return "continuous-input";
    case SlotRole::IntegrationStep: return "integration-step";
  }
  return "?";
}

class Printer {
 public:
  explicit Printer(const Model& m) : m_(m) {}

  std::string slot(int i) const {
    return i >= 0 && size_t(i) < m_.slots.size() ? m_.slots[size_t(i)].name : fmt::format("slot{}", i);
  }

  std::string expr(const Expr& e) const {
    switch (e.kind) {
      case Expr::Kind::Const:
        if (e.type == ValueType::Bool) return e.value != 0 ? "true" : "false";
        return fmt::format("{}", e.value);
      case Expr::Kind::Slot: return slot(e.index);
      case Expr::Kind::Local: return fmt::format("%{}", e.index);
      case Expr::Kind::Param: return fmt::format("${}", e.index);
      case Expr::Kind::Time: return "t";
      case Expr::Kind::Timestep: return "timestep()";
      case Expr::Kind::Resolution: return "resolution()";
      case Expr::Kind::Unary: return fmt::format("({}{})", op_text(e.op), expr(*e.args[0]));
      case Expr::Kind::Binary:
        return fmt::format("({} {} {})", expr(*e.args[0]), op_text(e.op), expr(*e.args[1]));
      case Expr::Kind::Select:
        return fmt::format("({} ? {} : {})", expr(*e.args[0]), expr(*e.args[1]), expr(*e.args[2]));
      case Expr::Kind::Builtin: {
        return fmt::format("{}({})", sema::builtin_name(e.builtin), args(e.args));
      }
      case Expr::Kind::Call: {
        std::string name = size_t(e.index) < m_.functions.size()
                               ? m_.functions[size_t(e.index)].name : fmt::format("fn{}", e.index);
        return fmt::format("{}({})", name, args(e.args));
      }
      case Expr::Kind::SlotElement:
        return fmt::format("{}[{}]", e.name, e.args.empty() ? "?" : expr(*e.args[0]));
    }
    return "?";
  }

  std::string args(const std::vector<ExprPtr>& a) const {
    std::string out;
    for (size_t i = 0; i < a.size(); ++i) out += (i ? ", " : "") + (a[i] ? expr(*a[i]) : "_");
    return out;
  }

  void block(const Block& b, int depth) {
    for (const auto& s : b) stmt(*s, depth);
  }

  void stmt(const Stmt& s, int depth) {
    const std::string pad(size_t(depth) * 2, ' ');
    switch (s.kind) {
      case Stmt::Kind::AssignSlot: line(pad, fmt::format("{} = {}", slot(s.index), expr(*s.value))); break;
      case Stmt::Kind::AssignLocal: line(pad, fmt::format("%{} = {}", s.index, expr(*s.value))); break;
      case Stmt::Kind::AssignElement:
        line(pad, fmt::format("{} = {}", s.element ? expr(*s.element) : "?", expr(*s.value)));
        break;
      case Stmt::Kind::Eval: line(pad, expr(*s.value)); break;
      case Stmt::Kind::If:
        for (size_t i = 0; i < s.branches.size(); ++i) {
          line(pad, fmt::format("{} {}:", i ? "elif" : "if", expr(*s.branches[i].first)));
          block(s.branches[i].second, depth + 1);
        }
        if (!s.else_body.empty()) {
          line(pad, "else:");
          block(s.else_body, depth + 1);
        }
        break;
      case Stmt::Kind::While:
        line(pad, fmt::format("while {}:   # leaves on interrupt", expr(*s.value)));
        block(s.body, depth + 1);
        break;
      case Stmt::Kind::Return: line(pad, s.value ? "return " + expr(*s.value) : "return"); break;
      case Stmt::Kind::IntegrateOdes:
        line(pad, fmt::format("integrate_odes #{}{}", s.index,
                              s.advance_convolutions ? " (and convolutions)" : ""));
        break;
      case Stmt::Kind::EmitSpike: line(pad, fmt::format("emit_spike({})", args(s.args))); break;
      case Stmt::Kind::Print: {
        std::string text;
        for (size_t i = 0; i < s.text.size(); ++i) {
          text += s.text[i];
          if (i < s.args.size()) text += "{" + expr(*s.args[i]) + "}";
        }
        line(pad, fmt::format("print{} \"{}\"", s.newline ? "ln" : "", text));
        break;
      }
    }
  }

  void code(const std::string& title, const CodeBlock& c) {
    if (c.body.empty()) return;
    out_ += fmt::format("{}:{}\n", title, c.locals ? fmt::format("   # {} locals", c.locals) : "");
    block(c.body, 1);
  }

  std::string run() {
    out_ += fmt::format("model {} ({})\n", m_.name, m_.is_synapse ? "synapse" : "neuron");
    out_ += "slots:\n";
    for (size_t i = 0; i < m_.slots.size(); ++i) {
      const Slot& s = m_.slots[i];
      out_ += fmt::format("  {:>3} {:<24} {:<16} {}{}\n", i, s.name, role_text(s.role), s.unit,
                          s.recordable ? " recordable" : "");
    }
    for (const auto& p : m_.spike_ports)
      out_ += fmt::format("spike port {}{}\n", p.name, p.is_post ? " (post)" : "");
    for (const auto& p : m_.continuous_ports) out_ += fmt::format("continuous port {}\n", p.name);
    code("init_parameters", m_.init_parameters);
    code("compute_internals", m_.compute_internals);
    code("init_state", m_.init_state);
    code("update", m_.update);
    for (size_t i = 0; i < m_.on_receive.size(); ++i) {
      const Handler& h = m_.on_receive[i];
      std::string port = size_t(h.port) < m_.spike_ports.size() ? m_.spike_ports[size_t(h.port)].name : "?";
      out_ += fmt::format("onReceive({}):\n", port);
      block(h.body, 1);
    }
    for (size_t i = 0; i < m_.on_condition.size(); ++i) code(fmt::format("onCondition #{}", i), m_.on_condition[i]);
    for (const auto& f : m_.functions) code("function " + f.name, f.code);
    for (const auto& v : m_.ode_vars)
      out_ += fmt::format("ode {}' = {}   # {}\n", v.name, v.rhs ? expr(*v.rhs) : "?",
                          v.analytic ? fmt::format("exact, block {} row {}", v.block, v.row)
                          : v.is_convolution ? "convolution" : "numeric");
    for (size_t i = 0; i < m_.numeric_systems.size(); ++i) {
      const auto& sys = m_.numeric_systems[i];
      std::string vars;
      for (int v : sys.vars) vars += (vars.empty() ? "" : ", ") + m_.ode_vars[size_t(v)].name;
      out_ += fmt::format("numeric system #{}: {} (writes back {}, {} Jacobian)\n", i, vars,
                          sys.writeback, sys.jacobian.empty() ? "difference-quotient" : "symbolic");
    }
    return out_;
  }

 private:
  void line(const std::string& pad, const std::string& text) { out_ += pad + "  " + text + "\n"; }
  const Model& m_;
  std::string out_;
};

}  // namespace

std::string to_text(const Model& model) { return Printer(model).run(); }

}  // namespace nestjit::nir
