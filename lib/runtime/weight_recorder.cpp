// The weight_recorder device (weight_recorder.h).
#include "runtime/weight_recorder.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "runtime/device_params.h"

namespace nestjit::runtime {

using namespace device_params;

namespace {

const char* const kDevice = "weight_recorder";

std::vector<double> node_ids(const std::string& key, const Value& v) {
  std::vector<double> ids = list(kDevice, key, v);
  for (double id : ids)
    if (!(id >= 1) || id != std::floor(id))
      bad(kDevice, fmt::format("{} must list node ids (integers from 1), not {}", key, id));
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

void WeightRecorder::set_params(const Params& params, const DeviceContext& ctx) {
  DeviceWindow w = window_;
  std::vector<double> only_senders = only_senders_, only_targets = only_targets_;
  for (const auto& [key, v] : params) {
    if (w.apply(kDevice, key, v, ctx.resolution)) continue;
    if (key == "senders") only_senders = node_ids(key, v);
    else if (key == "targets") only_targets = node_ids(key, v);
    else unknown(kDevice, key, "senders, targets, " + kWindowKeys);
  }
  w.check(kDevice);
  window_ = w;
  only_senders_ = std::move(only_senders);
  only_targets_ = std::move(only_targets);
  first_ = w.first(ctx.resolution);
  last_ = w.last(ctx.resolution);
}

std::map<std::string, double> WeightRecorder::get_status() const {
  std::map<std::string, double> out{{"n_events", double(times.size())}};
  window_.status(out);
  return out;
}

std::vector<double> WeightRecorder::get_list(const std::string& key) const {
  if (key == "senders") return only_senders_;
  if (key == "targets") return only_targets_;
  return Node::get_list(key);
}

bool WeightRecorder::listed(const std::vector<double>& ids, NodeId id) {
  return ids.empty() || std::binary_search(ids.begin(), ids.end(), double(id));
}

void WeightRecorder::record(NodeId sender, NodeId target, int64_t stamp, double t_ms,
                            double weight, int receptor, long port) {
  if (stamp <= first_ || stamp > last_) return;
  if (!listed(only_senders_, sender) || !listed(only_targets_, target)) return;
  senders.push_back(sender);
  targets.push_back(target);
  times.push_back(t_ms);
  weights.push_back(weight);
  receptors.push_back(receptor);
  ports.push_back(port);
}

void WeightRecorder::clear() {
  senders.clear();
  targets.clear();
  times.clear();
  weights.clear();
  receptors.clear();
  ports.clear();
}

}  // namespace nestjit::runtime
