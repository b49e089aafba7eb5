// nir::Model -> llvm::Module. One function per block plus a composed per-step function for
// neurons that follows the phase order of SEMANTICS.md section 2.
#include "codegen/codegen.h"

#include <algorithm>
#include <cstddef>
#include <fmt/format.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>
#include <map>

#include "nir/abi.h"

namespace nestjit::codegen {

static_assert(offsetof(NjContext, slots) == 0);
static_assert(offsetof(NjContext, t) == 8);
static_assert(offsetof(NjContext, timestep) == 16);
static_assert(offsetof(NjContext, resolution) == 24);

namespace {

using nir::Expr;
using nir::Op;
using nir::Stmt;
using nir::ValueType;

enum CtxField { kSlots = 0, kTime = 1, kTimestep = 2, kResolution = 3 };

class Generator {
 public:
  Generator(const nir::Model& m, llvm::LLVMContext& ctx, const std::string& prefix)
      : m_(m), ctx_(ctx), mod_(std::make_unique<llvm::Module>(prefix, ctx)), b_(ctx),
        prefix_(prefix) {
    f64_ = b_.getDoubleTy();
    i64_ = b_.getInt64Ty();
    i32_ = b_.getInt32Ty();
    i1_ = b_.getInt1Ty();
    ptr_ = b_.getPtrTy();
    ctx_type_ = llvm::StructType::create(ctx_, {ptr_, f64_, f64_, f64_, ptr_, ptr_, i64_},
                                         "NjContext");
  }

  std::unique_ptr<llvm::Module> run(FunctionNames& names) {
    // User functions first: prototypes (they may call each other), then bodies.
    for (size_t i = 0; i < m_.functions.size(); ++i) {
      const nir::Function& f = m_.functions[i];
      std::vector<llvm::Type*> params{ptr_};
      for (ValueType t : f.params) params.push_back(llvm_type(t));
      auto* ft = llvm::FunctionType::get(f.returns_void ? b_.getVoidTy() : llvm_type(f.result), params, false);
      user_fns_.push_back(llvm::Function::Create(ft, llvm::Function::InternalLinkage,
                                                 name("fn_" + f.name), mod_.get()));
    }
    for (size_t i = 0; i < m_.functions.size(); ++i) user_function_body(i);
    names.init_parameters = block_fn("init_parameters", m_.init_parameters);
    names.compute_internals = block_fn("compute_internals", m_.compute_internals);
    names.init_state = block_fn("init_state", m_.init_state);
    names.update = block_fn("update", m_.update);
    for (size_t i = 0; i < m_.on_receive.size(); ++i) {
      nir::CodeBlock cb;
      cb.locals = m_.on_receive[i].locals;
      cb.local_types = m_.on_receive[i].local_types;
      names.on_receive.push_back(
          block_fn(fmt::format("on_receive_{}", i), cb, &m_.on_receive[i].body));
    }
    names.on_condition = on_condition_fn();
    names.conv_begin = conv_fn("conv_begin", ConvPhase::Begin);
    names.conv_end = conv_fn("conv_end", ConvPhase::End);
    names.conv_advance = conv_fn("conv_advance", ConvPhase::Advance);
    names.conv_increment = conv_increment_fn();
    for (size_t i = 0; i < m_.numeric_systems.size(); ++i) {
      names.rhs.push_back(rhs_fn(i));
      names.jacobians.push_back(m_.numeric_systems[i].jacobian.empty() ? std::string() : jacobian_fn(i));
    }
    if (!m_.is_synapse) names.step = step_fn(names);
    names.recordable_inlines = recordable_inlines_fn();
    names.check_guards = check_guards_fn();
    return std::move(mod_);
  }

 private:
  const nir::Model& m_;
  llvm::LLVMContext& ctx_;
  std::unique_ptr<llvm::Module> mod_;
  llvm::IRBuilder<> b_;
  std::string prefix_;
  llvm::Type *f64_, *i64_, *i32_, *i1_, *ptr_;
  llvm::StructType* ctx_type_;

  std::vector<llvm::Function*> user_fns_;
  const nir::Function* current_user_fn_ = nullptr;

  // State of the function being generated.
  llvm::Function* fn_ = nullptr;
  llvm::Value* ctxv_ = nullptr;
  llvm::Value* slots_ = nullptr;
  std::vector<llvm::AllocaInst*> locals_;
  // RHS functions: slot -> y index; y and dydt pointers.
  const std::map<int, int>* y_of_slot_ = nullptr;
  std::map<int, int> system_y_;
  llvm::Value* y_ = nullptr;

  std::string name(const std::string& what) const { return prefix_ + "_" + what; }

  llvm::Function* begin(const std::string& fname, llvm::FunctionType* ft) {
    fn_ = llvm::Function::Create(ft, llvm::Function::ExternalLinkage, fname, mod_.get());
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn_));
    locals_.clear();
    return fn_;
  }

  llvm::Value* ctx_field(CtxField f) {
    llvm::Value* p = b_.CreateStructGEP(ctx_type_, ctxv_, f);
    return b_.CreateLoad(f == kSlots ? ptr_ : f64_, p);
  }

  void begin_block_fn(const std::string& what) {
    auto* ft = llvm::FunctionType::get(b_.getVoidTy(), {ptr_}, false);
    begin(name(what), ft);
    ctxv_ = fn_->getArg(0);
    slots_ = ctx_field(kSlots);
  }

  void make_locals(const nir::CodeBlock& cb) {
    for (ValueType t : cb.local_types) {
      auto* a = b_.CreateAlloca(llvm_type(t));
      b_.CreateStore(llvm::Constant::getNullValue(llvm_type(t)), a);
      locals_.push_back(a);
    }
  }

  std::string block_fn(const std::string& what, const nir::CodeBlock& cb,
                       const nir::Block* body = nullptr) {
    begin_block_fn(what);
    make_locals(cb);
    stmts(body ? *body : cb.body);
    b_.CreateRetVoid();
    return fn_->getName().str();
  }

  void user_function_body(size_t i) {
    const nir::Function& f = m_.functions[i];
    fn_ = user_fns_[i];
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn_));
    locals_.clear();
    ctxv_ = fn_->getArg(0);
    slots_ = ctx_field(kSlots);
    make_locals(f.code);
    current_user_fn_ = &f;
    stmts(f.code.body);
    if (!b_.GetInsertBlock()->getTerminator()) {
      // Falling off the end: sema requires a return on every path of a typed function.
      if (f.returns_void) b_.CreateRetVoid();
      else b_.CreateRet(llvm::Constant::getNullValue(llvm_type(f.result)));
    }
    current_user_fn_ = nullptr;
  }

  std::string on_condition_fn() {
    begin_block_fn("on_condition");
    // Each onCondition block has its own locals; they are allocated up front together.
    for (const auto& cb : m_.on_condition) {
      size_t base = locals_.size();
      make_locals(cb);
      std::vector<llvm::AllocaInst*> mine(locals_.begin() + base, locals_.end());
      std::vector<llvm::AllocaInst*> saved = locals_;
      locals_ = mine;
      stmts(cb.body);
      locals_ = saved;
    }
    b_.CreateRetVoid();
    return fn_->getName().str();
  }

  enum class ConvPhase { Begin, End, Advance };

  // Begin: tmp = exp(rate*timestep) K (phase 3). End: K = tmp (phase 6).
  // Advance: K *= exp(rate*timestep) (synapses, inside integrate_odes).
  std::string conv_fn(const std::string& what, ConvPhase phase) {
    begin_block_fn(what);
    emit_conv(phase);
    b_.CreateRetVoid();
    return fn_->getName().str();
  }

  void emit_conv(ConvPhase phase) {
    // Every convolution state's new value comes from the start-of-step values of its block.
    std::vector<std::pair<int, llvm::Value*>> stores;
    for (const auto& c : m_.convolutions) {
      if (c.from_post_archive) continue;
      for (size_t i = 0; i < c.vars.size(); ++i) {
        const nir::OdeVar& v = m_.ode_vars[c.vars[i]];
        if (!v.analytic) continue;  // solver "numeric": integrated with the other ODEs
        if (phase == ConvPhase::End) {
          stores.emplace_back(v.slot, load_slot(c.tmp_slots[i]));
          continue;
        }
        stores.emplace_back(phase == ConvPhase::Begin ? c.tmp_slots[i] : v.slot,
                            propagate(v, /*with_constant=*/false));
      }
    }
    for (auto& [slot, value] : stores) store_slot(slot, value);
  }

  // sum_j P_ij x_j (+ sum_j Q_ij b_j) for analytic variable v, over its block.
  llvm::Value* propagate(const nir::OdeVar& v, bool with_constant) {
    const nir::AnalyticBlock& b = m_.analytic_blocks[v.block];
    const size_t k = b.size();
    llvm::Value* acc = nullptr;
    auto accumulate = [&](llvm::Value* term) { acc = acc ? b_.CreateFAdd(acc, term) : term; };
    for (size_t j = 0; j < k; ++j) {
      if (!b.nonzero[v.row * k + j]) continue;
      const int x = m_.ode_vars[b.vars[j]].slot;
      accumulate(b_.CreateFMul(load_slot(b.p_slot + int(v.row * k + j)), load_slot(x)));
    }
    if (with_constant)
      for (size_t j = 0; j < k; ++j) {
        if (!b.b[j] || !b.nonzero[v.row * k + j]) continue;
        llvm::Value* bj = as(expr(*b.b[j]), ValueType::F64, b.b[j]->type);
        accumulate(b_.CreateFMul(load_slot(b.q_slot + int(v.row * k + j)), bj));
      }
    return acc ? acc : llvm::ConstantFP::get(f64_, 0.0);
  }

  // conv_increment(ctx, port, w): K += w * increment for every convolution with that port.
  std::string conv_increment_fn() {
    auto* ft = llvm::FunctionType::get(b_.getVoidTy(), {ptr_, i32_, f64_}, false);
    begin(name("conv_increment"), ft);
    ctxv_ = fn_->getArg(0);
    slots_ = ctx_field(kSlots);
    llvm::Value* port = fn_->getArg(1);
    llvm::Value* w = fn_->getArg(2);
    for (const auto& c : m_.convolutions) {
      if (c.from_post_archive) continue;
      auto* then = llvm::BasicBlock::Create(ctx_, "inc", fn_);
      auto* next = llvm::BasicBlock::Create(ctx_, "next", fn_);
      b_.CreateCondBr(b_.CreateICmpEQ(port, b_.getInt32(c.port)), then, next);
      b_.SetInsertPoint(then);
      for (size_t i = 0; i < c.vars.size(); ++i) {
        const int x = m_.ode_vars[c.vars[i]].slot;
        store_slot(x, b_.CreateFAdd(load_slot(x), b_.CreateFMul(w, load_slot(c.increment_slots[i]))));
      }
      b_.CreateBr(next);
      b_.SetInsertPoint(next);
    }
    b_.CreateRetVoid();
    return fn_->getName().str();
  }

  // Starts `int f(double t, const double* y, double* out, void* ctx)` for a numeric system:
  // reads of the system's variables come from y, everything else from the slots.
  llvm::Value* begin_system_fn(const std::string& what, const nir::NumericSystem& sys) {
    auto* ft = llvm::FunctionType::get(i32_, {f64_, ptr_, ptr_, ptr_}, false);
    begin(name(what), ft);
    ctxv_ = fn_->getArg(3);
    slots_ = ctx_field(kSlots);
    y_ = fn_->getArg(1);
    system_y_.clear();
    for (size_t i = 0; i < sys.vars.size(); ++i) system_y_[m_.ode_vars[sys.vars[i]].slot] = int(i);
    y_of_slot_ = &system_y_;
    return fn_->getArg(2);
  }

  // Evaluates every expression first, then stores them to out[0..n): the stores cannot
  // affect the evaluation.
  void store_all(const std::vector<const Expr*>& exprs, llvm::Value* out) {
    std::vector<llvm::Value*> values;
    for (const Expr* e : exprs) values.push_back(as(expr(*e), ValueType::F64, e->type));
    for (size_t i = 0; i < values.size(); ++i)
      b_.CreateStore(values[i], b_.CreateConstInBoundsGEP1_64(f64_, out, i));
  }

  static std::vector<const Expr*> pointers(const std::vector<nir::ExprPtr>& v) {
    std::vector<const Expr*> out;
    for (const auto& e : v) out.push_back(e.get());
    return out;
  }

  // int jac(double t, const double* y, double* J, void* ctx): J row-major, d f_i / d y_j.
  std::string jacobian_fn(size_t index) {
    const nir::NumericSystem& sys = m_.numeric_systems[index];
    store_all(pointers(sys.jacobian), begin_system_fn(fmt::format("jac_{}", index), sys));
    y_of_slot_ = nullptr;
    b_.CreateRet(b_.getInt32(0));
    return fn_->getName().str();
  }

  // int rhs(double t, const double* y, double* dydt, void* ctx)
  std::string rhs_fn(size_t index) {
    const nir::NumericSystem& sys = m_.numeric_systems[index];
    store_all(pointers(sys.rhs), begin_system_fn(fmt::format("rhs_{}", index), sys));
    y_of_slot_ = nullptr;
    b_.CreateRet(b_.getInt32(0));
    return fn_->getName().str();
  }

  // void recordable_inlines(ctx, double* out): the current value of each recordable inline.
  std::string recordable_inlines_fn() {
    auto* ft = llvm::FunctionType::get(b_.getVoidTy(), {ptr_, ptr_}, false);
    begin(name("recordable_inlines"), ft);
    ctxv_ = fn_->getArg(0);
    slots_ = ctx_field(kSlots);
    std::vector<const Expr*> exprs;
    for (const auto& [n, e] : m_.recordable_inlines) exprs.push_back(e.get());
    store_all(exprs, fn_->getArg(1));
    b_.CreateRetVoid();
    return fn_->getName().str();
  }

  // ---- parameter guards (nir/guards.h) ----
  // int32 check_guards(ctx): 0 when every declared guard holds, else 1 + the index of the
  // first that does not (nir::Model::guards order). NaN comparisons are false, so a NaN
  // value fails a guard such as [[tau > 0 ms]], as it should.
  std::string check_guards_fn() {
    auto* ft = llvm::FunctionType::get(i32_, {ptr_}, false);
    begin(name("check_guards"), ft);
    ctxv_ = fn_->getArg(0);
    slots_ = ctx_field(kSlots);
    for (size_t i = 0; i < m_.guards.size(); ++i) {
      llvm::Value* holds = as(expr(*m_.guards[i].condition), ValueType::Bool, m_.guards[i].condition->type);
      auto* fail = llvm::BasicBlock::Create(ctx_, "guard_fails", fn_);
      auto* next = llvm::BasicBlock::Create(ctx_, "guard_holds", fn_);
      b_.CreateCondBr(holds, next, fail);
      b_.SetInsertPoint(fail);
      b_.CreateRet(b_.getInt32(int32_t(i + 1)));
      b_.SetInsertPoint(next);
    }
    b_.CreateRet(b_.getInt32(0));
    return fn_->getName().str();
  }

  // One neuron step after the runtime has read the spike buffers (SEMANTICS.md 2, phases
  // 3-9): convolutions phase 1, update, onReceive handlers, convolutions phase 2, spike
  // increments, onCondition blocks.
  std::string step_fn(const FunctionNames& names) {
    begin_block_fn("step");
    auto call_block = [&](const std::string& n) {
      b_.CreateCall(mod_->getFunction(n), {ctxv_});
    };
    call_block(names.conv_begin);
    call_block(names.update);
    // Handlers with a priority run first, highest first (compared as strings, as NEST's
    // generator sorts them), then the others in source order.
    std::vector<size_t> order(m_.on_receive.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const auto& ha = m_.on_receive[a];
      const auto& hb = m_.on_receive[b];
      if (ha.has_priority != hb.has_priority) return ha.has_priority;
      if (!ha.has_priority) return false;
      return std::to_string(ha.priority) > std::to_string(hb.priority);
    });
    for (size_t i : order) {
      const auto& port = m_.spike_ports[m_.on_receive[i].port];
      auto* then = llvm::BasicBlock::Create(ctx_, "handler", fn_);
      auto* next = llvm::BasicBlock::Create(ctx_, "next", fn_);
      llvm::Value* flag = load_slot(port.received_slot);
      b_.CreateCondBr(b_.CreateFCmpUNE(flag, llvm::ConstantFP::get(f64_, 0.0)), then, next);
      b_.SetInsertPoint(then);
      call_block(names.on_receive[i]);
      b_.CreateBr(next);
      b_.SetInsertPoint(next);
    }
    call_block(names.conv_end);
    for (size_t p = 0; p < m_.spike_ports.size(); ++p)
      b_.CreateCall(mod_->getFunction(names.conv_increment),
                    {ctxv_, b_.getInt32(int32_t(p)), load_slot(m_.spike_ports[p].sum_slot)});
    // Spikes into ODEs (delta kernels, ports used directly) jump at the end of the step.
    for (const auto& j : m_.jumps) {
      llvm::Value* c = as(expr(*j.coefficient), ValueType::F64, j.coefficient->type);
      llvm::Value* w = load_slot(m_.spike_ports[j.port].sum_slot);
      store_slot(j.slot, b_.CreateFAdd(load_slot(j.slot), b_.CreateFMul(c, w)));
    }
    call_block(names.on_condition);
    b_.CreateRetVoid();
    return fn_->getName().str();
  }

  // ---- values ----

  llvm::Type* llvm_type(ValueType t) {
    switch (t) {
      case ValueType::F64: return f64_;
      case ValueType::I64: return i64_;
      case ValueType::Bool: return i1_;
    }
    return f64_;
  }

  llvm::Value* slot_ptr(int slot) { return b_.CreateConstInBoundsGEP1_64(f64_, slots_, slot); }

  llvm::Value* load_slot(int slot) {
    if (y_of_slot_) {
      auto it = y_of_slot_->find(slot);
      if (it != y_of_slot_->end())
        return b_.CreateLoad(f64_, b_.CreateConstInBoundsGEP1_64(f64_, y_, it->second));
    }
    return b_.CreateLoad(f64_, slot_ptr(slot));
  }

  void store_slot(int slot, llvm::Value* v) { b_.CreateStore(v, slot_ptr(slot)); }

  // Converts v (of nir type `from`) to nir type `to`.
  llvm::Value* as(llvm::Value* v, ValueType to, ValueType from) {
    if (to == from) return v;
    switch (to) {
      case ValueType::F64:
        return from == ValueType::I64 ? b_.CreateSIToFP(v, f64_) : b_.CreateUIToFP(v, f64_);
      case ValueType::I64:
        return from == ValueType::F64 ? b_.CreateFPToSI(v, i64_) : b_.CreateZExt(v, i64_);
      case ValueType::Bool:
        return from == ValueType::F64 ? b_.CreateFCmpUNE(v, llvm::ConstantFP::get(f64_, 0.0))
                                      : b_.CreateICmpNE(v, llvm::ConstantInt::get(i64_, 0));
    }
    return v;
  }

  llvm::Value* from_slot_value(llvm::Value* d, ValueType t) { return as(d, t, ValueType::F64); }

  llvm::FunctionCallee extern_fn(const std::string& n, llvm::Type* ret, std::vector<llvm::Type*> args) {
    return mod_->getOrInsertFunction(n, llvm::FunctionType::get(ret, args, false));
  }

  llvm::Value* call_math(const std::string& n, std::vector<llvm::Value*> args) {
    std::vector<llvm::Type*> types(args.size(), f64_);
    return b_.CreateCall(extern_fn(n, f64_, types), args);
  }

  llvm::Value* expr(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::Const:
        switch (e.type) {
          case ValueType::F64: return llvm::ConstantFP::get(f64_, e.value);
          case ValueType::I64: return llvm::ConstantInt::get(i64_, int64_t(e.value), true);
          case ValueType::Bool: return llvm::ConstantInt::get(i1_, e.value != 0.0);
        }
        break;
      case Expr::Kind::Slot: return from_slot_value(load_slot(e.index), e.type);
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
    return llvm::ConstantFP::get(f64_, 0.0);
  }

  llvm::Value* unary(const Expr& e) {
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

  llvm::Value* binary(const Expr& e) {
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
        return b_.CreateFPToSI(call_math("pow", {b_.CreateSIToFP(a, f64_), b_.CreateSIToFP(b, f64_)}), i64_);
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

  llvm::Value* builtin(const Expr& e) {
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
      // exactly so that NaN and signed-zero behaviour match NEST's generated C++.
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
      default: return llvm::ConstantFP::get(f64_, 0.0);
    }
  }

  // An integer divisor of 0 (or INT64_MIN / -1) would trap the whole process (SIGFPE):
  // the runtime reports it as a failure of the instance and hands back a harmless divisor.
  llvm::Value* checked_divisor(llvm::Value* a, llvm::Value* b) {
    return b_.CreateCall(extern_fn("nestjit_rt_checked_divisor", i64_, {ptr_, i64_, i64_}),
                         {ctxv_, a, b});
  }

  // ---- statements ----

  // integrate_odes (SEMANTICS.md 2, phase 4): exact propagation of the selected analytic
  // variables from their start-of-step values; one RKF45 step of the numeric system; then
  // the analytic results overwrite whatever the numeric step computed for them.
  void integrate(const Stmt& s) {
    if (s.index < 0 || s.index >= int(m_.integrations.size())) return;
    const nir::Integration& in = m_.integrations[s.index];
    std::vector<std::pair<int, llvm::Value*>> results;
    for (int v : in.analytic_vars)
      results.emplace_back(m_.ode_vars[v].slot, propagate(m_.ode_vars[v], true));
    if (s.advance_convolutions)  // synapses: nothing else advances their convolutions
      for (const auto& c : m_.convolutions)
        if (!c.from_post_archive)
          for (int v : c.vars)
            if (m_.ode_vars[v].analytic)
              results.emplace_back(m_.ode_vars[v].slot, propagate(m_.ode_vars[v], false));
    if (in.numeric_system >= 0)
      b_.CreateCall(extern_fn("nestjit_rt_integrate", i32_, {ptr_, i32_}),
                    {ctxv_, b_.getInt32(in.numeric_system)});
    for (auto& [slot, value] : results) store_slot(slot, value);
  }

  void stmts(const nir::Block& block) {
    for (const auto& s : block) {
      if (b_.GetInsertBlock()->getTerminator()) return;  // after a return
      stmt(*s);
    }
  }

  void stmt(const Stmt& s) {
    switch (s.kind) {
      case Stmt::Kind::AssignSlot: {
        llvm::Value* v = as(expr(*s.value), ValueType::F64, s.value->type);
        store_slot(s.index, v);
        break;
      }
      case Stmt::Kind::AssignLocal: b_.CreateStore(expr(*s.value), locals_.at(s.index)); break;
      case Stmt::Kind::Eval: expr(*s.value); break;
      case Stmt::Kind::Return:
        if (current_user_fn_ && !current_user_fn_->returns_void && s.value)
          b_.CreateRet(as(expr(*s.value), current_user_fn_->result, s.value->type));
        else
          b_.CreateRetVoid();
        break;
      case Stmt::Kind::If: {
        auto* done = llvm::BasicBlock::Create(ctx_, "endif", fn_);
        for (const auto& [cond, body] : s.branches) {
          auto* then = llvm::BasicBlock::Create(ctx_, "then", fn_);
          auto* other = llvm::BasicBlock::Create(ctx_, "else", fn_);
          b_.CreateCondBr(expr(*cond), then, other);
          b_.SetInsertPoint(then);
          stmts(body);
          if (!b_.GetInsertBlock()->getTerminator()) b_.CreateBr(done);
          b_.SetInsertPoint(other);
        }
        stmts(s.else_body);
        if (!b_.GetInsertBlock()->getTerminator()) b_.CreateBr(done);
        b_.SetInsertPoint(done);
        break;
      }
      case Stmt::Kind::While: {
        auto* head = llvm::BasicBlock::Create(ctx_, "while", fn_);
        auto* body = llvm::BasicBlock::Create(ctx_, "body", fn_);
        auto* done = llvm::BasicBlock::Create(ctx_, "endwhile", fn_);
        b_.CreateBr(head);
        b_.SetInsertPoint(head);
        b_.CreateCondBr(expr(*s.value), body, done);
        b_.SetInsertPoint(body);
        stmts(s.body);
        if (!b_.GetInsertBlock()->getTerminator()) b_.CreateBr(head);
        b_.SetInsertPoint(done);
        break;
      }
      case Stmt::Kind::IntegrateOdes: integrate(s); break;
      case Stmt::Kind::Print: {
        const int32_t channel = int32_t(s.channel);
        auto text_fn = extern_fn("nestjit_rt_print_text", b_.getVoidTy(), {ptr_, ptr_, i32_});
        auto value_fn = extern_fn("nestjit_rt_print_value", b_.getVoidTy(), {ptr_, f64_, ptr_, i32_});
        auto end_fn = extern_fn("nestjit_rt_print_end", b_.getVoidTy(), {ptr_, i32_, i32_});
        for (size_t i = 0; i < s.text.size(); ++i) {
          if (!s.text[i].empty())
            b_.CreateCall(text_fn, {ctxv_, b_.CreateGlobalStringPtr(s.text[i]), b_.getInt32(channel)});
          if (i < s.args.size())
            b_.CreateCall(value_fn, {ctxv_, as(expr(*s.args[i]), ValueType::F64, s.args[i]->type),
                                     b_.CreateGlobalStringPtr(s.units[i]), b_.getInt32(channel)});
        }
        b_.CreateCall(end_fn, {ctxv_, b_.getInt32(s.newline ? 1 : 0), b_.getInt32(channel)});
        break;
      }
      case Stmt::Kind::EmitSpike: {
        llvm::Value* w = s.args.size() > 0 ? expr(*s.args[0]) : llvm::ConstantFP::get(f64_, 1.0);
        llvm::Value* d = s.args.size() > 1 ? expr(*s.args[1]) : llvm::ConstantFP::get(f64_, 0.0);
        b_.CreateCall(extern_fn("nestjit_rt_emit_spike", b_.getVoidTy(), {ptr_, f64_, f64_, i32_}),
                      {ctxv_, w, d, b_.getInt32(int32_t(s.args.size()))});
        break;
      }
    }
  }
};

}  // namespace

std::unique_ptr<llvm::Module> generate(const nir::Model& model, llvm::LLVMContext& ctx,
                                       const std::string& prefix, FunctionNames& names,
                                       std::string& error) {
  Generator g(model, ctx, prefix);
  auto mod = g.run(names);
  std::string msg;
  llvm::raw_string_ostream os(msg);
  if (llvm::verifyModule(*mod, &os)) {
    error = "internal error: generated IR is invalid: " + os.str();
    return nullptr;
  }
  return mod;
}

}  // namespace nestjit::codegen
