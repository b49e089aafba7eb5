// The process-wide cache of compiled models behind Kernel::install_*.
#include "api/model_cache.h"

#include "api/model_variants.h"

#include <map>
#include <mutex>
#include <optional>

namespace nestjit::api {

namespace {

struct CachedModel {
  std::weak_ptr<const nir::Model> ir;
  std::weak_ptr<jit::ModelCode> code;
};

struct CachedFile {
  std::vector<CachedModel> models;
  DiagnosticList diagnostics;  // warnings of the first load, given again on every hit
};

// Everything that changes what load_models() produces, separated by a byte no path, text
// or option contains.
std::string cache_key(const SourceFile& file, const LoadOptions& o) {
  const char sep = '\x1f';
  std::string key = file.path + sep + file.text + sep + o.weight_variable + sep +
                    o.delay_variable + sep + o.numeric_solver + sep + o.solver + sep;
  for (const auto& p : o.post_ports) key += p + ',';
  key += sep;
  for (const auto& s : o.synapse_models) key += s + ',';
  key += sep + o.sized_model + sep;
  for (const auto& [p, n] : o.vector_sizes) key += p + '=' + std::to_string(n) + ',';
  return key;
}

std::mutex cache_mutex;
std::map<std::string, CachedFile> cache;

// The entry's models as new LoadedModels, or nothing when some of its code has been freed.
std::optional<std::vector<std::shared_ptr<runtime::LoadedModel>>> revive(
    const CachedFile& entry, const std::string& path) {
  std::vector<std::shared_ptr<runtime::LoadedModel>> out;
  for (const auto& m : entry.models) {
    auto ir = m.ir.lock();
    auto code = m.code.lock();
    if (!ir || !code) return std::nullopt;
    auto lm = std::make_shared<runtime::LoadedModel>(std::move(ir), std::move(code));
    lm->source_path = path;
    out.push_back(std::move(lm));
  }
  return out;
}

}  // namespace

LoadOutcome load_models_shared(const SourceFilePtr& file, const LoadOptions& options,
                               bool& from_cache) {
  std::lock_guard<std::mutex> lock(cache_mutex);
  from_cache = false;
  const std::string key = cache_key(*file, options);
  if (auto it = cache.find(key); it != cache.end()) {
    if (auto models = revive(it->second, file->path)) {
      LoadOutcome out;
      out.ok = true;
      out.models = std::move(*models);
      for (auto& m : out.models) m->source_file = file;
      out.diagnostics = it->second.diagnostics;
      from_cache = true;
      if (options.vector_sizes.empty()) attach_variant_sources(out.models, file, options);
      return out;
    }
    cache.erase(it);
  }
  LoadOutcome out = load_models(file, options);
  if (!out.ok) return out;
  // Drop entries whose code nobody uses any more, so the map does not grow without bound.
  for (auto it = cache.begin(); it != cache.end();) {
    bool alive = true;
    for (const auto& m : it->second.models) alive = alive && !m.code.expired();
    it = alive ? std::next(it) : cache.erase(it);
  }
  CachedFile entry;
  for (const auto& m : out.models) entry.models.push_back({m->ir, m->code});
  entry.diagnostics = out.diagnostics;
  cache[key] = std::move(entry);
  if (options.vector_sizes.empty()) attach_variant_sources(out.models, file, options);
  return out;
}

}  // namespace nestjit::api
