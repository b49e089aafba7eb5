/* The seed experiment's single STDP pairing, from C through the installed nestjit C API:
 * a presynaptic spike at 300 ms (through a parrot neuron) and a postsynaptic spike forced by a
 * kick at t_post, onto an Izhikevich neuron through an STDP synapse (delay 15 ms); prints the
 * weight before and after 1000 ms.
 *
 *   cc stdp_pairing.c $(pkg-config --cflags --libs nestjit) -o stdp_pairing
 *   ./stdp_pairing MODEL_DIR [T_POST_MS]
 * MODEL_DIR holds izhikevich_neuron.nestml and stdp_synapse.nestml (examples/stdp_window). */
#include <nestjit/c/nestjit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static nj_kernel* kernel;

/* Prints the message of a failed call and exits. */
static void check(nj_status status, const char* what) {
  if (status == NJ_OK) return;
  fprintf(stderr, "%s failed (status %d): %s\n", what, (int)status, nj_last_error(kernel));
  exit(1);
}

static void print_diagnostic(void* user_data, const nj_diagnostic* d) {
  (void)user_data;
  fputs(d->rendered, stderr);
}

int main(int argc, char** argv) {
  char path[4096], error[512];
  const double sim_time = 1000.0, t_pre = 300.0, delay = 15.0;
  const double t_post = argc > 2 ? atof(argv[2]) : 321.0;
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODEL_DIR [T_POST_MS]\n", argv[0]);
    return 2;
  }
  if (nj_kernel_new(0.1, &kernel, error, sizeof error) != NJ_OK) {
    fprintf(stderr, "nj_kernel_new: %s\n", error);
    return 1;
  }
  nj_set_diagnostic_callback(kernel, print_diagnostic, NULL);

  snprintf(path, sizeof path, "%s/izhikevich_neuron.nestml", argv[1]);
  check(nj_install_file(kernel, path, NULL), "installing the neuron");
  const char* post_ports[] = {"post_spikes"};
  nj_install_options syn_options;
  nj_install_options_init(&syn_options);
  syn_options.post_ports = post_ports;
  syn_options.post_port_count = 1;
  syn_options.weight_variable = "w";
  syn_options.delay_variable = "d";
  snprintf(path, sizeof path, "%s/stdp_synapse.nestml", argv[1]);
  check(nj_install_file(kernel, path, &syn_options), "installing the synapse");

  uint64_t sg_pre, sg_post, pre, post;
  check(nj_create(kernel, "spike_generator", 1, &sg_pre), "create");
  check(nj_create(kernel, "spike_generator", 1, &sg_post), "create");
  check(nj_create(kernel, "parrot_neuron", 1, &pre), "create");
  check(nj_create(kernel, "izhikevich_neuron", 1, &post), "create");
  const double pre_times[] = {t_pre, sim_time - 2.0};
  check(nj_set_doubles(kernel, sg_pre, "spike_times", pre_times, 2), "spike_times");
  check(nj_set_doubles(kernel, sg_post, "spike_times", &t_post, 1), "spike_times");

  nj_syn_spec kick, stdp;
  nj_syn_spec_init(&kick);
  kick.has_weight = 1;
  kick.weight = 9999.0;
  nj_syn_spec_init(&stdp);
  stdp.synapse_model = "stdp_synapse";
  stdp.has_delay = 1;
  stdp.delay = delay;
  check(nj_connect(kernel, sg_pre, 1, pre, 1, NJ_ALL_TO_ALL, NULL), "connect");
  check(nj_connect(kernel, sg_post, 1, post, 1, NJ_ALL_TO_ALL, &kick), "connect");
  check(nj_connect(kernel, pre, 1, post, 1, NJ_ALL_TO_ALL, &stdp), "connect");

  nj_connections* synapse;
  double w_before, w_after;
  size_t n;
  check(nj_get_connections(kernel, pre, 1, 0, 0, "stdp_synapse", &synapse), "get_connections");
  check(nj_connections_get(synapse, "w", &w_before, 1, &n), "reading w");
  check(nj_simulate(kernel, sim_time), "simulate");
  check(nj_connections_get(synapse, "w", &w_after, 1, &n), "reading w");
  printf("t_post_ms %.17g\nw_before %.17g\nw_after %.17g\ndw %.17g\n", t_post, w_before, w_after,
         w_after - w_before);
  nj_connections_free(synapse);
  nj_kernel_free(kernel);
  return 0;
}
