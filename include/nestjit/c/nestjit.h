/* nestjit's C API: the C++ API of <nestjit/nestjit.h> for C and for foreign-function
 * interfaces (Julia, Rust, Python ctypes, ...). Plain C99; no C++ type or exception crosses it.
 *
 * Conventions
 * - Handles are opaque: nj_kernel (a nestjit::Kernel) and nj_connections (a selection of
 *   connections of one kernel).
 * - Every call that can fail returns an nj_status: NJ_OK (0) or an error code. The message of
 *   the most recent failing call on a kernel is nj_last_error(kernel); it stays until the next
 *   failure on that kernel. Calls on an nj_connections report on its kernel.
 * - Output parameters are written only on NJ_OK. A NULL handle or output pointer gives
 *   NJ_ERROR_ARGUMENT.
 * - Install diagnostics (errors and warnings with file:line:column) go to the callback set by
 *   nj_set_diagnostic_callback, with the caller's user data; a failing install also puts
 *   them, rendered, in nj_last_error.
 * - Threads: as in C++. Kernels are independent and each may be used from its own thread; one
 *   kernel (and its nj_connections) must not be used from two threads at once.
 * - Lifetimes: strings and arrays returned by the library point into the kernel and are valid
 *   until the next call on that kernel that simulates, resets, installs or frees it; copy what
 *   you keep.
 * - Values are in the reference simulator's internal units (ms, mV, pA, nS, pF). */
#ifndef NESTJIT_C_NESTJIT_H
#define NESTJIT_C_NESTJIT_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define NJ_API
#else
#define NJ_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nj_status {
  NJ_OK = 0,
  NJ_ERROR = 1,           /* the call was refused (nestjit::Error): bad name, value, time... */
  NJ_ERROR_INSTALL = 2,   /* a model file has errors (see the diagnostics) */
  NJ_ERROR_ARGUMENT = 3,  /* NULL handle or pointer, or an output buffer too small */
  NJ_ERROR_CALLBACK = 4,  /* forbidden call from a step callback, or the callback stopped */
  NJ_ERROR_INTERNAL = 5   /* out of memory or an unexpected failure; the kernel stays usable */
} nj_status;

typedef struct nj_kernel nj_kernel;
typedef struct nj_connections nj_connections;

/* "0.1.0" */
NJ_API const char* nj_version(void);

/* A new kernel with the given resolution (ms). On failure *out is NULL and the message is
 * written to errbuf (when not NULL, at most errlen bytes, NUL-terminated). */
NJ_API nj_status nj_kernel_new(double resolution_ms, nj_kernel** out, char* errbuf, size_t errlen);
/* Frees a kernel, its nodes and its nj_connections handles' right to use it (free those first
 * or never use them again). NULL is ignored. */
NJ_API void nj_kernel_free(nj_kernel* kernel);
/* The message of the most recent failing call on this kernel ("" if none). */
NJ_API const char* nj_last_error(const nj_kernel* kernel);

/* ---- Models ---- */

typedef enum nj_severity { NJ_SEVERITY_ERROR = 0, NJ_SEVERITY_WARNING = 1, NJ_SEVERITY_NOTE = 2 } nj_severity;

typedef struct nj_diagnostic {
  nj_severity severity;
  const char* code; /* stable, e.g. "E-SYNTAX" */
  const char* file;
  int line, column;
  const char* message;
  const char* hint;     /* "" when there is none */
  const char* rendered; /* "file:line:col: error[CODE]: message", source line, caret, hint */
} nj_diagnostic;

/* Called once per diagnostic of an install; the pointers are valid during the call only. */
typedef void (*nj_diagnostic_fn)(void* user_data, const nj_diagnostic* diagnostic);
/* Replaces the kernel's diagnostic callback (NULL: none). */
NJ_API nj_status nj_set_diagnostic_callback(nj_kernel* kernel, nj_diagnostic_fn fn, void* user_data);

/* InstallOptions of the C++ API. Start from nj_install_options_init(). NULL strings and empty
 * lists mean the defaults. */
typedef struct nj_install_options {
  const char* const* post_ports; /* synapse ports fed by the postsynaptic neuron */
  size_t post_port_count;
  const char* weight_variable;
  const char* delay_variable;
  const char* numeric_solver; /* "auto" (default), "rk45", "cvode", "forward-Euler" */
  const char* solver;         /* "analytic" (default) or "numeric" */
} nj_install_options;
NJ_API void nj_install_options_init(nj_install_options* options);

/* Parses, checks and compiles every model of a file (options may be NULL). NJ_ERROR_INSTALL
 * when the file has errors: nothing is installed, the diagnostics went to the callback. */
NJ_API nj_status nj_install_file(nj_kernel* kernel, const char* path, const nj_install_options* options);
/* As nj_install_file with the text given; `name` is what diagnostics call the file. */
NJ_API nj_status nj_install_source(nj_kernel* kernel, const char* name, const char* source,
                                   const nj_install_options* options);
/* Installs again the file a model came from, with its options (Kernel::reload). */
NJ_API nj_status nj_reload(nj_kernel* kernel, const char* model);
/* A model's default value of a parameter or state variable (GetDefaults). */
NJ_API nj_status nj_get_default(nj_kernel* kernel, const char* model, const char* name, double* out);

/* ---- Nodes ---- */

/* Creates n nodes of a model; their ids are *first .. *first + n - 1. */
NJ_API nj_status nj_create(nj_kernel* kernel, const char* model, size_t n, uint64_t* first);
/* SetStatus of one node with a number, a list of numbers (spike_times) or a list of names
 * (record_from). */
NJ_API nj_status nj_set_double(nj_kernel* kernel, uint64_t node, const char* name, double value);
NJ_API nj_status nj_set_doubles(nj_kernel* kernel, uint64_t node, const char* name,
                                const double* values, size_t count);
NJ_API nj_status nj_set_strings(nj_kernel* kernel, uint64_t node, const char* name,
                                const char* const* values, size_t count);
/* GetStatus of one node's variable. */
NJ_API nj_status nj_get_double(nj_kernel* kernel, uint64_t node, const char* name, double* out);

/* ---- Connections ---- */

typedef enum nj_rule { NJ_ALL_TO_ALL = 0, NJ_ONE_TO_ONE = 1 } nj_rule;

/* SynSpec of the C++ API. Start from nj_syn_spec_init() (static synapse, weight 1, delay 1 ms). */
typedef struct nj_syn_spec {
  const char* synapse_model; /* NULL or "": the built-in static synapse */
  int has_weight;            /* nonzero: use weight, else the model's default */
  double weight;
  int has_delay; /* nonzero: use delay (ms), else 1 ms */
  double delay;
  int receptor_type;
} nj_syn_spec;
NJ_API void nj_syn_spec_init(nj_syn_spec* spec);

/* Connects nodes pre_first.. (pre_count of them) to post_first.. by a rule (spec may be NULL). */
NJ_API nj_status nj_connect(nj_kernel* kernel, uint64_t pre_first, size_t pre_count,
                            uint64_t post_first, size_t post_count, nj_rule rule,
                            const nj_syn_spec* spec);
/* GetConnections: plastic connections from source nodes to target nodes (count 0: any) of a
 * synapse model (NULL or "": any). Free *out with nj_connections_free. */
NJ_API nj_status nj_get_connections(nj_kernel* kernel, uint64_t source_first, size_t source_count,
                                    uint64_t target_first, size_t target_count,
                                    const char* synapse_model, nj_connections** out);
NJ_API void nj_connections_free(nj_connections* connections);
NJ_API size_t nj_connections_size(const nj_connections* connections);
/* Variable `name` of each selected connection into values[0..capacity); *count is set to the
 * number of connections (NJ_ERROR_ARGUMENT when capacity is smaller). */
NJ_API nj_status nj_connections_get(nj_connections* connections, const char* name, double* values,
                                    size_t capacity, size_t* count);
NJ_API nj_status nj_connections_set(nj_connections* connections, const char* name, double value);

/* ---- Simulation ---- */

NJ_API nj_status nj_simulate(nj_kernel* kernel, double ms);
NJ_API nj_status nj_run_until(nj_kernel* kernel, double t_ms);
NJ_API nj_status nj_step(nj_kernel* kernel, size_t steps);
/* ResetKernel: drops nodes, connections and time; keeps models. */
NJ_API nj_status nj_reset(nj_kernel* kernel);
NJ_API nj_status nj_time(const nj_kernel* kernel, double* ms);

/* Called every interval while the kernel simulates; return 0 to go on, nonzero to stop (the
 * simulating call then returns NJ_ERROR_CALLBACK). Inside it: nj_get_*, nj_set_*,
 * nj_connections_*, nj_inject_*, nj_time, nj_spike_events, nj_multimeter_series; any other
 * call returns NJ_ERROR_CALLBACK. Do not longjmp out of it. */
typedef int (*nj_step_fn)(nj_kernel* kernel, void* user_data);
/* interval_ms: a positive multiple of the resolution. fn NULL: no callback. */
NJ_API nj_status nj_set_step_callback(nj_kernel* kernel, nj_step_fn fn, void* user_data,
                                      double interval_ms);
/* Holds a current (pA) on a NESTML neuron's continuous port (NULL: its only one); 0 ends it. */
NJ_API nj_status nj_inject_current(nj_kernel* kernel, uint64_t node, double current, const char* port);
/* One spike of `weight` into a neuron's receptor in the next step. */
NJ_API nj_status nj_inject_spike(nj_kernel* kernel, uint64_t node, double weight, int receptor_type);

/* ---- Recordings (views, see Lifetimes) ---- */

/* A spike_recorder's events: *count senders and times (ms). */
NJ_API nj_status nj_spike_events(nj_kernel* kernel, uint64_t recorder, const uint64_t** senders,
                                 const double** times, size_t* count);
/* One recorded series of a multimeter: *count samples (time ms, sender, value). */
NJ_API nj_status nj_multimeter_series(nj_kernel* kernel, uint64_t multimeter, const char* name,
                                      const double** times, const uint64_t** senders,
                                      const double** values, size_t* count);

#ifdef __cplusplus
}
#endif

#endif /* NESTJIT_C_NESTJIT_H */
