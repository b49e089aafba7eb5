// The built-in devices (devices.h): parameters, checks, and what each does in a step.
#include "runtime/devices.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "runtime/device_params.h"
#include "runtime/network.h"

namespace nestjit::runtime {

// Shared with the devices in their own files (weight_recorder.cpp).
namespace device_params {

[[noreturn]] void bad(const std::string& device, const std::string& what) {
  throw std::invalid_argument(fmt::format("{}: {}", device, what));
}

double number(const std::string& device, const std::string& key, const Value& v) {
  if (const double* d = std::get_if<double>(&v)) {
    if (!std::isfinite(*d) && !(key == "stop" && *d > 0))
      bad(device, fmt::format("{} must be a finite number, not {}", key, *d));
    return *d;
  }
  bad(device, fmt::format("{} needs a number", key));
}

bool flag(const std::string& device, const std::string& key, const Value& v) {
  double d = number(device, key, v);
  if (d != 0.0 && d != 1.0) bad(device, fmt::format("{} is a flag: 0 or 1, not {}", key, d));
  return d != 0.0;
}

const std::vector<double>& list(const std::string& device, const std::string& key, const Value& v) {
  if (const auto* l = std::get_if<std::vector<double>>(&v)) {
    for (double x : *l)
      if (!std::isfinite(x)) bad(device, fmt::format("{} must hold finite numbers, not {}", key, x));
    return *l;
  }
  bad(device, fmt::format("{} needs a list of numbers", key));
}

// Steps of a time that must lie on the grid (the reference rejects off-grid device times).
int64_t on_grid(const std::string& device, const std::string& key, double ms, double h) {
  const double steps = ms / h;
  const double k = std::round(steps);
  if (std::fabs(steps - k) > 1e-9 * std::max(1.0, std::fabs(steps)))
    bad(device, fmt::format("{} must be a multiple of the simulation resolution ({} ms), not {}",
                            key, h, ms));
  return int64_t(k);
}

[[noreturn]] void unknown(const std::string& device, const std::string& key,
                          const std::string& known) {
  bad(device, fmt::format("unknown parameter '{}' (parameters: {})", key, known));
}

}  // namespace device_params

using namespace device_params;

bool DeviceWindow::apply(const std::string& device, const std::string& key, const Value& v,
                         double h) {
  double* field = key == "origin" ? &origin : key == "start" ? &start : key == "stop" ? &stop : nullptr;
  if (!field) return false;
  double x = number(device, key, v);
  if (std::isfinite(x)) on_grid(device, key, x, h);
  *field = x;
  return true;
}

void DeviceWindow::check(const std::string& device) const {
  if (stop < start) bad(device, fmt::format("stop ({} ms) must not be before start ({} ms)", stop, start));
}

int64_t DeviceWindow::first(double h) const { return std::llround((origin + start) / h); }

int64_t DeviceWindow::last(double h) const {
  return std::isfinite(stop) ? std::llround((origin + stop) / h) : INT64_MAX;
}

void DeviceWindow::status(std::map<std::string, double>& out) const {
  out["origin"] = origin;
  out["start"] = start;
  out["stop"] = stop;
}

// ---- spike_generator ----

void SpikeGenerator::set_spike_times(const std::vector<double>& times_ms, double resolution) {
  for (double t : times_ms)
    if (t <= 0.0) bad("spike_generator", fmt::format("spike time {} ms is not positive", t));
  set_params({{"spike_times", times_ms}}, {resolution, 0});
}

void SpikeGenerator::set_params(const Params& params, const DeviceContext& ctx) {
  const std::string dev = "spike_generator";
  Settings p = p_;
  bool times_given = false;
  for (const auto& [key, v] : params) {
    if (p.window.apply(dev, key, v, ctx.resolution)) continue;
    if (key == "spike_times") {
      p.spike_times = list(dev, key, v);
      times_given = true;
    } else if (key == "spike_weights") {
      p.spike_weights = list(dev, key, v);
    } else if (key == "spike_multiplicities") {
      p.spike_multiplicities = list(dev, key, v);
    } else if (key == "precise_times") {
      p.precise_times = flag(dev, key, v);
    } else if (key == "allow_offgrid_times") {
      p.allow_offgrid_times = flag(dev, key, v);
    } else if (key == "shift_now_spikes") {
      p.shift_now_spikes = flag(dev, key, v);
    } else {
      unknown(dev, key,
              "spike_times, spike_weights, spike_multiplicities, precise_times, "
              "allow_offgrid_times, shift_now_spikes, " + kWindowKeys);
    }
  }
  p.window.check(dev);
  if (p.precise_times && p.allow_offgrid_times)
    bad(dev, "precise_times and allow_offgrid_times cannot both be set");
  if (!p.spike_weights.empty() && p.spike_weights.size() != p.spike_times.size())
    bad(dev, fmt::format("spike_weights has {} entries for {} spike_times",
                         p.spike_weights.size(), p.spike_times.size()));
  if (!p.spike_multiplicities.empty() && p.spike_multiplicities.size() != p.spike_times.size())
    bad(dev, fmt::format("spike_multiplicities has {} entries for {} spike_times",
                         p.spike_multiplicities.size(), p.spike_times.size()));
  for (double m : p.spike_multiplicities)
    if (m < 0 || m != std::floor(m))
      bad(dev, fmt::format("spike_multiplicities must be non-negative integers, not {}", m));
  const double h = ctx.resolution;
  std::vector<int64_t> stamps;
  for (size_t i = 0; i < p.spike_times.size(); ++i) {
    double& t = p.spike_times[i];
    if (t < 0.0) bad(dev, fmt::format("spike time {} ms is negative", t));
    if (i > 0 && t < p.spike_times[i - 1]) bad(dev, "spike times must be sorted");
    const double steps = t / h;
    const double nearest = std::round(steps);
    const bool grid = std::fabs(steps - nearest) <= 1e-9 * std::max(1.0, steps);
    int64_t k = int64_t(nearest);
    if (!grid) {
      if (!p.precise_times && !p.allow_offgrid_times)
        bad(dev, fmt::format("spike time {} ms is not on the {} ms grid (set precise_times or "
                             "allow_offgrid_times to accept it)", t, h));
      // Off-grid: the step that contains t. allow_offgrid_times also moves the time itself
      // to the end of that step; precise_times keeps it (offsets are not simulated).
      k = int64_t(std::ceil(steps));
      if (p.allow_offgrid_times) t = double(k) * h;
    }
    // A spike due now would be missed: shift_now_spikes moves it one step later.
    if (times_given && p.shift_now_spikes && std::llround(p.window.origin / h) + k == ctx.now) {
      ++k;
      t = double(k) * h;
    }
    stamps.push_back(k);
  }
  p_ = std::move(p);
  stamps_ = std::move(stamps);
  next_ = 0;
}

std::map<std::string, double> SpikeGenerator::get_status() const {
  std::map<std::string, double> out;
  p_.window.status(out);
  out["precise_times"] = p_.precise_times;
  out["allow_offgrid_times"] = p_.allow_offgrid_times;
  out["shift_now_spikes"] = p_.shift_now_spikes;
  out["n_spike_times"] = double(p_.spike_times.size());
  return out;
}

std::vector<double> SpikeGenerator::get_list(const std::string& key) const {
  if (key == "spike_times") return p_.spike_times;
  if (key == "spike_weights") return p_.spike_weights;
  if (key == "spike_multiplicities") return p_.spike_multiplicities;
  return Node::get_list(key);
}

void SpikeGenerator::prepare(Network& net) {
  // Spikes at or before the current time are never sent (the reference drops them too).
  const int64_t origin = std::llround(p_.window.origin / net.resolution());
  while (next_ < stamps_.size() && origin + stamps_[next_] <= net.current_step()) ++next_;
}

void SpikeGenerator::update(Network& net, int64_t from, int64_t to) {
  // A spike at time t is sent in the step that ends at t and arrives at t + delay; only
  // spikes with origin+start < t <= origin+stop are sent.
  const double h = net.resolution();
  const int64_t origin = std::llround(p_.window.origin / h);
  const int64_t first = p_.window.first(h), last = p_.window.last(h);
  while (next_ < stamps_.size() && origin + stamps_[next_] <= to) {
    const size_t i = next_++;
    const int64_t k = origin + stamps_[i];
    long n = p_.spike_multiplicities.empty() ? 1 : long(p_.spike_multiplicities[i]);
    const double w = p_.spike_weights.empty() ? 1.0 : p_.spike_weights[i];
    // Equal stamps without weights travel as one spike of higher multiplicity.
    if (p_.spike_weights.empty())
      for (; next_ < stamps_.size() && origin + stamps_[next_] == k; ++next_)
        n += p_.spike_multiplicities.empty() ? 1 : long(p_.spike_multiplicities[next_]);
    if (k > from && k > first && k <= last && n > 0) net.emit(id, k, n, w);
  }
}

// ---- poisson_generator ----

void PoissonGenerator::set_params(const Params& params, const DeviceContext& ctx) {
  const std::string dev = "poisson_generator";
  double rate = rate_;
  DeviceWindow w = window_;
  for (const auto& [key, v] : params) {
    if (w.apply(dev, key, v, ctx.resolution)) continue;
    if (key == "rate") rate = number(dev, key, v);
    else unknown(dev, key, "rate, " + kWindowKeys);
  }
  if (rate < 0) bad(dev, fmt::format("rate must be non-negative, not {} Hz", rate));
  w.check(dev);
  rate_ = rate;
  window_ = w;
}

std::map<std::string, double> PoissonGenerator::get_status() const {
  std::map<std::string, double> out{{"rate", rate_}};
  window_.status(out);
  return out;
}

void PoissonGenerator::prepare(Network& net) { sampler_ = PoissonSampler(rate_ * net.resolution() * 1e-3); }

void PoissonGenerator::update(Network& net, int64_t from, int64_t to) {
  const double h = net.resolution();
  // Steps k whose left edge T = k-1 satisfies origin+start < T <= origin+stop.
  const int64_t lo = std::max(from + 1, window_.first(h) + 2);
  const int64_t last = window_.last(h);
  const int64_t hi = last == INT64_MAX ? to : std::min(to, last + 1);
  if (lo > hi || !(rate_ > 0)) return;
  auto row = net.static_row(id);
  RandomStreams& streams = net.streams();
  for (int64_t k = lo; k <= hi; ++k) {
    // One step's counts for every target, drawn in target order: with one stream each is
    // added to its target's input as it is drawn; with one per VP they are drawn first.
    if (streams.virtual_processes() == 1) {
      net.deliver_poisson(row, k, sampler_, streams.vp(0), id);
    } else {
      counts_.resize(row.size());
      for (size_t i = 0; i < row.size(); ++i) counts_[i] = sampler_(streams.for_node(row[i].target));
      net.deliver_counts(row, k, counts_.data(), id);
    }
  }
}

// ---- dc_generator ----

void DcGenerator::set_params(const Params& params, const DeviceContext& ctx) {
  const std::string dev = "dc_generator";
  double amp = amplitude;
  DeviceWindow w = window_;
  for (const auto& [key, v] : params) {
    if (w.apply(dev, key, v, ctx.resolution)) continue;
    if (key == "amplitude") amp = number(dev, key, v);
    else unknown(dev, key, "amplitude, " + kWindowKeys);
  }
  w.check(dev);
  amplitude = amp;
  window_ = w;
}

std::map<std::string, double> DcGenerator::get_status() const {
  std::map<std::string, double> out{{"amplitude", amplitude}};
  window_.status(out);
  return out;
}

void DcGenerator::update(Network& net, int64_t from, int64_t to) {
  const double h = net.resolution();
  for (int64_t k = from + 1; k <= to; ++k)
    if (active(k, h)) net.emit_current(id, k, amplitude);
}

// ---- step_current_generator ----

void StepCurrentGenerator::set_params(const Params& params, const DeviceContext& ctx) {
  const std::string dev = "step_current_generator";
  auto times = times_, values = values_;
  DeviceWindow w = window_;
  for (const auto& [key, v] : params) {
    if (w.apply(dev, key, v, ctx.resolution)) continue;
    if (key == "amplitude_times") times = list(dev, key, v);
    else if (key == "amplitude_values") values = list(dev, key, v);
    else unknown(dev, key, "amplitude_times, amplitude_values, " + kWindowKeys);
  }
  w.check(dev);
  if (times.size() != values.size())
    bad(dev, fmt::format("amplitude_times ({}) and amplitude_values ({}) must be equally long",
                         times.size(), values.size()));
  std::vector<int64_t> steps;
  for (size_t i = 0; i < times.size(); ++i) {
    steps.push_back(on_grid(dev, "amplitude_times", times[i], ctx.resolution));
    if (i > 0 && steps[i] <= steps[i - 1]) bad(dev, "amplitude_times must be strictly increasing");
  }
  times_ = std::move(times);
  values_ = std::move(values);
  steps_ = std::move(steps);
  window_ = w;
  next_ = 0;
}

std::vector<double> StepCurrentGenerator::get_list(const std::string& key) const {
  if (key == "amplitude_times") return times_;
  if (key == "amplitude_values") return values_;
  return Node::get_list(key);
}

std::map<std::string, double> StepCurrentGenerator::get_status() const {
  std::map<std::string, double> out{{"amplitude", amplitude_}};
  window_.status(out);
  return out;
}

void StepCurrentGenerator::update(Network& net, int64_t from, int64_t to) {
  const double h = net.resolution();
  for (int64_t k = from + 1; k <= to; ++k) {
    // The amplitude changes at its time whether or not the generator is active.
    while (next_ < steps_.size() && steps_[next_] <= k) amplitude_ = values_[next_++];
    if (active(k, h) && amplitude_ != 0.0) net.emit_current(id, k, amplitude_);
  }
}

// ---- noise_generator ----

void NoiseGenerator::set_params(const Params& params, const DeviceContext& ctx) {
  const std::string dev = "noise_generator";
  double mean = mean_, sd = std_, dt = dt_, sd_mod = std_mod_, freq = frequency_, phase = phase_;
  DeviceWindow w = window_;
  for (const auto& [key, v] : params) {
    if (w.apply(dev, key, v, ctx.resolution)) continue;
    if (key == "mean") mean = number(dev, key, v);
    else if (key == "std") sd = number(dev, key, v);
    else if (key == "dt") dt = number(dev, key, v);
    else if (key == "std_mod") sd_mod = number(dev, key, v);
    else if (key == "frequency") freq = number(dev, key, v);
    else if (key == "phase") phase = number(dev, key, v);
    else unknown(dev, key, "mean, std, dt, std_mod, frequency, phase, " + kWindowKeys);
  }
  w.check(dev);
  if (sd < 0) bad(dev, fmt::format("std must be non-negative, not {}", sd));
  if (sd_mod < 0) bad(dev, fmt::format("std_mod must be non-negative, not {}", sd_mod));
  if (sd_mod > sd)
    bad(dev, fmt::format("std_mod ({}) must not exceed std ({}): the variance std^2 + std_mod^2 "
                         "sin(...) would turn negative", sd_mod, sd));
  if (!(dt > 0)) bad(dev, fmt::format("dt must be positive, not {}", dt));
  const int64_t dt_steps = on_grid(dev, "dt", dt, ctx.resolution);
  mean_ = mean;
  std_ = sd;
  dt_ = dt;
  std_mod_ = sd_mod;
  frequency_ = freq;
  phase_ = phase;
  dt_steps_ = dt_steps;
  window_ = w;
}

std::map<std::string, double> NoiseGenerator::get_status() const {
  std::map<std::string, double> out{{"mean", mean_},    {"std", std_},           {"dt", dt_},
                                    {"std_mod", std_mod_}, {"frequency", frequency_}, {"phase", phase_}};
  window_.status(out);
  return out;
}

void NoiseGenerator::prepare(Network& net) {
  amplitudes_.resize(net.static_row(id).size(), mean_);
  // The modulation's phase at the start of this simulate, and the rotation by one step.
  const double omega = 2.0 * M_PI * frequency_ / 1000.0;  // per ms
  const double phi = phase_ * 2.0 * M_PI / 360.0;
  y0_ = std::cos(omega * net.time() + phi);
  y1_ = std::sin(omega * net.time() + phi);
  rot_cos_ = std::cos(omega * net.resolution());
  rot_sin_ = std::sin(omega * net.resolution());
}

void NoiseGenerator::update(Network& net, int64_t from, int64_t to) {
  const double h = net.resolution();
  auto row = net.static_row(id);
  Rng& rng = net.streams().for_node(uint32_t(id - 1));
  std::normal_distribution<double> normal(0.0, 1.0);
  for (int64_t k = from + 1; k <= to; ++k) {
    if (!active(k, h)) continue;
    if (std_mod_ != 0.0) {
      const double y0 = y0_;
      y0_ = rot_cos_ * y0 - rot_sin_ * y1_;
      y1_ = rot_sin_ * y0 + rot_cos_ * y1_;
    }
    const int64_t now = k - 1;  // left edge of the step
    if (now >= next_draw_) {
      const double sigma = std::sqrt(std_ * std_ + y1_ * std_mod_ * std_mod_);
      for (double& a : amplitudes_) a = mean_ + sigma * normal(rng);
      next_draw_ = now + dt_steps_;  // from now, in case the generator was inactive
    }
    for (size_t i = 0; i < row.size(); ++i)
      net.node_at(row[i].target).receive_current(k + row[i].delay_steps, row[i].weight * amplitudes_[i],
                                                 row[i].receptor);
  }
}

// ---- parrot_neuron ----

void ParrotNeuron::prepare(Network& net) { counts_.resize(size_t(net.buffer_horizon())); }

std::string ParrotNeuron::check_input(bool current, int receptor) const {
  if (current) return "a parrot_neuron takes no current";
  if (receptor != 0 && receptor != 1)
    return fmt::format("a parrot_neuron has receptors 0 (repeat) and 1 (do not repeat), not {}", receptor);
  return {};
}

void ParrotNeuron::receive_spike(int64_t step, double, int receptor, long multiplicity, NodeId,
                                 int64_t) {
  // Receptor 1 is the parrot's "do not repeat" port.
  if (receptor != 0) return;
  counts_.add(step, double(multiplicity));
  latest_arrival_ = std::max(latest_arrival_, step);
}

void ParrotNeuron::update(Network& net, int64_t from, int64_t to) {
  if (latest_arrival_ <= from) return;  // (steps up to `from` were taken before)
  for (int64_t k = from + 1; k <= to; ++k) {
    double n = counts_.take(k);
    if (n > 0) {
      net.emit(id, k, long(n));
      archive_.record(k, double(k) * net.resolution(), double(net.min_delay()) * net.resolution());
    }
  }
}

// ---- multimeter / voltmeter ----

std::unique_ptr<Multimeter> Multimeter::voltmeter() {
  auto m = std::make_unique<Multimeter>();
  m->voltmeter_ = true;
  m->record_from = {"V_m"};
  return m;
}

void Multimeter::set_params(const Params& params, const DeviceContext& ctx) {
  const std::string dev = model_name();
  double iv = interval, off = offset;
  DeviceWindow w = window;
  std::vector<std::string> from = record_from;
  for (const auto& [key, v] : params) {
    if (w.apply(dev, key, v, ctx.resolution)) continue;
    if (key == "interval") {
      iv = number(dev, key, v);
    } else if (key == "offset") {
      off = number(dev, key, v);
    } else if (key == "record_from") {
      const auto* names = std::get_if<std::vector<std::string>>(&v);
      if (!names) bad(dev, "record_from needs a list of names");
      from = *names;
    } else {
      unknown(dev, key, "interval, offset, record_from, " + kWindowKeys);
    }
  }
  w.check(dev);
  if (!(iv > 0)) bad(dev, fmt::format("interval must be positive, not {}", iv));
  if (off < 0) bad(dev, fmt::format("offset must be non-negative, not {}", off));
  if (!senders.empty() && from != record_from)
    bad(dev, "record_from cannot change once the multimeter has recorded");
  on_grid(dev, "interval", iv, ctx.resolution);
  on_grid(dev, "offset", off, ctx.resolution);
  interval = iv;
  offset = off;
  window = w;
  record_from = std::move(from);
  bind(ctx.resolution);
}

void Multimeter::bind(double h) {
  interval_steps_ = std::max<int64_t>(1, std::llround(interval / h));
  offset_steps_ = std::llround(offset / h);
  first_ = window.first(h);
  last_ = window.last(h);
}

bool Multimeter::samples_at(int64_t k) const {
  return k > first_ && k <= last_ && k >= offset_steps_ && (k - offset_steps_) % interval_steps_ == 0;
}

std::map<std::string, double> Multimeter::get_status() const {
  std::map<std::string, double> out{
      {"interval", interval}, {"offset", offset}, {"n_events", double(times.size())}};
  window.status(out);
  return out;
}

// ---- spike_recorder ----

void SpikeRecorder::set_params(const Params& params, const DeviceContext& ctx) {
  DeviceWindow w = window_;
  for (const auto& [key, v] : params)
    if (!w.apply("spike_recorder", key, v, ctx.resolution)) unknown("spike_recorder", key, kWindowKeys);
  w.check("spike_recorder");
  window_ = w;
  first_ = w.first(ctx.resolution);
  last_ = w.last(ctx.resolution);
}

std::map<std::string, double> SpikeRecorder::get_status() const {
  std::map<std::string, double> out{{"n_events", double(times.size())}};
  window_.status(out);
  return out;
}

std::string SpikeRecorder::check_input(bool current, int receptor) const {
  if (current) return "a spike_recorder records spikes, not currents";
  if (receptor != 0) return fmt::format("a spike_recorder has only receptor 0, not {}", receptor);
  return {};
}

void SpikeRecorder::receive_spike(int64_t, double, int, long multiplicity, NodeId sender,
                                  int64_t stamp) {
  if (stamp <= first_ || stamp > last_) return;
  for (long i = 0; i < multiplicity; ++i) {
    senders.push_back(sender);
    times.push_back(double(stamp) * resolution);
  }
}

}  // namespace nestjit::runtime
