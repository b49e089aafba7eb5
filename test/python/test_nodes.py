"""Create, NodeCollection (indexing, slicing, iteration, get/set, attributes), GetStatus/SetStatus."""
import numpy as np
import pytest

import nestjit as nest


def test_create_returns_a_node_collection_of_n(leaky):
    pop = nest.Create(leaky, 5)
    assert isinstance(pop, nest.NodeCollection)
    assert len(pop) == 5
    assert pop.tolist() == [1, 2, 3, 4, 5]
    assert nest.Create("parrot_neuron").tolist() == [6]


def test_create_with_params_dict_per_node_list_and_list_of_dicts(leaky):
    a = nest.Create(leaky, 3, params={"tau": 20.0, "V_m": [-60.0, -61.0, -62.0]})
    assert a.get("tau") == (20.0, 20.0, 20.0)
    assert a.get("V_m") == (-60.0, -61.0, -62.0)
    b = nest.Create(leaky, 2, params=[{"tau": 1.0}, {"tau": 2.0}])
    assert b.tau == (1.0, 2.0)


def test_create_errors_name_the_problem(leaky):
    with pytest.raises(nest.NESTError, match="unknown model 'no_such_model'"):
        nest.Create("no_such_model")
    with pytest.raises(nest.NESTError, match="n must be at least 1"):
        nest.Create(leaky, 0)
    with pytest.raises(nest.NESTError, match="spatial networks"):
        nest.Create(leaky, 2, positions=object())
    # The kernel stays usable after a failing call.
    assert len(nest.Create(leaky, 2)) == 2


def test_indexing_slicing_iteration_and_membership(leaky):
    pop = nest.Create(leaky, 6)
    assert pop[0].tolist() == [1]
    assert pop[-1].tolist() == [6]
    assert pop[1:4].tolist() == [2, 3, 4]
    assert pop[::2].tolist() == [1, 3, 5]
    assert pop[[0, 5]].tolist() == [1, 6]
    assert [n.global_id for n in pop] == [1, 2, 3, 4, 5, 6]
    assert pop[2] in pop and pop[1:3] in pop
    assert (pop[:2] + pop[4:]).tolist() == [1, 2, 5, 6]
    with pytest.raises(IndexError, match="out of range"):
        pop[6]


def test_get_shapes_follow_pynest(leaky):
    pop = nest.Create(leaky, 2)
    one = pop[0].get()
    assert one["model"] == leaky and one["global_id"] == 1 and one["V_m"] == -70.0
    assert isinstance(one["global_id"], int)
    assert pop[0].get("tau") == 10.0
    assert pop.get("tau") == (10.0, 10.0)
    assert pop[0].get(["tau", "E_L"]) == {"tau": 10.0, "E_L": -70.0}
    assert pop.get("tau", "E_L") == {"tau": (10.0, 10.0), "E_L": (-70.0, -70.0)}
    with pytest.raises(nest.NESTError, match="has no property 'nope'"):
        pop.get("nope")


def test_attribute_get_and_set_with_numpy_arrays(leaky):
    pop = nest.Create(leaky, 4)
    pop.V_m = np.array([-60.0, -65.0, -66.0, -67.0])
    assert pop.V_m == (-60.0, -65.0, -66.0, -67.0)
    pop[1:3].tau = 3.0
    assert pop.tau == (10.0, 3.0, 3.0, 10.0)
    pop[::2].V_m = [-50.0, -51.0]  # scattered nodes take their own values
    assert pop.V_m == (-50.0, -65.0, -51.0, -67.0)
    with pytest.raises(nest.NESTError, match=r"one per node \(4\), not a list of 3"):
        pop.V_m = np.zeros(3)
    with pytest.raises(nest.NESTError, match="no settable property|cannot set|has no"):
        pop.nope = 1.0


def test_set_forms(leaky):
    pop = nest.Create(leaky, 2)
    pop.set(tau=4.0)
    pop.set({"E_L": -65.0})
    pop.set([{"V_m": -1.0}, {"V_m": -2.0}])
    assert pop.get(["tau", "E_L", "V_m"]) == {"tau": (4.0, 4.0), "E_L": (-65.0, -65.0),
                                               "V_m": (-1.0, -2.0)}
    with pytest.raises(nest.NESTError, match="2 nodes"):
        pop.set([{"V_m": 1.0}])


def test_getstatus_setstatus(leaky):
    pop = nest.Create(leaky, 2)
    nest.SetStatus(pop, {"tau": 7.0})
    nest.SetStatus(pop[0], "V_m", -42.0)
    statuses = nest.GetStatus(pop)
    assert isinstance(statuses, tuple) and len(statuses) == 2
    assert statuses[0]["V_m"] == -42.0 and statuses[1]["tau"] == 7.0
    assert nest.GetStatus(pop, "tau") == (7.0, 7.0)
    assert nest.GetStatus(pop, ["tau", "V_m"]) == ((7.0, -42.0), (7.0, -70.0))
    with pytest.raises(nest.NESTError, match="needs a NodeCollection"):
        nest.GetStatus([1, 2])


def test_recorder_events_are_numpy_arrays_with_pynest_dtypes():
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 2.0, 4.5]})
    parrots = nest.Create("parrot_neuron", 2)
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, parrots)
    nest.Connect(parrots, sr)
    assert sr.n_events == 0
    nest.Simulate(10.0)
    ev = sr.get("events")
    assert ev["times"].dtype == np.float64 and ev["senders"].dtype == np.int64
    assert ev["times"].tolist() == [2.0, 2.0, 3.0, 3.0, 5.5, 5.5]
    assert sorted(set(ev["senders"].tolist())) == [2, 3]
    assert sr.get("events", "times").tolist() == ev["times"].tolist()
    assert sr.n_events == 6 and isinstance(sr.n_events, int)
    assert sr.get()["events"]["senders"].tolist() == ev["senders"].tolist()
    sr.n_events = 0
    assert sr.n_events == 0 and len(sr.get("events")["times"]) == 0
    assert sg.spike_times == [1.0, 2.0, 4.5]


def test_misuse_is_a_located_error_and_the_kernel_stays_usable():
    sg = nest.Create("spike_generator")
    with pytest.raises(nest.NESTError, match="spike time 0.05 ms is not on the 0.1 ms grid"):
        sg.spike_times = [0.05]
    with pytest.raises(nest.NESTError, match="spike times must be sorted"):
        sg.set(spike_times=[2.0, 1.0])
    sg.spike_times = [1.0]
    p = nest.Create("parrot_neuron")
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, p)
    nest.Connect(p, sr)
    nest.Simulate(5.0)
    assert sr.get("events", "times").tolist() == [2.0]
