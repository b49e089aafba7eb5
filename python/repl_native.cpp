// nestjit.repl._native: what the interactive session needs below Python.
//
// Ctrl-C during simulate: the kernel runs with the GIL released, so Python's own SIGINT
// handler (which only sets a flag for the interpreter loop) cannot stop it. While armed, a C
// handler calls Kernel::interrupt() (async-signal-safe: one atomic store); simulate then
// throws Interrupted at the next min-delay slice boundary and a compiled `while` loop leaves
// at its next back-edge. disarm() puts Python's handler back.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <string>

#include <atomic>
#include <csignal>

#include <nestjit/nestjit.h>

namespace py = pybind11;

namespace {

std::atomic<nestjit::Kernel*> armed_kernel{nullptr};
std::atomic<int> sigint_count{0};
struct sigaction saved_action;
bool is_armed = false;

extern "C" void on_sigint(int) {
  sigint_count.fetch_add(1, std::memory_order_relaxed);
  if (nestjit::Kernel* k = armed_kernel.load(std::memory_order_relaxed)) k->interrupt();
}

void disarm();

void arm(nestjit::Kernel& kernel) {
  armed_kernel.store(&kernel);
  sigint_count.store(0);
  if (is_armed) return;
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, &saved_action);
  is_armed = true;
  // A Ctrl-C that came just before (Python's handler only noted it) would otherwise wait for
  // the end of the simulate; raise it now, before the simulate starts.
  if (PyErr_CheckSignals() != 0) {
    disarm();
    throw py::error_already_set();
  }
}

void disarm() {
  if (is_armed) sigaction(SIGINT, &saved_action, nullptr);
  is_armed = false;
  armed_kernel.store(nullptr);
}

}  // namespace

PYBIND11_MODULE(_native, m) {
  m.doc() = "nestjit.repl internals: Ctrl-C to Kernel::interrupt, model views";
  py::module_::import("nestjit._nestjit");  // registers the Kernel type this module takes
  m.def("arm_interrupt", &arm, py::arg("kernel"),
        "SIGINT now calls kernel.interrupt() (until disarm_interrupt)");
  m.def("disarm_interrupt", &disarm, "puts back the SIGINT handler arm_interrupt replaced");
  m.def("sigint_count", [] { return sigint_count.load(); },
        "Ctrl-Cs seen since the last arm_interrupt");
  m.def("clear_interrupt", [](nestjit::Kernel& k) { k.clear_interrupt(); }, py::arg("kernel"));

  // %show and %dump: Kernel::describe_model / dump_model as plain Python values.
  m.def("describe_model", [](const nestjit::Kernel& k, const std::string& model) {
    auto d = k.describe_model(model);
    py::list variables, systems;
    for (const auto& v : d.variables) {
      py::dict e;
      e["name"] = v.name;
      e["kind"] = v.kind;
      e["unit"] = v.unit;
      e["recordable"] = v.recordable;
      variables.append(e);
    }
    for (const auto& s : d.ode_systems) {
      py::dict e;
      e["variables"] = s.variables;
      e["solver"] = s.solver;
      e["why"] = s.why;
      systems.append(e);
    }
    py::dict out;
    out["variables"] = variables;
    out["ode_systems"] = systems;
    out["spike_ports"] = d.spike_ports;
    const auto info = k.model_info(model);  // what the package's ModelInfo does not bind yet
    out["receptor_types"] = info.receptor_types;
    out["continuous_ports"] = info.continuous_ports;
    return out;
  });
  m.def("dump", [](const nestjit::Kernel& k, const std::string& model, const std::string& what) {
    py::gil_scoped_release release;
    return k.dump_model(model, what);
  });
}
