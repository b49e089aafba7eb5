#include "neuron_protocol.h"

#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <set>
#include <nestjit/nestjit.h>
#include <nlohmann/json.hpp>
#include <sstream>

namespace golden {

namespace {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<double>> rows;
};

Table read_csv(const std::string& path) {
  Table t;
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return t;
  std::stringstream hs(line);
  std::string cell;
  while (std::getline(hs, cell, ',')) t.header.push_back(cell);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<double> row;
    std::stringstream ss(line);
    while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
    t.rows.push_back(std::move(row));
  }
  return t;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Comparison run_protocol(const std::string& shared_dir, const std::string& dir) {
  namespace fs = std::filesystem;
  Comparison out;
  const fs::path base = fs::path(shared_dir) / dir;
  nlohmann::json p;
  {
    std::ifstream in(base / "protocol.json");
    p = nlohmann::json::parse(in);
  }
  // "nestml/models/neurons/x.nestml" is corpus/models/neurons/x.nestml here.
  std::string source = p.at("nestml_source").get<std::string>();
  source = source.substr(source.find("models/"));
  const fs::path model_file = fs::path(shared_dir) / "corpus" / source;

  // Variants: "<model>_alt_nestml" was generated with solver "numeric",
  // "<model>_alt_int_nestml" with the forward-Euler numeric solver.
  nestjit::InstallOptions opts;
  const std::string name = fs::path(dir).filename().string();
  const std::string stem = name.substr(0, name.size() - std::string("_nestml").size());
  if (ends_with(stem, "_alt_int")) opts.numeric_solver = "forward-Euler";
  else if (ends_with(stem, "_alt") && !ends_with(model_file.stem().string(), "_alt")) opts.solver = "numeric";

  const double h = p.at("kernel").at("resolution_ms").get<double>();
  const double T = p.at("kernel").at("T_sim_ms").get<double>();
  nestjit::Kernel k({.resolution_ms = h});
  auto installed = k.install_file(model_file.string(), opts);
  if (!installed.ok) {
    out.error = "install failed:\n" + installed.report();
    return out;
  }
  const std::string model = installed.models.at(0);
  const auto info = k.model_info(model);
  out.exact = info.numeric_variables == 0;
  try {
    auto neuron = k.create(model);
    // Initial values: every parameter and state variable NEST reported before simulating.
    const auto& nest_status = p.at("neuron").at("status_before_simulate");
    // Keys NEST's ArchivingNode adds to every neuron's status (a model variable of the same
    // name is hidden behind them, e.g. hill_tononi's parameter t_spike).
    static const std::set<std::string> archiving_keys = {
        "t_spike", "tau_minus", "tau_minus_triplet", "Ca", "beta_Ca", "tau_Ca",
        "archiver_length", "post_trace"};
    // Known, documented differences (docs/semantics.md): NEST gives Bq/Hz the factor 1, so
    // it reports the number per second where nestjit stores it per ms.
    static const std::map<std::string, double> per_second_keys = {{"firing_rate", 1e-3}};
    for (auto [key, value] : k.get_status(neuron[0])) {
      if (archiving_keys.count(key)) continue;
      if (!nest_status.contains(key) || !nest_status.at(key).is_number()) continue;
      if (auto it = per_second_keys.find(key); it != per_second_keys.end()) value /= it->second;
      const double nest = nest_status.at(key).get<double>();
      ++out.status_compared;
      if (std::fabs(value - nest) > 1e-12 * std::max(1.0, std::fabs(nest)))
        out.status_mismatches.push_back(fmt::format("{}: nestjit {}, NEST {}", key, value, nest));
    }
    const auto& dc = p.at("dc_generator");
    if (dc.value("connected", false)) {
      auto gen = k.create("dc_generator", 1,
                          {{"amplitude", dc.at("amplitude_pA").get<double>()},
                           {"start", dc.at("start_ms").get<double>()},
                           {"stop", dc.at("stop_ms").get<double>()}});
      k.connect(gen, neuron);
    }
    const auto& sg = p.at("spike_generator");
    auto gen = k.create("spike_generator", 1,
                        {{"spike_times", sg.at("spike_times_ms").get<std::vector<double>>()}});
    nestjit::SynSpec syn;
    syn.weight = sg.at("synapse").at("weight").get<double>();
    syn.delay = sg.at("synapse").at("delay").get<double>();
    if (sg.at("synapse").contains("receptor_type"))
      syn.receptor_type = sg.at("synapse").at("receptor_type").get<int>();
    k.connect(gen, neuron, nestjit::ConnRule::all_to_all, syn);
    const auto& mmj = p.at("multimeter");
    auto mm = k.create("multimeter", 1,
                       {{"interval", mmj.at("interval_ms").get<double>()},
                        {"record_from", mmj.at("record_from").get<std::vector<std::string>>()}});
    k.connect(mm, neuron);
    auto sr = k.create("spike_recorder");
    k.connect(neuron, sr);
    k.simulate(T);

    const Table trace = read_csv((base / "trace.csv").string());
    const Table spikes = read_csv((base / "spikes.csv").string());
    for (const auto& r : spikes.rows) out.nest_spikes.push_back(r.at(0));
    out.spikes = k.spike_events(sr[0]).times;
    auto ev = k.multimeter_events(mm[0]);
    out.rows = trace.rows.size();
    out.columns = trace.header.size() - 1;
    if (ev.times.size() != trace.rows.size()) {
      out.error = fmt::format("{} samples, NEST has {}", ev.times.size(), trace.rows.size());
      return out;
    }
    const double first_spike = out.nest_spikes.empty() ? 1e300 : out.nest_spikes[0];
    for (const auto& r : trace.rows) out.times.push_back(r[0]);
    for (size_t c = 1; c < trace.header.size(); ++c) {
      const std::string& col = trace.header[c];
      auto it = ev.values.find(col);
      if (it == ev.values.end()) {
        out.error = fmt::format("nestjit does not record '{}'", col);
        return out;
      }
      // Relative to the value, with the column's magnitude as floor so that values crossing
      // zero are not judged by their tiny magnitude.
      out.ours[col] = it->second;
      for (const auto& r : trace.rows) out.nest[col].push_back(r[c]);
      double scale = 0;
      for (const auto& r : trace.rows) scale = std::max(scale, std::fabs(r[c]));
      const double floor = std::max(scale * 1e-3, 1e-12);
      for (size_t i = 0; i < trace.rows.size(); ++i) {
        const double nest = trace.rows[i][c];
        const double ours = it->second[i];
        const double rel = std::fabs(ours - nest) / (std::fabs(nest) + floor);
        const bool nan_mismatch = std::isnan(ours) != std::isnan(nest);
        const double r = nan_mismatch ? 1e300 : (std::isnan(rel) ? 0.0 : rel);
        if (r > out.max_rel_overall) {
          out.max_rel_overall = r;
          out.worst_where = fmt::format("{} at t = {} ms: nestjit {}, NEST {}", col,
                                        trace.rows[i][0], ours, nest);
        }
        if (trace.rows[i][0] < first_spike) out.max_rel_before_first_spike = std::max(out.max_rel_before_first_spike, r);
        if (r > 1e-6 && out.first_divergence.empty())
          out.first_divergence = fmt::format("{} at t = {} ms: nestjit {}, NEST {}", col,
                                             trace.rows[i][0], ours, nest);
      }
    }
    out.ran = true;
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace golden
