// The code generator's state (private to lib/codegen/): the module being built, the IR
// builder, and the function being generated. Model-level functions (one per block, the
// composed step function) are in codegen.cpp, expressions in expressions.cpp, statements in
// statements.cpp.
#pragma once
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "codegen/codegen.h"
#include "nir/model.h"

namespace nestjit::codegen {

using nir::Expr;
using nir::Op;
using nir::Stmt;
using nir::ValueType;

enum CtxField { kSlots = 0, kTime = 1, kTimestep = 2, kResolution = 3 };
// NjContext fields the pool loops set (slots, t and timestep are also CtxField).
enum ContextField { kCtxSlots = 0, kCtxT = 1, kCtxTimestep = 2, kCtxHost = 4, kCtxInstance = 6 };
// The fields of nir/abi.h NjPoolSlice, in order (range.cpp checks the offsets).
enum SliceField {
  kRows, kHosts, kHooks, kSpikeInput, kCurrentInput, kStepOut, kStop, kScratch,
  kStride, kInstances, kBegin, kEnd, kFrom, kTo, kRingSize, kH, kArrived, kLanes,
  kUniform, kUniformValues, kLaneState, kLaneValid
};

class Generator {
 public:
  Generator(const nir::Model& m, llvm::LLVMContext& ctx, const std::string& prefix);
  std::unique_ptr<llvm::Module> run(FunctionNames& names);

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

  llvm::Function* begin(const std::string& fname, llvm::FunctionType* ft);
  llvm::Value* ctx_field(CtxField f);
  void begin_block_fn(const std::string& what);
  void make_locals(const nir::CodeBlock& cb);
  std::string block_fn(const std::string& what, const nir::CodeBlock& cb,
                       const nir::Block* body = nullptr);
  void user_function_body(size_t i);
  std::string on_condition_fn();
  enum class ConvPhase { Begin, End, Advance };
  std::string conv_fn(const std::string& what, ConvPhase phase);
  void emit_conv(ConvPhase phase);
  llvm::Value* propagate(const nir::OdeVar& v, bool with_constant);
  std::string conv_increment_fn();
  // K += w * increment for each state of convolution c (phase 8); the step's jumps.
  void increment_convolution(const nir::Convolution& c, llvm::Value* w);
  void emit_jumps();
  llvm::Value* begin_system_fn(const std::string& what, const nir::NumericSystem& sys);
  void store_all(const std::vector<const Expr*>& exprs, llvm::Value* out);
  static std::vector<const Expr*> pointers(const std::vector<nir::ExprPtr>& v);
  std::string jacobian_fn(size_t index);
  std::string rhs_fn(size_t index);
  // int32 rkf45_<index>(ctx): the system's RKF45 integration over one step with the RHS
  // inlined (rkf45.cpp); 0 = done, 1 = the caller must run nestjit_rt_integrate. Null when
  // the system keeps the runtime integrator.
  llvm::Function* rkf45_fn(size_t index, llvm::Function* rhs);
  bool calls_runtime(llvm::Function* f);
  std::map<int, llvm::Function*> rkf45_fns_;
  std::string recordable_inlines_fn();
  // int32 check_guards(ctx): 0 when every declared guard holds, else 1 + the index of the
  // first that does not (nir::Model::guards order).
  std::string check_guards_fn();
  std::string step_fn(const FunctionNames& names);
  // void slice(ctx, const NjPoolSlice*): a pool's instances through a slice (range.cpp).
  // With a lane block function it hands runs of kNjLanes instances to it.
  std::string slice_fn(const std::string& step_name, llvm::Function* lanes);
  std::vector<size_t> handler_order() const;
  void receive_handlers(const std::function<void(size_t)>& run);
  llvm::StructType* pool_slice_type();
  llvm::Value* slice_field(llvm::Value* slice, SliceField f);
  llvm::StructType* pool_slice_type_ = nullptr;

  // ---- lane blocks (lane_step.cpp: probe, vector helpers, the step; lanes.cpp: the block) ----
  // Lane mode (lanes_ > 0) has two passes. The probe (vector_ false) generates the step for
  // one lane, every slot a variable of its own, only to learn whether the step can run in
  // lanes (lane_ok_, and nothing called) and which slots it reads and writes; it is then
  // erased. The block (vector_ true) generates the step once more with every value a
  // vector of kNjLanes lanes: slots are variables of the block that live in registers for
  // the whole slice, and branches become masks (lane_mask_: the lanes a statement applies
  // to; null for all of them). Null when the model's step cannot run that way.
  llvm::Function* lanes_block_fn();
  bool lanes_probe();
  struct LaneLocals {
    std::vector<llvm::AllocaInst*> update;
    std::vector<std::vector<llvm::AllocaInst*>> handlers, conditions;
  };
  LaneLocals make_step_locals();  // at the insert point, zeroed
  void lane_step(const LaneLocals& locals, llvm::Value* spikes_came);
  bool vector_ = false;
  llvm::Value* lane_mask_ = nullptr;
  // `type`, or a vector of kNjLanes of it in the block's vector pass.
  llvm::Type* vt(llvm::Type* type) const;
  // Runs body with lane_mask_ narrowed to `mask` (vector pass), skipping it at run time when
  // no lane is in the mask.
  void under_mask(llvm::Value* mask, const std::function<void()>& body);
  // v for the lanes of lane_mask_, `old` for the others.
  llvm::Value* masked(llvm::Value* v, llvm::Value* old) {
    return lane_mask_ ? b_.CreateSelect(lane_mask_, v, old) : v;
  }
  // for (v = from; v < to; ++v) body(v), at the insert point; continues after the loop.
  // keep_rolled: LLVM is told not to unroll it (code that runs rarely, kept small).
  void counted_loop(llvm::Value* from, llvm::Value* to,
                    const std::function<void(llvm::Value*)>& body, bool keep_rolled = false);
  std::vector<int> lane_kept_slots_;  // FunctionNames::lane_state_slots
  int lanes_ = 0;
  bool lane_ok_ = true;
  bool lane_emitted_ = false;  // an emit_spike was generated (under_mask keeps its branch)
  std::set<int> lane_touched_, lane_stored_;  // slots the lane step reads or writes, writes
  void mark_context_not_captured();

  // ---- values ----

  llvm::Type* llvm_type(ValueType t);
  llvm::Value* element_ptr(const Expr& e, llvm::Value** in_range = nullptr);
  llvm::Value* slot_ptr(int slot) {
    if (lanes_) return lane_slot(slot);
    return b_.CreateConstInBoundsGEP1_64(f64_, slots_, uint64_t(slot));
  }
  // Lane mode: the slot's value lives in a variable (the block's: a vector of all lanes
  // for the whole slice).
  llvm::Value* lane_slot(int slot);
  std::map<int, llvm::AllocaInst*> lane_vars_;

  llvm::Value* load_slot(int slot);
  void store_slot(int slot, llvm::Value* v) {
    if (lanes_) lane_stored_.insert(slot);
    llvm::Value* at = slot_ptr(slot);
    if (lane_mask_) v = masked(v, b_.CreateLoad(v->getType(), at));
    b_.CreateStore(v, at)->setMetadata(llvm::LLVMContext::MD_tbaa, tbaa_slot());
  }
  // Interrupts: type-based alias tags telling LLVM that instance slots (doubles) and the
  // interrupt flag (a bool elsewhere) never overlap, so the flag's volatile load on a loop's
  // back-edge does not keep the loop's slots from living in registers.
  llvm::MDNode* tbaa_slot() { return tbaa_tag(tbaa_slot_, "nestjit slot"); }
  llvm::MDNode* tbaa_flag() { return tbaa_tag(tbaa_flag_, "nestjit interrupt flag"); }
  llvm::MDNode* tbaa_tag(llvm::MDNode*& tag, const char* type_name) {
    if (!tag) {
      llvm::MDBuilder md(ctx_);
      if (!tbaa_root_) tbaa_root_ = md.createTBAARoot("nestjit TBAA");
      auto* type = md.createTBAAScalarTypeNode(type_name, tbaa_root_);
      tag = md.createTBAAStructTagNode(type, type, 0);
    }
    return tag;
  }
  llvm::MDNode *tbaa_root_ = nullptr, *tbaa_slot_ = nullptr, *tbaa_flag_ = nullptr;

  llvm::Value* as(llvm::Value* v, ValueType to, ValueType from);
  llvm::Value* from_slot_value(llvm::Value* d, ValueType t) { return as(d, t, ValueType::F64); }

  llvm::FunctionCallee extern_fn(const std::string& n, llvm::Type* ret, std::vector<llvm::Type*> args);
  llvm::Value* call_math(const std::string& n, std::vector<llvm::Value*> args);
  // An integer divisor of 0 (or INT64_MIN / -1) would trap the whole process (SIGFPE):
  // the runtime reports it as a failure of the instance and hands back a harmless divisor.
  llvm::Value* checked_divisor(llvm::Value* a, llvm::Value* b);
  llvm::Value* expr(const Expr& e);
  llvm::Value* unary(const Expr& e);
  llvm::Value* binary(const Expr& e);
  llvm::Value* builtin(const Expr& e);

  // ---- statements ----

  void integrate(const Stmt& s);
  void stmts(const nir::Block& block);
  void stmt(const Stmt& s);
};

}  // namespace nestjit::codegen
