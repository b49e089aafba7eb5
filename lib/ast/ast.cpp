#include "ast/ast.h"

namespace nestjit::ast {

const char* op_spelling(Op op) {
  switch (op) {
    case Op::Neg: return "-";
    case Op::Plus: return "+";
    case Op::BitNot: return "~";
    case Op::Not: return "not";
    case Op::Pow: return "**";
    case Op::Mul: return "*";
    case Op::Div: return "/";
    case Op::Mod: return "%";
    case Op::Add: return "+";
    case Op::Sub: return "-";
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

}  // namespace nestjit::ast
