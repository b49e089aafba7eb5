// Model blocks of the parse tree -> ast::Model: variable, equations, input and output
// blocks, handlers and functions, and the model itself; build_ast() is the entry point.
#include <fmt/format.h>

#include "ast_builder.h"
#include "builder.h"

namespace nestjit::syntax {

namespace building {

ast::HandlerArg Builder::handler_argument(P::HandlerArgumentContext* c) {
  ast::HandlerArg a;
  a.name = c->NAME() ? c->NAME()->getText() : std::string();
  a.value = expr(c->expression());
  a.span = span(c);
  return a;
}

// ---- model blocks ---------------------------------------------------------------------------

void Builder::header(ast::Model& m, ast::BlockKind kind, Token* first,
                     antlr4::tree::TerminalNode* colon) {
  m.blocks.push_back({kind, colon ? span(first, colon->getSymbol()) : span(first)});
}

void Builder::lhs_name(P::VariableContext* v, std::string& name, int& order, const char* what,
                       ast::ExprPtr* index) {
  if (!v || v->NAME().empty()) return;
  name = v->NAME(0)->getText();
  order = static_cast<int>(v->DIFFERENTIAL_ORDER().size());
  if (index && v->index && !v->attribute) {
    *index = expr(v->index);
    return;
  }
  if (v->index || v->attribute) {
    errors_.report(span(v), fmt::format("the left-hand side of {} must be a plain name", what),
                   "write `x' = ...` with the state variable's name and primes only");
  }
}

void Builder::variable_block(ast::Model& m, P::VariableBlockContext* c) {
  ast::BlockKind kind = ast::BlockKind::Parameters;
  std::vector<ast::Declaration>* target = &m.parameters;
  if (c->blockKind->getType() == L::STATE_KEYWORD) {
    kind = ast::BlockKind::State;
    target = &m.state;
  } else if (c->blockKind->getType() == L::INTERNALS_KEYWORD) {
    kind = ast::BlockKind::Internals;
    target = &m.internals;
  }
  header(m, kind, c->blockKind, c->COLON());
  for (auto* d : c->declaration()) target->push_back(declaration(d));
}

void Builder::equations_block(ast::Model& m, P::EquationsBlockContext* c) {
  header(m, ast::BlockKind::Equations, c->getStart(), c->COLON());
  for (auto* eq : c->equation()) {
    if (auto* x = eq->inlineExpression()) {
      ast::InlineDef d;
      d.span = span(x);
      d.name = x->NAME() ? x->NAME()->getText() : std::string();
      d.name_span = span(x->NAME());
      d.is_recordable = x->RECORDABLE_KEYWORD() != nullptr;
      d.type = data_type(x->dataType());
      d.rhs = expr(x->expression());
      for (auto* dec : x->decorator()) d.decorators.push_back(decorator(dec));
      m.inlines.push_back(std::move(d));
    } else if (auto* x = eq->kernelDefinition()) {
      ast::KernelDef k;
      k.span = span(x);
      for (auto* part : x->kernelPart()) {
        ast::KernelDef::Part p;
        lhs_name(part->variable(), p.name, p.order, "a kernel");
        p.lhs_span = span(part->variable());
        p.rhs = expr(part->expression());
        k.parts.push_back(std::move(p));
      }
      m.kernels.push_back(std::move(k));
    } else if (auto* x = eq->odeEquation()) {
      ast::OdeEquation o;
      o.span = span(x);
      lhs_name(x->lhs, o.name, o.order, "an equation", &o.index);
      o.lhs_span = span(x->lhs);
      o.rhs = expr(x->rhs);
      m.odes.push_back(std::move(o));
    }
  }
}

std::vector<ast::Parameter> Builder::port_attributes(P::PortAttributesContext* c) {
  std::vector<ast::Parameter> out;
  if (!c) return out;
  for (auto* p : c->parameter()) out.push_back(parameter(p));
  return out;
}

void Builder::input_block(ast::Model& m, P::InputBlockContext* c) {
  header(m, ast::BlockKind::Input, c->getStart(), c->COLON());
  for (auto* x : c->inputPort()) {
    ast::InputPort port;
    port.span = span(x);
    port.name = x->NAME() ? x->NAME()->getText() : std::string();
    port.name_span = span(x->NAME());
    port.kind = x->portKind && x->portKind->getType() == L::CONTINUOUS_KEYWORD
                    ? ast::InputPort::Kind::Continuous
                    : ast::InputPort::Kind::Spike;
    if (x->size) port.vector_size = expr(x->size);
    if (x->dataType()) port.type = data_type(x->dataType());
    for (auto* q : x->inputQualifier()) {
      if (q->EXCITATORY_KEYWORD()) ++port.excitatory_count;
      if (q->INHIBITORY_KEYWORD()) ++port.inhibitory_count;
    }
    port.excitatory = port.excitatory_count > 0;
    port.inhibitory = port.inhibitory_count > 0;
    port.attributes = port_attributes(x->portAttributes());
    m.inputs.push_back(std::move(port));
  }
}

void Builder::output_block(ast::Model& m, P::OutputBlockContext* c) {
  header(m, ast::BlockKind::Output, c->getStart(), c->COLON());
  ast::OutputPort port;
  port.span = c->portAttributes() ? span(c->portKind, c->portAttributes()->getStop())
                                  : span(c->portKind);
  port.kind = c->portKind && c->portKind->getType() == L::CONTINUOUS_KEYWORD
                  ? ast::OutputPort::Kind::Continuous
                  : ast::OutputPort::Kind::Spike;
  port.attributes = port_attributes(c->portAttributes());
  m.outputs.push_back(std::move(port));
}

void Builder::on_receive(ast::Model& m, P::OnReceiveBlockContext* c) {
  header(m, ast::BlockKind::OnReceive, c->getStart(), c->COLON());
  ast::OnReceive h;
  h.span = span(c);
  if (c->port) {
    h.port = c->port->getText();
    h.port_span = span(c->port);
  }
  if (c->index) h.port_index = expr(c->index);
  for (auto* a : c->handlerArgument()) h.args.push_back(handler_argument(a));
  h.body = block(c->block());
  m.on_receive.push_back(std::move(h));
}

void Builder::on_condition(ast::Model& m, P::OnConditionBlockContext* c) {
  header(m, ast::BlockKind::OnCondition, c->getStart(), c->COLON());
  ast::OnCondition h;
  h.span = span(c);
  h.condition = expr(c->condition);
  for (auto* a : c->handlerArgument()) h.args.push_back(handler_argument(a));
  h.body = block(c->block());
  m.on_condition.push_back(std::move(h));
}

void Builder::function(ast::Model& m, P::FunctionBlockContext* c) {
  header(m, ast::BlockKind::Function, c->getStart(), c->COLON());
  ast::Function f;
  f.span = span(c);
  f.name = c->NAME() ? c->NAME()->getText() : std::string();
  f.name_span = span(c->NAME());
  for (auto* p : c->parameter()) f.params.push_back(parameter(p));
  if (c->returnType) f.return_type = data_type(c->returnType);
  f.body = block(c->block());
  m.functions.push_back(std::move(f));
}

ast::Model Builder::model(P::ModelContext* c) {
  ast::Model m;
  m.span = span(c);
  if (c->NAME()) {
    m.name = c->NAME()->getText();
    m.name_span = span(c->NAME());
  }
  for (auto* b : c->modelBlock()) {
    if (auto* x = b->variableBlock()) {
      variable_block(m, x);
    } else if (auto* x = b->equationsBlock()) {
      equations_block(m, x);
    } else if (auto* x = b->inputBlock()) {
      input_block(m, x);
    } else if (auto* x = b->outputBlock()) {
      output_block(m, x);
    } else if (auto* x = b->updateBlock()) {
      header(m, ast::BlockKind::Update, x->getStart(), x->COLON());
      // A second update block is an error sema reports from `blocks`; keep the first body.
      if (!m.update) {
        m.update = block(x->block());
        m.update_span = span(x);
      }
    } else if (auto* x = b->onReceiveBlock()) {
      on_receive(m, x);
    } else if (auto* x = b->onConditionBlock()) {
      on_condition(m, x);
    } else if (auto* x = b->functionBlock()) {
      function(m, x);
    }
  }
  return m;
}

}  // namespace building


ast::CompilationUnit build_ast(NestmlParser::CompilationUnitContext* tree,
                               antlr4::TokenStream& tokens, const SourceMap& map,
                               const SourceFilePtr& file, SyntaxErrorSink& errors) {
  ast::CompilationUnit unit;
  unit.file = file;
  building::Builder builder(tokens, map, errors);
  if (tree) {
    for (auto* m : tree->model()) unit.models.push_back(builder.model(m));
  }
  return unit;
}

}  // namespace nestjit::syntax

