// A closed-loop host: every millisecond it reads an Izhikevich neuron's membrane potential and
// its recent spikes, and sets the neuron's input current by its own rule, a proportional-
// integral controller that holds the firing rate at a target. Uses only the installed
// public API (find_package(nestjit)).
//
//   embed_cpp --models DIR [--target HZ] [--seconds S]
// DIR holds izhikevich_neuron.nestml (the repository's examples/stdp_window). Prints a trace
// every 500 ms and, last, "final_rate_hz R" over the last two seconds.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nestjit/nestjit.h>
#include <string>

namespace {

struct Controller {
  double target_hz;
  double kp = 0.05;  // pA per Hz of error
  double ki = 0.4;   // pA per Hz of error per second
  double tau_s = 0.2;  // time constant of the rate estimate
  double rate_hz = 0;
  double integral = 0;
  double current = 0;

  // One control period of dt_s seconds in which `spikes` spikes arrived.
  double update(int spikes, double dt_s) {
    rate_hz += (double(spikes) / tau_s - rate_hz * dt_s / tau_s);
    const double error = target_hz - rate_hz;
    integral += ki * error * dt_s;
    current = integral + kp * error;
    if (current < 0) current = 0;
    return current;
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string models;
  double target = 20.0, seconds = 8.0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--models")) models = argv[i + 1];
    else if (!std::strcmp(argv[i], "--target")) target = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
  }
  if (models.empty()) {
    std::fprintf(stderr, "usage: embed_cpp --models DIR [--target HZ] [--seconds S]\n");
    return 2;
  }
  try {
    nestjit::Kernel kernel({.resolution_ms = 0.1});
    auto installed = kernel.install_file(models + "/izhikevich_neuron.nestml");
    if (!installed.ok) {
      std::fputs(installed.report().c_str(), stderr);
      return 1;
    }
    // Regular spiking (c = -65 mV, d = 8).
    auto neuron = kernel.create("izhikevich_neuron", 1, {{"c", -65.0}, {"d", 8.0}});
    auto recorder = kernel.create("spike_recorder");
    kernel.connect(neuron, recorder);

    Controller control{target};
    size_t seen = 0;
    double v_sum = 0;
    long samples = 0;
    const double period_ms = 1.0;
    kernel.set_step_callback([&](nestjit::Kernel& k) {
      const double v_m = k.get_status(neuron[0]).at("V_m");  // read the state
      v_sum += v_m;
      ++samples;
      const auto spikes = k.spike_events_view(recorder[0]);  // no copy
      const int fresh = int(spikes.times.size() - seen);
      seen = spikes.times.size();
      k.inject_current(neuron[0], control.update(fresh, period_ms / 1000.0));  // act
      const long t = std::lround(k.time());
      if (t % 500 == 0)
        std::printf("t_ms %ld rate_hz %.2f current_pA %.3f mean_V_m %.2f\n", t, control.rate_hz,
                    control.current, v_sum / double(samples));
    }, period_ms);
    kernel.simulate(seconds * 1000.0 - 2000.0);
    const size_t before = kernel.spike_events_view(recorder[0]).times.size();
    kernel.simulate(2000.0);
    const size_t after = kernel.spike_events_view(recorder[0]).times.size();
    std::printf("target_hz %.2f\nfinal_rate_hz %.2f\n", target, double(after - before) / 2.0);
    return 0;
  } catch (const nestjit::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
