// NESTJIT_API marks what libnestjit.so exports. The library is built with hidden visibility,
// so everything else in it (the pipeline stages, LLVM, ANTLR, SUNDIALS) stays internal.
// Include-only: this header needs nothing but the compiler.
#pragma once

#if defined(_WIN32)
#define NESTJIT_API
#else
#define NESTJIT_API __attribute__((visibility("default")))
#endif
