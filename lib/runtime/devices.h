// The built-in devices, with the reference simulator's names, parameters and timing
// conventions (docs/devices.md lists them; ../shared/golden/devices holds the runs they
// reproduce). Step k is the interval ((k-1) h, k h]; a spike or sample "at t" is stamped k.
//
// Every device sets its parameters atomically: set_params() works on a copy and replaces
// the device's parameters only when every key and the whole set are valid.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "runtime/node.h"
#include "runtime/random_streams.h"
#include "runtime/record_buffer.h"
#include "runtime/ring_buffer.h"

namespace nestjit::runtime {

// origin, start, stop in ms (on the grid), shared by stimulating and recording devices.
struct DeviceWindow {
  double origin = 0.0, start = 0.0, stop = std::numeric_limits<double>::infinity();
  // Applies "origin", "start" or "stop"; false for other keys.
  bool apply(const std::string& device, const std::string& key, const Value& v, double h);
  void check(const std::string& device) const;
  int64_t first(double h) const;  // (origin + start) in steps
  int64_t last(double h) const;   // (origin + stop) in steps; INT64_MAX when stop is infinite
  void status(std::map<std::string, double>& out) const;
};

class SpikeGenerator : public Node {
 public:
  std::string model_name() const override { return "spike_generator"; }
  void update(Network& net, int64_t from, int64_t to) override;
  void prepare(Network& net) override;
  void set_params(const Params& params, const DeviceContext& ctx) override;
  std::map<std::string, double> get_status() const override;
  std::string check_input(bool, int) const override { return "a spike_generator takes no input"; }
  std::vector<double> get_list(const std::string& key) const override;
  // Grid spike times (ms) only, as the unit tests set them.
  void set_spike_times(const std::vector<double>& times_ms, double resolution);

  struct Settings {
    std::vector<double> spike_times, spike_weights, spike_multiplicities;
    bool precise_times = false, allow_offgrid_times = false, shift_now_spikes = false;
    DeviceWindow window;
  };
  const Settings& settings() const { return p_; }

 private:
  Settings p_;
  std::vector<int64_t> stamps_;  // step of each spike, relative to origin
  size_t next_ = 0;
};

// An independent Poisson train of `rate` Hz for every target, drawn from the target's VP
// stream; draws for the steps whose left edge T has origin+start < T <= origin+stop.
class PoissonGenerator : public Node {
 public:
  std::string model_name() const override { return "poisson_generator"; }
  void update(Network& net, int64_t from, int64_t to) override;
  void prepare(Network& net) override;
  void set_params(const Params& params, const DeviceContext& ctx) override;
  std::map<std::string, double> get_status() const override;
  std::string check_input(bool, int) const override { return "a poisson_generator takes no input"; }

 private:
  double rate_ = 0.0;  // Hz
  DeviceWindow window_;
  PoissonSampler sampler_;
  std::vector<long> counts_;  // one step's draws, per connection
};

// Current generators: active for the steps k with origin+start <= k h < origin+stop; the
// current reaches a target's continuous port after the connection delay.
class CurrentGenerator : public Node {
 public:
  bool sends_current() const override { return true; }
  std::string check_input(bool, int) const override {
    return "a " + model_name() + " takes no input";
  }

 protected:
  bool active(int64_t k, double h) const { return k >= window_.first(h) && k < window_.last(h); }
  DeviceWindow window_;
};

class DcGenerator : public CurrentGenerator {
 public:
  std::string model_name() const override { return "dc_generator"; }
  void update(Network& net, int64_t from, int64_t to) override;
  void set_params(const Params& params, const DeviceContext& ctx) override;
  std::map<std::string, double> get_status() const override;
  double amplitude = 0.0;
};

// Piecewise-constant current: amplitude_values[i] from the sample at amplitude_times[i] on.
class StepCurrentGenerator : public CurrentGenerator {
 public:
  std::string model_name() const override { return "step_current_generator"; }
  std::vector<double> get_list(const std::string& key) const override;
  void update(Network& net, int64_t from, int64_t to) override;
  void set_params(const Params& params, const DeviceContext& ctx) override;
  std::map<std::string, double> get_status() const override;

 private:
  std::vector<double> times_, values_;
  std::vector<int64_t> steps_;
  size_t next_ = 0;
  double amplitude_ = 0.0;
};

// Gaussian white noise held for dt: every target gets its own draw mean + sigma N(0,1), new
// at the first active step whose left edge is at least dt after the previous draw. With
// std_mod, sigma^2 = std^2 + std_mod^2 sin(omega t + phase) (frequency in Hz, phase in
// degrees; std_mod <= std): the sine is a rotation advanced once per active step from its
// value at the start of each simulate, as the reference computes it.
class NoiseGenerator : public CurrentGenerator {
 public:
  std::string model_name() const override { return "noise_generator"; }
  void update(Network& net, int64_t from, int64_t to) override;
  void prepare(Network& net) override;
  void set_params(const Params& params, const DeviceContext& ctx) override;
  std::map<std::string, double> get_status() const override;

 private:
  double mean_ = 0.0, std_ = 0.0, dt_ = 1.0;
  double std_mod_ = 0.0, frequency_ = 0.0, phase_ = 0.0;  // pA, Hz, degrees
  double y0_ = 1.0, y1_ = 0.0;                            // cos and sin of omega t + phase
  double rot_cos_ = 1.0, rot_sin_ = 0.0;                  // rotation by omega h
  int64_t dt_steps_ = 10, next_draw_ = 0;
  std::vector<double> amplitudes_;  // per outgoing connection
};

class ParrotNeuron : public Node {
 public:
  std::string model_name() const override { return "parrot_neuron"; }
  void update(Network& net, int64_t from, int64_t to) override;
  void receive_spike(int64_t step, double weight, int receptor, long multiplicity, NodeId sender,
                     int64_t stamp) override;
  void prepare(Network& net) override;
  std::string check_input(bool current, int receptor) const override;
  SpikeArchive* spike_archive() override { return &archive_; }

 private:
  RingBuffer counts_;
  // The latest step a spike arrives at: a slice past it has nothing to repeat, and is not
  // read step by step (a division per step, 3% of bench_seed_sweep).
  int64_t latest_arrival_ = INT64_MIN;
  SpikeArchive archive_;
};

// Samples recordables of the neurons connected to it (Connect(multimeter, neuron)) at the
// steps k with (k - offset) a multiple of interval and origin+start < k h <= origin+stop,
// after the full step (SEMANTICS.md 2, phase 11). The reference hands the samples of a
// min-delay slice over one slice late; Kernel::multimeter_events reproduces that.
class Multimeter : public Node {
 public:
  std::string model_name() const override { return voltmeter_ ? "voltmeter" : "multimeter"; }
  void update(Network&, int64_t, int64_t) override {}
  void set_params(const Params& params, const DeviceContext& ctx) override;
  std::map<std::string, double> get_status() const override;
  std::string check_input(bool, int) const override {
    return "a multimeter records by connect(multimeter, neuron), it takes no input";
  }
  void set_record_from(std::vector<std::string> names) { record_from = std::move(names); }
  static std::unique_ptr<Multimeter> voltmeter();
  bool samples_at(int64_t step) const;
  void bind(double resolution);  // computes the step counts

  double interval = 1.0, offset = 0.0;  // ms
  DeviceWindow window;
  std::vector<std::string> record_from;
  // All samples taken so far, in the order taken.
  RecordBuffer<double> times;
  RecordBuffer<NodeId> senders;
  std::vector<RecordBuffer<double>> values;  // per record_from entry

 private:
  bool voltmeter_ = false;
  int64_t interval_steps_ = 10, offset_steps_ = 0, first_ = 0, last_ = INT64_MAX;
};

// Records spikes stamped t with origin+start < t <= origin+stop.
class SpikeRecorder : public Node {
 public:
  std::string model_name() const override { return "spike_recorder"; }
  void update(Network&, int64_t, int64_t) override {}
  void receive_spike(int64_t step, double weight, int receptor, long multiplicity, NodeId sender,
                     int64_t stamp) override;
  void set_params(const Params& params, const DeviceContext& ctx) override;
  std::map<std::string, double> get_status() const override;
  std::string check_input(bool current, int receptor) const override;
  RecordBuffer<NodeId> senders;
  RecordBuffer<double> times;
  double resolution = 0.1;

 private:
  DeviceWindow window_;
  int64_t first_ = 0, last_ = INT64_MAX;
};

}  // namespace nestjit::runtime
