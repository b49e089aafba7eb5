// nir::Model -> llvm::Module. One function per block plus a composed per-step function for
// neurons that follows the phase order of SEMANTICS.md section 2.
#include "codegen/codegen.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <fmt/format.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include "codegen/generator.h"
#include "nir/abi.h"

namespace nestjit::codegen {

static_assert(offsetof(NjContext, slots) == 0);
static_assert(offsetof(NjContext, t) == 8);
static_assert(offsetof(NjContext, timestep) == 16);
static_assert(offsetof(NjContext, resolution) == 24);
static_assert(offsetof(NjContext, interrupt) == 56);

Generator::Generator(const nir::Model& m, llvm::LLVMContext& ctx, const std::string& prefix)
    : m_(m), ctx_(ctx), mod_(std::make_unique<llvm::Module>(prefix, ctx)), b_(ctx),
      prefix_(prefix) {
  f64_ = b_.getDoubleTy();
  i64_ = b_.getInt64Ty();
  i32_ = b_.getInt32Ty();
  i1_ = b_.getInt1Ty();
  ptr_ = b_.getPtrTy();
  ctx_type_ = llvm::StructType::create(ctx_, {ptr_, f64_, f64_, f64_, ptr_, ptr_, i64_, ptr_},
                                       "NjContext");
}

std::unique_ptr<llvm::Module> Generator::run(FunctionNames& names) {
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
  // ODE systems before the blocks: integrate_odes in update calls their compiled RKF45.
  for (size_t i = 0; i < m_.numeric_systems.size(); ++i) {
    names.rhs.push_back(rhs_fn(i));
    names.jacobians.push_back(m_.numeric_systems[i].jacobian.empty() ? std::string() : jacobian_fn(i));
    const bool rkf45 = m_.numeric_solver == nir::NumericSolver::Rkf45 ||
                       m_.numeric_solver == nir::NumericSolver::Auto;
    if (!m_.is_synapse && rkf45 && compiled_rkf45())
      if (llvm::Function* f = rkf45_fn(i, mod_->getFunction(names.rhs.back())))
        rkf45_fns_[int(i)] = f;
  }
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
  if (!m_.is_synapse) {
    names.step = step_fn(names);
    llvm::Function* lanes = lane_blocks() ? lanes_block_fn() : nullptr;
    names.slice = slice_fn(names.step, lanes);
    names.lane_blocks = lanes != nullptr;
    if (lanes) names.lane_state_slots = lane_kept_slots_;
  }
  names.recordable_inlines = recordable_inlines_fn();
  names.check_guards = check_guards_fn();
  return std::move(mod_);
}

llvm::Function* Generator::begin(const std::string& fname, llvm::FunctionType* ft) {
  fn_ = llvm::Function::Create(ft, llvm::Function::ExternalLinkage, fname, mod_.get());
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn_));
  locals_.clear();
  return fn_;
}

llvm::Value* Generator::ctx_field(CtxField f) {
  llvm::Value* p = b_.CreateStructGEP(ctx_type_, ctxv_, f);
  llvm::Value* v = b_.CreateLoad(f == kSlots ? ptr_ : f64_, p);
  return vector_ && f != kSlots ? b_.CreateVectorSplat(unsigned(kNjLanes), v) : v;
}

void Generator::begin_block_fn(const std::string& what) {
  auto* ft = llvm::FunctionType::get(b_.getVoidTy(), {ptr_}, false);
  begin(name(what), ft);
  ctxv_ = fn_->getArg(0);
  slots_ = ctx_field(kSlots);
}

void Generator::make_locals(const nir::CodeBlock& cb) {
  for (ValueType t : cb.local_types) {
    auto* a = b_.CreateAlloca(llvm_type(t));
    b_.CreateStore(llvm::Constant::getNullValue(llvm_type(t)), a);
    locals_.push_back(a);
  }
}

std::string Generator::block_fn(const std::string& what, const nir::CodeBlock& cb,
                     const nir::Block* body) {
  begin_block_fn(what);
  make_locals(cb);
  stmts(body ? *body : cb.body);
  b_.CreateRetVoid();
  return fn_->getName().str();
}

void Generator::user_function_body(size_t i) {
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

std::string Generator::on_condition_fn() {
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

// Begin: tmp = exp(rate*timestep) K (phase 3). End: K = tmp (phase 6).
// Advance: K *= exp(rate*timestep) (synapses, inside integrate_odes).
std::string Generator::conv_fn(const std::string& what, ConvPhase phase) {
  begin_block_fn(what);
  emit_conv(phase);
  b_.CreateRetVoid();
  return fn_->getName().str();
}

void Generator::emit_conv(ConvPhase phase) {
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
llvm::Value* Generator::propagate(const nir::OdeVar& v, bool with_constant) {
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
  return acc ? acc : llvm::ConstantFP::get(vt(f64_), 0.0);
}

// conv_increment(ctx, port, w): K += w * increment for every convolution with that port.
void Generator::increment_convolution(const nir::Convolution& c, llvm::Value* w) {
  for (size_t i = 0; i < c.vars.size(); ++i) {
    const int x = m_.ode_vars[c.vars[i]].slot;
    store_slot(x, b_.CreateFAdd(load_slot(x), b_.CreateFMul(w, load_slot(c.increment_slots[i]))));
  }
}

// Spikes into ODEs (delta kernels, ports used directly) jump at the end of the step.
void Generator::emit_jumps() {
  for (const auto& j : m_.jumps) {
    llvm::Value* c = as(expr(*j.coefficient), ValueType::F64, j.coefficient->type);
    llvm::Value* w = load_slot(m_.spike_ports[j.port].sum_slot);
    store_slot(j.slot, b_.CreateFAdd(load_slot(j.slot), b_.CreateFMul(c, w)));
  }
}

std::string Generator::conv_increment_fn() {
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
    increment_convolution(c, w);
    b_.CreateBr(next);
    b_.SetInsertPoint(next);
  }
  b_.CreateRetVoid();
  return fn_->getName().str();
}

// Starts `int f(double t, const double* y, double* out, void* ctx)` for a numeric system:
// reads of the system's variables come from y, everything else from the slots.
llvm::Value* Generator::begin_system_fn(const std::string& what, const nir::NumericSystem& sys) {
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
void Generator::store_all(const std::vector<const Expr*>& exprs, llvm::Value* out) {
  std::vector<llvm::Value*> values;
  for (const Expr* e : exprs) values.push_back(as(expr(*e), ValueType::F64, e->type));
  for (size_t i = 0; i < values.size(); ++i)
    b_.CreateStore(values[i], b_.CreateConstInBoundsGEP1_64(f64_, out, i));
}

std::vector<const Expr*> Generator::pointers(const std::vector<nir::ExprPtr>& v) {
  std::vector<const Expr*> out;
  for (const auto& e : v) out.push_back(e.get());
  return out;
}

// int jac(double t, const double* y, double* J, void* ctx): J row-major, d f_i / d y_j.
std::string Generator::jacobian_fn(size_t index) {
  const nir::NumericSystem& sys = m_.numeric_systems[index];
  store_all(pointers(sys.jacobian), begin_system_fn(fmt::format("jac_{}", index), sys));
  y_of_slot_ = nullptr;
  b_.CreateRet(b_.getInt32(0));
  return fn_->getName().str();
}

// int rhs(double t, const double* y, double* dydt, void* ctx)
std::string Generator::rhs_fn(size_t index) {
  const nir::NumericSystem& sys = m_.numeric_systems[index];
  store_all(pointers(sys.rhs), begin_system_fn(fmt::format("rhs_{}", index), sys));
  y_of_slot_ = nullptr;
  b_.CreateRet(b_.getInt32(0));
  return fn_->getName().str();
}

// void recordable_inlines(ctx, double* out): the current value of each recordable inline.
// ---- parameter guards (nir/guards.h) ----
// NaN comparisons are false, so a NaN value fails a guard such as [[tau > 0 ms]], as it
// should.
std::string Generator::check_guards_fn() {
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

std::string Generator::recordable_inlines_fn() {
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

// One neuron step after the runtime has read the spike buffers (SEMANTICS.md 2, phases
// 3-9): convolutions phase 1, update, onReceive handlers, convolutions phase 2, spike
// increments, onCondition blocks.
std::string Generator::step_fn(const FunctionNames& names) {
  begin_block_fn("step");
  auto call_block = [&](const std::string& n) {
    b_.CreateCall(mod_->getFunction(n), {ctxv_});
  };
  call_block(names.conv_begin);
  call_block(names.update);
  receive_handlers([&](size_t i) { call_block(names.on_receive[i]); });
  call_block(names.conv_end);
  for (size_t p = 0; p < m_.spike_ports.size(); ++p)
    b_.CreateCall(mod_->getFunction(names.conv_increment),
                  {ctxv_, b_.getInt32(int32_t(p)), load_slot(m_.spike_ports[p].sum_slot)});
  emit_jumps();
  call_block(names.on_condition);
  b_.CreateRetVoid();
  return fn_->getName().str();
}

// Each onReceive handler, in handler_order, runs when its port received spikes this step.
void Generator::receive_handlers(const std::function<void(size_t)>& run) {
  for (size_t i : handler_order()) {
    const auto& port = m_.spike_ports[m_.on_receive[i].port];
    if (vector_) {  // the lanes whose port received spikes
      llvm::Value* flag = load_slot(port.received_slot);
      under_mask(b_.CreateFCmpUNE(flag, llvm::ConstantFP::get(vt(f64_), 0.0)), [&] { run(i); });
      continue;
    }
    auto* then = llvm::BasicBlock::Create(ctx_, "handler", fn_);
    auto* next = llvm::BasicBlock::Create(ctx_, "next", fn_);
    llvm::Value* flag = load_slot(port.received_slot);
    b_.CreateCondBr(b_.CreateFCmpUNE(flag, llvm::ConstantFP::get(f64_, 0.0)), then, next);
    b_.SetInsertPoint(then);
    run(i);
    b_.CreateBr(next);
    b_.SetInsertPoint(next);
  }
}

// Handlers with a priority run first, highest first (compared as strings, as NEST's
// generator sorts them), then the others in source order.
std::vector<size_t> Generator::handler_order() const {
  std::vector<size_t> order(m_.on_receive.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const auto& ha = m_.on_receive[a];
    const auto& hb = m_.on_receive[b];
    if (ha.has_priority != hb.has_priority) return ha.has_priority;
    if (!ha.has_priority) return false;
    return std::to_string(ha.priority) > std::to_string(hb.priority);
  });
  return order;
}

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

namespace nestjit::codegen {

namespace {
std::atomic<bool> loop_checks{true};
std::atomic<bool> inline_rkf45{true};
std::atomic<bool> lanes_on{true};
}

void set_lane_blocks(bool on) { lanes_on.store(on); }
bool lane_blocks() { return lanes_on.load(); }

void set_compiled_rkf45(bool on) { inline_rkf45.store(on); }
bool compiled_rkf45() { return inline_rkf45.load(); }

void set_loop_interrupt_checks(bool on) { loop_checks.store(on); }
bool loop_interrupt_checks() { return loop_checks.load(); }

}  // namespace nestjit::codegen
