// A model's vectors sized by parameters are laid out in its compiled code, so an instance
// whose size parameter changes moves to a variant compiled for the new sizes; this builds
// the variants from the model's source (runtime/vector_relayout.cpp moves the instance).
#include "api/model_variants.h"

#include <fmt/format.h>
#include <stdexcept>

#include "api/model_cache.h"

namespace nestjit::api {

namespace {

class SourceVariants : public runtime::VariantSource {
 public:
  SourceVariants(SourceFilePtr file, LoadOptions options, std::string model)
      : file_(std::move(file)), options_(std::move(options)), model_(std::move(model)) {}

  std::shared_ptr<runtime::LoadedModel> build(
      const std::map<std::string, long>& sizes) const override {
    LoadOptions o = options_;
    o.sized_model = model_;
    o.vector_sizes = sizes;
    bool from_cache = false;
    LoadOutcome out = load_models_shared(file_, o, from_cache);
    std::string what;
    for (const auto& [p, n] : sizes) what += fmt::format("{}{} = {}", what.empty() ? "" : ", ", p, n);
    if (!out.ok) {
      std::string report;
      for (const auto& d : out.diagnostics.items())
        if (d.severity == Severity::Error) report += render(d);
      throw std::invalid_argument(fmt::format(
          "model '{}' cannot be laid out with {}:\n{}", model_, what, report));
    }
    for (const auto& m : out.models)
      if (m->name() == model_) return m;
    throw std::invalid_argument(fmt::format("model '{}' vanished from its source", model_));
  }

 private:
  SourceFilePtr file_;
  LoadOptions options_;
  std::string model_;
};

}  // namespace

void attach_variant_sources(const std::vector<std::shared_ptr<runtime::LoadedModel>>& models,
                            const SourceFilePtr& file, const LoadOptions& options) {
  for (const auto& m : models) {
    if (m->ir->vector_size_values.empty()) continue;
    auto cache = std::make_shared<runtime::VariantCache>();
    cache->source = std::make_shared<SourceVariants>(file, options, m->name());
    m->vector_sizes = m->ir->vector_size_values;
    m->variants = cache;
    cache->variants[m->vector_sizes] = m;
  }
}

}  // namespace nestjit::api
