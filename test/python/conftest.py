import pytest

import nestjit as nest


@pytest.fixture(autouse=True)
def fresh_kernel():
    nest.ResetKernel()
    nest.set_verbosity("M_WARNING")
    yield


LEAKY = """model leaky_neuron:
    parameters:
        tau ms = 10 ms
        E_L mV = -70 mV
        V_th mV = -55 mV
        I_e pA = 0 pA
    state:
        V_m mV = E_L
    equations:
        V_m' = -(V_m - E_L) / tau + I_e / (250 pF)
    input:
        spikes <- spike
    output:
        spike
    update:
        integrate_odes()
        V_m += spikes * mV * s
    onCondition(V_m >= V_th):
        V_m = E_L
        emit_spike()
"""


@pytest.fixture
def leaky():
    nest.install(LEAKY, name="leaky.nestml")
    return "leaky_neuron"
