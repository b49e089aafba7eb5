// Kernel::Impl, shared by the files that implement nestjit::Kernel (kernel.cpp: loading,
// creating and simulating; kernel_connect.cpp: connections; kernel_status.cpp: status and
// model information; kernel_recording.cpp: recorded data).
#pragma once
#include <fmt/format.h>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "api/model_loader.h"
#include "nestjit/nestjit.h"
#include "runtime/network.h"

namespace nestjit {

namespace api {

const std::set<std::string>& builtin_models();

// The number in `v`, or an Error naming `key`.
double as_number(const std::string& key, const Value& v);

}  // namespace api

struct Kernel::Impl {
  KernelOptions options;
  std::unique_ptr<runtime::Network> net;
  std::map<std::string, std::shared_ptr<runtime::LoadedModel>> models;

  explicit Impl(KernelOptions o) : options(o), net(std::make_unique<runtime::Network>(o.resolution_ms, o.rng_seed)) {}

  InstallResult install(const SourceFilePtr& file, const InstallOptions& options);

  const runtime::LoadedModel& model(const std::string& name) const;
  // A new node of a built-in device model, or nullptr when `model` is not one.
  static std::unique_ptr<runtime::Node> make_device(const std::string& model);
};

}  // namespace nestjit
