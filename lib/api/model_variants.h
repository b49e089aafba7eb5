// Variants of installed models for other vector sizes (runtime::VariantSource): the same
// source compiled again with the size parameters' new values (through the model cache).
#pragma once
#include <memory>
#include <vector>

#include "api/model_loader.h"

namespace nestjit::api {

// Gives every model of a base load (no vector_sizes) whose vectors are sized by parameters a
// VariantCache that builds its variants from `file` and `options`, with the model itself
// registered under its own sizes.
void attach_variant_sources(const std::vector<std::shared_ptr<runtime::LoadedModel>>& models,
                            const SourceFilePtr& file, const LoadOptions& options);

}  // namespace nestjit::api
