"""Simulate, Run/Prepare/Cleanup, ResetKernel, kernel status and attributes, defaults, CopyModel,
Models, verbosity."""
import warnings

import pytest

import nestjit as nest


def test_kernel_attributes_and_status():
    assert nest.resolution == 0.1
    assert nest.rng_seed == 143202461 and isinstance(nest.rng_seed, int)
    assert nest.biological_time == 0.0
    nest.resolution = 0.25
    nest.rng_seed = 7
    status = nest.GetKernelStatus()
    assert status["resolution"] == 0.25 and status["rng_seed"] == 7
    assert nest.GetKernelStatus("resolution") == 0.25
    assert nest.GetKernelStatus(["rng_seed", "biological_time"]) == [7, 0.0]
    nest.SetKernelStatus({"resolution": 0.5})
    assert nest.resolution == 0.5
    nest.ResetKernel()
    assert nest.resolution == 0.1 and nest.rng_seed == 143202461


def test_kernel_status_errors():
    with pytest.raises(nest.NESTError, match="unknown kernel property 'wibble'"):
        nest.SetKernelStatus({"wibble": 1})
    with pytest.raises(nest.NESTError, match="read-only"):
        nest.biological_time = 3.0
    nest.Create("parrot_neuron")
    with pytest.raises(nest.NESTError, match="before any node is created"):
        nest.resolution = 0.5
    with pytest.raises(nest.NESTError, match="unknown kernel property 'nope'"):
        nest.GetKernelStatus("nope")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nest.SetKernelStatus({"local_num_threads": 4})
    assert any("one thread" in str(w.message) for w in caught)
    assert nest.local_num_threads == 1


def test_simulate_advances_time_and_run_needs_prepare():
    nest.Simulate(5.0)
    assert nest.biological_time == 5.0
    with pytest.raises(nest.NESTError, match="call Prepare"):
        nest.Run(1.0)
    nest.Prepare()
    with pytest.raises(nest.NESTError, match="between Prepare"):
        nest.Simulate(1.0)
    nest.Run(2.0)
    nest.Run(3.0)
    nest.Cleanup()
    assert nest.biological_time == 10.0
    with nest.RunManager():
        nest.Run(1.0)
    assert nest.biological_time == 11.0
    with pytest.raises(nest.NESTError, match="must not be negative"):
        nest.Simulate(-1.0)


def test_reset_kernel_drops_nodes_and_time_keeps_models(leaky):
    nest.Create(leaky, 3)
    nest.Simulate(2.0)
    nest.ResetKernel()
    assert nest.network_size == 0 and nest.biological_time == 0.0
    assert nest.Create(leaky).tolist() == [1]


def test_getdefaults_setdefaults(leaky):
    d = nest.GetDefaults(leaky)
    assert d["tau"] == 10.0 and d["model"] == leaky and d["element_type"] == "neuron"
    assert "V_m" in d["recordables"]
    assert nest.GetDefaults(leaky, "tau") == 10.0
    assert nest.GetDefaults(leaky, ["tau", "E_L"]) == (10.0, -70.0)
    nest.SetDefaults(leaky, {"tau": 30.0})
    nest.SetDefaults(leaky, "E_L", -60.0)
    n = nest.Create(leaky)
    assert n.tau == 30.0 and n.E_L == -60.0
    assert nest.GetDefaults("static_synapse")["weight"] == 1.0
    assert nest.GetDefaults("spike_recorder")["element_type"] == "recorder"
    with pytest.raises(nest.NESTError, match="has no property 'nope'"):
        nest.SetDefaults(leaky, {"nope": 1.0})
    with pytest.raises(nest.NESTError, match="unknown model 'ghost'"):
        nest.GetDefaults("ghost")


def test_copymodel_for_neurons_and_synapses(leaky):
    nest.CopyModel(leaky, "fast_neuron", {"tau": 2.0})
    nest.CopyModel("static_synapse", "strong_synapse", {"weight": 5.0})
    fast = nest.Create("fast_neuron", 2)
    assert fast.tau == (2.0, 2.0) and fast[0].get("model") == "fast_neuron"
    nest.Connect(fast[0], fast[1], syn_spec="strong_synapse")
    conns = nest.GetConnections(synapse_model="strong_synapse")
    assert len(conns) == 1 and conns.get("weight") == 5.0
    assert conns.get("synapse_model") == "strong_synapse"
    assert "fast_neuron" in nest.Models("nodes") and "strong_synapse" in nest.Models("synapses")
    with pytest.raises(nest.NESTError, match="exists already"):
        nest.CopyModel(leaky, "fast_neuron")
    nest.ResetKernel()
    with pytest.raises(nest.NESTError, match="unknown model 'fast_neuron'"):
        nest.Create("fast_neuron")


def test_verbosity_levels():
    nest.set_verbosity("M_ERROR")
    assert nest.get_verbosity() == 30
    nest.set_verbosity(0)
    assert nest.get_verbosity() == 0
    with pytest.raises(nest.NESTError, match="unknown level 'LOUD'"):
        nest.set_verbosity("LOUD")


def test_print_time_reports_on_stderr(capsys):
    nest.print_time = True
    assert nest.print_time is True
    nest.Simulate(3.0)
    assert "simulated to 3 ms" in capsys.readouterr().err
