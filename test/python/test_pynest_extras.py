"""The smaller parts of PyNEST's surface: node parameters drawn from nest.random, attribute
access on SynapseCollection, kernel attributes, NESTErrors, and the package as
`cmake --install` puts it (component python: the package alone)."""
import glob
import os
import subprocess
import sys

import numpy as np
import pytest

import nestjit as nest


def test_node_parameters_from_distributions(leaky):
    pop = nest.Create(leaky, 2000, params={"V_m": nest.random.uniform(min=-70.0, max=-55.0)})
    v = np.array(pop.V_m)
    assert v.min() >= -70.0 and v.max() < -55.0
    assert abs(v.mean() + 62.5) < 4 * (15.0 / np.sqrt(12.0)) / np.sqrt(len(v))
    pop.tau = nest.random.normal(mean=10.0, std=1.0)
    tau = np.array(pop.tau)
    assert abs(tau.mean() - 10.0) < 4 / np.sqrt(len(tau)) and abs(tau.std() - 1.0) < 0.1
    pop[::2].set(E_L=nest.math.redraw(nest.random.normal(mean=-70.0, std=5.0), min=-72.0, max=-68.0))
    e_l = np.array(pop.E_L)
    assert e_l[::2].min() >= -72.0 and e_l[::2].max() <= -68.0 and len(set(e_l[::2])) == 1000
    assert set(e_l[1::2]) == {-70.0}
    assert 0.0 <= nest.random.exponential(beta=2.0).GetValue()
    ints = np.array(nest.Create(leaky, 50, params={"I_e": nest.random.uniform_int(4)}).I_e)
    assert set(ints) <= {0.0, 1.0, 2.0, 3.0} and len(set(ints)) > 1
    with pytest.raises(nest.NESTError, match=r"property 'tau': nestjit.random.normal\(mean=1, "
                                             r"std=0\): std must be positive"):
        pop.tau = nest.random.normal(mean=1, std=0)


def test_node_parameter_draws_follow_rng_seed(leaky):
    def draw(seed):
        nest.ResetKernel()
        nest.rng_seed = seed
        first = nest.Create(leaky, 5, params={"V_m": nest.random.normal(mean=-65.0, std=3.0)})
        second = nest.Create(leaky, 5, params={"V_m": nest.random.normal(mean=-65.0, std=3.0)})
        return first.V_m, second.V_m

    a, b = draw(5)
    assert a != b  # each draw continues the stream
    assert draw(5) == (a, b)
    assert draw(6) != (a, b)


def test_synapse_collection_attributes():
    a = nest.Create("parrot_neuron", 3)
    nest.Connect(a, a, "one_to_one", {"weight": 2.0, "delay": 1.5})
    conns = nest.GetConnections(a, a)
    assert conns.weight == [2.0, 2.0, 2.0] and conns.delay == [1.5, 1.5, 1.5]
    assert conns.source == [1, 2, 3] and conns.target == [1, 2, 3]
    conns.weight = np.array([1.0, 2.0, 3.0])
    conns[0].delay = 4.0
    assert conns.weight == [1.0, 2.0, 3.0] and conns.delay == [4.0, 1.5, 1.5]
    assert conns[2].weight == 3.0 and conns[1:].get("weight") == [2.0, 3.0]
    with pytest.raises(nest.NESTError, match="a static_synapse connection has no property 'w'"):
        conns.w
    with pytest.raises(nest.NESTError, match="read-only"):
        conns.target = 2


def test_kernel_counters_as_attributes():
    assert nest.network_size == 0 and nest.num_connections == 0
    a = nest.Create("parrot_neuron", 4)
    nest.Connect(a, a, {"rule": "fixed_indegree", "indegree": 2})
    assert nest.network_size == 4 and nest.num_connections == 8
    assert isinstance(nest.num_connections, int) and nest.min_delay > 0
    assert nest.GetKernelStatus("num_connections") == 8
    assert "static_synapse" in nest.synapse_models and "parrot_neuron" in nest.node_models
    with pytest.raises(nest.NESTError, match="read-only"):
        nest.num_connections = 3
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        nest.no_such_thing


def test_nest_errors_namespace_catches_kernel_errors():
    with pytest.raises(nest.NESTErrors.UnknownModelName, match="unknown model 'ghost'"):
        nest.Create("ghost")
    with pytest.raises(nest.NESTErrors.NotImplemented, match="not available"):
        nest.Create("parrot_neuron", 2, positions=object())
    assert issubclass(nest.NotAvailable, nest.NESTError)


@pytest.mark.skipif(not os.environ.get("NESTJIT_BUILD_DIR"), reason="needs NESTJIT_BUILD_DIR (CTest sets it)")
def test_cmake_install_puts_an_importable_package_into_dist_packages(tmp_path):
    subprocess.run([os.environ.get("NESTJIT_CMAKE", "cmake"), "--install",
                    os.environ["NESTJIT_BUILD_DIR"], "--prefix", str(tmp_path), "--component", "python"],
                   check=True, capture_output=True)
    (site,) = glob.glob(str(tmp_path / "lib" / "python3*" / "dist-packages"))
    script = ("import nestjit as nest, sys; assert nest.__file__.startswith(sys.argv[1]), nest.__file__; "
              "a = nest.Create('parrot_neuron', 2); nest.Connect(a, a, 'one_to_one'); "
              "nest.Simulate(1.0); print(nest.num_connections, nest.biological_time)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = site
    out = subprocess.run([sys.executable, "-c", script, site], env=env, check=True,
                         capture_output=True, text=True, cwd=str(tmp_path)).stdout
    assert out.split() == ["2", "1.0"]


def test_pynest_names_nestjit_lacks_raise_not_available():
    a = nest.Create("parrot_neuron", 2)
    with pytest.raises(nest.NotAvailable, match="nest.Disconnect is not available in nestjit"):
        nest.Disconnect(a, a)
    with pytest.raises(nest.NotAvailable, match="nest.raster_plot.from_device is not available"):
        nest.raster_plot.from_device(a)
    with pytest.raises(nest.NotAvailable, match="nest.CollocatedSynapses is not available"):
        nest.CollocatedSynapses({"weight": 1.0})


def test_file_options_kernel_status_attribute_and_record_to():
    assert nest.overwrite_files is False and nest.data_path == ""
    nest.overwrite_files = True
    nest.data_path = "/tmp/out"
    assert nest.GetKernelStatus("overwrite_files") is True and nest.data_path == "/tmp/out"
    status = nest.kernel_status
    assert status["resolution"] == 0.1 and status["overwrite_files"] is True
    assert "kernel_status" in dir(nest) and "resolution" in dir(nest)
    with pytest.raises(nest.NESTError, match="'overwrite_files' must be a bool"):
        nest.overwrite_files = "yes"
    with pytest.raises(nest.NESTError, match="read-only"):
        nest.kernel_status = {}
    nest.ResetKernel()
    assert nest.overwrite_files is False and nest.data_path == ""
    sr = nest.Create("spike_recorder", params={"record_to": "memory"})
    assert sr.record_to == "memory"
    with pytest.raises(nest.NotAvailable, match="record_to 'ascii' is not available in nestjit"):
        sr.record_to = "ascii"


COUNTING_SYNAPSE = """model counting_synapse:
    state:
        w real = 1
    input:
        pre_spikes <- spike
    output:
        spike
    onReceive(pre_spikes):
        w += 1
        emit_spike(w)
"""


def test_weight_recorder_as_pynest_uses_it():
    # PyNEST's idiom: a weight_recorder named by its NodeCollection in CopyModel; the events
    # come back as numpy arrays. Worked out by hand: the synapse sends 2, 3, ... with its
    # successive presynaptic spikes; gen 1 spikes at 2 and 5 ms, gen 2 at 3.5 ms.
    nest.install(COUNTING_SYNAPSE, name="counting.nestml")
    gens = nest.Create("spike_generator", 2)
    gens[0].spike_times = [2.0, 5.0]
    gens[1].spike_times = [3.5]
    parrots = nest.Create("parrot_neuron", 2)
    wr = nest.Create("weight_recorder")
    nest.CopyModel("counting_synapse", "counting_rec", {"weight_recorder": wr})
    nest.Connect(gens, parrots, "all_to_all", {"synapse_model": "counting_rec", "receptor_type": 1})
    nest.Simulate(10.0)
    ev = wr.get("events")
    g0, g1 = gens.tolist()
    p0, p1 = parrots.tolist()
    assert ev["senders"].tolist() == [g0, g0, g1, g1, g0, g0]
    assert ev["targets"].tolist() == [p0, p1, p0, p1, p0, p1]
    assert ev["times"].tolist() == [2.0, 2.0, 3.5, 3.5, 5.0, 5.0]
    assert ev["weights"].tolist() == [2, 2, 2, 2, 3, 3]
    assert ev["senders"].dtype == np.int64 and ev["weights"].dtype == np.float64
    assert wr.n_events == 6
    with pytest.raises(nest.NESTError, match="names one node, not 2"):
        nest.SetDefaults("counting_synapse", {"weight_recorder": parrots})


MODULATED_SYNAPSE = """model modulated_synapse:
    state:
        w real = 1
        n real = 0
    input:
        pre_spikes <- spike
        mod_spikes <- spike
    output:
        spike
    onReceive(mod_spikes):
        n += 1
    onReceive(pre_spikes):
        w = 1 + n
        emit_spike(w)
"""


def test_volume_transmitter_named_by_its_node_collection():
    # PyNEST's {"volume_transmitter": vt} in syn_spec: the synapse's second spike port hears the
    # transmitter's two spikes (5 and 6 ms) before the presynaptic spike at 30 ms, so w = 1 + 2.
    nest.install(MODULATED_SYNAPSE, name="modulated.nestml")
    sg = nest.Create("spike_generator", params={"spike_times": [2.0, 30.0]})
    mod = nest.Create("spike_generator", params={"spike_times": [5.0, 6.0]})
    pre, post = nest.Create("parrot_neuron", 2)
    vt = nest.Create("volume_transmitter")
    nest.Connect(sg, pre)
    nest.Connect(mod, vt)
    nest.Connect(pre, post, "all_to_all",
                 {"synapse_model": "modulated_synapse", "volume_transmitter": vt, "receptor_type": 1})
    nest.Simulate(50.0)
    conn = nest.GetConnections(pre, post)
    assert conn.get("n") == 2.0
    assert conn.get("w") == 3.0
    with pytest.raises(nest.NESTError, match="names one node, not 2"):
        nest.Connect(pre, post, "all_to_all",
                     {"synapse_model": "modulated_synapse", "volume_transmitter": nest.Create("volume_transmitter", 2)})
