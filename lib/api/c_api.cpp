// The C API (include/nestjit/c/nestjit.h) over nestjit::Kernel: every entry point catches
// every exception and turns it into a status code and the handle's last-error message.
#include "nestjit/c/nestjit.h"

#include <cstring>
#include <new>
#include <string>

#include "nestjit/nestjit.h"

struct nj_kernel {
  explicit nj_kernel(double resolution) : kernel(nestjit::KernelOptions{resolution}) {}
  nestjit::Kernel kernel;
  std::string last_error;
  nj_diagnostic_fn diagnostic_fn = nullptr;
  void* diagnostic_user = nullptr;
  nj_step_fn step_fn = nullptr;
  void* step_user = nullptr;
};

struct nj_connections {
  nj_kernel* owner;
  nestjit::Connections connections;
};

namespace {

// Thrown through the C++ callback when the C callback asks to stop.
struct StopRequested {
  double time;
};

std::string str(const char* s) { return s ? std::string(s) : std::string(); }

// Runs `body` and maps what it throws to a status, recording the message on `k`.
template <class F>
nj_status guarded(nj_kernel* k, F&& body) {
  if (!k) return NJ_ERROR_ARGUMENT;
  try {
    body();
    return NJ_OK;
  } catch (const nestjit::CallbackError& e) {
    k->last_error = e.what();
    return NJ_ERROR_CALLBACK;
  } catch (const nestjit::Error& e) {
    k->last_error = e.what();
    return NJ_ERROR;
  } catch (const StopRequested& s) {
    k->last_error = "the step callback stopped the simulation at t = " + std::to_string(s.time) + " ms";
    return NJ_ERROR_CALLBACK;
  } catch (const std::bad_alloc&) {
    k->last_error = "out of memory";
    return NJ_ERROR_INTERNAL;
  } catch (const std::exception& e) {
    k->last_error = std::string("internal error: ") + e.what();
    return NJ_ERROR_INTERNAL;
  } catch (...) {
    k->last_error = "internal error: unknown exception";
    return NJ_ERROR_INTERNAL;
  }
}

nj_status argument_error(nj_kernel* k, const char* what) {
  k->last_error = std::string(what) + " must not be NULL";
  return NJ_ERROR_ARGUMENT;
}

nestjit::InstallOptions convert(const nj_install_options* o) {
  nestjit::InstallOptions out;
  if (!o) return out;
  for (size_t i = 0; i < o->post_port_count; ++i) out.post_ports.push_back(str(o->post_ports[i]));
  out.weight_variable = str(o->weight_variable);
  out.delay_variable = str(o->delay_variable);
  if (o->numeric_solver) out.numeric_solver = o->numeric_solver;
  if (o->solver) out.solver = o->solver;
  return out;
}

// Hands the diagnostics to the callback; a failed install also becomes the last error.
nj_status report(nj_kernel* k, const nestjit::InstallResult& r) {
  if (k->diagnostic_fn)
    for (const auto& d : r.diagnostics) {
      nj_diagnostic c;
      c.severity = d.severity == nestjit::DiagnosticInfo::Severity::Error     ? NJ_SEVERITY_ERROR
                   : d.severity == nestjit::DiagnosticInfo::Severity::Warning ? NJ_SEVERITY_WARNING
                                                                              : NJ_SEVERITY_NOTE;
      c.code = d.code.c_str();
      c.file = d.file.c_str();
      c.line = d.line;
      c.column = d.column;
      c.message = d.message.c_str();
      c.hint = d.hint.c_str();
      c.rendered = d.rendered.c_str();
      k->diagnostic_fn(k->diagnostic_user, &c);
    }
  if (r.ok) return NJ_OK;
  k->last_error = r.report();
  if (k->last_error.empty()) k->last_error = "install failed";
  return NJ_ERROR_INSTALL;
}

nestjit::NodeCollection nodes(uint64_t first, size_t count) { return {first, count}; }

}  // namespace

extern "C" {

const char* nj_version(void) { return "0.1.0"; }

nj_status nj_kernel_new(double resolution_ms, nj_kernel** out, char* errbuf, size_t errlen) {
  auto fail = [&](const char* message, nj_status status) {
    if (errbuf && errlen) {
      std::strncpy(errbuf, message, errlen - 1);
      errbuf[errlen - 1] = '\0';
    }
    return status;
  };
  if (!out) return fail("out must not be NULL", NJ_ERROR_ARGUMENT);
  *out = nullptr;
  try {
    *out = new nj_kernel(resolution_ms);
    return NJ_OK;
  } catch (const nestjit::Error& e) {
    return fail(e.what(), NJ_ERROR);
  } catch (const std::exception& e) {
    return fail(e.what(), NJ_ERROR_INTERNAL);
  }
}

void nj_kernel_free(nj_kernel* kernel) { delete kernel; }

const char* nj_last_error(const nj_kernel* kernel) {
  return kernel ? kernel->last_error.c_str() : "kernel is NULL";
}

nj_status nj_set_diagnostic_callback(nj_kernel* k, nj_diagnostic_fn fn, void* user_data) {
  if (!k) return NJ_ERROR_ARGUMENT;
  k->diagnostic_fn = fn;
  k->diagnostic_user = user_data;
  return NJ_OK;
}

void nj_install_options_init(nj_install_options* o) {
  if (o) *o = nj_install_options{nullptr, 0, nullptr, nullptr, nullptr, nullptr};
}

nj_status nj_install_file(nj_kernel* k, const char* path, const nj_install_options* options) {
  if (k && !path) return argument_error(k, "path");
  nestjit::InstallResult r;
  nj_status s = guarded(k, [&] { r = k->kernel.install_file(path, convert(options)); });
  return s == NJ_OK ? report(k, r) : s;
}

nj_status nj_install_source(nj_kernel* k, const char* name, const char* source,
                            const nj_install_options* options) {
  if (k && (!name || !source)) return argument_error(k, "name and source");
  nestjit::InstallResult r;
  nj_status s = guarded(k, [&] { r = k->kernel.install_source(name, source, convert(options)); });
  return s == NJ_OK ? report(k, r) : s;
}

nj_status nj_reload(nj_kernel* k, const char* model) {
  if (k && !model) return argument_error(k, "model");
  nestjit::InstallResult r;
  nj_status s = guarded(k, [&] { r = k->kernel.reload(model); });
  return s == NJ_OK ? report(k, r) : s;
}

nj_status nj_get_default(nj_kernel* k, const char* model, const char* name, double* out) {
  if (k && (!model || !name || !out)) return argument_error(k, "model, name and out");
  return guarded(k, [&] { *out = k->kernel.get_default(model, name); });
}

nj_status nj_create(nj_kernel* k, const char* model, size_t n, uint64_t* first) {
  if (k && (!model || !first)) return argument_error(k, "model and first");
  return guarded(k, [&] { *first = k->kernel.create(model, n).first; });
}

nj_status nj_set_double(nj_kernel* k, uint64_t node, const char* name, double value) {
  if (k && !name) return argument_error(k, "name");
  return guarded(k, [&] { k->kernel.set_status(nodes(node, 1), {{name, value}}); });
}

nj_status nj_set_doubles(nj_kernel* k, uint64_t node, const char* name, const double* values,
                         size_t count) {
  if (k && (!name || (!values && count))) return argument_error(k, "name and values");
  return guarded(k, [&] {
    k->kernel.set_status(nodes(node, 1), {{name, std::vector<double>(values, values + count)}});
  });
}

nj_status nj_set_strings(nj_kernel* k, uint64_t node, const char* name, const char* const* values,
                         size_t count) {
  if (k && (!name || (!values && count))) return argument_error(k, "name and values");
  return guarded(k, [&] {
    std::vector<std::string> v;
    for (size_t i = 0; i < count; ++i) v.push_back(str(values[i]));
    k->kernel.set_status(nodes(node, 1), {{name, v}});
  });
}

nj_status nj_get_double(nj_kernel* k, uint64_t node, const char* name, double* out) {
  if (k && (!name || !out)) return argument_error(k, "name and out");
  return guarded(k, [&] {
    const auto status = k->kernel.get_status(node);
    auto it = status.find(name);
    if (it == status.end())
      throw nestjit::Error("node " + std::to_string(node) + " has no variable '" + name + "'");
    *out = it->second;
  });
}

void nj_syn_spec_init(nj_syn_spec* spec) {
  if (spec) *spec = nj_syn_spec{nullptr, 0, 1.0, 0, 1.0, 0};
}

nj_status nj_connect(nj_kernel* k, uint64_t pre_first, size_t pre_count, uint64_t post_first,
                     size_t post_count, nj_rule rule, const nj_syn_spec* spec) {
  return guarded(k, [&] {
    nestjit::SynSpec s;
    if (spec) {
      s.synapse_model = str(spec->synapse_model);
      if (spec->has_weight) s.weight = spec->weight;
      if (spec->has_delay) s.delay = spec->delay;
      s.receptor_type = spec->receptor_type;
    }
    // A C caller may pass any int; reading it as the C++ enum would be undefined for values
    // outside the enumerators, so it is read as the integer it is.
    int value = 0;
    static_assert(sizeof(rule) == sizeof(value));
    std::memcpy(&value, &rule, sizeof value);
    if (value != NJ_ALL_TO_ALL && value != NJ_ONE_TO_ONE)
      throw nestjit::Error("unknown connection rule " + std::to_string(value));
    k->kernel.connect(nodes(pre_first, pre_count), nodes(post_first, post_count),
                      value == NJ_ONE_TO_ONE ? nestjit::ConnRule::one_to_one
                                             : nestjit::ConnRule::all_to_all,
                      s);
  });
}

nj_status nj_get_connections(nj_kernel* k, uint64_t source_first, size_t source_count,
                             uint64_t target_first, size_t target_count,
                             const char* synapse_model, nj_connections** out) {
  if (k && !out) return argument_error(k, "out");
  return guarded(k, [&] {
    auto c = k->kernel.get_connections(nodes(source_first, source_count),
                                       nodes(target_first, target_count), str(synapse_model));
    *out = new nj_connections{k, std::move(c)};
  });
}

void nj_connections_free(nj_connections* c) { delete c; }

size_t nj_connections_size(const nj_connections* c) { return c ? c->connections.size() : 0; }

nj_status nj_connections_get(nj_connections* c, const char* name, double* values, size_t capacity,
                             size_t* count) {
  if (!c) return NJ_ERROR_ARGUMENT;
  nj_kernel* k = c->owner;
  if (!name || !count || (!values && capacity)) return argument_error(k, "name, values and count");
  std::vector<double> v;
  nj_status s = guarded(k, [&] { v = c->connections.get(name); });
  if (s != NJ_OK) return s;
  *count = v.size();
  if (v.size() > capacity) {
    k->last_error = std::to_string(v.size()) + " connections do not fit in " +
                    std::to_string(capacity) + " values";
    return NJ_ERROR_ARGUMENT;
  }
  std::copy(v.begin(), v.end(), values);
  return NJ_OK;
}

nj_status nj_connections_set(nj_connections* c, const char* name, double value) {
  if (!c) return NJ_ERROR_ARGUMENT;
  if (!name) return argument_error(c->owner, "name");
  return guarded(c->owner, [&] { c->connections.set(name, value); });
}

nj_status nj_simulate(nj_kernel* k, double ms) {
  return guarded(k, [&] { k->kernel.simulate(ms); });
}

nj_status nj_run_until(nj_kernel* k, double t_ms) {
  return guarded(k, [&] { k->kernel.run_until(t_ms); });
}

nj_status nj_step(nj_kernel* k, size_t steps) {
  return guarded(k, [&] { k->kernel.step(steps); });
}

nj_status nj_reset(nj_kernel* k) {
  return guarded(k, [&] { k->kernel.reset(); });
}

nj_status nj_time(const nj_kernel* k, double* ms) {
  if (!k || !ms) return NJ_ERROR_ARGUMENT;
  *ms = k->kernel.time();
  return NJ_OK;
}

nj_status nj_set_step_callback(nj_kernel* k, nj_step_fn fn, void* user_data, double interval_ms) {
  return guarded(k, [&] {
    if (!fn) {
      k->kernel.clear_step_callback();
      k->step_fn = nullptr;
      return;
    }
    k->kernel.set_step_callback(
        [k](nestjit::Kernel& kernel) {
          if (k->step_fn(k, k->step_user) != 0) throw StopRequested{kernel.time()};
        },
        interval_ms);
    k->step_fn = fn;
    k->step_user = user_data;
  });
}

nj_status nj_inject_current(nj_kernel* k, uint64_t node, double current, const char* port) {
  return guarded(k, [&] { k->kernel.inject_current(node, current, str(port)); });
}

nj_status nj_inject_spike(nj_kernel* k, uint64_t node, double weight, int receptor_type) {
  return guarded(k, [&] { k->kernel.inject_spike(node, weight, receptor_type); });
}

nj_status nj_spike_events(nj_kernel* k, uint64_t recorder, const uint64_t** senders,
                          const double** times, size_t* count) {
  if (k && (!senders || !times || !count)) return argument_error(k, "senders, times and count");
  return guarded(k, [&] {
    auto v = k->kernel.spike_events_view(recorder);
    *senders = v.senders.data();
    *times = v.times.data();
    *count = v.times.size();
  });
}

nj_status nj_multimeter_series(nj_kernel* k, uint64_t multimeter, const char* name,
                               const double** times, const uint64_t** senders,
                               const double** values, size_t* count) {
  if (k && (!name || !times || !senders || !values || !count))
    return argument_error(k, "name, times, senders, values and count");
  return guarded(k, [&] {
    auto v = k->kernel.multimeter_events_view(multimeter);
    auto series = v[name];
    *times = v.times.data();
    *senders = v.senders.data();
    *values = series.data();
    *count = v.times.size();
  });
}

}  // extern "C"
