// The pool loop: one compiled function that advances a contiguous range of a pool's
// instances through a min-delay slice (runtime/neuron_pool.h; the layout is NjPoolSlice in
// nir/abi.h). Per instance and step it does what the runtime did around the per-step
// function, in the same order (SEMANTICS.md 2): read and clear the step's spike input,
// the before-step hook (delay lines), t = k h, the step itself (inlined), the NaN/inf
// test of the checked slots, the continuous input for the next step, the after-step hook
// (samplers). Instances run one after the other through the whole slice, as they did as
// objects, so spikes, samples, random draws and failures come in the same order.
#include <bit>
#include <cstddef>
#include <functional>
#include <llvm/IR/Intrinsics.h>

#include "codegen/generator.h"
#include "nir/abi.h"
#include "nir/checked_slots.h"

namespace nestjit::codegen {

static_assert(offsetof(NjContext, host) == 32);
static_assert(offsetof(NjContext, instance) == 48);
static_assert(sizeof(NjContext) == 64);
static_assert(offsetof(NjPoolSlice, scratch) == 56);
static_assert(offsetof(NjPoolSlice, stride) == 64);
static_assert(offsetof(NjPoolSlice, ring_size) == 112);
static_assert(offsetof(NjPoolSlice, h) == 120);
static_assert(offsetof(NjPoolSlice, arrived) == 128);
static_assert(offsetof(NjPoolSlice, lanes) == 136);
static_assert(offsetof(NjPoolSlice, uniform_values) == 152);
static_assert(offsetof(NjPoolSlice, lane_valid) == 168);
static_assert(sizeof(NjPoolSlice) == 176);
// The loop reads a cell's two arrival bytes as one 16-bit value, byte 0 the low half.
static_assert(std::endian::native == std::endian::little);

void Generator::mark_context_not_captured() {
  for (llvm::Function& f : *mod_)
    if (f.isDeclaration() && f.getName().starts_with("nestjit_rt_") && f.arg_size() > 0 &&
        f.getArg(0)->getType()->isPointerTy())
      f.addParamAttr(0, llvm::Attribute::NoCapture);
}

llvm::StructType* Generator::pool_slice_type() {
  if (!pool_slice_type_) {
    std::vector<llvm::Type*> fields(8, ptr_);         // rows .. scratch
    fields.insert(fields.end(), 7, i64_);            // stride .. ring_size
    fields.push_back(f64_);                          // h
    fields.insert(fields.end(), 6, ptr_);            // arrived .. lane_valid
    pool_slice_type_ = llvm::StructType::create(ctx_, fields, "NjPoolSlice");
  }
  return pool_slice_type_;
}

llvm::Value* Generator::slice_field(llvm::Value* slice, SliceField f) {
  llvm::Type* t = f == kH ? f64_ : (f >= kStride && f <= kRingSize) ? i64_ : ptr_;
  return b_.CreateLoad(t, b_.CreateStructGEP(pool_slice_type(), slice, f));
}

std::string Generator::slice_fn(const std::string& step_name, llvm::Function* lanes) {
  llvm::Function* step = mod_->getFunction(step_name);
  step->addFnAttr(llvm::Attribute::AlwaysInline);

  begin(name("slice"), llvm::FunctionType::get(b_.getVoidTy(), {ptr_, ptr_}, false));
  llvm::Value* outer_ctx = fn_->getArg(0);
  llvm::Value* s = fn_->getArg(1);
  auto field = [&](SliceField f) { return slice_field(s, f); };
  auto ctx_ptr = [&](ContextField f) { return b_.CreateStructGEP(ctx_type_, ctxv_, f); };
  llvm::Value* rows = field(kRows);
  llvm::Value* hosts = field(kHosts);
  llvm::Value* hooks = field(kHooks);
  llvm::Value* spike_input = field(kSpikeInput);
  llvm::Value* current_input = field(kCurrentInput);
  llvm::Value* step_out = field(kStepOut);
  llvm::Value* stop = field(kStop);
  llvm::Value* scratch = field(kScratch);
  llvm::Value* stride = field(kStride);
  llvm::Value* instances = field(kInstances);
  llvm::Value* begin_i = field(kBegin);
  llvm::Value* end_i = field(kEnd);
  llvm::Value* first = b_.CreateAdd(field(kFrom), b_.getInt64(1));
  llvm::Value* to = field(kTo);
  llvm::Value* ring_size = field(kRingSize);
  llvm::Value* h = field(kH);
  llvm::Value* arrived = field(kArrived);
  llvm::Value* lane_space = field(kLanes);
  llvm::Value* first_ring = b_.CreateSRem(first, ring_size);
  // A private copy of the context: the compiled blocks read its fields, the loop sets the
  // instance's slots, host and index and the step's time.
  ctxv_ = b_.CreateAlloca(ctx_type_);
  b_.CreateMemCpy(ctxv_, llvm::MaybeAlign(8), outer_ctx, llvm::MaybeAlign(8), sizeof(NjContext));
  llvm::AllocaInst* i_var = b_.CreateAlloca(i64_);
  llvm::AllocaInst* k_var = b_.CreateAlloca(i64_);
  llvm::AllocaInst* r_var = b_.CreateAlloca(i64_);
  // Instances below this index that a lane block handed back run one by one.
  llvm::AllocaInst* scalar_until = b_.CreateAlloca(i64_);
  b_.CreateStore(begin_i, i_var);
  b_.CreateStore(begin_i, scalar_until);

  auto block = [&](const char* n) { return llvm::BasicBlock::Create(ctx_, n, fn_); };
  llvm::BasicBlock* inst_cond = block("instance");
  llvm::BasicBlock* inst_body = block("instance_body");
  llvm::BasicBlock* step_cond = block("step");
  llvm::BasicBlock* step_body = block("step_body");
  llvm::BasicBlock* check = block("check");
  llvm::BasicBlock* after_check = block("after_check");
  llvm::BasicBlock* inst_next = block("instance_next");
  llvm::BasicBlock* done = block("done");
  b_.CreateBr(inst_cond);

  b_.SetInsertPoint(inst_cond);
  llvm::Value* i = b_.CreateLoad(i64_, i_var);
  if (!lanes) {
    b_.CreateCondBr(b_.CreateICmpSLT(i, end_i), inst_body, done);
  } else {
    // kNjLanes instances from i, none with hooks and not handed back before: a lane block
    // (lanes.cpp), called once for the run of such blocks from i. When it hands one back
    // (a non-finite value), that block's instances run one by one, then the next run.
    llvm::BasicBlock* try_lanes = block("try_lanes");
    llvm::BasicBlock* lane_call = block("lane_block");
    llvm::BasicBlock* lanes_done = block("lanes_done");
    llvm::BasicBlock* lanes_back = block("lanes_handed_back");
    b_.CreateCondBr(b_.CreateICmpSLT(i, end_i), try_lanes, done);
    b_.SetInsertPoint(try_lanes);
    llvm::Value* past = b_.CreateAdd(i, b_.getInt64(kNjLanes));
    llvm::Value* fits = b_.CreateAnd(b_.CreateICmpSLE(past, end_i),
                                     b_.CreateICmpSGE(i, b_.CreateLoad(i64_, scalar_until)));
    llvm::BasicBlock* test_hooks = block("test_hooks");
    b_.CreateCondBr(fits, test_hooks, inst_body);
    b_.SetInsertPoint(test_hooks);
    static_assert(kNjLanes % 8 == 0, "the hook test reads the lanes' hook bytes as 64-bit words");
    // Whether none of the kNjLanes instances from `at` has hooks.
    auto no_hooks = [&](llvm::Value* at) {
      llvm::Value* hook_bits = nullptr;
      for (int64_t w = 0; w < kNjLanes / 8; ++w) {
        llvm::Value* word = b_.CreateAlignedLoad(
            i64_, b_.CreateInBoundsGEP(b_.getInt8Ty(), hooks, b_.CreateAdd(at, b_.getInt64(8 * w))),
            llvm::MaybeAlign(1));
        hook_bits = hook_bits ? b_.CreateOr(hook_bits, word) : word;
      }
      return b_.CreateICmpEQ(hook_bits, b_.getInt64(0));
    };
    b_.CreateCondBr(no_hooks(i), lane_call, inst_body);
    // The run of such blocks from i, for one call of the lane block function.
    b_.SetInsertPoint(lane_call);
    llvm::Value* lanes_w = b_.getInt64(kNjLanes);
    llvm::BasicBlock* run_head = block("lane_run");
    llvm::BasicBlock* run_test = block("lane_run_test");
    llvm::BasicBlock* run_grow = block("lane_run_grow");
    llvm::BasicBlock* run_call = block("lane_run_call");
    b_.CreateBr(run_head);
    b_.SetInsertPoint(run_head);
    llvm::PHINode* n = b_.CreatePHI(i64_, 2);
    n->addIncoming(b_.getInt64(1), lane_call);
    llvm::Value* next_at = b_.CreateAdd(i, b_.CreateMul(n, lanes_w));
    b_.CreateCondBr(b_.CreateICmpSLE(b_.CreateAdd(next_at, lanes_w), end_i), run_test, run_call);
    b_.SetInsertPoint(run_test);
    b_.CreateCondBr(no_hooks(next_at), run_grow, run_call);
    b_.SetInsertPoint(run_grow);
    n->addIncoming(b_.CreateAdd(n, b_.getInt64(1)), run_grow);
    b_.CreateBr(run_head);
    b_.SetInsertPoint(run_call);
    llvm::Value* kept_state = b_.CreateInBoundsGEP(
        f64_, field(kLaneState), b_.CreateMul(i, b_.getInt64(int64_t(lane_kept_slots_.size()))));
    llvm::Value* kept_valid = b_.CreateInBoundsGEP(b_.getInt8Ty(), field(kLaneValid), i);
    llvm::Value* ran = b_.CreateCall(
        lanes, {ctxv_, s, i, n, lane_space, spike_input, current_input, kept_state, kept_valid});
    // Blocks done advance i; a block handed back runs one by one from there.
    llvm::Value* at = b_.CreateAdd(i, b_.CreateMul(ran, lanes_w));
    b_.CreateStore(at, i_var);
    b_.CreateCondBr(b_.CreateICmpEQ(ran, n), lanes_done, lanes_back);
    b_.SetInsertPoint(lanes_done);
    b_.CreateBr(inst_cond);
    b_.SetInsertPoint(lanes_back);
    b_.CreateStore(b_.CreateAdd(at, lanes_w), scalar_until);
    b_.CreateBr(inst_body);
  }

  b_.SetInsertPoint(inst_body);
  i = b_.CreateLoad(i64_, i_var);
  slots_ = b_.CreateInBoundsGEP(f64_, rows, b_.CreateMul(i, stride));
  b_.CreateStore(slots_, ctx_ptr(kCtxSlots));
  b_.CreateStore(b_.CreateLoad(ptr_, b_.CreateInBoundsGEP(ptr_, hosts, i)), ctx_ptr(kCtxHost));
  b_.CreateStore(i, ctx_ptr(kCtxInstance));
  llvm::Value* hook = b_.CreateLoad(b_.getInt8Ty(), b_.CreateInBoundsGEP(b_.getInt8Ty(), hooks, i));
  b_.CreateStore(first, k_var);
  b_.CreateStore(first_ring, r_var);
  b_.CreateBr(step_cond);

  b_.SetInsertPoint(step_cond);
  llvm::Value* k = b_.CreateLoad(i64_, k_var);
  b_.CreateCondBr(b_.CreateICmpSLE(k, to), step_body, inst_next);

  auto call_hook = [&](int which) {
    auto* then = block("hook");
    auto* next = block("after_hook");
    llvm::Value* on = b_.CreateICmpNE(b_.CreateAnd(hook, b_.getInt8(which)), b_.getInt8(0));
    b_.CreateCondBr(on, then, next);
    b_.SetInsertPoint(then);
    b_.CreateCall(extern_fn("nestjit_rt_step_hook", b_.getVoidTy(), {ptr_, i32_}),
                  {ctxv_, b_.getInt32(which)});
    b_.CreateBr(next);
    b_.SetInsertPoint(next);
  };

  b_.SetInsertPoint(step_body);
  b_.CreateStore(k, step_out);
  llvm::Value* r = b_.CreateLoad(i64_, r_var);
  llvm::Value* cell = b_.CreateAdd(b_.CreateMul(r, instances), i);
  // The input cells of instance i lie a whole ring slot apart from step to step, too many
  // streams for the hardware prefetcher: fetch those of a few instances ahead (prefetches
  // never fault, so running past the end is harmless).
  const size_t ports = m_.spike_ports.size();
  const size_t cports = m_.continuous_ports.size();
  constexpr int64_t kAhead = 4;
  auto prefetch = [&](llvm::Value* base, size_t per_instance) {
    llvm::Value* at = b_.CreateGEP(f64_, base, b_.CreateMul(b_.CreateAdd(cell, b_.getInt64(kAhead)),
                                                            b_.getInt64(int64_t(per_instance))));
    b_.CreateIntrinsic(llvm::Intrinsic::prefetch, {ptr_},
                       {at, b_.getInt32(1), b_.getInt32(3), b_.getInt32(1)});
  };
  if (ports > 0) prefetch(spike_input, 2 * ports);
  // (current cells are read only when flagged, which is rare: no prefetch for them)
  // Phase 1: this step's spike input, read and cleared. The step's arrival flags (byte 0:
  // spikes, byte 1: currents, read as one little-endian 16-bit value) say which cells
  // deliveries touched; untouched cells are +0.0, so their slots become 0 without reading
  // or clearing them. (An instance stopped by a failure leaves its step's flag set: the
  // cells left then are read at the ring slot's next use, as they were without flags.)
  llvm::Value* zero = llvm::ConstantFP::get(f64_, 0.0);
  llvm::Value* flag_at = nullptr;
  llvm::Value* flag = nullptr;
  if (ports > 0 || cports > 0) {
    flag_at = b_.CreateInBoundsGEP(b_.getInt16Ty(), arrived, cell);
    flag = b_.CreateLoad(b_.getInt16Ty(), flag_at);
  }
  // Runs read() when the flag's byte `mask` selects is set, else none().
  auto on_flag = [&](uint16_t mask, const char* what, const std::function<void()>& read,
                     const std::function<void()>& none) {
    auto* yes = block(what);
    auto* no = block("no_input");
    auto* next = block("after_input");
    b_.CreateCondBr(b_.CreateICmpNE(b_.CreateAnd(flag, b_.getInt16(mask)), b_.getInt16(0)), yes, no);
    b_.SetInsertPoint(yes);
    read();
    b_.CreateBr(next);
    b_.SetInsertPoint(no);
    none();
    b_.CreateBr(next);
    b_.SetInsertPoint(next);
  };
  if (ports > 0) {
    on_flag(0x00ff, "spike_input", [&] {
      llvm::Value* base = b_.CreateMul(cell, b_.getInt64(int64_t(2 * ports)));
      for (size_t p = 0; p < ports; ++p) {
        const int dest[2] = {m_.spike_ports[p].sum_slot, m_.spike_ports[p].received_slot};
        for (int j = 0; j < 2; ++j) {
          llvm::Value* at = b_.CreateInBoundsGEP(
              f64_, spike_input, b_.CreateAdd(base, b_.getInt64(int64_t(2 * p) + j)));
          store_slot(dest[j], b_.CreateLoad(f64_, at));
          b_.CreateStore(zero, at);
        }
      }
    }, [&] {
      for (size_t p = 0; p < ports; ++p) {
        store_slot(m_.spike_ports[p].sum_slot, zero);
        store_slot(m_.spike_ports[p].received_slot, zero);
      }
    });
  }
  // Phase 2: delay lines (the runtime keeps them per instance).
  if (!m_.delays.empty()) call_hook(1);
  b_.CreateStore(b_.CreateFMul(b_.CreateSIToFP(k, f64_), h), ctx_ptr(kCtxT));
  b_.CreateStore(h, ctx_ptr(kCtxTimestep));
  const auto checked = nir::checked_slots(m_);
  std::vector<llvm::Value*> before;
  for (const auto& c : checked) before.push_back(load_slot(c.slot));
  // Phases 3-9. The runtime's callbacks never move the slots: saying so lets LLVM use the
  // row pointer instead of reloading ctx->slots after every call the step might make.
  b_.CreateAssumption(b_.CreateICmpEQ(b_.CreateLoad(ptr_, ctx_ptr(kCtxSlots)), slots_));
  b_.CreateCall(step, {ctxv_});
  // A checked slot that became NaN or inf (|x| unordered-or-equal to inf), or a failure
  // inside the step: the runtime decides (warning, or stop with the start-of-step values).
  llvm::Value* bad = b_.CreateICmpNE(b_.CreateLoad(b_.getInt8Ty(), stop), b_.getInt8(0));
  llvm::Value* inf = llvm::ConstantFP::getInfinity(f64_);
  for (const auto& c : checked) {
    llvm::Value* mag = b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, load_slot(c.slot));
    bad = b_.CreateOr(bad, b_.CreateFCmpUEQ(mag, inf));
  }
  b_.CreateCondBr(bad, check, after_check);
  b_.SetInsertPoint(check);
  for (size_t j = 0; j < before.size(); ++j)
    b_.CreateStore(before[j], b_.CreateConstInBoundsGEP1_64(f64_, scratch, j));
  llvm::Value* stops = b_.CreateCall(
      extern_fn("nestjit_rt_step_check", i32_, {ptr_, ptr_}), {ctxv_, scratch});
  b_.CreateCondBr(b_.CreateICmpNE(stops, b_.getInt32(0)), inst_next, after_check);

  b_.SetInsertPoint(after_check);
  // Phase 10: continuous input delivered for this step is used from the next step on.
  if (cports > 0) {
    on_flag(0xff00, "current_input", [&] {
      llvm::Value* base = b_.CreateMul(cell, b_.getInt64(int64_t(cports)));
      for (size_t c = 0; c < cports; ++c) {
        llvm::Value* at = b_.CreateInBoundsGEP(f64_, current_input,
                                               b_.CreateAdd(base, b_.getInt64(int64_t(c))));
        store_slot(m_.continuous_ports[c].slot, b_.CreateLoad(f64_, at));
        b_.CreateStore(zero, at);
      }
    }, [&] {
      for (size_t c = 0; c < cports; ++c) store_slot(m_.continuous_ports[c].slot, zero);
    });
  }
  if (flag_at) {
    // Cleared after both phases (nothing delivers into a step of the running slice).
    auto* clear = block("clear_flag");
    auto* cleared = block("flag_cleared");
    b_.CreateCondBr(b_.CreateICmpNE(flag, b_.getInt16(0)), clear, cleared);
    b_.SetInsertPoint(clear);
    b_.CreateStore(b_.getInt16(0), flag_at);
    b_.CreateBr(cleared);
    b_.SetInsertPoint(cleared);
  }
  // Phase 11: samplers; a failure there (an index error in a recordable inline) stops the
  // instance before its next step.
  call_hook(2);
  auto* go_on = block("next_step");
  auto* stopped = block("stopped");
  b_.CreateCondBr(b_.CreateICmpNE(b_.CreateLoad(b_.getInt8Ty(), stop), b_.getInt8(0)), stopped, go_on);
  b_.SetInsertPoint(stopped);
  b_.CreateStore(b_.getInt8(0), stop);
  b_.CreateBr(inst_next);
  b_.SetInsertPoint(go_on);
  b_.CreateStore(b_.CreateAdd(k, b_.getInt64(1)), k_var);
  llvm::Value* r1 = b_.CreateAdd(r, b_.getInt64(1));
  b_.CreateStore(b_.CreateSelect(b_.CreateICmpEQ(r1, ring_size), b_.getInt64(0), r1), r_var);
  b_.CreateBr(step_cond);

  b_.SetInsertPoint(inst_next);
  b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64_, i_var), b_.getInt64(1)), i_var);
  b_.CreateBr(inst_cond);

  b_.SetInsertPoint(done);
  b_.CreateRetVoid();
  slots_ = nullptr;
  // The runtime's callbacks use the context only while they run (none keeps it), so the
  // loop's private context does not escape: LLVM may then keep the slot pointer in a
  // register instead of reloading it after every store to a slot.
  mark_context_not_captured();
  return fn_->getName().str();
}

}  // namespace nestjit::codegen
