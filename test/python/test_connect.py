"""Connect (rule strings and dicts, syn_spec forms, weights/delays as numbers and arrays),
GetConnections and SynapseCollection get/set."""
import numpy as np
import pytest

import nestjit as nest


def test_connect_rules_as_strings_and_dicts():
    a = nest.Create("parrot_neuron", 3)
    b = nest.Create("parrot_neuron", 3)
    nest.Connect(a, b)  # all_to_all by default
    assert len(nest.GetConnections(a, b)) == 9
    nest.ResetKernel()
    a = nest.Create("parrot_neuron", 3)
    b = nest.Create("parrot_neuron", 3)
    nest.Connect(a, b, "one_to_one")
    nest.Connect(a, b, {"rule": "one_to_one"})
    conns = nest.GetConnections(source=a)
    assert len(conns) == 6
    # Ordered by source, each source's connections in the order made (as NEST lists them).
    assert conns.get("source") == [1, 1, 2, 2, 3, 3]
    assert conns.get("target") == [4, 4, 5, 5, 6, 6]


def test_unknown_and_missing_rules_raise_naming_the_rule():
    a = nest.Create("parrot_neuron", 2)
    with pytest.raises(nest.NESTError, match="unknown connection rule 'sideways'"):
        nest.Connect(a, a, "sideways")
    with pytest.raises(nest.NotAvailable, match="'pairwise_poisson' is not available"):
        nest.Connect(a, a, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 1})
    with pytest.raises(nest.NESTError, match=r"one_to_one: needs equally many sources and targets \(2 and 1\)"):
        nest.Connect(a, a[0], "one_to_one")
    with pytest.raises(nest.NESTError, match="takes no 'indegree'"):
        nest.Connect(a, a, {"rule": "all_to_all", "indegree": 1})


def test_syn_spec_forms_and_values():
    a = nest.Create("parrot_neuron", 2)
    b = nest.Create("parrot_neuron", 3)
    nest.Connect(a, b, syn_spec={"weight": 2.5, "delay": 3.0})
    c = nest.GetConnections(a, b)
    assert c.get("weight") == [2.5] * 6 and c.get("delay") == [3.0] * 6
    nest.ResetKernel()
    a = nest.Create("parrot_neuron", 2)
    b = nest.Create("parrot_neuron", 3)
    w = np.arange(6, dtype=float).reshape(3, 2)  # all_to_all: len(post) x len(pre)
    nest.Connect(a, b, syn_spec={"synapse_model": "static_synapse", "weight": w})
    c = nest.GetConnections(a, b)
    got = {(s, t): x for s, t, x in zip(c.get("source"), c.get("target"), c.get("weight"))}
    assert got[(1, 3)] == 0.0 and got[(2, 3)] == 1.0 and got[(1, 5)] == 4.0 and got[(2, 5)] == 5.0
    nest.Connect(a, b[:2], "one_to_one", syn_spec={"delay": np.array([1.5, 2.5])})
    d = nest.GetConnections(a, b[:2]).get("delay")  # by source: 1 -> 3, 4, 3; 2 -> 3, 4, 4
    assert d == [1.0, 1.0, 1.5, 1.0, 1.0, 2.5]
    with pytest.raises(nest.NESTError, match=r"'weight' needs an array of shape 3x2"):
        nest.Connect(a, b, syn_spec={"weight": np.ones((2, 3))})
    with pytest.raises(nest.NESTError, match="'nope' is not an installed synapse model"):
        nest.Connect(a, b, syn_spec="nope")


def test_synapse_collection_get_set_and_slicing():
    a = nest.Create("parrot_neuron", 2)
    b = nest.Create("parrot_neuron", 2)
    nest.Connect(a, b, "one_to_one", {"weight": 1.0})
    conns = nest.GetConnections(a)
    assert len(conns) == 2 and len(conns[1:]) == 1
    one = conns[0].get()
    assert one["source"] == 1 and one["target"] == 3 and one["synapse_model"] == "static_synapse"
    assert isinstance(one["source"], int)
    conns.set(weight=[4.0, 5.0])
    assert conns.get("weight") == [4.0, 5.0]
    conns[1].set({"weight": 9.0})
    assert conns.get(["weight"]) == {"weight": [4.0, 9.0]}
    assert [c.get("target") for c in conns] == [3, 4]
    assert nest.GetStatus(conns, "weight") == (4.0, 9.0)
    with pytest.raises(nest.NESTError, match="read-only"):
        conns.set(source=3)
    with pytest.raises(nest.NESTError, match="cannot be set"):
        conns.set(foo=3.0)
    assert len(nest.GetConnections(target=b[1])) == 1
    assert len(nest.GetConnections(a[[0]], b[::1])) == 1
