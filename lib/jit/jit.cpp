#include "jit/jit.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/DebugUtils.h>
#include <llvm/ExecutionEngine/Orc/ObjectTransformLayer.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <mutex>
#include <set>

#include "codegen/codegen.h"
#include "jit/perf_map.h"

namespace nestjit::jit {

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// libm functions generated code calls, registered explicitly (no search of the process).
const SymbolList& math_symbols() {
  using F1 = double (*)(double);
  using F2 = double (*)(double, double);
  static const SymbolList list = {
      {"exp", reinterpret_cast<void*>(static_cast<F1>(std::exp))},
      {"log", reinterpret_cast<void*>(static_cast<F1>(std::log))},
      {"log10", reinterpret_cast<void*>(static_cast<F1>(std::log10))},
      {"expm1", reinterpret_cast<void*>(static_cast<F1>(std::expm1))},
      {"sin", reinterpret_cast<void*>(static_cast<F1>(std::sin))},
      {"cos", reinterpret_cast<void*>(static_cast<F1>(std::cos))},
      {"tan", reinterpret_cast<void*>(static_cast<F1>(std::tan))},
      {"sinh", reinterpret_cast<void*>(static_cast<F1>(std::sinh))},
      {"cosh", reinterpret_cast<void*>(static_cast<F1>(std::cosh))},
      {"tanh", reinterpret_cast<void*>(static_cast<F1>(std::tanh))},
      {"erf", reinterpret_cast<void*>(static_cast<F1>(std::erf))},
      {"erfc", reinterpret_cast<void*>(static_cast<F1>(std::erfc))},
      {"ceil", reinterpret_cast<void*>(static_cast<F1>(std::ceil))},
      {"floor", reinterpret_cast<void*>(static_cast<F1>(std::floor))},
      {"round", reinterpret_cast<void*>(static_cast<F1>(std::round))},
      {"fabs", reinterpret_cast<void*>(static_cast<F1>(std::fabs))},
      {"pow", reinterpret_cast<void*>(static_cast<F2>(std::pow))},
      {"fmod", reinterpret_cast<void*>(static_cast<F2>(std::fmod))},
  };
  return list;
}

// One LLJIT for the process, created on first use.
class Engine {
 public:
  static Engine& get() {
    static Engine e;
    return e;
  }

  llvm::orc::LLJIT* jit() { return jit_.get(); }
  std::mutex& mutex() { return mutex_; }
  const std::string& init_error() const { return error_; }

  // Registers symbols not yet defined (runtime symbols are the same for every model).
  void define(const SymbolList& symbols) {
    llvm::orc::SymbolMap map;
    for (const auto& [name, addr] : symbols) {
      if (defined_.count(name)) continue;
      defined_.insert(name);
      map[jit_->mangleAndIntern(name)] = {llvm::orc::ExecutorAddr::fromPtr(addr),
                                          llvm::JITSymbolFlags::Exported |
                                              llvm::JITSymbolFlags::Callable};
    }
    if (!map.empty())
      llvm::cantFail(jit_->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(map))));
  }

  llvm::TargetMachine* target() { return tm_.get(); }

 private:
  Engine() {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!jtmb) {
      error_ = llvm::toString(jtmb.takeError());
      return;
    }
    jtmb->setCodeGenOptLevel(llvm::CodeGenOptLevel::Default);
    auto tm = jtmb->createTargetMachine();
    if (!tm) {
      error_ = llvm::toString(tm.takeError());
      return;
    }
    tm_ = std::move(*tm);
    auto j = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*jtmb)).create();
    if (!j) {
      error_ = llvm::toString(j.takeError());
      return;
    }
    jit_ = std::move(*j);
    add_perf_map_if_requested(*jit_);
    // Debugging aid next to the perf map: NESTJIT_DUMP_OBJECTS=dir writes every compiled
    // object file there, to disassemble what a profile points at (objdump -d).
    if (const char* dir = std::getenv("NESTJIT_DUMP_OBJECTS"))
      jit_->getObjTransformLayer().setTransform(llvm::orc::DumpObjects(dir));
    define(math_symbols());
  }
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::unique_ptr<llvm::TargetMachine> tm_;
  std::set<std::string> defined_;
  std::string error_;
  std::mutex mutex_;
};

void optimise(llvm::Module& m, llvm::TargetMachine* tm) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cam, mam);
  // O2 without fast-math: floating-point results must stay those of the source order.
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2);
  mpm.run(m, mam);
}

}  // namespace

std::shared_ptr<ModelCode> compile(const nir::Model& model, const SymbolList& runtime_symbols,
                                   DiagnosticList& diags, CompileTimings& timings) {
  static std::atomic<int> counter{0};
  // The first compile in a process also starts LLVM and the LLJIT; that cost is part of
  // loading the first model and is counted in its JIT time.
  auto t_start = Clock::now();
  Engine& engine = Engine::get();
  const double startup_ms = ms_since(t_start);
  std::lock_guard<std::mutex> lock(engine.mutex());
  if (!engine.jit()) {
    diags.error("E-JIT", nullptr, {}, "cannot start the JIT compiler: " + engine.init_error());
    return nullptr;
  }
  engine.define(runtime_symbols);

  auto t0 = Clock::now();
  auto ctx = std::make_unique<llvm::LLVMContext>();
  std::string prefix = fmt::format("nj{}_{}", counter++, model.name);
  codegen::FunctionNames names;
  std::string error;
  auto mod = codegen::generate(model, *ctx, prefix, names, error);
  if (!mod) {
    diags.error("E-CODEGEN", nullptr, {}, error);
    return nullptr;
  }
  mod->setDataLayout(engine.jit()->getDataLayout());
  timings.ir_ms = ms_since(t0);

  auto t1 = Clock::now();
  optimise(*mod, engine.target());
  auto& jd = engine.jit()->getMainJITDylib();
  auto rt = jd.createResourceTracker();
  if (auto err = engine.jit()->addIRModule(
          rt, llvm::orc::ThreadSafeModule(std::move(mod), std::move(ctx)))) {
    diags.error("E-JIT", nullptr, {}, "JIT compilation failed: " + llvm::toString(std::move(err)));
    return nullptr;
  }
  auto code = std::shared_ptr<ModelCode>(new ModelCode, [](ModelCode* c) { delete c; });
  bool ok = true;
  auto look = [&](const std::string& n) -> void* {
    if (n.empty()) return nullptr;
    auto sym = engine.jit()->lookup(n);
    if (!sym) {
      diags.error("E-JIT", nullptr, {},
                  fmt::format("JIT lookup of '{}' failed: {}", n, llvm::toString(sym.takeError())));
      ok = false;
      return nullptr;
    }
    return sym->toPtr<void*>();
  };
  code->init_parameters = reinterpret_cast<BlockFn>(look(names.init_parameters));
  code->compute_internals = reinterpret_cast<BlockFn>(look(names.compute_internals));
  code->init_state = reinterpret_cast<BlockFn>(look(names.init_state));
  code->update = reinterpret_cast<BlockFn>(look(names.update));
  code->step = reinterpret_cast<BlockFn>(look(names.step));
  code->on_condition = reinterpret_cast<BlockFn>(look(names.on_condition));
  code->conv_begin = reinterpret_cast<BlockFn>(look(names.conv_begin));
  code->conv_end = reinterpret_cast<BlockFn>(look(names.conv_end));
  code->conv_advance = reinterpret_cast<BlockFn>(look(names.conv_advance));
  code->conv_increment = reinterpret_cast<ConvIncrementFn>(look(names.conv_increment));
  for (const auto& n : names.on_receive) code->on_receive.push_back(reinterpret_cast<BlockFn>(look(n)));
  for (const auto& n : names.rhs) code->rhs.push_back(reinterpret_cast<RhsFn>(look(n)));
  for (const auto& n : names.jacobians)
    code->jacobians.push_back(reinterpret_cast<ModelCode::JacFn>(look(n)));
  code->recordable_inlines =
      reinterpret_cast<void (*)(NjContext*, double*)>(look(names.recordable_inlines));
  code->check_guards = reinterpret_cast<int32_t (*)(NjContext*)>(look(names.check_guards));
  code->slice = reinterpret_cast<void (*)(NjContext*, const NjPoolSlice*)>(look(names.slice));
  code->lane_blocks = names.lane_blocks;
  code->lane_state_slots = names.lane_state_slots;
  if (!ok) {
    llvm::consumeError(rt->remove());
    return nullptr;
  }
  // The tracker frees the model's code when the last ModelCode reference goes away.
  code->resources = std::shared_ptr<void>(new llvm::orc::ResourceTrackerSP(rt), [](void* p) {
    auto* tracker = static_cast<llvm::orc::ResourceTrackerSP*>(p);
    std::lock_guard<std::mutex> lock(Engine::get().mutex());
    llvm::consumeError((*tracker)->remove());
    delete tracker;
  });
  timings.jit_ms = ms_since(t1) + startup_ms;
  return code;
}

}  // namespace nestjit::jit

namespace nestjit::jit {

std::string optimised_ir(const nir::Model& model, std::string& error) {
  Engine& engine = Engine::get();
  std::lock_guard<std::mutex> lock(engine.mutex());
  if (!engine.jit()) {
    error = "cannot start the JIT compiler: " + engine.init_error();
    return {};
  }
  llvm::LLVMContext ctx;
  codegen::FunctionNames names;
  auto mod = codegen::generate(model, ctx, "dump_" + model.name, names, error);
  if (!mod) return {};
  mod->setDataLayout(engine.jit()->getDataLayout());
  optimise(*mod, engine.target());
  std::string text;
  llvm::raw_string_ostream os(text);
  mod->print(os, nullptr);
  os.flush();
  return text;
}

}  // namespace nestjit::jit
