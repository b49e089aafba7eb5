"""Connect's random rules, allow_autapses/allow_multapses, arrays in PyNEST's shapes, weights and
delays from nest.random distributions, and the errors, through the Python package."""
import collections
import math

import numpy as np
import pytest

import nestjit as nest
from conftest import LEAKY


def pairs(conns):
    return list(zip(conns.get("source"), conns.get("target")))


def test_fixed_indegree_gives_every_target_exactly_its_indegree():
    a = nest.Create("parrot_neuron", 50)
    b = nest.Create("parrot_neuron", 20)
    nest.Connect(a, b, {"rule": "fixed_indegree", "indegree": 8})
    conns = nest.GetConnections(a, b)
    assert len(conns) == 160
    indegree = collections.Counter(conns.get("target"))
    assert set(indegree) == set(b.tolist()) and set(indegree.values()) == {8}
    assert set(conns.get("source")) <= set(a.tolist())


def test_fixed_indegree_without_autapses_and_multapses():
    a = nest.Create("parrot_neuron", 10)
    nest.Connect(a, a, {"rule": "fixed_indegree", "indegree": 9, "allow_autapses": False,
                        "allow_multapses": False})
    ps = pairs(nest.GetConnections(a, a))
    # 9 distinct others each: every pair but the node itself.
    assert len(ps) == 90 and len(set(ps)) == 90 and all(s != t for s, t in ps)
    with pytest.raises(nest.NESTError, match="fixed_indegree: indegree = 10 is more than the 9 "
                                             "distinct sources available without multapses"):
        nest.Connect(a, a, {"rule": "fixed_indegree", "indegree": 10, "allow_autapses": False,
                            "allow_multapses": False})
    assert len(nest.GetConnections(a, a)) == 90  # the failed call made nothing


def test_fixed_outdegree_gives_every_source_exactly_its_outdegree():
    a = nest.Create("parrot_neuron", 12)
    b = nest.Create("parrot_neuron", 30)
    nest.Connect(a, b, {"rule": "fixed_outdegree", "outdegree": 5, "allow_multapses": False})
    conns = nest.GetConnections(a, b)
    outdegree = collections.Counter(conns.get("source"))
    assert set(outdegree) == set(a.tolist()) and set(outdegree.values()) == {5}
    assert len(set(pairs(conns))) == 60


def test_fixed_total_number_makes_exactly_n():
    a = nest.Create("parrot_neuron", 10)
    b = nest.Create("parrot_neuron", 10)
    nest.Connect(a, b, {"rule": "fixed_total_number", "N": 77, "allow_multapses": False})
    ps = pairs(nest.GetConnections(a, b))
    assert len(ps) == 77 and len(set(ps)) == 77
    with pytest.raises(nest.NESTError, match="N = 101 is more than the 100 distinct pairs"):
        nest.Connect(a, b, {"rule": "fixed_total_number", "N": 101, "allow_multapses": False})


def test_pairwise_bernoulli_count_within_four_sd():
    a = nest.Create("parrot_neuron", 100)
    nest.Connect(a, a, {"rule": "pairwise_bernoulli", "p": 0.2, "allow_autapses": False})
    ps = pairs(nest.GetConnections(a, a))
    n_pairs, p = 100 * 99, 0.2
    assert abs(len(ps) - n_pairs * p) < 4 * math.sqrt(n_pairs * p * (1 - p))
    assert all(s != t for s, t in ps) and len(set(ps)) == len(ps)
    nest.ResetKernel()
    a = nest.Create("parrot_neuron", 5)
    nest.Connect(a, a, {"rule": "pairwise_bernoulli", "p": 1.0})
    assert len(nest.GetConnections(a, a)) == 25
    nest.Connect(a, a, {"rule": "pairwise_bernoulli", "p": 0.0})
    assert len(nest.GetConnections(a, a)) == 25


def test_autapse_flags_of_the_deterministic_rules():
    a = nest.Create("parrot_neuron", 4)
    nest.Connect(a, a, {"rule": "all_to_all", "allow_autapses": False})
    ps = pairs(nest.GetConnections(a, a))
    assert len(ps) == 12 and all(s != t for s, t in ps)
    nest.Connect(a, a, {"rule": "one_to_one", "allow_autapses": False})
    assert len(nest.GetConnections(a, a)) == 12  # only self-pairs: none made
    nest.Connect(a, a, {"rule": "all_to_all", "allow_multapses": False})  # accepted, as upstream
    assert len(nest.GetConnections(a, a)) == 28


def test_rules_over_scattered_node_ids():
    a = nest.Create("parrot_neuron", 20)
    nest.Connect(a[:10], a[10::2], {"rule": "fixed_indegree", "indegree": 3})
    indegree = collections.Counter(nest.GetConnections(a, a).get("target"))
    assert indegree == {t: 3 for t in a[10::2].tolist()}
    before = len(nest.GetConnections(a[::3], a[::2]))
    nest.Connect(a[::3], a[::2], {"rule": "pairwise_bernoulli", "p": 1.0})
    assert len(nest.GetConnections(a[::3], a[::2])) == before + 7 * 10
    with pytest.raises(nest.NotAvailable, match="fixed_indegree needs consecutive node ids as its "
                                                "sources"):
        nest.Connect(a[::2], a[:3], {"rule": "fixed_indegree", "indegree": 1})
    with pytest.raises(nest.NotAvailable, match="fixed_total_number needs consecutive node ids"):
        nest.Connect(a[::2], a, {"rule": "fixed_total_number", "N": 1})
    # Node ids as a list (one_to_one may repeat them, as PyNEST's connect_arrays).
    before = len(nest.GetConnections())
    nest.Connect([1, 1, 2], [3, 4, 3], "one_to_one", {"weight": [0.5, 0.25, 0.125]})
    got = {(s, t): w for s, t, w in zip(*(nest.GetConnections(a[:2], a[2:4]).get(k)
                                           for k in ("source", "target", "weight")))
           if w in (0.5, 0.25, 0.125)}
    assert got == {(1, 3): 0.5, (1, 4): 0.25, (2, 3): 0.125}
    assert len(nest.GetConnections()) == before + 3


def grouped(conns, by, key):
    """{source or target: sorted values of `key` of its connections}."""
    out = collections.defaultdict(list)
    for node, x in zip(conns.get(by), conns.get(key)):
        out[node].append(x)
    return {node: sorted(v) for node, v in out.items()}


def test_arrays_follow_pynest_shapes_for_each_rule():
    a = nest.Create("parrot_neuron", 6)
    b = nest.Create("parrot_neuron", 4)
    # fixed_indegree: len(post) x indegree; row i holds target i's weights.
    w = np.array([[100.0 * i + j for j in range(3)] for i in range(4)])
    nest.Connect(a, b, {"rule": "fixed_indegree", "indegree": 3}, {"weight": w})
    assert grouped(nest.GetConnections(a, b), "target", "weight") == \
        {b[i].global_id: list(w[i]) for i in range(4)}
    nest.ResetKernel()
    a = nest.Create("parrot_neuron", 6)
    b = nest.Create("parrot_neuron", 4)
    # fixed_outdegree: len(pre) x outdegree; delays too (on the 0.1 ms grid).
    d = np.array([[1.0 + i + 0.1 * j for j in range(2)] for i in range(6)])
    nest.Connect(a, b, {"rule": "fixed_outdegree", "outdegree": 2}, {"delay": d})
    assert grouped(nest.GetConnections(a, b), "source", "delay") == \
        {a[i].global_id: pytest.approx(list(d[i])) for i in range(6)}
    nest.ResetKernel()
    a = nest.Create("parrot_neuron", 6)
    # fixed_total_number: a 1-d array of N.
    nest.Connect(a, a, {"rule": "fixed_total_number", "N": 5}, {"weight": [1.0, 2.0, 3.0, 4.0, 5.0]})
    assert sorted(nest.GetConnections(a, a).get("weight")) == [1.0, 2.0, 3.0, 4.0, 5.0]
    nest.ResetKernel()
    a = nest.Create("parrot_neuron", 3)
    # all_to_all without autapses: entry [target][source]; the diagonal is not used.
    w = np.array([[10.0 * t + s for s in range(3)] for t in range(3)])
    nest.Connect(a, a, {"rule": "all_to_all", "allow_autapses": False}, {"weight": w})
    c = nest.GetConnections(a, a)
    assert {(s, t): x for s, t, x in zip(c.get("source"), c.get("target"), c.get("weight"))} == \
        {(s + 1, t + 1): 10.0 * t + s for s in range(3) for t in range(3) if s != t}


def test_array_shape_errors():
    a = nest.Create("parrot_neuron", 3)
    b = nest.Create("parrot_neuron", 2)
    with pytest.raises(nest.NESTError, match=r"'weight' needs an array of shape 2x3 \(targets x "
                                             r"sources\) under all_to_all, not 3x2"):
        nest.Connect(a, b, syn_spec={"weight": np.ones((3, 2))})
    with pytest.raises(nest.NESTError, match="a 1-d array of 'weight' goes only with the rules "
                                             "one_to_one and fixed_total_number, not all_to_all"):
        nest.Connect(a, b, syn_spec={"weight": [1.0, 2.0]})
    with pytest.raises(nest.NESTError, match="a 2-d array of 'delay' goes only with the rules "
                                             "all_to_all, fixed_indegree and fixed_outdegree, not "
                                             "pairwise_bernoulli"):
        nest.Connect(a, b, {"rule": "pairwise_bernoulli", "p": 0.5},
                     {"delay": np.ones((2, 3))})
    with pytest.raises(nest.NESTError, match=r"'weight' needs an array of shape 2x1 \(targets x "
                                             r"indegree\) under fixed_indegree, not 2x2"):
        nest.Connect(a, b, {"rule": "fixed_indegree", "indegree": 1}, {"weight": np.ones((2, 2))})
    with pytest.raises(nest.NESTError, match="'weight' needs an array of shape 4 under "
                                             "fixed_total_number, not 3"):
        nest.Connect(a, b, {"rule": "fixed_total_number", "N": 4}, {"weight": [1.0, 2.0, 3.0]})
    with pytest.raises(nest.NESTError, match="not a 3-d array"):
        nest.Connect(a, b, syn_spec={"weight": np.ones((2, 3, 1))})
    with pytest.raises(nest.NESTError, match="'weight' must be a number, an array or a "
                                             "distribution, not 'heavy'"):
        nest.Connect(a, b, syn_spec={"weight": "heavy"})
    assert len(nest.GetConnections()) == 0


def test_conn_spec_errors_name_the_problem():
    a = nest.Create("parrot_neuron", 3)
    cases = [
        ({"rule": "fixed_indegree"}, nest.NESTError, "rule 'fixed_indegree' needs 'indegree'"),
        ({"rule": "fixed_indegree", "indegree": 1.5}, nest.NESTError,
         "'indegree' must be a whole number, not 1.5"),
        ({"rule": "fixed_outdegree", "outdegree": -1}, nest.NESTError,
         "'outdegree' must not be negative"),
        ({"rule": "pairwise_bernoulli", "p": 1.5}, nest.NESTError,
         r"pairwise_bernoulli: p must be in \[0, 1\], not 1.5"),
        ({"rule": "pairwise_bernoulli", "p": "half"}, nest.NESTError, "'p' must be a number"),
        ({"rule": "pairwise_bernoulli", "p": 0.5, "mask": {"circular": {"radius": 1.0}}},
         nest.NotAvailable, r"spatial connections \(mask\)"),
        ({"rule": "all_to_all", "allow_autapses": "no"}, nest.NESTError,
         "'allow_autapses' must be True or False"),
        ({"rule": "fixed_total_number", "N": 2, "p": 0.1}, nest.NESTError,
         "rule 'fixed_total_number' takes no 'p'"),
        ({"rule": "symmetric_pairwise_bernoulli", "p": 0.1}, nest.NotAvailable,
         "'symmetric_pairwise_bernoulli' is not available in nestjit"),
        ({"rule": "fixed_indegree", "indegree": nest.random.uniform(1, 2)}, nest.NotAvailable,
         "'indegree' drawn from"),
    ]
    for conn_spec, error, message in cases:
        with pytest.raises(error, match=message):
            nest.Connect(a, a, conn_spec)
    with pytest.raises(nest.NESTError, match="'synapse_model' must be a model name"):
        nest.Connect(a, a, syn_spec={"synapse_model": 3})
    with pytest.raises(nest.NESTError, match="'receptor_type' must be a whole number"):
        nest.Connect(a, a, syn_spec={"receptor_type": [1, 2]})
    with pytest.raises(nest.NESTError, match="sources and targets must not be empty"):
        nest.Connect(a[:0], a)
    assert len(nest.GetConnections()) == 0
    nest.Connect(a, a, {"rule": "fixed_indegree", "indegree": 2})  # still usable
    assert len(nest.GetConnections()) == 6


def weights(n, dist, rule=None, seed=None):
    nest.ResetKernel()
    if seed is not None:
        nest.rng_seed = seed
    a = nest.Create("parrot_neuron", n)
    b = nest.Create("parrot_neuron", 100)
    nest.Connect(a, b, rule, {"weight": dist})
    return np.array(nest.GetConnections(a, b).get("weight"))


def check_moments(x, mean, sd):
    # Sample mean within 4 standard errors; sample sd within 4 of its (approximate) errors.
    n = len(x)
    assert abs(x.mean() - mean) < 4 * sd / math.sqrt(n)
    assert abs(x.std() - sd) < 4 * sd * math.sqrt(2.0 / n) * 2  # x2: non-normal kurtosis


def test_weights_from_distributions_have_their_moments():
    x = weights(100, nest.random.normal(mean=2.0, std=0.5))
    assert len(x) == 10000
    check_moments(x, 2.0, 0.5)
    x = weights(100, nest.random.uniform(min=-1.0, max=3.0))
    assert x.min() >= -1.0 and x.max() < 3.0
    check_moments(x, 1.0, 4.0 / math.sqrt(12.0))
    mu, sigma = 0.5, 0.25
    x = weights(100, nest.random.lognormal(mean=mu, std=sigma))
    m = math.exp(mu + sigma ** 2 / 2)
    check_moments(x, m, m * math.sqrt(math.exp(sigma ** 2) - 1))
    x = weights(100, nest.random.exponential(beta=2.0))
    assert x.min() >= 0.0
    check_moments(x, 2.0, 2.0)
    # redraw: the normal clipped to [-0.5, 1] (values outside drawn again).
    x = weights(100, nest.math.redraw(nest.random.normal(mean=0.0, std=1.0), min=-0.5, max=1.0))
    assert x.min() >= -0.5 and x.max() <= 1.0
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    Phi = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))  # noqa: E731
    Z = Phi(1.0) - Phi(-0.5)
    mean = (phi(-0.5) - phi(1.0)) / Z
    var = 1 + (-0.5 * phi(-0.5) - 1.0 * phi(1.0)) / Z - mean ** 2
    check_moments(x, mean, math.sqrt(var))
    # Under a random rule too, and as delays (rounded to the 0.1 ms grid).
    x = weights(100, nest.random.normal(mean=-1.0, std=2.0),
                {"rule": "fixed_indegree", "indegree": 50})
    assert len(x) == 5000
    check_moments(x, -1.0, 2.0)
    nest.ResetKernel()
    a = nest.Create("parrot_neuron", 100)
    nest.Connect(a, a, syn_spec={"delay": nest.random.uniform(min=1.0, max=3.0)})
    d = np.array(nest.GetConnections(a, a).get("delay"))
    assert d.min() >= 1.0 and d.max() <= 3.0
    assert np.allclose(d * 10, np.round(d * 10))
    assert abs(d.mean() - 2.0) < 4 * (2.0 / math.sqrt(12.0)) / math.sqrt(len(d)) + 0.01


def test_distributions_follow_rng_seed():
    first = weights(10, nest.random.normal(), seed=12)
    assert np.array_equal(first, weights(10, nest.random.normal(), seed=12))
    assert not np.array_equal(first, weights(10, nest.random.normal(), seed=13))
    assert nest.rng_seed == 13 and isinstance(nest.rng_seed, int)


def test_distribution_errors():
    a = nest.Create("parrot_neuron", 2)
    with pytest.raises(nest.NESTError, match=r"weight: normal\(mean=0, std=-1\): std must be positive"):
        nest.Connect(a, a, syn_spec={"weight": nest.random.normal(std=-1.0)})
    with pytest.raises(nest.NESTError, match="max must be greater than min"):
        nest.Connect(a, a, syn_spec={"delay": nest.random.uniform(min=2.0, max=1.0)})
    with pytest.raises(nest.NESTError, match="max must be greater than min"):
        nest.Connect(a, a, syn_spec={"weight": nest.math.redraw(nest.random.normal(), 1.0, 0.0)})
    with pytest.raises(nest.NotAvailable, match=r"values drawn from nestjit.random.uniform_int\(max=3\)"):
        nest.Connect(a, a, syn_spec={"weight": nest.random.uniform_int(3)})
    with pytest.raises(nest.NotAvailable, match="redraws only nest.random.normal"):
        nest.math.redraw(nest.random.uniform(), 0.1, 0.2)
    with pytest.raises(nest.NotAvailable, match="nest.math.exp is not available"):
        nest.math.exp(nest.random.normal())
    with pytest.raises(nest.NotAvailable, match="arithmetic on random parameters"):
        nest.random.normal() * 2.0 + 1.0
    with pytest.raises(nest.NotAvailable, match="synapse variable 'w' drawn from"):
        nest.Connect(a, a, syn_spec={"w": nest.random.normal()})
    # A delay drawn below the resolution: nothing is kept.
    with pytest.raises(nest.NESTError, match="delay"):
        nest.Connect(a, a, syn_spec={"delay": nest.random.uniform(min=-5.0, max=-4.0)})
    assert len(nest.GetConnections()) == 0


TAG_SYNAPSE = """model tag_synapse:
    parameters:
        d ms = 1 ms
    state:
        w real = 1.
        tag real = 0
    input:
        pre_spikes <- spike
    output:
        spike(weight real, delay ms)
    onReceive(pre_spikes):
        emit_spike(w, d)
"""


def test_synapse_variables_as_arrays_and_numbers():
    nest.install(TAG_SYNAPSE, name="tag.nestml", weight_variable="w", delay_variable="d")
    a = nest.Create("parrot_neuron", 4)
    b = nest.Create("parrot_neuron", 3)
    tags = np.array([[10.0 * t + j for j in range(2)] for t in range(3)])
    nest.Connect(a, b, {"rule": "fixed_indegree", "indegree": 2},
                 {"synapse_model": "tag_synapse", "tag": tags, "weight": 0.5})
    c = nest.GetConnections(a, b, synapse_model="tag_synapse")
    assert len(c) == 6 and c.get("weight") == [0.5] * 6
    for t, tag in zip(c.get("target"), c.get("tag")):
        assert tag // 10 == t - b[0].global_id
    assert sorted(c.get("tag")) == sorted(tags.ravel())
    nest.Connect(a, b, "all_to_all",
                 {"synapse_model": "tag_synapse", "tag": 7.0})
    assert nest.GetConnections(a, b, "tag_synapse").get("tag").count(7.0) == 12
    before = len(nest.GetConnections())
    with pytest.raises(nest.NESTError, match=r"static_synapse has no variable 'tag' \(variables: "
                                             r"delay, weight\)"):
        nest.Connect(a[:3], b, "one_to_one", {"tag": [1.0, 2.0, 3.0]})
    with pytest.raises(nest.NESTError, match="static_synapse has no variable 'tag'"):
        nest.Connect(a, b, syn_spec={"tag": 1.0})  # a number too, not silently dropped
    nest.CopyModel("static_synapse", "plain_synapse")
    with pytest.raises(nest.NESTError, match="plain_synapse has no variable 'tag'"):
        nest.Connect(a, b, syn_spec={"synapse_model": "plain_synapse", "tag": np.ones((3, 4))})
    with pytest.raises(nest.NESTError, match="tag_synapse has no variable 'nope'"):
        nest.Connect(a, b, syn_spec={"synapse_model": "tag_synapse", "nope": 1.0})
    assert len(nest.GetConnections()) == before


def test_return_synapsecollection_and_get_connections_results():
    a = nest.Create("parrot_neuron", 3)
    conns = nest.Connect(a, a, {"rule": "fixed_outdegree", "outdegree": 2},
                         {"weight": nest.random.uniform(0.0, 1.0)}, return_synapsecollection=True)
    assert isinstance(conns, nest.SynapseCollection) and len(conns) == 6
    s = conns.get()
    assert set(s) >= {"source", "target", "weight", "delay", "synapse_model"}
    assert all(isinstance(x, int) for x in s["source"] + s["target"])
    assert all(0.0 <= x < 1.0 for x in s["weight"]) and s["delay"] == [1.0] * 6
    assert s["synapse_model"] == ["static_synapse"] * 6


def test_receptor_types_and_receptor_type(leaky):
    src = LEAKY.replace("leaky_neuron", "two_port_neuron") \
        .replace("spikes <- spike", "exc <- spike\n        inh <- spike") \
        .replace("V_m += spikes * mV * s", "V_m += (exc - inh) * mV * s")
    nest.install(src, name="two_port.nestml")
    assert nest.GetDefaults("two_port_neuron")["receptor_types"] == {"EXC": 1, "INH": 2}
    assert "receptor_types" not in nest.GetDefaults(leaky)
    a = nest.Create("parrot_neuron", 2)
    n = nest.Create("two_port_neuron")
    assert n.receptor_types == {"EXC": 1, "INH": 2}
    nest.Connect(a, n, {"rule": "fixed_indegree", "indegree": 3},
                 {"receptor_type": n.receptor_types["INH"], "weight": nest.random.uniform(1.0, 2.0)})
    c = nest.GetConnections(a, n)
    assert c.get("receptor") == [2, 2, 2] and all(1.0 <= w < 2.0 for w in c.weight)
    with pytest.raises(nest.NESTError, match="two_port_neuron has spike receptors 1..2; "
                                             "receptor_type 5 does not exist"):
        nest.Connect(a, n, syn_spec={"receptor_type": 5})
    assert len(nest.GetConnections(a, n)) == 3
