// The process-wide cache of compiled models: kernels that install the same source text (same
// path, same options) share the nir::Model and the machine code instead of compiling again.
// Each kernel still gets its own runtime::LoadedModel (whose integrator scratch is mutable),
// so kernels on different threads never write to shared data.
#pragma once
#include "api/model_loader.h"

namespace nestjit::api {

// load_models() through the cache. Thread-safe: loads are serialised (the ANTLR front end
// keeps shared parser caches), simulations are not affected. Entries are weak: the code is
// freed when no kernel uses it any more, and compiled again on the next install.
LoadOutcome load_models_shared(const SourceFilePtr& file, const LoadOptions& options,
                               bool& from_cache);

}  // namespace nestjit::api
