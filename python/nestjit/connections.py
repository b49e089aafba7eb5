"""Connect: PyNEST's conn_spec and syn_spec turned into calls of the C++ API's connect."""
from ._kernel import kernel, node_reference
from .errors import NESTError, NotAvailable
from .nodes import NodeCollection, _runs
from .random import Parameter
from .synapses import GetConnections

# Connection rules nestjit's engine has, each with the conn_spec key it needs besides "rule"
# (the C++ API's ConnSpec; the binding's rule table names the same rules).
RULES = {
    "all_to_all": None,
    "one_to_one": None,
    "fixed_indegree": "indegree",
    "fixed_outdegree": "outdegree",
    "fixed_total_number": "N",
    "pairwise_bernoulli": "p",
}
FLAGS = ("allow_autapses", "allow_multapses")
# Rules of the reference simulator that nestjit does not have: named in the error.
KNOWN_RULES = ("symmetric_pairwise_bernoulli", "pairwise_poisson", "tripartite_bernoulli_with_pool",
               "conngen")
SPATIAL_KEYS = ("mask", "use_on_source", "allow_oversized_mask")
# syn_spec keys with a meaning of their own; the rest set synapse model variables.
SYN_KEYS = ("synapse_model", "weight", "delay", "receptor_type")


def _count(key, value):
    if isinstance(value, Parameter):
        raise NotAvailable(f"Connect: '{key}' drawn from {value!r} is not available in nestjit")
    if isinstance(value, bool) or not hasattr(value, "__index__") and not (
            isinstance(value, float) and value.is_integer()):
        raise NESTError(f"Connect: '{key}' must be a whole number, not {value!r}")
    n = int(value)
    if n < 0:
        raise NESTError(f"Connect: '{key}' must not be negative, not {n}")
    return n


def _rule(conn_spec):
    """(rule, the ConnSpec keyword arguments of the binding) for PyNEST's conn_spec."""
    if conn_spec is None:
        return "all_to_all", {}
    if isinstance(conn_spec, str):
        conn_spec = {"rule": conn_spec}
    if not isinstance(conn_spec, dict):
        raise NESTError(f"Connect: conn_spec must be a rule name or a dictionary, not {conn_spec!r}")
    spec = dict(conn_spec)
    rule = spec.pop("rule", "all_to_all")
    if rule not in RULES:
        have = ", ".join(RULES)
        if rule in KNOWN_RULES:
            raise NotAvailable(f"Connect: the connection rule '{rule}' is not available in nestjit "
                               f"(available: {have})")
        raise NESTError(f"Connect: unknown connection rule '{rule}' (available: {have})")
    spatial = [k for k in spec if k in SPATIAL_KEYS]
    if spatial:
        raise NotAvailable(f"Connect: spatial connections ({', '.join(spatial)}) are not available "
                           "in nestjit")
    out = {}
    key = RULES[rule]
    if key is not None:
        if key not in spec:
            raise NESTError(f"Connect: rule '{rule}' needs '{key}' in conn_spec")
        value = spec.pop(key)
        if key == "p":
            if isinstance(value, Parameter):
                raise NotAvailable(f"Connect: 'p' drawn from {value!r} (a spatial or random "
                                   "probability) is not available in nestjit")
            try:
                out["p"] = float(value)
            except (TypeError, ValueError):
                raise NESTError(f"Connect: 'p' must be a number, not {value!r}") from None
        else:
            out[key] = _count(key, value)
    for flag in FLAGS:
        if flag in spec:
            value = spec.pop(flag)
            if not isinstance(value, bool) and type(value).__name__ != "bool_":
                raise NESTError(f"Connect: '{flag}' must be True or False, not {value!r}")
            out[flag] = bool(value)
    if spec:
        raise NESTError(f"Connect: rule '{rule}' takes no {', '.join(map(repr, spec))}")
    return rule, out


def _syn(syn_spec):
    if syn_spec is None:
        return {}
    if isinstance(syn_spec, str):
        return {"synapse_model": syn_spec}
    if isinstance(syn_spec, dict):
        syn = dict(syn_spec)
        if not isinstance(syn.get("synapse_model", ""), str):
            raise NESTError("Connect: 'synapse_model' must be a model name")
        if "synapse_label" in syn:
            raise NotAvailable("Connect: synapse_label is not available in nestjit")
        return syn
    if isinstance(syn_spec, (list, tuple)) or type(syn_spec).__name__ == "CollocatedSynapses":
        raise NotAvailable("Connect: collocated synapses (a list of syn_specs) are not available in nestjit")
    raise NESTError(f"Connect: syn_spec must be a synapse model name or a dictionary, not {syn_spec!r}")


def _array_shape(key, rule, ndim, n_pre, n_post, conn):
    """The shape PyNEST requires of an array of `key` under `rule` (n_target x n_source for
    all_to_all, n_target x indegree, n_source x outdegree; 1-d for one_to_one and
    fixed_total_number)."""
    one_d = {"one_to_one": (n_pre,), "fixed_total_number": (conn.get("N"),)}
    two_d = {"all_to_all": ((n_post, n_pre), "targets x sources"),
             "fixed_indegree": ((n_post, conn.get("indegree")), "targets x indegree"),
             "fixed_outdegree": ((n_pre, conn.get("outdegree")), "sources x outdegree")}
    if ndim == 1:
        if rule not in one_d:
            raise NESTError(f"Connect: a 1-d array of '{key}' goes only with the rules one_to_one "
                            f"and fixed_total_number, not {rule}")
        return one_d[rule], ""
    if ndim == 2:
        if rule not in two_d:
            raise NESTError(f"Connect: a 2-d array of '{key}' goes only with the rules all_to_all, "
                            f"fixed_indegree and fixed_outdegree, not {rule}")
        return two_d[rule]
    raise NESTError(f"Connect: '{key}' must be a number, a 1-d or 2-d array, or a distribution; "
                    f"not a {ndim}-d array")


def _values(syn, rule, conn, n_pre, n_post):
    """syn_spec values split into numbers, distributions (weight and delay) and arrays (checked
    against PyNEST's shape rules)."""
    numbers, arrays = {}, {}
    for key, value in syn.items():
        if key in ("synapse_model", "receptor_type"):
            continue
        if isinstance(value, Parameter):
            if key not in ("weight", "delay"):
                raise NotAvailable(f"Connect: synapse variable '{key}' drawn from {value!r} is not "
                                   "available in nestjit (only weight and delay are drawn)")
            numbers[key] = value.distribution(f"Connect: '{key}'")
            continue
        node = node_reference(key, value)  # volume_transmitter: a node's id
        if node is not None:
            numbers[key] = node
            continue
        if isinstance(value, bool) or isinstance(value, str) or isinstance(value, dict):
            raise NESTError(f"Connect: '{key}' must be a number, an array or a distribution, "
                            f"not {value!r}")
        if isinstance(value, (int, float)) or (hasattr(value, "ndim") and value.ndim == 0):
            numbers[key] = float(value)
            continue
        import numpy as np
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise NESTError(f"Connect: '{key}' must be a number, an array or a distribution, "
                            f"not {value!r}") from None
        shape, what = _array_shape(key, rule, arr.ndim, n_pre, n_post, conn)
        if arr.shape != shape:
            described = f"{shape[0]}x{shape[1]} ({what})" if what else f"{shape[0]}"
            raise NESTError(f"Connect: '{key}' needs an array of shape {described} under "
                            f"{rule}, not {'x'.join(map(str, arr.shape))}")
        arrays[key] = arr
    return numbers, arrays


def _consecutive(ids):
    return ids[-1] - ids[0] + 1 == len(ids) and (len(ids) < 3 or ids == list(range(ids[0], ids[-1] + 1)))


def _blocks(rule, pre_ids, post_ids):
    """The C++ calls one Connect becomes: (source positions, target positions) with consecutive
    ids in each (a NodeCollection from one Create, or its contiguous slice, is one block)."""
    if _consecutive(pre_ids) and _consecutive(post_ids):
        return [(range(len(pre_ids)), range(len(post_ids)))]
    if rule == "one_to_one":
        blocks, start = [], 0
        for i in range(1, len(pre_ids) + 1):
            if i == len(pre_ids) or pre_ids[i] != pre_ids[i - 1] + 1 or \
                    post_ids[i] != post_ids[i - 1] + 1:
                blocks.append((range(start, i), range(start, i)))
                start = i
        return blocks

    def positions(ids):
        out, pos = [], 0
        for _, count in _runs(ids):
            out.append(range(pos, pos + count))
            pos += count
        return out

    pre_runs, post_runs = positions(pre_ids), positions(post_ids)
    if len(pre_runs) == 1 and len(post_runs) == 1:
        return [(pre_runs[0], post_runs[0])]
    # Each target (fixed_indegree), source (fixed_outdegree) or pair (bernoulli, all_to_all)
    # draws on its own, so splitting along those is the same rule; the others need one pool.
    splittable = {"all_to_all": True, "pairwise_bernoulli": True,
                  "fixed_indegree": len(pre_runs) == 1, "fixed_outdegree": len(post_runs) == 1}
    if not splittable.get(rule, False):
        pool = {"fixed_indegree": "sources", "fixed_outdegree": "targets"}.get(rule, "sources and targets")
        raise NotAvailable(f"Connect: {rule} needs consecutive node ids as its {pool} in nestjit "
                           "(a NodeCollection from one Create, or a slice of it without a step)")
    return [(a, b) for a in pre_runs for b in post_runs]


def _block_values(rule, arr, pre_pos, post_pos, pre_ids, post_ids, autapses):
    """The entries of `arr` (PyNEST's shape) for one block, in the order the C++ rule makes
    the connections (all_to_all: source-major, without s == t unless autapses)."""
    import numpy as np
    if rule == "one_to_one" or rule == "fixed_total_number":
        return arr[pre_pos.start:pre_pos.stop]
    if rule == "fixed_indegree":
        return arr[post_pos.start:post_pos.stop].ravel()
    if rule == "fixed_outdegree":
        return arr[pre_pos.start:pre_pos.stop].ravel()
    sub = arr[post_pos.start:post_pos.stop, pre_pos.start:pre_pos.stop].T
    if autapses:
        return sub.ravel()
    s = np.asarray(pre_ids[pre_pos.start:pre_pos.stop])[:, None]
    t = np.asarray(post_ids[post_pos.start:post_pos.stop])[None, :]
    return sub[s != t]


def _node_ids(nodes, what, one_to_one):
    if isinstance(nodes, NodeCollection):
        return nodes.tolist()
    try:
        ids = [int(i) for i in nodes]
    except (TypeError, ValueError):
        raise NESTError(f"Connect: {what} must be a NodeCollection or node ids, not "
                        f"{type(nodes).__name__}") from None
    if not one_to_one and len(set(ids)) != len(ids):
        raise NESTError(f"Connect: {what} ids that repeat need the rule one_to_one")
    return ids


def Connect(pre, post, conn_spec=None, syn_spec=None, return_synapsecollection=False):
    """Connects the nodes of `pre` to those of `post` (PyNEST's Connect): conn_spec a rule name
    or {"rule": ..., "indegree"/"outdegree"/"N"/"p": ..., "allow_autapses": ...,
    "allow_multapses": ...}; syn_spec a model name or {"synapse_model": ..., "weight": ...,
    "delay": ..., "receptor_type": ..., <synapse variable>: ...} with numbers, arrays (PyNEST's
    shapes) or nest.random distributions (weight and delay)."""
    rule, conn = _rule(conn_spec)
    pre_ids = _node_ids(pre, "pre", rule == "one_to_one")
    post_ids = _node_ids(post, "post", rule == "one_to_one")
    syn = _syn(syn_spec)
    model = syn.get("synapse_model", "")
    receptor = syn.get("receptor_type", 0)
    if isinstance(receptor, bool) or not hasattr(receptor, "__index__"):
        raise NESTError(f"Connect: 'receptor_type' must be a whole number (one for all "
                        f"connections), not {receptor!r}")
    if not pre_ids or not post_ids:
        raise NESTError(f"Connect: {rule}: sources and targets must not be empty")
    if rule == "one_to_one" and len(pre_ids) != len(post_ids):
        raise NESTError(f"Connect: one_to_one: needs equally many sources and targets "
                        f"({len(pre_ids)} and {len(post_ids)})")
    numbers, arrays = _values(syn, rule, conn, len(pre_ids), len(post_ids))
    weight, delay = numbers.pop("weight", None), numbers.pop("delay", None)
    _check_variables(model, [k for k in list(numbers) + list(arrays) if k not in ("weight", "delay")])
    autapses = conn.get("allow_autapses", True)
    k = kernel()
    for pre_pos, post_pos in _blocks(rule, pre_ids, post_ids):
        pre_first, pre_n = pre_ids[pre_pos.start], len(pre_pos)
        post_first, post_n = post_ids[post_pos.start], len(post_pos)
        if rule == "one_to_one" and not autapses and pre_first == post_first:
            continue  # every pair of this block is a node with itself
        per_conn = {key: _block_values(rule, arr, pre_pos, post_pos, pre_ids, post_ids, autapses)
                    for key, arr in arrays.items()}
        k.connect(pre_first, pre_n, post_first, post_n, rule=rule, **conn, synapse_model=model,
                  weight=per_conn.pop("weight", weight), delay=per_conn.pop("delay", delay),
                  receptor_type=int(receptor), params=numbers)
        if per_conn:
            _set_new_connections(k, pre_first, pre_n, post_first, post_n, model, per_conn)
    if return_synapsecollection:
        return GetConnections(NodeCollection(sorted(set(pre_ids))),
                              NodeCollection(sorted(set(post_ids))), model or None)
    return None


def _check_variables(model, keys):
    """Every synapse variable syn_spec sets must be one of the model's (checked before anything
    is connected; static synapses have weight and delay only)."""
    if not keys:
        return
    name = model or "static_synapse"
    have = [k for k in kernel().get_defaults(name) if k not in ("element_type", "model", "receptor_type")]
    for key in keys:
        # A neuromodulated synapse's transmitter is a link, not a variable: connect() checks
        # that the model has a neuromodulatory port and that the node is a volume_transmitter.
        if key not in have and key != "volume_transmitter":
            raise NESTError(f"Connect: {name} has no variable '{key}' (variables: {', '.join(have)})")


def _set_new_connections(k, pre_first, pre_n, post_first, post_n, model, per_conn):
    """Synapse variables given as arrays: set on the connections connect() just made (the last
    ones of this model between these nodes, in the order they were made)."""
    n = len(next(iter(per_conn.values())))
    conns = k.get_connections(pre_first, pre_n, post_first, post_n, model)
    first = len(conns) - n
    for key, values in per_conn.items():
        for j, v in enumerate(values):
            conns.set_at(first + j, key, float(v))
