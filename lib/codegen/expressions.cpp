// Expressions of nir to LLVM values: slot loads, type conversions, operators, builtins
// (libm calls resolved by the JIT's explicit symbol list).
#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <llvm/IR/Intrinsics.h>

#include "codegen/generator.h"
#include "nir/abi.h"

namespace nestjit::codegen {

namespace {
// Reals to integers: a value outside int64's range (1e308, an overflowed pow) saturates to
// its limits and NaN gives 0, where a plain conversion is undefined behaviour (in the
// compiler for a constant, poison in the generated code). llvm.fptosi.sat at run time, the
// same rule for constants.
int64_t saturated_i64(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 9223372036854775808.0) return INT64_MAX;
  if (v <= -9223372036854775808.0) return INT64_MIN;
  return int64_t(v);
}
llvm::Value* saturating_fptosi(llvm::IRBuilder<>& b, llvm::Value* v, llvm::Type* i64) {
  return b.CreateIntrinsic(llvm::Intrinsic::fptosi_sat, {i64, v->getType()}, {v});
}
}  // namespace

llvm::Type* Generator::llvm_type(ValueType t) {
  switch (t) {
    case ValueType::F64: return vt(f64_);
    case ValueType::I64: return vt(i64_);
    case ValueType::Bool: return vt(i1_);
  }
  return vt(f64_);
}

llvm::Value* Generator::load_slot(int slot) {
  if (y_of_slot_) {
    auto it = y_of_slot_->find(slot);
    if (it != y_of_slot_->end())
      return b_.CreateLoad(f64_, b_.CreateConstInBoundsGEP1_64(f64_, y_, it->second));
  }
  auto* load = b_.CreateLoad(vt(f64_), slot_ptr(slot));
  load->setMetadata(llvm::LLVMContext::MD_tbaa, tbaa_slot());
  return load;
}

// Converts v (of nir type `from`) to nir type `to`.
llvm::Value* Generator::as(llvm::Value* v, ValueType to, ValueType from) {
  if (to == from) return v;
  switch (to) {
    case ValueType::F64:
      return from == ValueType::I64 ? b_.CreateSIToFP(v, vt(f64_)) : b_.CreateUIToFP(v, vt(f64_));
    case ValueType::I64:
      return from == ValueType::F64 ? saturating_fptosi(b_, v, vt(i64_)) : b_.CreateZExt(v, vt(i64_));
    case ValueType::Bool:
      return from == ValueType::F64 ? b_.CreateFCmpUNE(v, llvm::ConstantFP::get(vt(f64_), 0.0))
                                    : b_.CreateICmpNE(v, llvm::ConstantInt::get(vt(i64_), 0));
  }
  return v;
}

llvm::FunctionCallee Generator::extern_fn(const std::string& n, llvm::Type* ret, std::vector<llvm::Type*> args) {
  return mod_->getOrInsertFunction(n, llvm::FunctionType::get(ret, args, false));
}

llvm::Value* Generator::call_math(const std::string& n, std::vector<llvm::Value*> args) {
  std::vector<llvm::Type*> types(args.size(), f64_);
  return b_.CreateCall(extern_fn(n, f64_, types), args);
}

llvm::Value* Generator::checked_divisor(llvm::Value* a, llvm::Value* b) {
  return b_.CreateCall(extern_fn("nestjit_rt_checked_divisor", i64_, {ptr_, i64_, i64_}),
                       {ctxv_, a, b});
}

llvm::Value* Generator::expr(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::Const:
      switch (e.type) {
        case ValueType::F64: return llvm::ConstantFP::get(vt(f64_), e.value);
        case ValueType::I64: return llvm::ConstantInt::get(vt(i64_), uint64_t(saturated_i64(e.value)), true);
        case ValueType::Bool: return llvm::ConstantInt::get(vt(i1_), e.value != 0.0);
      }
      break;
    case Expr::Kind::Slot: return from_slot_value(load_slot(e.index), e.type);
    case Expr::Kind::SlotElement: return from_slot_value(b_.CreateLoad(f64_, element_ptr(e)), e.type);
    case Expr::Kind::Local: return b_.CreateLoad(llvm_type(e.type), locals_.at(e.index));
    case Expr::Kind::Param: return fn_->getArg(e.index + 1);
    case Expr::Kind::Time: return ctx_field(kTime);
    case Expr::Kind::Timestep: return ctx_field(kTimestep);
    case Expr::Kind::Resolution: return ctx_field(kResolution);
    case Expr::Kind::Unary: return unary(e);
    case Expr::Kind::Binary: return binary(e);
    case Expr::Kind::Select: {
      llvm::Value* c = expr(*e.args[0]);
      return b_.CreateSelect(c, expr(*e.args[1]), expr(*e.args[2]));
    }
    case Expr::Kind::Builtin: return builtin(e);
    case Expr::Kind::Call: {
      std::vector<llvm::Value*> args{ctxv_};
      for (const auto& a : e.args) args.push_back(expr(*a));
      return b_.CreateCall(user_fns_.at(e.index), args);
    }
  }
  return llvm::ConstantFP::get(vt(f64_), 0.0);
}

llvm::Value* Generator::unary(const Expr& e) {
  const Expr& a = *e.args[0];
  llvm::Value* v = expr(a);
  switch (e.op) {
    case Op::Neg: return e.type == ValueType::I64 ? b_.CreateNeg(v) : b_.CreateFNeg(v);
    case Op::Not: return b_.CreateNot(v);
    case Op::BitNot: return b_.CreateNot(v);
    case Op::ToF64: return as(v, ValueType::F64, a.type);
    case Op::ToI64: return as(v, ValueType::I64, a.type);
    case Op::ToBool: return as(v, ValueType::Bool, a.type);
    default: return v;
  }
}

llvm::Value* Generator::binary(const Expr& e) {
  const Expr& ea = *e.args[0];
  const Expr& eb = *e.args[1];
  llvm::Value* a = expr(ea);
  llvm::Value* b = expr(eb);
  bool fp = ea.type == ValueType::F64;
  bool boolean = ea.type == ValueType::Bool;
  switch (e.op) {
    case Op::Add: return fp ? b_.CreateFAdd(a, b) : b_.CreateAdd(a, b);
    case Op::Sub: return fp ? b_.CreateFSub(a, b) : b_.CreateSub(a, b);
    case Op::Mul: return fp ? b_.CreateFMul(a, b) : b_.CreateMul(a, b);
    case Op::Div: return fp ? b_.CreateFDiv(a, b) : b_.CreateSDiv(a, checked_divisor(a, b));
    case Op::Mod: return fp ? b_.CreateFRem(a, b) : b_.CreateSRem(a, checked_divisor(a, b));
    case Op::Pow:
      if (fp) return call_math("pow", {a, b});
      return saturating_fptosi(b_, call_math("pow", {b_.CreateSIToFP(a, f64_), b_.CreateSIToFP(b, f64_)}), i64_);
    case Op::BitAnd: return b_.CreateAnd(a, b);
    case Op::BitOr: return b_.CreateOr(a, b);
    case Op::BitXor: return b_.CreateXor(a, b);
    case Op::Shl: return b_.CreateShl(a, b);
    case Op::Shr: return b_.CreateAShr(a, b);
    case Op::And: return b_.CreateAnd(a, b);
    case Op::Or: return b_.CreateOr(a, b);
    case Op::Lt: return fp ? b_.CreateFCmpOLT(a, b) : b_.CreateICmpSLT(a, b);
    case Op::Le: return fp ? b_.CreateFCmpOLE(a, b) : b_.CreateICmpSLE(a, b);
    case Op::Gt: return fp ? b_.CreateFCmpOGT(a, b) : b_.CreateICmpSGT(a, b);
    case Op::Ge: return fp ? b_.CreateFCmpOGE(a, b) : b_.CreateICmpSGE(a, b);
    case Op::Eq: return fp ? b_.CreateFCmpOEQ(a, b) : b_.CreateICmpEQ(a, b);
    case Op::Ne: return fp ? b_.CreateFCmpUNE(a, b) : b_.CreateICmpNE(a, b);
    default: break;
  }
  (void)boolean;
  return a;
}

llvm::Value* Generator::builtin(const Expr& e) {
  using B = sema::Builtin;
  std::vector<llvm::Value*> a;
  for (const auto& x : e.args) a.push_back(expr(*x));
  auto rt = [&](const char* n, std::vector<llvm::Value*> args) {
    std::vector<llvm::Type*> types{ptr_};
    std::vector<llvm::Value*> vals{ctxv_};
    for (auto* v : args) {
      types.push_back(f64_);
      vals.push_back(v);
    }
    return b_.CreateCall(extern_fn(n, f64_, types), vals);
  };
  switch (e.builtin) {
    case B::Exp: return call_math("exp", a);
    case B::Ln: return call_math("log", a);
    case B::Log10: return call_math("log10", a);
    case B::Expm1: return call_math("expm1", a);
    case B::Sin: return call_math("sin", a);
    case B::Cos: return call_math("cos", a);
    case B::Tan: return call_math("tan", a);
    case B::Sinh: return call_math("sinh", a);
    case B::Cosh: return call_math("cosh", a);
    case B::Tanh: return call_math("tanh", a);
    case B::Erf: return call_math("erf", a);
    case B::Erfc: return call_math("erfc", a);
    case B::Ceil: return call_math("ceil", a);
    case B::Floor: return call_math("floor", a);
    case B::Round: return call_math("round", a);
    case B::Abs: return call_math("fabs", a);
    case B::Pow: return call_math("pow", a);
    // std::min(a, b) is (b < a) ? b : a and std::max(a, b) is (a < b) ? b : a; kept
    // exactly so that NaN and signed-zero behaviour match the reference simulator's generated C++.
    case B::Min: return b_.CreateSelect(b_.CreateFCmpOLT(a[1], a[0]), a[1], a[0]);
    case B::Max: return b_.CreateSelect(b_.CreateFCmpOLT(a[0], a[1]), a[1], a[0]);
    case B::Clip: {
      llvm::Value* lo = b_.CreateSelect(b_.CreateFCmpOLT(a[0], a[1]), a[1], a[0]);
      return b_.CreateSelect(b_.CreateFCmpOLT(a[2], lo), a[2], lo);
    }
    case B::RandomNormal: return rt("nestjit_rt_random_normal", a);
    case B::RandomUniform: return rt("nestjit_rt_random_uniform", a);
    case B::RandomPoisson: return rt("nestjit_rt_random_poisson", a);
    case B::Steps: return rt("nestjit_rt_steps", a);
    default: return llvm::ConstantFP::get(vt(f64_), 0.0);
  }
}

// The address of vector element slots[first + stride * i]. An index outside 0..count-1 is
// reported to the runtime (which stops the simulation after this step, naming the model,
// instance, variable, index and time) and replaced by 0, so the access stays inside the
// instance. `in_range` (if given) receives the check, so a store can be skipped.
llvm::Value* Generator::element_ptr(const Expr& e, llvm::Value** in_range) {
  llvm::Value* i = as(expr(*e.args[0]), ValueType::I64, e.args[0]->type);
  llvm::Value* ok = b_.CreateICmpULT(i, b_.getInt64(e.count));
  if (in_range) *in_range = ok;
  llvm::Function* f = b_.GetInsertBlock()->getParent();
  auto* bad = llvm::BasicBlock::Create(ctx_, "index_error", f);
  auto* good = llvm::BasicBlock::Create(ctx_, "index_ok", f);
  llvm::Value* safe = b_.CreateSelect(ok, i, b_.getInt64(0));
  b_.CreateCondBr(ok, good, bad);
  b_.SetInsertPoint(bad);
  b_.CreateCall(extern_fn("nestjit_rt_index_error", b_.getVoidTy(), {ptr_, ptr_, i64_, i64_}),
                {ctxv_, b_.CreateGlobalStringPtr(e.name), i, b_.getInt64(e.count)});
  b_.CreateBr(good);
  b_.SetInsertPoint(good);
  llvm::Value* slot = b_.CreateAdd(b_.getInt64(e.index), b_.CreateMul(safe, b_.getInt64(e.stride)));
  if (lanes_) lane_ok_ = false;  // the range check calls the runtime: no lanes
  return b_.CreateInBoundsGEP(f64_, slots_, slot);
}

}  // namespace nestjit::codegen
