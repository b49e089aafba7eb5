#include "sema/cocos.h"

#include <fmt/format.h>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace nestjit::sema::cocos {

namespace {

using EK = ast::Expr::Kind;

void error(const Context& c, const char* code, SourceSpan span, std::string msg,
           std::string hint = {}) {
  c.diags.error(code, c.file, span, std::move(msg), std::move(hint));
}
void warning(const Context& c, const char* code, SourceSpan span, std::string msg,
             std::string hint = {}) {
  c.diags.warning(code, c.file, span, std::move(msg), std::move(hint));
}

// Value of an integer-valued constant: literals, signs, parentheses, + - * and names of
// parameters/internals with such an initializer. nullopt when not constant.
std::optional<double> fold(const Context& c, const ast::Expr& e, int depth = 0) {
  if (depth > 16) return std::nullopt;
  switch (e.kind) {
    case EK::Number: return e.num;
    case EK::Paren: return fold(c, *e.args[0], depth + 1);
    case EK::Unary: {
      auto v = fold(c, *e.args[0], depth + 1);
      if (!v) return std::nullopt;
      if (e.op == ast::Op::Neg) return -*v;
      if (e.op == ast::Op::Plus) return *v;
      return std::nullopt;
    }
    case EK::Binary: {
      auto a = fold(c, *e.args[0], depth + 1), b = fold(c, *e.args[1], depth + 1);
      if (!a || !b) return std::nullopt;
      if (e.op == ast::Op::Add) return *a + *b;
      if (e.op == ast::Op::Sub) return *a - *b;
      if (e.op == ast::Op::Mul) return *a * *b;
      return std::nullopt;
    }
    case EK::Name: {
      const Symbol* s = c.checked.find(e.text, 0);
      if (s && s->init && (s->kind == SymbolKind::Parameter || s->kind == SymbolKind::Internal))
        return fold(c, *s->init, depth + 1);
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

}  // namespace

void function_unique(const Context& c) {
  std::map<std::string, const ast::Function*> seen;
  for (const auto& f : c.model.functions) {
    auto [it, fresh] = seen.emplace(f.name, &f);
    if (!fresh)
      error(c, "E-FUNCTION-DUPLICATE", f.name_span,
            fmt::format("function '{}' is defined more than once", f.name),
            fmt::format("the first definition is at line {}; rename one of them",
                        it->second->name_span.line));
  }
}

void no_nest_name_space_collision(const Context& c) {
  static const std::set<std::string> reserved = {
      "update", "calibrate", "handle", "connect_sender", "check_connection",
      "get_status", "set_status", "init_state_", "init_buffers_"};
  for (const auto& f : c.model.functions)
    if (reserved.count(f.name))
      error(c, "E-NEST-NAME-COLLISION", f.name_span,
            fmt::format("function name '{}' collides with a method every NEST model has",
                        f.name),
            "rename the function");
}

// Priorities are stored as long integers; larger literals are refused rather than converted.
constexpr double kMaxPriority = 1e9;

void priorities_correctly_specified(const Context& c) {
  std::vector<std::pair<const ast::OnReceive*, const ast::HandlerArg*>> prio;
  for (const auto& h : c.model.on_receive)
    for (const auto& a : h.args) {
      if (a.name == "priority") {
        prio.emplace_back(&h, &a);
        if (!a.value || a.value->kind != EK::Number || !a.value->is_integer)
          error(c, "E-PRIORITY", a.value ? a.value->span : a.span,
                "the priority of an onReceive block must be an integer literal",
                "write e.g. 'priority=1'");
        else if (!(std::fabs(a.value->num) <= kMaxPriority))
          error(c, "E-PRIORITY", a.value->span,
                fmt::format("priority {:g} is out of range (at most {:g} in magnitude)",
                            a.value->num, kMaxPriority),
                "priorities only order handlers; small integers do");
      } else {
        warning(c, "W-HANDLER-ARG-UNKNOWN", a.span,
                fmt::format("onReceive argument '{}' has no meaning and is ignored", a.name),
                "only 'priority' is understood");
      }
    }
  for (const auto& h : c.model.on_condition)
    for (const auto& a : h.args)
      warning(c, "W-HANDLER-ARG-UNKNOWN", a.span,
              fmt::format("onCondition argument '{}' has no meaning and is ignored", a.name));
  if (prio.size() == 1 && c.model.on_receive.size() > 1)
    error(c, "E-PRIORITY", prio[0].second->span,
          fmt::format("only the onReceive block for '{}' has a priority", prio[0].first->port),
          "give every onReceive block a priority, or none");
  std::map<long, const ast::HandlerArg*> values;
  for (const auto& [h, a] : prio) {
    if (!a->value || a->value->kind != EK::Number || !a->value->is_integer ||
        !(std::fabs(a->value->num) <= kMaxPriority))
      continue;  // already reported above
    auto [it, fresh] = values.emplace(static_cast<long>(a->value->num), a);
    if (!fresh)
      error(c, "E-PRIORITY", a->value->span,
            fmt::format("priority {} is also given to the onReceive block at line {}",
                        static_cast<long>(a->value->num), it->second->span.line),
            "priorities decide the order of handlers of coincident spikes: make them distinct");
  }
}

// Sizes beyond these would not fit in memory once multiplied by the instances (and, for
// ports, by the ring-buffer horizon); refused here rather than by a failing allocation.
constexpr double kMaxVectorSize = double(1 << 24);
constexpr double kMaxPortSize = 4096;

void vector_declaration_sizes(const Context& c) {
  auto check = [&](const ast::Declaration& d) {
    if (!d.vector_size) return;
    const ast::Expr& size = *d.vector_size;
    std::string name = d.names.empty() ? "" : d.names[0];
    if (size.kind == EK::Name && size.args.empty()) {
      const Symbol* s = c.checked.find(size.text, 0);
      if (s && s->kind != SymbolKind::Parameter && s->kind != SymbolKind::Internal) {
        error(c, "E-VECTOR-SIZE-BLOCK", size.span,
              fmt::format("the size of vector '{}' is '{}', which is not a parameter or internal",
                          name, size.text),
              "declare the size in the parameters or internals block");
        return;
      }
      if (s && s->type.kind != Type::Kind::Integer && !s->type.is_error()) {
        error(c, "E-VECTOR-SIZE-TYPE", size.span,
              fmt::format("the size of vector '{}' is '{}' of type {}, but it must be an integer",
                          name, size.text, s->type.to_string()),
              fmt::format("declare '{}' as integer", size.text));
        return;
      }
    } else if (size.kind == EK::Number && !size.is_integer) {
      error(c, "E-VECTOR-SIZE-TYPE", size.span,
            fmt::format("the size of vector '{}' must be an integer", name));
      return;
    }
    if (auto v = fold(c, size); v && *v <= 0)
      error(c, "E-VECTOR-SIZE", size.span,
            fmt::format("vector '{}' has size {}, but a size must be greater than 0", name, *v));
    else if (v && *v > kMaxVectorSize)
      error(c, "E-VECTOR-SIZE", size.span,
            fmt::format("vector '{}' has size {:g}; a vector may have at most {} elements", name,
                        *v, kMaxVectorSize),
            "every instance stores its own copy of the vector");
  };
  for (const auto* block : {&c.model.parameters, &c.model.state, &c.model.internals})
    for (const auto& d : *block) check(d);
}

void vector_input_port_sizes(const Context& c) {
  for (const auto& p : c.model.inputs) {
    if (!p.vector_size) continue;
    auto v = fold(c, *p.vector_size);
    if (!v) {
      error(c, "E-PORT-SIZE", p.vector_size->span,
            fmt::format("the size of input port '{}' must be an integer constant", p.name),
            "use an integer literal or an integer parameter");
    } else if (*v > kMaxPortSize) {
      error(c, "E-PORT-SIZE", p.vector_size->span,
            fmt::format("input port '{}' has size {:g}; at most {} receptors are supported",
                        p.name, *v, kMaxPortSize),
            "every receptor has its own input buffers in every instance");
    } else if (*v <= 0 || *v != std::floor(*v)) {
      error(c, "E-PORT-SIZE", p.vector_size->span,
            fmt::format("input port '{}' has size {}, but a size must be an integer greater "
                        "than 0",
                        p.name, *v));
    }
  }
}

void input_output_present(const Context& c) {
  bool in = false, out = false;
  for (const auto& b : c.model.blocks) {
    in |= b.kind == ast::BlockKind::Input;
    out |= b.kind == ast::BlockKind::Output;
  }
  if (!in)
    warning(c, "W-INPUT-MISSING", c.model.name_span,
            fmt::format("model '{}' has no input block", c.model.name),
            "without input ports the model cannot receive spikes or currents");
  if (!out)
    warning(c, "W-OUTPUT-MISSING", c.model.name_span,
            fmt::format("model '{}' has no output block", c.model.name),
            "without 'output: spike' the model cannot send spikes");
}

void synapse_has_spike_input(const Context& c) {
  if (!c.checked.is_synapse) return;
  for (const auto& p : c.model.inputs)
    if (p.kind == ast::InputPort::Kind::Spike) return;
  warning(c, "W-SYNAPSE-PORTS", c.model.name_span,
          fmt::format("synapse '{}' has no spike input port for presynaptic spikes", c.model.name),
          "a synapse needs e.g. 'pre_spikes <- spike'");
}

void equations_unique(const Context& c) {
  std::map<std::pair<std::string, int>, SourceSpan> seen;
  auto add = [&](const std::string& name, int order, SourceSpan span) {
    auto [it, fresh] = seen.emplace(std::pair(name, order), span);
    if (!fresh)
      error(c, "E-ODE-DUPLICATE", span,
            fmt::format("'{}{}' is defined by more than one equation", name,
                        std::string(order, '\'')),
            fmt::format("the first equation is at line {}", it->second.line));
  };
  // x[i]' and x[2]' are told apart by the index as written (a name or a literal).
  for (const auto& o : c.model.odes) {
    if (o.order <= 0) continue;
    std::string name = o.name;
    if (o.index)
      name += "[" + (o.index->kind == ast::Expr::Kind::Number ? fmt::format("{}", o.index->num)
                                                              : o.index->text) + "]";
    add(name, o.order, o.lhs_span);
  }
  for (const auto& k : c.model.kernels)
    for (const auto& p : k.parts) add(p.name, p.order, p.lhs_span);
}

void run_all(const Context& c) {
  function_unique(c);
  functions_not_recursive(c);
  no_nest_name_space_collision(c);
  priorities_correctly_specified(c);
  vector_declaration_sizes(c);
  vector_input_port_sizes(c);
  input_output_present(c);
  synapse_has_spike_input(c);
  equations_unique(c);
}

}  // namespace nestjit::sema::cocos
