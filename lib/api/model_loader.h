// Loads the models of one source file: parse, check, lower, compile.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nestjit/nestjit.h"
#include "runtime/loaded_model.h"
#include "support/diagnostic.h"

namespace nestjit::api {

struct LoadOptions {
  std::vector<std::string> post_ports;
  std::string weight_variable, delay_variable;
  std::vector<std::string> synapse_models;
  std::string numeric_solver = "auto";
  std::string solver = "analytic";
  // A variant of one model of the file: its size parameters laid out with these values
  // (nir::LowerOptions::vector_sizes); the file's other models are lowered as usual.
  std::string sized_model;
  std::map<std::string, long> vector_sizes;
};

struct LoadOutcome {
  bool ok = false;
  std::vector<std::shared_ptr<runtime::LoadedModel>> models;
  DiagnosticList diagnostics;
  LoadTimings timings;
};

LoadOutcome load_models(const SourceFilePtr& file, const LoadOptions& options);

}  // namespace nestjit::api
