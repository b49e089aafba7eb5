// A model ready to run: its IR (for names and layout) and its compiled code.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "jit/jit.h"
#include "nir/model.h"
#include "ode/cvode_solver.h"
#include "ode/propagator.h"
#include "ode/rkf45.h"
#include "support/source.h"

namespace nestjit::runtime {

class CodeHost;
struct LoadedModel;

// Vector sizes given by parameters are compiled into a model's code (slot indices, element
// counts), so another size is another model: a variant lowered and compiled with the size
// parameters' new values. The loader knows how to build one (api/model_variants.cpp).
class VariantSource {
 public:
  virtual ~VariantSource() = default;
  // The model with these size-parameter values; throws std::invalid_argument with the
  // rendered diagnostics when that layout cannot be built (a constant index now outside).
  virtual std::shared_ptr<LoadedModel> build(const std::map<std::string, long>& sizes) const = 0;
};

// The variants of one installed model, shared by the model and all its variants, keyed by
// the tuple of size-parameter values. Weak: a variant lives as long as instances use it.
struct VariantCache {
  std::shared_ptr<const VariantSource> source;
  std::mutex mutex;
  std::map<std::map<std::string, long>, std::weak_ptr<const LoadedModel>> variants;
};

struct LoadedModel {
  std::shared_ptr<const nir::Model> ir;
  std::shared_ptr<jit::ModelCode> code;
  std::string source_path;
  // The text it was compiled from (for views such as the checked AST; may be null).
  SourceFilePtr source_file;
  // Scratch integrators, one per ODE system (instances are updated one at a time).
  mutable std::vector<ode::Rkf45> integrators;
  // Handler index per spike port (-1 when the port has no onReceive).
  std::vector<int> handler_of_port;

  LoadedModel(std::shared_ptr<const nir::Model> m, std::shared_ptr<jit::ModelCode> c);

  int slot(const std::string& name) const { return ir->find_slot(name); }

  // Size parameters -> values this model's vectors were laid out with (empty: no vector
  // sized by a parameter), and where its variants come from (null: none can be built).
  std::map<std::string, long> vector_sizes;
  std::shared_ptr<VariantCache> variants;
  // The model laid out for `sizes` (this model itself when they are its own), built and
  // cached on first use. Throws std::invalid_argument when it cannot be built.
  std::shared_ptr<const LoadedModel> variant_for(const std::map<std::string, long>& sizes) const;

  // Computes the propagators P and Q of every analytic block from its A (which the compiled
  // compute_internals has just stored) for the step h. Call after compute_internals and
  // whenever the step changes (synapses integrate over inter-spike intervals).
  void update_propagators(double* slots, double h) const;

  // A new instance as NEST constructs one: slots sized, the context pointing at them and at
  // `host`, parameter defaults, internals, state initial values (which may use both), then
  // internals again (some read state) with their propagators for step h, and the adaptive
  // integration step starting at h.
  void initialise(std::vector<double>& slots, NjContext& ctx, CodeHost* host, double h) const;
  const std::string& name() const { return ir->name; }
};

// An instance's numeric-solver state for one numeric system.
struct NumericState {
  bool use_cvode = false;       // chosen by the stiffness estimate (solver "auto") or forced
  // Integrations to skip before the next stiffness estimate: a non-stiff verdict (RKF45
  // needing many sub-steps for accuracy, as in a spike upstroke) is trusted for a while, so
  // the Jacobian and its eigenvalues are not computed on every busy step.
  int skip_stiffness_checks = 0;
  std::unique_ptr<ode::Cvode> cvode;
};

// What compiled code calls back into while it runs (through NjContext::host).
class CodeHost {
 public:
  virtual ~CodeHost() = default;
  virtual void on_emit(double weight, double delay_ms, int nargs) = 0;
  // A numeric failure inside compiled code (integration error, non-finite state).
  virtual void on_failure(const std::string& message) = 0;
  // A solver warning that did not stop the integration (SUNDIALS' messages, never printed):
  // `key` identifies the condition so that repeats (`count` of them now) are counted, not
  // repeated. Only hosts
  // with a NumericState (CVODE) produce them; the default drops them.
  virtual void on_warning(const std::string& key, const std::string& message, long count) {}
  // Describes the instance for messages: "izhikevich_neuron #3 at t = 12.3 ms".
  virtual std::string describe() const = 0;
  // Per-instance solver state of a numeric system (null: plain RKF45, no switching).
  virtual NumericState* numeric_state(int system) { return nullptr; }
  // Tolerances of the numeric solvers (NEST's gsl_abs_error_tol, gsl_rel_error_tol).
  virtual double abs_tolerance() const { return 1e-6; }
  virtual double rel_tolerance() const { return 1e-6; }
  // The three above in one call (nestjit_rt_rkf45_begin asks before every step; three
  // virtual calls were 3% of bench_seed_sweep): tol = {absolute, relative}.
  virtual NumericState* rkf45_setup(int system, double* tol) {
    tol[0] = abs_tolerance();
    tol[1] = rel_tolerance();
    return numeric_state(system);
  }
  // The pool loop's per-instance work (neurons; nir/abi.h nestjit_rt_step_hook and
  // nestjit_rt_step_check): a hook around a step, and the decision after a step in which a
  // checked slot became non-finite or a failure happened (nonzero: stop the instance).
  virtual void step_hook(NjContext* ctx, int which) {}
  virtual int32_t check_step(const double* before) { return 0; }
};

// Spectral radius of a numeric system's Jacobian at y (the stiffness estimate).
double stiffness(ode::RhsFn f, ode::JacFn jac, NjContext* ctx, const double* y, size_t n);

// Symbols compiled code may call (the nestjit_rt_* functions of nir/abi.h).
const jit::SymbolList& runtime_symbols();

}  // namespace nestjit::runtime
