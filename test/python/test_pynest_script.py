"""A small network written only with PyNEST calls (the way a PyNEST user writes it): a
dc-driven population of NESTML neurons, a spike recorder and a multimeter."""
import numpy as np

import nestjit as nest

from conftest import LEAKY


def test_small_network_with_a_multimeter():
    nest.install(LEAKY, name="leaky.nestml")
    nest.ResetKernel()
    nest.resolution = 0.1
    pop = nest.Create("leaky_neuron", 3, params={"I_e": [0.0, 500.0, 1000.0]})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, pop)
    nest.Connect(pop, sr)
    nest.Simulate(100.0)

    ev = mm.get("events")
    assert ev["V_m"].dtype == np.float64 and ev["senders"].dtype == np.int64
    for sender, current in zip(pop.tolist(), (0.0, 500.0, 1000.0)):
        v = ev["V_m"][ev["senders"] == sender]
        t = ev["times"][ev["senders"] == sender]
        assert np.all(np.diff(t) == 1.0) and t[0] == 1.0
        if current == 0.0:
            assert np.all(v == -70.0)  # at rest
        else:
            # Below threshold it follows the exact solution of tau V' = -(V - E_L) + I tau / C.
            expected = -70.0 + current * 10.0 / 250.0 * (1.0 - np.exp(-t / 10.0))
            # Up to the first threshold crossing (then it resets to E_L).
            first_crossing = int(np.argmax(expected >= -55.0)) if np.any(expected >= -55.0) else len(t)
            assert first_crossing > 3
            assert np.allclose(v[:first_crossing], expected[:first_crossing], atol=1e-6)
            assert v[first_crossing] < expected[first_crossing]  # it fired and was reset
    spikes = sr.get("events")
    counts = {s: int(np.sum(spikes["senders"] == s)) for s in pop.tolist()}
    # I = 500 pA settles at -50 mV > V_th: it fires; I = 0 never does; I = 1000 fires more.
    assert counts[1] == 0 and counts[3] > 0
    assert mm.n_events == len(ev["times"])
    assert nest.GetKernelStatus("biological_time") == 100.0
