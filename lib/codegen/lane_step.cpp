// The lane step (lane blocks: lanes.cpp): the probe that decides whether a model's step can
// run in lanes, the vector mode's helpers (vector types, masks, the slots' variables), the
// step itself in lane mode, and the loop helper the block uses.

#include "codegen/codegen.h"
#include "codegen/generator.h"
#include "nir/abi.h"

namespace nestjit::codegen {

namespace {

// Whether a masked block's code may run with no lane in the mask: short, and nothing but
// arithmetic, selects and the block's own variables (allocas).
bool runs_unmasked(const llvm::BasicBlock& bb) {
  constexpr size_t kMaxInstructions = 48;
  if (bb.size() > kMaxInstructions) return false;
  auto local = [](const llvm::Value* p) { return llvm::isa<llvm::AllocaInst>(p->stripPointerCasts()); };
  for (const auto& inst : bb) {
    if (auto* ld = llvm::dyn_cast<llvm::LoadInst>(&inst)) {
      if (!local(ld->getPointerOperand())) return false;
    } else if (auto* st = llvm::dyn_cast<llvm::StoreInst>(&inst)) {
      if (!local(st->getPointerOperand())) return false;
    } else if (auto* call = llvm::dyn_cast<llvm::CallInst>(&inst)) {
      const llvm::Function* callee = call->getCalledFunction();
      if (!callee || !callee->isIntrinsic() || !call->doesNotAccessMemory()) return false;
    } else if (inst.isTerminator()) {
      continue;
    } else if (inst.mayHaveSideEffects() || inst.mayReadOrWriteMemory() || inst.isIntDivRem()) {
      return false;
    }
  }
  return true;
}

bool calls_anything(llvm::Function* f) {
  for (auto& bb : *f)
    for (auto& inst : bb)
      if (auto* call = llvm::dyn_cast<llvm::CallInst>(&inst)) {
        llvm::Function* callee = call->getCalledFunction();
        if (!callee || !callee->isIntrinsic()) return true;
      }
  return false;
}
}  // namespace

void Generator::counted_loop(llvm::Value* from, llvm::Value* to,
                             const std::function<void(llvm::Value*)>& body, bool keep_rolled) {
  llvm::BasicBlock* pre = b_.GetInsertBlock();
  auto* head = llvm::BasicBlock::Create(ctx_, "loop", fn_);
  auto* inside = llvm::BasicBlock::Create(ctx_, "loop_body", fn_);
  auto* after = llvm::BasicBlock::Create(ctx_, "loop_end", fn_);
  b_.CreateBr(head);
  b_.SetInsertPoint(head);
  llvm::PHINode* v = b_.CreatePHI(i64_, 2);
  v->addIncoming(from, pre);
  b_.CreateCondBr(b_.CreateICmpSLT(v, to), inside, after);
  b_.SetInsertPoint(inside);
  body(v);
  v->addIncoming(b_.CreateAdd(v, b_.getInt64(1)), b_.GetInsertBlock());
  llvm::BranchInst* back = b_.CreateBr(head);
  if (keep_rolled) {
    llvm::MDNode* off = llvm::MDNode::get(ctx_, {llvm::MDString::get(ctx_, "llvm.loop.unroll.disable")});
    llvm::MDNode* loop = llvm::MDNode::getDistinct(ctx_, {nullptr, off});
    loop->replaceOperandWith(0, loop);
    back->setMetadata(llvm::LLVMContext::MD_loop, loop);
  }
  b_.SetInsertPoint(after);
}

llvm::Type* Generator::vt(llvm::Type* type) const {
  return vector_ ? llvm::FixedVectorType::get(type, unsigned(kNjLanes)) : type;
}

void Generator::under_mask(llvm::Value* mask, const std::function<void()>& body) {
  llvm::Value* outer = lane_mask_;
  llvm::Value* m = outer ? b_.CreateAnd(outer, mask) : mask;
  auto* some = llvm::BasicBlock::Create(ctx_, "some_lanes", fn_);
  auto* next = llvm::BasicBlock::Create(ctx_, "lanes_joined", fn_);
  llvm::BranchInst* test = b_.CreateCondBr(b_.CreateOrReduce(m), some, next);
  b_.SetInsertPoint(some);
  lane_mask_ = m;
  const bool emitted_before = lane_emitted_;
  lane_emitted_ = false;
  body();  // (no returns: the probe rejects steps with them)
  const bool emits = lane_emitted_;
  lane_emitted_ = emitted_before || emits;
  lane_mask_ = outer;
  // A short body that only computes and assigns the block's variables runs for every block
  // whatever the mask (its stores are selects): with 8 lanes a condition such as "any lane
  // refractory" is true at random and its branch mispredicted, which costs more than the
  // few instructions it skips. Bodies that call, touch memory or divide integers (a lane
  // outside the mask may hold a zero divisor or an index out of range) keep the branch, and
  // so do bodies that emit a spike: rare, so predicted well, and the branch keeps the reset
  // (V_m = V_reset) off the chain of dependent instructions from one step to the next
  // (run unmasked, bench_unconnected went from 0.18 to 0.24 s).
  if (b_.GetInsertBlock() == some && !emits && runs_unmasked(*some)) {
    llvm::Value* any = test->getCondition();
    llvm::BranchInst::Create(some, test);
    test->eraseFromParent();
    if (any->use_empty()) llvm::cast<llvm::Instruction>(any)->eraseFromParent();
  }
  b_.CreateBr(next);
  b_.SetInsertPoint(next);
}

llvm::Value* Generator::lane_slot(int slot) {
  auto it = lane_vars_.find(slot);
  if (it != lane_vars_.end()) return it->second;
  // The probe meets the slots as the step touches them (their values do not matter: its
  // code is erased). The block made a variable for every slot the probe met; one it did
  // not meet means the passes disagree, and the block is dropped.
  if (vector_) lane_ok_ = false;
  llvm::IRBuilder<> entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
  llvm::AllocaInst* var = entry.CreateAlloca(vt(f64_));
  entry.CreateStore(llvm::Constant::getNullValue(vt(f64_)), var);
  lane_vars_[slot] = var;
  return var;
}

// The step's code in lane mode, every block inlined by hand, in step_fn's order
// (codegen.cpp), with `locals` the blocks' variables (made by make_step_locals).
// `spikes_came`: whether any spike cell of the block was touched this step; when none
// was, no port received anything and the handlers are skipped with one branch (their
// masked bodies run without branches of their own, under_mask).
void Generator::lane_step(const LaneLocals& locals, llvm::Value* spikes_came) {
  emit_conv(ConvPhase::Begin);
  locals_ = locals.update;
  stmts(m_.update.body);
  if (!m_.on_receive.empty()) {
    auto* handlers = llvm::BasicBlock::Create(ctx_, "spike_handlers", fn_);
    auto* after = llvm::BasicBlock::Create(ctx_, "handlers_done", fn_);
    b_.CreateCondBr(spikes_came, handlers, after);
    b_.SetInsertPoint(handlers);
    receive_handlers([&](size_t i) {
      locals_ = locals.handlers[i];
      stmts(m_.on_receive[i].body);
    });
    b_.CreateBr(after);
    b_.SetInsertPoint(after);
  }
  emit_conv(ConvPhase::End);
  // conv_increment for each port in turn, as step_fn calls it.
  for (size_t p = 0; p < m_.spike_ports.size(); ++p) {
    llvm::Value* w = load_slot(m_.spike_ports[p].sum_slot);
    for (const auto& c : m_.convolutions)
      if (!c.from_post_archive && c.port == int(p)) increment_convolution(c, w);
  }
  emit_jumps();
  for (size_t j = 0; j < m_.on_condition.size(); ++j) {
    locals_ = locals.conditions[j];
    stmts(m_.on_condition[j].body);
  }
  locals_.clear();
}

Generator::LaneLocals Generator::make_step_locals() {
  auto locals_of = [&](const std::vector<ValueType>& types) {
    nir::CodeBlock cb;
    cb.local_types = types;
    locals_.clear();
    make_locals(cb);
    return locals_;
  };
  LaneLocals l;
  l.update = locals_of(m_.update.local_types);
  for (const auto& h : m_.on_receive) l.handlers.push_back(locals_of(h.local_types));
  for (const auto& cb : m_.on_condition) l.conditions.push_back(locals_of(cb.local_types));
  locals_.clear();
  return l;
}

// The probe: the step for one lane, generated to learn whether it can run in lanes and
// which slots it reads (lane_touched_) and writes (lane_stored_), then erased.
bool Generator::lanes_probe() {
  if (!m_.functions.empty() || !m_.numeric_systems.empty() || !m_.delays.empty()) return false;
  lanes_ = int(kNjLanes);
  lane_ok_ = true;
  lane_touched_.clear();
  lane_stored_.clear();
  begin(name("lane_probe"), llvm::FunctionType::get(b_.getVoidTy(), {ptr_, ptr_}, false));
  ctxv_ = fn_->getArg(0);
  slots_ = fn_->getArg(1);
  // Locals in the entry block: each block runs at most once a step, so zeroing them here
  // is zeroing them where the block starts, as its own function does.
  const LaneLocals locals = make_step_locals();
  lane_vars_.clear();
  lane_step(locals, b_.getTrue());
  b_.CreateRetVoid();
  lanes_ = 0;
  for (const auto& [slot, var] : lane_vars_) lane_touched_.insert(slot);
  lane_vars_.clear();
  slots_ = nullptr;
  const bool ok = lane_ok_ && !calls_anything(fn_);
  fn_->eraseFromParent();
  fn_ = nullptr;
  return ok;
}

}  // namespace nestjit::codegen
