#include "jit/perf_map.h"

#include <cstdio>
#include <cstdlib>
#include <llvm/ExecutionEngine/JITLink/JITLink.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h>
#include <memory>
#include <mutex>
#include <string>
#include <unistd.h>

namespace nestjit::jit {

namespace {

class PerfMapPlugin : public llvm::orc::ObjectLinkingLayer::Plugin {
 public:
  explicit PerfMapPlugin(std::FILE* file) : file_(file) {}
  ~PerfMapPlugin() override { std::fclose(file_); }

  void modifyPassConfig(llvm::orc::MaterializationResponsibility&, llvm::jitlink::LinkGraph&,
                        llvm::jitlink::PassConfiguration& config) override {
    // After fix-up every symbol has its final address.
    config.PostFixupPasses.push_back([this](llvm::jitlink::LinkGraph& g) {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const llvm::jitlink::Symbol* s : g.defined_symbols())
        if (s->isCallable() && s->hasName() && s->getSize() > 0)
          std::fprintf(file_, "%llx %llx %s\n",
                       static_cast<unsigned long long>(s->getAddress().getValue()),
                       static_cast<unsigned long long>(s->getSize()), s->getName().str().c_str());
      std::fflush(file_);
      return llvm::Error::success();
    });
  }
  llvm::Error notifyFailed(llvm::orc::MaterializationResponsibility&) override {
    return llvm::Error::success();
  }
  llvm::Error notifyRemovingResources(llvm::orc::JITDylib&, llvm::orc::ResourceKey) override {
    return llvm::Error::success();
  }
  void notifyTransferringResources(llvm::orc::JITDylib&, llvm::orc::ResourceKey,
                                   llvm::orc::ResourceKey) override {}

 private:
  std::FILE* file_;
  std::mutex mutex_;
};

}  // namespace

void add_perf_map_if_requested(llvm::orc::LLJIT& jit) {
  const char* on = std::getenv("NESTJIT_PERF_MAP");
  if (!on || std::string(on) != "1") return;
  auto* layer = llvm::dyn_cast<llvm::orc::ObjectLinkingLayer>(&jit.getObjLinkingLayer());
  if (!layer) {
    std::fprintf(stderr, "nestjit: NESTJIT_PERF_MAP: the JIT does not link with JITLink here; no map\n");
    return;
  }
  const std::string path = "/tmp/perf-" + std::to_string(::getpid()) + ".map";
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (!file) {
    std::fprintf(stderr, "nestjit: NESTJIT_PERF_MAP: cannot open %s\n", path.c_str());
    return;
  }
  layer->addPlugin(std::make_unique<PerfMapPlugin>(file));
}

}  // namespace nestjit::jit
