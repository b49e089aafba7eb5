// Small NESTML models the embedding tests share (their own text, not from ../shared).
#pragma once

namespace embed_test {

// A leaky integrator with a continuous input, spikes as mV kicks, and an optional noise
// term drawn from the kernel's random stream (noise_mV = 0: none).
inline const char* kNoisyLeaky = R"(model noisy_leaky_neuron:
    parameters:
        tau ms = 10 ms
        E_L mV = -70 mV
        V_th mV = -55 mV
        noise_mV real = 0
    state:
        V_m mV = E_L
    equations:
        V_m' = -(V_m - E_L) / tau + I_in / (250 pF)
    input:
        spikes <- spike
        I_in pA <- continuous
    output:
        spike
    update:
        integrate_odes()
        V_m += spikes * mV * s
        V_m += noise_mV * random_normal(0, 1) * mV
    onCondition(V_m >= V_th):
        V_m = E_L
        emit_spike()
)";

// A plastic synapse that counts the spikes it transmits (n) and grows its weight by 0.01 each.
inline const char* kCountingSynapse = R"(model counting_synapse:
    state:
        w real = 1
        n real = 0
    input:
        pre_spikes <- spike
    output:
        spike
    onReceive(pre_spikes):
        n += 1
        w += 0.01
        emit_spike(w, 1 ms)
)";

}  // namespace embed_test
