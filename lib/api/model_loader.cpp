// The load pipeline behind Kernel::install_*: parse -> check -> lower -> JIT, timed.
#include "api/model_loader.h"

#include <chrono>

#include "jit/jit.h"
#include "nir/lower.h"
#include "sema/model.h"
#include "syntax/parser.h"

namespace nestjit::api {

namespace {
using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}
}  // namespace

LoadOutcome load_models(const SourceFilePtr& file, const LoadOptions& options) {
  LoadOutcome out;
  auto t0 = Clock::now();
  auto unit = syntax::parse(file, out.diagnostics);
  out.timings.parse_ms = ms_since(t0);
  if (!unit) return out;

  auto t1 = Clock::now();
  sema::CheckOptions copts;
  copts.synapse_models = options.synapse_models;
  auto checked = sema::check(*unit, copts, out.diagnostics);
  out.timings.check_ms = ms_since(t1);
  if (out.diagnostics.has_errors()) return out;

  auto t2 = Clock::now();
  std::vector<std::shared_ptr<const nir::Model>> lowered;
  for (const auto& cm : checked) {
    nir::LowerOptions lopts;
    lopts.post_ports = options.post_ports;
    lopts.weight_variable = cm->is_synapse ? options.weight_variable : "";
    lopts.delay_variable = cm->is_synapse ? options.delay_variable : "";
    lopts.numeric_solver = options.numeric_solver;
    lopts.solver = options.solver;
    if (cm->ast->name == options.sized_model) lopts.vector_sizes = options.vector_sizes;
    auto m = nir::lower(*cm, lopts, out.diagnostics);
    if (m) lowered.push_back(std::move(m));
  }
  out.timings.ode_ms = ms_since(t2);
  if (out.diagnostics.has_errors()) return out;

  for (const auto& m : lowered) {
    jit::CompileTimings ct;
    auto code = jit::compile(*m, runtime::runtime_symbols(), out.diagnostics, ct);
    out.timings.ir_ms += ct.ir_ms;
    out.timings.jit_ms += ct.jit_ms;
    if (!code) return out;
    auto lm = std::make_shared<runtime::LoadedModel>(m, code);
    lm->source_path = file->path;
    lm->source_file = file;
    out.models.push_back(std::move(lm));
  }
  out.ok = true;
  return out;
}

}  // namespace nestjit::api
