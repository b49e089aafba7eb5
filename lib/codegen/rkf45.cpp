// The compiled RKF45 integration of one numeric system: the same algorithm as
// ode::Rkf45::integrate (lib/ode/rkf45.cpp, GSL's rkf45 stepper, standard control with
// a_y = 1, a_dydt = 0, evolve_apply looped up to h), with the system's right-hand side
// inlined and the state in registers instead of a call through a pointer per stage.
// Every floating-point operation is spelled as in rkf45.cpp, in the same order, so the
// results are bit for bit those of the runtime integrator (LLVM does not reassociate or
// fuse without fast-math flags). Only the healthy path is compiled: anything unusual (a
// non-finite value, a stall, a step below the floor, an instance that has switched to
// CVODE, solver "auto" needing more than 10 sub-steps so that the runtime looks at
// stiffness) returns 1 without touching the slots, and the caller then runs
// nestjit_rt_integrate from the same start, which handles and reports it as before.
#include <fmt/format.h>
#include <functional>
#include <set>

#include "codegen/generator.h"
#include "ode/rkf45_tableau.h"
#include "ode/solver_status.h"

namespace nestjit::codegen {

namespace {
using namespace ode::rkf45_tableau;  // the runtime integrator's constants
// The runtime's check after a solver "auto" integration (runtime_symbols.cpp): more
// sub-steps than this and it estimates stiffness, so the compiled path hands over.
constexpr int64_t kAutoStiffnessSubSteps = 10;
}  // namespace

// True when `f` or a function it calls (user functions) calls into the runtime: such a
// call may report a failure or draw a random number, which must happen exactly once, so
// the system keeps the runtime integrator.
bool Generator::calls_runtime(llvm::Function* f) {
  std::set<llvm::Function*> seen;
  std::function<bool(llvm::Function*)> visit = [&](llvm::Function* g) {
    if (!seen.insert(g).second) return false;
    for (auto& bb : *g)
      for (auto& inst : bb)
        if (auto* call = llvm::dyn_cast<llvm::CallInst>(&inst)) {
          llvm::Function* callee = call->getCalledFunction();
          if (!callee) return true;
          if (callee->getName().starts_with("nestjit_rt_")) return true;
          if (!callee->isDeclaration() && visit(callee)) return true;
        }
    return false;
  };
  return visit(f);
}

llvm::Function* Generator::rkf45_fn(size_t index, llvm::Function* rhs) {
  const nir::NumericSystem& sys = m_.numeric_systems[index];
  const size_t n = sys.vars.size();
  if (n == 0 || m_.step_slot < 0 || calls_runtime(rhs)) return nullptr;
  rhs->addFnAttr(llvm::Attribute::AlwaysInline);
  auto* ft = llvm::FunctionType::get(i32_, {ptr_}, false);
  begin(name(fmt::format("rkf45_{}", index)), ft);
  fn_->setLinkage(llvm::Function::InternalLinkage);
  ctxv_ = fn_->getArg(0);
  slots_ = ctx_field(kSlots);

  llvm::Type* arr_t = llvm::ArrayType::get(f64_, n);
  auto arr = [&](const char* nm) { return b_.CreateAlloca(arr_t, nullptr, nm); };
  llvm::Value *y = arr("y"), *k1 = arr("k1"), *k2 = arr("k2"), *k3 = arr("k3"), *k4 = arr("k4"),
              *k5 = arr("k5"), *k6 = arr("k6"), *ytmp = arr("ytmp"), *ynew = arr("ynew"),
              *dydt = arr("dydt_out");
  // Every alloca in the entry block, so that SROA keeps them in registers (also after the
  // function is inlined into the slice loop).
  llvm::Value* tol = b_.CreateAlloca(llvm::ArrayType::get(f64_, 2), nullptr, "tol");
  llvm::AllocaInst* t_var = b_.CreateAlloca(f64_, nullptr, "t");
  llvm::AllocaInst* step_var = b_.CreateAlloca(f64_, nullptr, "step");
  llvm::AllocaInst* h0_var = b_.CreateAlloca(f64_, nullptr, "h0");
  llvm::AllocaInst* sub_var = b_.CreateAlloca(i64_, nullptr, "sub_steps");
  auto at = [&](llvm::Value* a, size_t i) { return b_.CreateConstInBoundsGEP2_64(arr_t, a, 0, i); };
  auto ld = [&](llvm::Value* a, size_t i) { return b_.CreateLoad(f64_, at(a, i)); };
  auto st = [&](llvm::Value* v, llvm::Value* a, size_t i) { b_.CreateStore(v, at(a, i)); };
  auto c = [&](double v) { return llvm::ConstantFP::get(f64_, v); };
  auto fadd = [&](llvm::Value* a, llvm::Value* b) { return b_.CreateFAdd(a, b); };
  auto fmul = [&](llvm::Value* a, llvm::Value* b) { return b_.CreateFMul(a, b); };
  auto fabs = [&](llvm::Value* v) { return b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, v); };
  auto not_finite = [&](llvm::Value* v) {
    return b_.CreateFCmpUEQ(fabs(v), llvm::ConstantFP::getInfinity(f64_));
  };
  auto block = [&](const char* nm) { return llvm::BasicBlock::Create(ctx_, nm, fn_); };
  llvm::BasicBlock* fallback = block("rk_fallback");
  // Calls f(t, y, out); a nonzero status goes to the runtime.
  auto call_rhs = [&](llvm::Value* t, llvm::Value* in, llvm::Value* out) {
    llvm::Value* status = b_.CreateCall(rhs, {t, in, out, ctxv_});
    auto* ok = block("rhs_ok");
    b_.CreateCondBr(b_.CreateICmpNE(status, b_.getInt32(0)), fallback, ok);
    b_.SetInsertPoint(ok);
  };
  auto or_fallback = [&](llvm::Value* bad) {
    auto* ok = block("ok");
    b_.CreateCondBr(bad, fallback, ok);
    b_.SetInsertPoint(ok);
  };

  // The runtime says whether this instance takes the compiled path and with which
  // tolerances: 0 = no (CVODE), 1 = yes, 2 = yes, but at most 10 sub-steps (solver auto).
  llvm::FunctionCallee begin_fn = extern_fn("nestjit_rt_rkf45_begin", i32_, {ptr_, i32_, ptr_});
  llvm::cast<llvm::Function>(begin_fn.getCallee())->addParamAttr(2, llvm::Attribute::NoCapture);
  llvm::Value* mode = b_.CreateCall(begin_fn, {ctxv_, b_.getInt32(int32_t(index)), tol});
  or_fallback(b_.CreateICmpEQ(mode, b_.getInt32(0)));
  llvm::Value* atol = b_.CreateLoad(f64_, b_.CreateConstInBoundsGEP1_64(f64_, tol, 0));
  llvm::Value* rtol = b_.CreateLoad(f64_, b_.CreateConstInBoundsGEP1_64(f64_, tol, 1));
  llvm::Value* max_sub = b_.CreateSelect(b_.CreateICmpEQ(mode, b_.getInt32(2)),
                                         b_.getInt64(kAutoStiffnessSubSteps),
                                         b_.getInt64(ode::kMaxRkf45StepsPerInterval));
  llvm::Value* h = ctx_field(kTimestep);
  llvm::Value* step0 = load_slot(m_.step_slot);
  // Rkf45::integrate's argument checks (then kStatusBadArgument).
  llvm::Value* zero = c(0.0);
  or_fallback(b_.CreateNot(b_.CreateAnd(
      b_.CreateAnd(b_.CreateFCmpOGT(h, zero), b_.CreateFCmpOGT(step0, zero)),
      b_.CreateAnd(b_.CreateFCmpOGE(atol, zero), b_.CreateFCmpOGE(rtol, zero)))));
  for (size_t i = 0; i < n; ++i) st(load_slot(m_.ode_vars[sys.vars[i]].slot), y, i);
  b_.CreateStore(zero, t_var);
  b_.CreateStore(step0, step_var);
  b_.CreateStore(b_.getInt64(0), sub_var);
  llvm::BasicBlock* outer = block("rk_interval");
  llvm::BasicBlock* evolve = block("rk_evolve");
  llvm::BasicBlock* attempt = block("rk_attempt");
  llvm::BasicBlock* finish = block("rk_finish");
  b_.CreateBr(outer);

  // while (t < h) evolve_apply(...)
  b_.SetInsertPoint(outer);
  llvm::Value* t0 = b_.CreateLoad(f64_, t_var);
  b_.CreateCondBr(b_.CreateFCmpOLT(t0, h), evolve, finish);

  // evolve_apply: the derivative at the start, once for every attempt.
  b_.SetInsertPoint(evolve);
  llvm::Value* dt = b_.CreateFSub(h, t0);
  b_.CreateStore(b_.CreateLoad(f64_, step_var), h0_var);
  call_rhs(t0, y, k1);
  {
    llvm::Value* bad = b_.getFalse();
    for (size_t i = 0; i < n; ++i) bad = b_.CreateOr(bad, not_finite(ld(k1, i)));
    or_fallback(bad);
  }
  b_.CreateBr(attempt);

  // One attempt: clip to the interval's end, step_apply, the error control.
  b_.SetInsertPoint(attempt);
  llvm::Value* h0_in = b_.CreateLoad(f64_, h0_var);
  llvm::Value* final_step = b_.CreateFCmpOGT(h0_in, dt);
  llvm::Value* h0 = b_.CreateSelect(final_step, dt, h0_in);
  // Stages, spelled as in Rkf45::step_apply: y + (b21 * h) * k1, then y + h * (sum).
  auto stage = [&](double a, std::initializer_list<std::pair<double, llvm::Value*>> terms,
                   llvm::Value* out, bool first) {
    for (size_t i = 0; i < n; ++i) {
      llvm::Value* v;
      if (first) {
        const auto& [b, k] = *terms.begin();
        v = fadd(ld(y, i), fmul(fmul(c(b), h0), ld(k, i)));
      } else {
        llvm::Value* sum = nullptr;
        for (const auto& [b, k] : terms) {
          llvm::Value* term = fmul(c(b), ld(k, i));
          sum = sum ? fadd(sum, term) : term;
        }
        v = fadd(ld(y, i), fmul(h0, sum));
      }
      st(v, ytmp, i);
    }
    call_rhs(fadd(t0, fmul(c(a), h0)), ytmp, out);
  };
  stage(a2, {{b21, k1}}, k2, true);
  stage(a3, {{b31, k1}, {b32, k2}}, k3, false);
  stage(a4, {{b41, k1}, {b42, k2}, {b43, k3}}, k4, false);
  stage(a5, {{b51, k1}, {b52, k2}, {b53, k3}, {b54, k4}}, k5, false);
  stage(a6, {{b61, k1}, {b62, k2}, {b63, k3}, {b64, k4}, {b65, k5}}, k6, false);
  for (size_t i = 0; i < n; ++i) {
    llvm::Value* d = fadd(fadd(fadd(fadd(fmul(c(c1), ld(k1, i)), fmul(c(c3), ld(k3, i))),
                                    fmul(c(c4), ld(k4, i))), fmul(c(c5), ld(k5, i))),
                          fmul(c(c6), ld(k6, i)));
    st(fadd(ld(y, i), fmul(h0, d)), ynew, i);
  }
  // GSL evaluates the derivative at the new point on every attempt (see step_apply).
  call_rhs(fadd(t0, h0), ynew, dydt);
  llvm::Value* t_new = b_.CreateSelect(final_step, h, fadd(t0, h0));
  // adjust_step: rmax over |err_i| / |eps_rel (a_y |y_i| + a_dydt |h y'_i|) + eps_abs|,
  // starting at DBL_MIN; NaN ratios are skipped by the `>`.
  llvm::Value* rmax = c(2.2250738585072014e-308);
  for (size_t i = 0; i < n; ++i) {
    llvm::Value* err =
        fmul(h0, fadd(fadd(fadd(fadd(fmul(c(e1), ld(k1, i)), fmul(c(e3), ld(k3, i))),
                                fmul(c(e4), ld(k4, i))), fmul(c(e5), ld(k5, i))),
                      fmul(c(e6), ld(k6, i))));
    llvm::Value* d0 = fadd(fmul(rtol, fadd(fmul(c(1.0), fabs(ld(ynew, i))),
                                           fmul(c(0.0), fabs(fmul(h0, ld(dydt, i)))))),
                           atol);
    llvm::Value* r = b_.CreateFDiv(fabs(err), fabs(d0));
    rmax = b_.CreateSelect(b_.CreateFCmpOGT(r, rmax), r, rmax);
  }
  // ode::y_new_factor, its clamped ends inline (the same bounds), pow through the runtime.
  llvm::Value* factor = b_.CreateSelect(
      b_.CreateFCmpOGE(rmax, c(1900.0)), c(0.2),
      b_.CreateSelect(b_.CreateFCmpOLE(rmax, c(3.3e-5)), c(5.0), c(-1.0)));
  {
    llvm::BasicBlock* from = b_.GetInsertBlock();
    auto* slow = block("rk_factor_pow");
    auto* known = block("rk_factor");
    b_.CreateCondBr(b_.CreateFCmpOLT(factor, zero), slow, known);
    b_.SetInsertPoint(slow);
    llvm::FunctionCallee pow_factor = extern_fn("nestjit_rt_rkf45_factor", f64_, {f64_});
    // A pure function of its argument: it does not keep the slots' loads from being
    // hoisted out of the sub-step loop.
    auto* pf = llvm::cast<llvm::Function>(pow_factor.getCallee());
    pf->setDoesNotAccessMemory();
    pf->setDoesNotThrow();
    pf->addFnAttr(llvm::Attribute::WillReturn);
    llvm::Value* computed = b_.CreateCall(pow_factor, {rmax});
    b_.CreateBr(known);
    b_.SetInsertPoint(known);
    llvm::PHINode* phi = b_.CreatePHI(f64_, 2);
    phi->addIncoming(factor, from);
    phi->addIncoming(computed, slow);
    factor = phi;
  }
  llvm::Value* h_new = fmul(factor, h0);
  auto* shrink = block("rk_shrink");
  auto* retry = block("rk_retry");
  auto* keep_old = block("rk_keep_step");
  auto* accept = block("rk_accept");
  llvm::BasicBlock* grow_from = b_.GetInsertBlock();
  b_.CreateCondBr(b_.CreateFCmpOLT(factor, c(1.0)), shrink, accept);

  b_.SetInsertPoint(shrink);
  // Below the floor: a stall, the runtime reports it.
  or_fallback(b_.CreateFCmpOLT(fabs(h_new), fmul(c(ode::kMinStepFraction), h)));
  b_.CreateCondBr(b_.CreateAnd(b_.CreateFCmpOLT(fabs(h_new), fabs(h0)),
                               b_.CreateFCmpUNE(fadd(t_new, h_new), t_new)),
                  retry, keep_old);
  b_.SetInsertPoint(retry);  // y is untouched (the attempt wrote ynew), k1 is reused
  b_.CreateStore(h_new, h0_var);
  b_.CreateBr(attempt);
  b_.SetInsertPoint(keep_old);
  b_.CreateBr(accept);

  // Accepted: the carried step, the new time, Rkf45::integrate's stall and finiteness tests.
  b_.SetInsertPoint(accept);
  llvm::PHINode* next_step = b_.CreatePHI(f64_, 2);
  next_step->addIncoming(h_new, grow_from);
  next_step->addIncoming(h0, keep_old);
  b_.CreateStore(next_step, step_var);
  b_.CreateStore(t_new, t_var);
  llvm::Value* sub = b_.CreateAdd(b_.CreateLoad(i64_, sub_var), b_.getInt64(1));
  b_.CreateStore(sub, sub_var);
  llvm::Value* bad = b_.CreateOr(b_.CreateNot(b_.CreateFCmpOGT(t_new, t0)),
                                 b_.CreateICmpSGT(sub, max_sub));
  for (size_t i = 0; i < n; ++i) {
    llvm::Value* v = ld(ynew, i);
    bad = b_.CreateOr(bad, not_finite(v));
    st(v, y, i);
  }
  or_fallback(bad);
  b_.CreateBr(outer);

  // Done: the integrated variables (convolution states riding along are not written back)
  // and the step carried to the next simulation step.
  b_.SetInsertPoint(finish);
  for (int i = 0; i < sys.writeback; ++i) store_slot(m_.ode_vars[sys.vars[size_t(i)]].slot, ld(y, size_t(i)));
  store_slot(m_.step_slot, b_.CreateLoad(f64_, step_var));
  b_.CreateRet(b_.getInt32(0));

  b_.SetInsertPoint(fallback);
  b_.CreateRet(b_.getInt32(1));
  return fn_;
}

}  // namespace nestjit::codegen
