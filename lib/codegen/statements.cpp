// Statements of nir to LLVM control flow: assignments, if/while, returns, the calls of
// integrate_odes, emit_spike and print into the runtime.
#include <fmt/format.h>

#include "codegen/codegen.h"
#include "codegen/generator.h"
#include "nir/abi.h"

namespace nestjit::codegen {

// integrate_odes (SEMANTICS.md 2, phase 4): exact propagation of the selected analytic
// variables from their start-of-step values; one RKF45 step of the numeric system; then
// the analytic results overwrite whatever the numeric step computed for them.
void Generator::integrate(const Stmt& s) {
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
  if (in.numeric_system >= 0) {
    // The compiled RKF45 where there is one; the runtime integrator when it hands over.
    auto runtime = [&] {
      b_.CreateCall(extern_fn("nestjit_rt_integrate", i32_, {ptr_, i32_}),
                    {ctxv_, b_.getInt32(in.numeric_system)});
    };
    auto it = rkf45_fns_.find(in.numeric_system);
    if (it == rkf45_fns_.end()) {
      runtime();
    } else {
      llvm::Value* st = b_.CreateCall(it->second, {ctxv_});
      llvm::Function* f = b_.GetInsertBlock()->getParent();
      auto* slow = llvm::BasicBlock::Create(ctx_, "rk_runtime", f);
      auto* done = llvm::BasicBlock::Create(ctx_, "rk_done", f);
      b_.CreateCondBr(b_.CreateICmpNE(st, b_.getInt32(0)), slow, done);
      b_.SetInsertPoint(slow);
      runtime();
      b_.CreateBr(done);
      b_.SetInsertPoint(done);
    }
  }
  for (auto& [slot, value] : results) store_slot(slot, value);
}

void Generator::stmts(const nir::Block& block) {
  for (const auto& s : block) {
    if (b_.GetInsertBlock()->getTerminator()) return;  // after a return
    stmt(*s);
  }
}

void Generator::stmt(const Stmt& s) {
  switch (s.kind) {
    case Stmt::Kind::AssignSlot: {
      llvm::Value* v = as(expr(*s.value), ValueType::F64, s.value->type);
      store_slot(s.index, v);
      break;
    }
    case Stmt::Kind::AssignElement: {
      // An out-of-range store is reported and skipped (element_ptr's fallback element 0
      // is only read, never written).
      llvm::Value* v = as(expr(*s.value), ValueType::F64, s.value->type);
      llvm::Value* ok = nullptr;
      llvm::Value* ptr = element_ptr(*s.element, &ok);
      llvm::Function* f = b_.GetInsertBlock()->getParent();
      auto* store = llvm::BasicBlock::Create(ctx_, "element_store", f);
      auto* done = llvm::BasicBlock::Create(ctx_, "element_done", f);
      b_.CreateCondBr(ok, store, done);
      b_.SetInsertPoint(store);
      b_.CreateStore(v, ptr);
      b_.CreateBr(done);
      b_.SetInsertPoint(done);
      break;
    }
    case Stmt::Kind::AssignLocal: {
      llvm::AllocaInst* local = locals_.at(s.index);
      llvm::Value* v = expr(*s.value);
      if (lane_mask_) v = masked(v, b_.CreateLoad(local->getAllocatedType(), local));
      b_.CreateStore(v, local);
      break;
    }
    case Stmt::Kind::Eval: expr(*s.value); break;
    case Stmt::Kind::Return:
      // A return in a block ends only that block; the lane step runs all blocks in one
      // function, so a model with one keeps the per-instance loop.
      if (lanes_ && !current_user_fn_) {
        lane_ok_ = false;
        break;
      }
      if (current_user_fn_ && !current_user_fn_->returns_void && s.value)
        b_.CreateRet(as(expr(*s.value), current_user_fn_->result, s.value->type));
      else
        b_.CreateRetVoid();
      break;
    case Stmt::Kind::If: {
      if (vector_) {
        // Each branch runs for the lanes whose condition holds and no earlier one did. A
        // later condition is computed after an earlier branch ran, but only its lanes'
        // values changed, and those lanes no longer take it.
        llvm::Value* left = lane_mask_ ? lane_mask_ : llvm::ConstantInt::getTrue(vt(i1_));
        for (const auto& [cond, body] : s.branches) {
          llvm::Value* c = expr(*cond);
          llvm::Value* now = b_.CreateAnd(left, c);
          left = b_.CreateAnd(left, b_.CreateNot(c));
          under_mask(now, [&] { stmts(body); });
        }
        if (!s.else_body.empty()) under_mask(left, [&] { stmts(s.else_body); });
        break;
      }
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
      if (lanes_) lane_ok_ = false;  // a loop's passes differ from lane to lane
      auto* head = llvm::BasicBlock::Create(ctx_, "while", fn_);
      auto* body = llvm::BasicBlock::Create(ctx_, "body", fn_);
      auto* done = llvm::BasicBlock::Create(ctx_, "endwhile", fn_);
      // The flag's address is read once, before the loop (the model never changes it).
      llvm::Value* flag_ptr = loop_interrupt_checks()
          ? b_.CreateLoad(ptr_, b_.CreateStructGEP(ctx_type_, ctxv_, 7)) : nullptr;
      // Interrupts: every 1024th pass over the back-edge reads the kernel's flag and leaves
      // the loop when it is set, so a model stuck in its loop ends its slice and simulate
      // stops at the boundary. Counting in a register and reading the flag rarely, in a
      // block of its own, keeps the loop's own work as it is (bench_interrupt_check).
      llvm::AllocaInst* passes = nullptr;
      if (flag_ptr) {
        llvm::IRBuilder<> entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
        passes = entry.CreateAlloca(i64_, nullptr, "loop_passes");
        b_.CreateStore(b_.getInt64(0), passes);
      }
      b_.CreateBr(head);
      b_.SetInsertPoint(head);
      b_.CreateCondBr(expr(*s.value), body, done);
      b_.SetInsertPoint(body);
      stmts(s.body);
      if (!b_.GetInsertBlock()->getTerminator() && !passes) {
        b_.CreateBr(head);  // without checks only for measuring what they cost (codegen.h)
      } else if (!b_.GetInsertBlock()->getTerminator()) {
        auto* test = llvm::BasicBlock::Create(ctx_, "interrupt_test", fn_);
        llvm::Value* n = b_.CreateAdd(b_.CreateLoad(i64_, passes), b_.getInt64(1));
        b_.CreateStore(n, passes);
        llvm::Value* due = b_.CreateICmpEQ(b_.CreateAnd(n, b_.getInt64(1023)), b_.getInt64(0));
        b_.CreateCondBr(due, test, head);
        b_.SetInsertPoint(test);
        auto* flag = b_.CreateLoad(b_.getInt8Ty(), flag_ptr);
        flag->setVolatile(true);
        flag->setMetadata(llvm::LLVMContext::MD_tbaa, tbaa_flag());
        b_.CreateCondBr(b_.CreateICmpNE(flag, b_.getInt8(0)), done, head);
      }
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
      if (lanes_) {
        // Counted in the lane's spike row (slot index = slot count); the lane block emits
        // the spikes after the slice, instance by instance, as the per-instance loop would.
        if (!s.args.empty()) lane_ok_ = false;
        lane_emitted_ = true;
        const int row = int(m_.slots.size());
        store_slot(row, b_.CreateFAdd(load_slot(row), llvm::ConstantFP::get(vt(f64_), 1.0)));
        break;
      }
      llvm::Value* w = s.args.size() > 0 ? expr(*s.args[0]) : llvm::ConstantFP::get(f64_, 1.0);
      llvm::Value* d = s.args.size() > 1 ? expr(*s.args[1]) : llvm::ConstantFP::get(f64_, 0.0);
      b_.CreateCall(extern_fn("nestjit_rt_emit_spike", b_.getVoidTy(), {ptr_, f64_, f64_, i32_}),
                    {ctxv_, w, d, b_.getInt32(int32_t(s.args.size()))});
      break;
    }
  }
}

}  // namespace nestjit::codegen
