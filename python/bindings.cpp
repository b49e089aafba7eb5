// _nestjit: the public C++ API (include/nestjit/nestjit.h) as a Python extension. Thin on
// purpose: the PyNEST-compatible names and argument shapes live in the pure-Python modules
// next to it; this file only converts values. nestjit::Error becomes nestjit.NESTError.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>

#include <nestjit/nestjit.h>

namespace py = pybind11;
using nestjit::Kernel;

namespace {

template <class T>
py::array_t<T> to_array(const std::vector<T>& v) {
  return py::array_t<T>(py::ssize_t(v.size()), v.data());
}

// Dictionary values as Python objects: numbers stay floats, lists become lists.
py::dict to_dict(const nestjit::Params& params) {
  py::dict out;
  for (const auto& [key, value] : params)
    std::visit([&](const auto& v) { out[py::str(key)] = py::cast(v); }, value);
  return out;
}

nestjit::NodeCollection nodes(uint64_t first, size_t count) {
  nestjit::NodeCollection nc;
  nc.first = first;
  nc.count = count;
  return nc;
}

// The C++ API's rule for a conn_spec rule name.
nestjit::ConnRule conn_rule(const std::string& name) {
  using R = nestjit::ConnRule;
  static const std::map<std::string, R> rules = {
      {"all_to_all", R::all_to_all},
      {"one_to_one", R::one_to_one},
      {"fixed_indegree", R::fixed_indegree},
      {"fixed_outdegree", R::fixed_outdegree},
      {"fixed_total_number", R::fixed_total_number},
      {"pairwise_bernoulli", R::pairwise_bernoulli}};
  auto it = rules.find(name);
  if (it == rules.end()) throw nestjit::Error("unknown connection rule '" + name + "'");
  return it->second;
}

// A weight or delay: None (the default), a number, a Distribution, or one number per
// connection (any sequence or numpy array, in the order connect() makes them).
nestjit::SynValue syn_value(const py::object& v) {
  if (v.is_none()) return {};
  if (py::isinstance<nestjit::Distribution>(v)) return v.cast<nestjit::Distribution>();
  if (py::isinstance<py::float_>(v) || py::isinstance<py::int_>(v)) return v.cast<double>();
  auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(v);
  if (!a) throw nestjit::Error("a weight or delay must be a number, an array or a distribution");
  return std::vector<double>(a.data(), a.data() + a.size());
}

}  // namespace

PYBIND11_MODULE(_nestjit, m) {
  m.doc() = "nestjit's C++ API (use the nestjit package, not this module)";
  static py::exception<nestjit::Error> nest_error(m, "NESTError");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const nestjit::Error& e) {
      PyErr_SetString(nest_error.ptr(), e.what());
    }
  });

  py::class_<nestjit::DiagnosticInfo>(m, "Diagnostic")
      .def_property_readonly("severity",
                             [](const nestjit::DiagnosticInfo& d) {
                               using S = nestjit::DiagnosticInfo::Severity;
                               return d.severity == S::Error     ? "error"
                                      : d.severity == S::Warning ? "warning"
                                                                 : "note";
                             })
      .def_readonly("code", &nestjit::DiagnosticInfo::code)
      .def_readonly("file", &nestjit::DiagnosticInfo::file)
      .def_readonly("line", &nestjit::DiagnosticInfo::line)
      .def_readonly("column", &nestjit::DiagnosticInfo::column)
      .def_readonly("message", &nestjit::DiagnosticInfo::message)
      .def_readonly("hint", &nestjit::DiagnosticInfo::hint)
      .def_readonly("rendered", &nestjit::DiagnosticInfo::rendered)
      .def("__repr__", [](const nestjit::DiagnosticInfo& d) { return d.rendered; });

  py::class_<nestjit::LoadTimings>(m, "LoadTimings")
      .def_readonly("parse_ms", &nestjit::LoadTimings::parse_ms)
      .def_readonly("check_ms", &nestjit::LoadTimings::check_ms)
      .def_readonly("ode_ms", &nestjit::LoadTimings::ode_ms)
      .def_readonly("ir_ms", &nestjit::LoadTimings::ir_ms)
      .def_readonly("jit_ms", &nestjit::LoadTimings::jit_ms)
      .def_property_readonly("total_ms", &nestjit::LoadTimings::total_ms);

  py::class_<nestjit::InstallResult>(m, "InstallResult")
      .def_readonly("ok", &nestjit::InstallResult::ok)
      .def_readonly("models", &nestjit::InstallResult::models)
      .def_readonly("diagnostics", &nestjit::InstallResult::diagnostics)
      .def_readonly("timings", &nestjit::InstallResult::timings)
      .def("report", &nestjit::InstallResult::report);

  py::class_<nestjit::ModelInfo>(m, "ModelInfo")
      .def_readonly("name", &nestjit::ModelInfo::name)
      .def_readonly("is_synapse", &nestjit::ModelInfo::is_synapse)
      .def_readonly("parameters", &nestjit::ModelInfo::parameters)
      .def_readonly("state", &nestjit::ModelInfo::state)
      .def_readonly("recordables", &nestjit::ModelInfo::recordables)
      .def_readonly("source_path", &nestjit::ModelInfo::source_path)
      .def_readonly("spike_receptors", &nestjit::ModelInfo::spike_receptors)
      .def_readonly("receptor_types", &nestjit::ModelInfo::receptor_types);

  using Dist = nestjit::Distribution;
  py::class_<Dist>(m, "Distribution")
      .def_static("uniform", &Dist::uniform, py::arg("min"), py::arg("max"))
      .def_static("normal", &Dist::normal, py::arg("mean"), py::arg("std"))
      .def_static("normal_clipped", &Dist::normal_clipped, py::arg("mean"), py::arg("std"),
                  py::arg("min"), py::arg("max"))
      .def_static("lognormal", &Dist::lognormal, py::arg("mean"), py::arg("std"))
      .def_static("exponential", &Dist::exponential, py::arg("beta"));

  py::class_<nestjit::Connections>(m, "Connections")
      .def("__len__", &nestjit::Connections::size)
      .def("get", [](const nestjit::Connections& c, const std::string& name) {
        return to_array(c.get(name));
      })
      .def("set", &nestjit::Connections::set)
      .def("set_at", &nestjit::Connections::set_at)
      .def("status", &nestjit::Connections::status)
      .def("synapse_models", &nestjit::Connections::synapse_models);

  py::class_<Kernel>(m, "Kernel")
      .def(py::init([](double resolution) {
             return std::make_unique<Kernel>(nestjit::KernelOptions{.resolution_ms = resolution});
           }),
           py::arg("resolution") = 0.1)
      .def("install_file",
           [](Kernel& k, const std::string& path, std::vector<std::string> post_ports,
              std::string weight_variable, std::string delay_variable,
              std::vector<std::string> synapse_models, std::string numeric_solver,
              std::string solver) {
             nestjit::InstallOptions o{post_ports, weight_variable, delay_variable,
                                       synapse_models, numeric_solver, solver};
             py::gil_scoped_release release;
             return k.install_file(path, o);
           },
           py::arg("path"), py::arg("post_ports") = std::vector<std::string>{},
           py::arg("weight_variable") = "", py::arg("delay_variable") = "",
           py::arg("synapse_models") = std::vector<std::string>{},
           py::arg("numeric_solver") = "auto", py::arg("solver") = "analytic")
      .def("install_source",
           [](Kernel& k, const std::string& name, const std::string& source,
              std::vector<std::string> post_ports, std::string weight_variable,
              std::string delay_variable, std::vector<std::string> synapse_models,
              std::string numeric_solver, std::string solver) {
             nestjit::InstallOptions o{post_ports, weight_variable, delay_variable,
                                       synapse_models, numeric_solver, solver};
             py::gil_scoped_release release;
             return k.install_source(name, source, o);
           },
           py::arg("name"), py::arg("source"), py::arg("post_ports") = std::vector<std::string>{},
           py::arg("weight_variable") = "", py::arg("delay_variable") = "",
           py::arg("synapse_models") = std::vector<std::string>{},
           py::arg("numeric_solver") = "auto", py::arg("solver") = "analytic")
      .def("create",
           [](Kernel& k, const std::string& model, size_t n, const nestjit::Params& params) {
             return k.create(model, n, params).first;
           })
      .def("connect",
           [](Kernel& k, uint64_t pre_first, size_t pre_n, uint64_t post_first, size_t post_n,
              const std::string& rule, size_t indegree, size_t outdegree, size_t N, double p,
              bool allow_autapses, bool allow_multapses, const std::string& synapse_model,
              const py::object& weight, const py::object& delay, int receptor_type,
              std::map<std::string, double> params) {
             nestjit::ConnSpec conn(conn_rule(rule));
             conn.indegree = indegree;
             conn.outdegree = outdegree;
             conn.N = N;
             conn.p = p;
             conn.allow_autapses = allow_autapses;
             conn.allow_multapses = allow_multapses;
             nestjit::SynSpec spec;
             spec.synapse_model = synapse_model;
             spec.weight = syn_value(weight);
             spec.delay = syn_value(delay);
             spec.receptor_type = receptor_type;
             spec.params = std::move(params);
             k.connect(nodes(pre_first, pre_n), nodes(post_first, post_n), conn, spec);
           },
           py::arg("pre_first"), py::arg("pre_n"), py::arg("post_first"), py::arg("post_n"),
           py::arg("rule") = "all_to_all", py::arg("indegree") = 0, py::arg("outdegree") = 0,
           py::arg("N") = 0, py::arg("p") = 0.0, py::arg("allow_autapses") = true,
           py::arg("allow_multapses") = true, py::arg("synapse_model") = "",
           py::arg("weight") = py::none(), py::arg("delay") = py::none(),
           py::arg("receptor_type") = 0,
           py::arg("params") = std::map<std::string, double>{})
      .def("simulate",
           [](Kernel& k, double ms) {
             py::gil_scoped_release release;
             k.simulate(ms);
           })
      .def("reset", &Kernel::reset)
      .def("time", &Kernel::time)
      .def("resolution", &Kernel::resolution)
      .def("node_status",
           [](const Kernel& k, uint64_t node) { return to_dict(k.get_node_status(node)); })
      .def("set_status",
           [](Kernel& k, uint64_t first, size_t n, const nestjit::Params& params) {
             k.set_status(nodes(first, n), params);
           })
      .def("get_connections",
           [](Kernel& k, uint64_t src_first, size_t src_n, uint64_t tgt_first, size_t tgt_n,
              const std::string& synapse_model) {
             return k.get_connections(nodes(src_first, src_n), nodes(tgt_first, tgt_n),
                                      synapse_model);
           },
           py::keep_alive<0, 1>())
      .def("spike_events",
           [](const Kernel& k, uint64_t recorder) {
             auto ev = k.spike_events(recorder);
             py::dict out;
             out["senders"] = to_array(std::vector<int64_t>(ev.senders.begin(), ev.senders.end()));
             out["times"] = to_array(ev.times);
             return out;
           })
      .def("multimeter_events",
           [](const Kernel& k, uint64_t mm) {
             auto ev = k.multimeter_events(mm);
             py::dict out;
             out["senders"] = to_array(std::vector<int64_t>(ev.senders.begin(), ev.senders.end()));
             out["times"] = to_array(ev.times);
             for (const auto& [name, values] : ev.values) out[py::str(name)] = to_array(values);
             return out;
           })
      .def("weight_events",
           [](const Kernel& k, uint64_t recorder) {
             auto ev = k.weight_events(recorder);
             py::dict out;
             out["senders"] = to_array(std::vector<int64_t>(ev.senders.begin(), ev.senders.end()));
             out["targets"] = to_array(std::vector<int64_t>(ev.targets.begin(), ev.targets.end()));
             out["times"] = to_array(ev.times);
             out["weights"] = to_array(ev.weights);
             out["receptors"] = to_array(std::vector<int64_t>(ev.receptors.begin(), ev.receptors.end()));
             out["ports"] = to_array(std::vector<int64_t>(ev.ports.begin(), ev.ports.end()));
             return out;
           })
      .def("model_info", &Kernel::model_info)
      .def("models", &Kernel::models)
      .def("get_defaults",
           [](const Kernel& k, const std::string& model) { return to_dict(k.get_defaults(model)); })
      .def("set_defaults", &Kernel::set_defaults)
      .def("copy_model", &Kernel::copy_model)
      .def("kernel_status", [](const Kernel& k) { return to_dict(k.get_kernel_status()); })
      .def("set_kernel_status", &Kernel::set_kernel_status);
}
