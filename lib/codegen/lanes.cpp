// Lane blocks: kNjLanes instances of a pool advanced side by side through a min-delay
// slice, the step's arithmetic on vectors of kNjLanes doubles (one AVX-512 register, two
// AVX2 ones).
//
// Instances do not interact within a slice (its input was delivered before it started), so
// running several together gives each exactly the numbers it gets alone: every lane does
// the operations its instance does alone, in the same order. Branches become masks: a
// statement under a condition computes its value in every lane and keeps it in the lanes
// where the condition holds (a branch no lane takes is skipped). What must stay as the
// per-instance loop (range.cpp) has it is everything that leaves the instances: spikes in
// instance order, and the handling of a non-finite value. So the block reads the input
// cells without clearing them and counts spikes instead of emitting them. Only when the
// whole slice has run without a non-finite checked slot does it keep the written slots (in
// the block's kept state, which stands in for the rows until the simulate call ends), clear
// the slice's input cells and arrival flags, and emit the counted spikes instance by
// instance and step by step, the order the per-instance loop emits them in. Otherwise it
// puts the slice's starting state into the rows and returns, having changed nothing else
// for that block, how many blocks of the call it did before it; the slice loop runs the
// block's instances one by one, which warns or stops them as it always did.
//
// A model takes this path only when its step calls nothing (no numeric ODEs, random
// numbers, math library functions, prints, vector indexing, user functions, delay lines,
// emit_spike with arguments, loops or returns in blocks: they would need a call or a
// branch per lane); the slice loop uses it only for runs of kNjLanes instances none of
// which has hooks (samplers, delay lines).
#include "codegen/codegen.h"
#include "codegen/generator.h"
#include "nir/abi.h"
#include "nir/checked_slots.h"

namespace nestjit::codegen {

// int64 lanes_block(ctx, const NjPoolSlice*, i0, blocks, events, spike_input, current_input,
// state, valid): `blocks` blocks of kNjLanes instances from i0 through the slice, one after
// the other; returns how many were done before one was handed back (nothing changed for
// it: its rows hold its state, run it one by one), `blocks` when none was. `events` is the
// pool's work space (NjPoolSlice::lanes), `state` the first block's part of
// NjPoolSlice::lane_state, `valid` its byte of ::lane_valid. One call for a run of blocks:
// the slice's fields, the ring slot of its first step and the uniform slots' values are
// found once, not once a block (a third of bench_unconnected's block time was per call).
//
// Every slot the step touches is a vector variable of this function, loaded when the slice
// begins (from the kept state, the pool's uniform values or the rows) and, for the slots
// that are written, put in the kept state when it ends: in between it lives in registers,
// and a slot no code writes (a parameter, a propagator) is a constant of the loop, so what
// is computed from such slots alone (E_L / tau_m) is computed once a slice.
llvm::Function* Generator::lanes_block_fn() {
  if (!lanes_probe()) return nullptr;
  const int64_t W = kNjLanes;
  const int64_t nslots = int64_t(m_.slots.size());
  // What the variables must carry: every slot the step reads or writes, the input slots the
  // block fills (a continuous input's value is used in the next step, and so in the
  // slice's first step from the row), and the checked slots; kept: what is written.
  std::set<int> in = lane_touched_, out = lane_stored_;
  in.erase(int(nslots));  // the spike counts are the block's own
  out.erase(int(nslots));
  for (const auto& p : m_.spike_ports) {
    out.insert(p.sum_slot);
    out.insert(p.received_slot);
  }
  for (const auto& c : m_.continuous_ports) out.insert(c.slot);
  const auto checked = nir::checked_slots(m_);
  for (const auto& c : checked) in.insert(c.slot);
  in.insert(out.begin(), out.end());

  // The work space and the input arrays come as arguments marked noalias (nothing else
  // reaches them while the block runs: the spikes it emits at the end are only queued).
  begin(name("lanes_block"),
        llvm::FunctionType::get(i64_, {ptr_, ptr_, i64_, i64_, ptr_, ptr_, ptr_, ptr_, ptr_}, false));
  // (external linkage, so that it has a symbol: profiles name it)
  fn_->addFnAttr(llvm::Attribute::NoInline);
  for (unsigned a = 4; a < 9; ++a) fn_->addParamAttr(a, llvm::Attribute::NoAlias);
  llvm::Value* s = fn_->getArg(1);
  llvm::Value* first_i0 = fn_->getArg(2);
  llvm::Value* blocks = fn_->getArg(3);
  llvm::Value* events = fn_->getArg(4);
  llvm::Value* spike_input = fn_->getArg(5);
  llvm::Value* current_input = fn_->getArg(6);
  llvm::Value* first_kept_state = fn_->getArg(7);
  llvm::Value* first_kept_valid = fn_->getArg(8);
  // The block being run (set in the loop over blocks below; the helpers read them).
  llvm::Value* i0 = nullptr;
  llvm::Value* kept_state = nullptr;
  llvm::Value* kept_valid = nullptr;
  auto* lanes_t = llvm::FixedVectorType::get(f64_, unsigned(W));

  // Variables first, in the entry block (where LLVM turns them into registers).
  vector_ = true;
  lanes_ = int(W);
  lane_ok_ = true;
  lane_mask_ = nullptr;
  lane_vars_.clear();
  for (int slot : in) lane_vars_[slot] = b_.CreateAlloca(lanes_t);
  llvm::AllocaInst* spike_var = b_.CreateAlloca(lanes_t);
  lane_vars_[int(nslots)] = spike_var;  // EmitSpike counts here
  // Non-finite values seen in the slice, per lane: +0.0 while every checked slot stayed
  // finite, NaN from the first step where one did not (see the step loop).
  llvm::AllocaInst* bad_var = b_.CreateAlloca(lanes_t);
  const LaneLocals locals = make_step_locals();
  llvm::AllocaInst* n_events = b_.CreateAlloca(i64_);
  llvm::AllocaInst* r_var = b_.CreateAlloca(i64_);
  // Whether any input cell of the block was touched in the slice (else nothing to clear),
  // and whether a current arrived in it (else the quiet loop runs).
  llvm::AllocaInst* touched_var = b_.CreateAlloca(i1_);
  llvm::AllocaInst* came_var = b_.CreateAlloca(i1_);
  ctxv_ = b_.CreateAlloca(ctx_type_);  // private: its fields stay in registers
  b_.CreateMemCpy(ctxv_, llvm::MaybeAlign(8), fn_->getArg(0), llvm::MaybeAlign(8), sizeof(NjContext));
  auto var = [&](int slot) { return lane_vars_.at(slot); };

  auto field = [&](SliceField f) { return slice_field(s, f); };
  llvm::Value* rows = field(kRows);
  llvm::Value* step_out = field(kStepOut);
  llvm::Value* stride = field(kStride);
  llvm::Value* instances = field(kInstances);
  llvm::Value* first = b_.CreateAdd(field(kFrom), b_.getInt64(1));
  llvm::Value* to = field(kTo);
  llvm::Value* past = b_.CreateAdd(to, b_.getInt64(1));
  llvm::Value* ring_size = field(kRingSize);
  llvm::Value* h = field(kH);
  llvm::Value* arrived = field(kArrived);
  llvm::Value* first_ring = b_.CreateSRem(first, ring_size);
  auto ctx_ptr = [&](ContextField f) { return b_.CreateStructGEP(ctx_type_, ctxv_, f); };
  llvm::Value* W_ = b_.getInt64(W);
  auto row_of = [&](llvm::Value* lane) {
    return b_.CreateInBoundsGEP(f64_, rows, b_.CreateMul(b_.CreateAdd(i0, lane), stride));
  };
  const size_t ports = m_.spike_ports.size();
  const size_t cports = m_.continuous_ports.size();
  // The ring slot of step k, advanced with k.
  auto each_step = [&](const std::function<void(llvm::Value* k, llvm::Value* r)>& body) {
    b_.CreateStore(first_ring, r_var);
    counted_loop(first, past, [&](llvm::Value* k) {
      llvm::Value* r = b_.CreateLoad(i64_, r_var);
      body(k, r);
      llvm::Value* r1 = b_.CreateAdd(r, b_.getInt64(1));
      b_.CreateStore(b_.CreateSelect(b_.CreateICmpEQ(r1, ring_size), b_.getInt64(0), r1), r_var);
    });
  };
  // The copies between the rows and the block go slot by slot and lane by lane, in loops
  // over constant tables of slot numbers: unrolled, they were most of the block's code and
  // of its compile time, and they run once a simulate call (the written slots) or once a
  // slice only for slots that differ between instances and that no code writes.
  auto slot_table = [&](const std::vector<int>& slots, const char* what) {
    std::vector<uint64_t> numbers(slots.begin(), slots.end());
    if (numbers.empty()) numbers.push_back(0);
    llvm::Constant* init = llvm::ConstantDataArray::get(ctx_, numbers);
    return new llvm::GlobalVariable(*mod_, init->getType(), true, llvm::GlobalValue::PrivateLinkage,
                                    init, name(what));
  };
  // body(j, lane, the row's cell of slot table[j]) for every j < n and lane.
  auto each_slot_lane = [&](llvm::GlobalVariable* table, size_t n,
                            const std::function<void(llvm::Value*, llvm::Value*, llvm::Value*)>& body) {
    counted_loop(b_.getInt64(0), b_.getInt64(int64_t(n)), [&](llvm::Value* j) {
      llvm::Value* slot = b_.CreateLoad(i64_, b_.CreateInBoundsGEP(table->getValueType(), table, {b_.getInt64(0), j}));
      counted_loop(b_.getInt64(0), W_, [&](llvm::Value* l) {
        body(j, l, b_.CreateInBoundsGEP(f64_, row_of(l), slot));
      }, /*keep_rolled=*/true);
    }, /*keep_rolled=*/true);
  };
  // The slots the step (or the block) writes live between slices in the block's kept state
  // (`out` in order, slot j's lanes at [j * kNjLanes]), contiguous and small enough to stay
  // in the cache, while the rows, eight strides apart, would come from memory every slice.
  // Valid from the block's first slice in a simulate call until the network writes them
  // back to the rows when the call ends (NeuronPool::write_back_lanes). When it is not
  // valid the rows are copied into it first (it stays marked invalid until the slice
  // succeeds: the rows still hold the same values).
  const std::vector<int> kept(out.begin(), out.end());
  lane_kept_slots_ = kept;
  llvm::GlobalVariable* kept_table = slot_table(kept, "kept_slots");
  auto kept_at = [&](size_t j) {
    return b_.CreateConstInBoundsGEP1_64(f64_, kept_state, uint64_t(j) * uint64_t(W));
  };
  auto kept_cell = [&](llvm::Value* j, llvm::Value* l) {
    return b_.CreateInBoundsGEP(f64_, kept_state, b_.CreateAdd(b_.CreateMul(j, W_), l));
  };
  // The slots only read: each j's lanes at read_space[j * kNjLanes].
  std::vector<int> read_only;
  for (int slot : in)
    if (!out.count(slot)) read_only.push_back(slot);
  llvm::GlobalVariable* read_table = slot_table(read_only, "read_slots");
  llvm::Value* read_space = b_.CreateAlloca(f64_, b_.getInt64(int64_t(std::max<size_t>(read_only.size(), 1)) * W));
  // A slot the step never stores that holds one value in the whole pool (parameters,
  // propagators, usually) comes from the pool's copy, once a call, so the rows' cache lines
  // that hold only such slots stay untouched.
  llvm::Value* uniform = field(kUniform);
  llvm::Value* uniform_values = field(kUniformValues);
  auto read_slot = [&](llvm::Value* j) {
    return b_.CreateLoad(i64_, b_.CreateInBoundsGEP(read_table->getValueType(), read_table, {b_.getInt64(0), j}));
  };
  auto is_uniform = [&](llvm::Value* slot) {
    llvm::Value* flag = b_.CreateLoad(b_.getInt8Ty(), b_.CreateInBoundsGEP(b_.getInt8Ty(), uniform, slot));
    return b_.CreateICmpNE(flag, b_.getInt8(0));
  };
  // body() when `cond` holds.
  auto when = [&](llvm::Value* cond, const char* what, const std::function<void()>& body) {
    auto* yes = llvm::BasicBlock::Create(ctx_, what, fn_);
    auto* next = llvm::BasicBlock::Create(ctx_, "joined", fn_);
    b_.CreateCondBr(cond, yes, next);
    b_.SetInsertPoint(yes);
    body();
    b_.CreateBr(next);
    b_.SetInsertPoint(next);
  };
  // (and whether any read-only slot differs between instances: usually none does)
  llvm::AllocaInst* some_own = b_.CreateAlloca(i1_);
  b_.CreateStore(b_.getFalse(), some_own);
  counted_loop(b_.getInt64(0), b_.getInt64(int64_t(read_only.size())), [&](llvm::Value* j) {
    llvm::Value* slot = read_slot(j);
    llvm::Value* shared = is_uniform(slot);
    b_.CreateStore(b_.CreateOr(b_.CreateLoad(i1_, some_own), b_.CreateNot(shared)), some_own);
    when(shared, "uniform_slot", [&] {
      llvm::Value* value = b_.CreateLoad(f64_, b_.CreateInBoundsGEP(f64_, uniform_values, slot));
      b_.CreateAlignedStore(b_.CreateVectorSplat(unsigned(W), value),
                            b_.CreateInBoundsGEP(f64_, read_space, b_.CreateMul(j, W_)), llvm::MaybeAlign(8));
    });
  }, /*keep_rolled=*/true);

  llvm::Value* any_own = b_.CreateLoad(i1_, some_own);
  // The blocks, one after the other.
  auto* all_done = llvm::BasicBlock::Create(ctx_, "all_blocks_done", fn_);
  llvm::BasicBlock* loop_pre = b_.GetInsertBlock();
  auto* block_head = llvm::BasicBlock::Create(ctx_, "block", fn_);
  b_.CreateBr(block_head);
  b_.SetInsertPoint(block_head);
  llvm::PHINode* nb = b_.CreatePHI(i64_, 2);
  nb->addIncoming(b_.getInt64(0), loop_pre);
  auto* block_body = llvm::BasicBlock::Create(ctx_, "block_body", fn_);
  b_.CreateCondBr(b_.CreateICmpSLT(nb, blocks), block_body, all_done);
  b_.SetInsertPoint(block_body);
  i0 = b_.CreateAdd(first_i0, b_.CreateMul(nb, W_));
  kept_state = b_.CreateInBoundsGEP(f64_, first_kept_state, b_.CreateMul(nb, b_.getInt64(int64_t(out.size()) * W)));
  kept_valid = b_.CreateInBoundsGEP(b_.getInt8Ty(), first_kept_valid, b_.CreateMul(nb, W_));  // a byte per instance
  b_.CreateStore(llvm::Constant::getNullValue(lanes_t), bad_var);
  b_.CreateStore(b_.getInt64(0), n_events);
  b_.CreateStore(b_.getFalse(), touched_var);
  b_.CreateStore(b_.getFalse(), came_var);
  auto* is_valid = b_.CreateICmpNE(b_.CreateLoad(b_.getInt8Ty(), kept_valid), b_.getInt8(0));
  {
    auto* from_rows = llvm::BasicBlock::Create(ctx_, "from_rows", fn_);
    auto* copied = llvm::BasicBlock::Create(ctx_, "state_in", fn_);
    b_.CreateCondBr(is_valid, copied, from_rows);
    b_.SetInsertPoint(from_rows);
    each_slot_lane(kept_table, kept.size(), [&](llvm::Value* j, llvm::Value* l, llvm::Value* cell) {
      b_.CreateStore(b_.CreateLoad(f64_, cell), kept_cell(j, l));
    });
    b_.CreateBr(copied);
    b_.SetInsertPoint(copied);
    for (size_t j = 0; j < kept.size(); ++j)
      b_.CreateStore(b_.CreateAlignedLoad(lanes_t, kept_at(j), llvm::MaybeAlign(8)), var(kept[j]));
  }
  // The block's own values of the other read-only slots.
  when(any_own, "gather_slots", [&] {
    counted_loop(b_.getInt64(0), b_.getInt64(int64_t(read_only.size())), [&](llvm::Value* j) {
      llvm::Value* slot = read_slot(j);
      llvm::Value* dest = b_.CreateInBoundsGEP(f64_, read_space, b_.CreateMul(j, W_));
      when(b_.CreateNot(is_uniform(slot)), "gather_slot", [&] {
        counted_loop(b_.getInt64(0), W_, [&](llvm::Value* l) {
          b_.CreateStore(b_.CreateLoad(f64_, b_.CreateInBoundsGEP(f64_, row_of(l), slot)),
                         b_.CreateInBoundsGEP(f64_, dest, l));
        }, /*keep_rolled=*/true);
      });
    }, /*keep_rolled=*/true);
  });
  for (size_t j = 0; j < read_only.size(); ++j)
    b_.CreateStore(b_.CreateAlignedLoad(lanes_t, b_.CreateConstInBoundsGEP1_64(f64_, read_space, j * uint64_t(W)),
                                        llvm::MaybeAlign(8)),
                   var(read_only[j]));

  llvm::Value* zeros = llvm::Constant::getNullValue(lanes_t);
  // The step's arrival flags of the block's instances (two bytes each, nir/abi.h), ORed
  // as 64-bit words: whether any spike cell, any current cell of the block was touched.
  static_assert(kNjLanes % 4 == 0, "a block's flags are whole 64-bit words");
  auto arrivals = [&](llvm::Value* r) {
    llvm::Value* at = b_.CreateInBoundsGEP(b_.getInt16Ty(), arrived, b_.CreateAdd(b_.CreateMul(r, instances), i0));
    llvm::Value* both = nullptr;
    for (int64_t w = 0; w < W / 4; ++w) {
      llvm::Value* word = b_.CreateAlignedLoad(i64_, b_.CreateConstInBoundsGEP1_64(i64_, at, uint64_t(w)),
                                               llvm::MaybeAlign(1));
      both = both ? b_.CreateOr(both, word) : word;
    }
    return std::pair{b_.CreateICmpNE(b_.CreateAnd(both, b_.getInt64(0x00ff00ff00ff00ffLL)), b_.getInt64(0)),
                     b_.CreateICmpNE(b_.CreateAnd(both, b_.getInt64(int64_t(0xff00ff00ff00ff00ULL))), b_.getInt64(0))};
  };
  // Input cells of all lanes into their slots' variables when `touched`, else zeros
  // (untouched cells are +0.0): the per-instance loop's phases 1 and 10. The block's cells
  // are contiguous (lane l's cell at cell0 + l, `per_cell` doubles each): one load, and
  // each slot's lanes taken out of it.
  auto inputs = [&](llvm::Value* touched, llvm::Value* r, llvm::Value* base, size_t per_cell,
                    const std::vector<int>& dest) {
    if (dest.empty()) return;
    auto* read = llvm::BasicBlock::Create(ctx_, "read_input", fn_);
    auto* none = llvm::BasicBlock::Create(ctx_, "no_input", fn_);
    auto* next = llvm::BasicBlock::Create(ctx_, "input_done", fn_);
    b_.CreateCondBr(touched, read, none);
    b_.SetInsertPoint(read);
    llvm::Value* cell0 = b_.CreateAdd(b_.CreateMul(r, instances), i0);
    llvm::Value* at = b_.CreateInBoundsGEP(f64_, base, b_.CreateMul(cell0, b_.getInt64(int64_t(per_cell))));
    llvm::Value* cells = b_.CreateAlignedLoad(
        llvm::FixedVectorType::get(f64_, unsigned(W * int64_t(per_cell))), at, llvm::MaybeAlign(8));
    for (size_t j = 0; j < dest.size(); ++j) {
      std::vector<int> pick;
      for (int64_t l = 0; l < W; ++l) pick.push_back(int(l * int64_t(per_cell) + int64_t(j)));
      b_.CreateStore(b_.CreateShuffleVector(cells, pick), var(dest[j]));
    }
    b_.CreateBr(next);
    b_.SetInsertPoint(none);
    for (int slot : dest) b_.CreateStore(zeros, var(slot));
    b_.CreateBr(next);
    b_.SetInsertPoint(next);
  };
  std::vector<int> spike_dest, current_dest;
  for (const auto& p : m_.spike_ports) {
    spike_dest.push_back(p.sum_slot);
    spike_dest.push_back(p.received_slot);
  }
  for (const auto& c : m_.continuous_ports) current_dest.push_back(c.slot);

  // One step of all lanes. `quiet`: no continuous input arrives in the slice, so the
  // continuous input slots hold +0.0 throughout, constants of the loop: what is computed
  // from them and parameters alone ((I_e + I_stim) / C_m) is then computed once a slice.
  auto one_step = [&](llvm::Value* k, llvm::Value* r, bool quiet) {
    b_.CreateStore(b_.CreateFMul(b_.CreateSIToFP(k, f64_), h), ctx_ptr(kCtxT));
    b_.CreateStore(h, ctx_ptr(kCtxTimestep));
    auto [spikes_came, currents_came] = arrivals(r);
    b_.CreateStore(b_.CreateOr(b_.CreateLoad(i1_, touched_var), b_.CreateOr(spikes_came, currents_came)),
                   touched_var);
    inputs(spikes_came, r, spike_input, 2 * ports, spike_dest);
    b_.CreateStore(zeros, spike_var);
    // Each block's locals start at zero in every step, as in the block's own function.
    auto zero_locals = [&](const std::vector<llvm::AllocaInst*>& group) {
      for (auto* l : group) b_.CreateStore(llvm::Constant::getNullValue(l->getAllocatedType()), l);
    };
    zero_locals(locals.update);
    for (const auto& group : locals.handlers) zero_locals(group);
    for (const auto& group : locals.conditions) zero_locals(group);
    lane_step(locals, spikes_came);
    // A lane whose checked slot is NaN or infinite fails the slice, tested when it ends
    // (nothing it did is kept). The test in the loop is arithmetic: the checked slots'
    // sum is non-finite when one of them is, and sum * 0 is then NaN (else +-0), which
    // stays NaN in bad += sum * 0. A finite sum can still overflow: the lanes are
    // then handed back needlessly, and the per-instance loop finds nothing wrong.
    if (!checked.empty()) {
      llvm::Value* sum = nullptr;
      for (const auto& c : checked) {
        llvm::Value* v = b_.CreateLoad(lanes_t, var(c.slot));
        sum = sum ? b_.CreateFAdd(sum, v) : v;
      }
      llvm::Value* bad = b_.CreateLoad(lanes_t, bad_var);
      b_.CreateStore(b_.CreateFAdd(bad, b_.CreateFMul(sum, zeros)), bad_var);
    }
    // Phase 10: the continuous input for the next step.
    if (!quiet) inputs(currents_came, r, current_input, cports, current_dest);
    // Spikes of this step: kept with the step number until the slice is done.
    llvm::Value* counts = b_.CreateLoad(lanes_t, spike_var);
    auto* keep = llvm::BasicBlock::Create(ctx_, "keep_spikes", fn_);
    auto* kept_spikes = llvm::BasicBlock::Create(ctx_, "kept", fn_);
    b_.CreateCondBr(b_.CreateOrReduce(b_.CreateFCmpUNE(counts, zeros)), keep, kept_spikes);
    b_.SetInsertPoint(keep);
    llvm::Value* e = b_.CreateLoad(i64_, n_events);
    llvm::Value* entry = b_.CreateInBoundsGEP(f64_, events, b_.CreateMul(e, b_.getInt64(W + 1)));
    b_.CreateStore(k, entry);
    b_.CreateAlignedStore(counts, b_.CreateConstInBoundsGEP1_64(f64_, entry, 1), llvm::MaybeAlign(8));
    b_.CreateStore(b_.CreateAdd(e, b_.getInt64(1)), n_events);
    b_.CreateBr(kept_spikes);
    b_.SetInsertPoint(kept_spikes);
  };
  if (current_dest.empty()) {
    each_step([&](llvm::Value* k, llvm::Value* r) { one_step(k, r, false); });
  } else {
    // Quiet when the continuous inputs are +0.0 (all bits) as the slice begins and no step
    // of it has a current cell touched: the block's flags read once more, 16 bytes a step.
    llvm::Value* quiet = b_.getTrue();
    auto* bits_t = llvm::FixedVectorType::get(i64_, unsigned(W));
    for (int slot : current_dest) {
      llvm::Value* bits = b_.CreateBitCast(b_.CreateLoad(lanes_t, var(slot)), bits_t);
      quiet = b_.CreateAnd(quiet, b_.CreateICmpEQ(b_.CreateOrReduce(bits), b_.getInt64(0)));
    }
    each_step([&](llvm::Value*, llvm::Value* r) {
      b_.CreateStore(b_.CreateOr(b_.CreateLoad(i1_, came_var), arrivals(r).second), came_var);
    });
    quiet = b_.CreateAnd(quiet, b_.CreateNot(b_.CreateLoad(i1_, came_var)));
    auto* quiet_bb = llvm::BasicBlock::Create(ctx_, "quiet_slice", fn_);
    auto* busy_bb = llvm::BasicBlock::Create(ctx_, "slice_with_currents", fn_);
    auto* ran = llvm::BasicBlock::Create(ctx_, "slice_ran", fn_);
    b_.CreateCondBr(quiet, quiet_bb, busy_bb);
    b_.SetInsertPoint(quiet_bb);
    for (int slot : current_dest) b_.CreateStore(zeros, var(slot));
    each_step([&](llvm::Value* k, llvm::Value* r) { one_step(k, r, true); });
    b_.CreateBr(ran);
    b_.SetInsertPoint(busy_bb);
    each_step([&](llvm::Value* k, llvm::Value* r) { one_step(k, r, false); });
    b_.CreateBr(ran);
    b_.SetInsertPoint(ran);
  }
  auto* failed = llvm::BasicBlock::Create(ctx_, "failed", fn_);
  auto* succeeded = llvm::BasicBlock::Create(ctx_, "succeeded", fn_);
  llvm::Value* bad = b_.CreateLoad(lanes_t, bad_var);
  b_.CreateCondBr(b_.CreateOrReduce(b_.CreateFCmpUNO(bad, bad)), failed, succeeded);
  b_.SetInsertPoint(succeeded);

  // Done: the kept state updated, the slice's input cells and flags cleared, spikes emitted.
  for (size_t j = 0; j < kept.size(); ++j)
    b_.CreateAlignedStore(b_.CreateLoad(lanes_t, var(kept[j])), kept_at(j), llvm::MaybeAlign(8));
  b_.CreateStore(b_.getInt8(1), kept_valid);
  auto* clear_inputs = llvm::BasicBlock::Create(ctx_, "clear_inputs", fn_);
  auto* inputs_clear = llvm::BasicBlock::Create(ctx_, "inputs_clear", fn_);
  b_.CreateCondBr(b_.CreateLoad(i1_, touched_var), clear_inputs, inputs_clear);
  b_.SetInsertPoint(clear_inputs);
  if (ports > 0 || cports > 0)
    each_step([&](llvm::Value*, llvm::Value* r) {
      auto [spikes_came, currents_came] = arrivals(r);
      auto& clear = when;
      llvm::Value* cell = b_.CreateAdd(b_.CreateMul(r, instances), i0);
      if (ports > 0)
        clear(spikes_came, "clear_spikes", [&] {
          b_.CreateMemSet(b_.CreateInBoundsGEP(f64_, spike_input, b_.CreateMul(cell, b_.getInt64(int64_t(2 * ports)))),
                          b_.getInt8(0), uint64_t(W * 2 * int64_t(ports) * 8), llvm::MaybeAlign(8));
        });
      if (cports > 0)
        clear(currents_came, "clear_currents", [&] {
          b_.CreateMemSet(b_.CreateInBoundsGEP(f64_, current_input, b_.CreateMul(cell, b_.getInt64(int64_t(cports)))),
                          b_.getInt8(0), uint64_t(W * int64_t(cports) * 8), llvm::MaybeAlign(8));
        });
      clear(b_.CreateOr(spikes_came, currents_came), "clear_flags", [&] {
        b_.CreateMemSet(b_.CreateInBoundsGEP(b_.getInt16Ty(), arrived, cell), b_.getInt8(0),
                        uint64_t(W * 2), llvm::MaybeAlign(1));
      });
    });
  b_.CreateBr(inputs_clear);
  b_.SetInsertPoint(inputs_clear);
  llvm::Value* n_kept = b_.CreateLoad(i64_, n_events);
  auto* emit = llvm::BasicBlock::Create(ctx_, "emit_spikes", fn_);
  auto* emitted = llvm::BasicBlock::Create(ctx_, "spikes_emitted", fn_);
  b_.CreateCondBr(b_.CreateICmpSGT(n_kept, b_.getInt64(0)), emit, emitted);
  b_.SetInsertPoint(emit);
  b_.CreateCall(extern_fn("nestjit_rt_lane_spikes", b_.getVoidTy(), {ptr_, ptr_, i64_, i64_}),
                {ctxv_, events, n_kept, i0});
  b_.CreateBr(emitted);
  b_.SetInsertPoint(emitted);
  b_.CreateStore(to, step_out);
  llvm::BasicBlock* block_done = b_.GetInsertBlock();
  nb->addIncoming(b_.CreateAdd(nb, b_.getInt64(1)), block_done);
  b_.CreateBr(block_head);
  // Handed back: the rows get the state as the slice began (the kept state is written
  // only when a slice succeeds), for the per-instance loop to run from.
  b_.SetInsertPoint(failed);
  auto* write_rows = llvm::BasicBlock::Create(ctx_, "rows_from_kept_state", fn_);
  auto* give_back = llvm::BasicBlock::Create(ctx_, "hand_back", fn_);
  b_.CreateCondBr(is_valid, write_rows, give_back);
  b_.SetInsertPoint(write_rows);
  each_slot_lane(kept_table, kept.size(), [&](llvm::Value* j, llvm::Value* l, llvm::Value* cell) {
    b_.CreateStore(b_.CreateLoad(f64_, kept_cell(j, l)), cell);
  });
  b_.CreateStore(b_.getInt8(0), kept_valid);
  b_.CreateBr(give_back);
  b_.SetInsertPoint(give_back);
  b_.CreateRet(nb);
  b_.SetInsertPoint(all_done);
  b_.CreateRet(blocks);
  vector_ = false;
  lanes_ = 0;
  lane_vars_.clear();
  lane_mask_ = nullptr;
  if (!lane_ok_) {
    fn_->eraseFromParent();
    fn_ = nullptr;
    return nullptr;
  }
  return fn_;
}

}  // namespace nestjit::codegen
