"""Connect, GetConnections and SynapseCollection."""
from ._kernel import kernel, pythonic, to_value
from .errors import NESTError, NotAvailable
from .nodes import NodeCollection, _runs

# Connection rules nestjit's engine has, each with the conn_spec keys it takes besides "rule".
# A rule the C++ API gains is one entry here (and one in the binding's rule table).
RULES = {
    "all_to_all": (),
    "one_to_one": (),
}
# Rules of the reference simulator that nestjit does not have yet: named in the error.
KNOWN_RULES = ("fixed_indegree", "fixed_outdegree", "fixed_total_number", "pairwise_bernoulli",
               "symmetric_pairwise_bernoulli", "pairwise_poisson", "tripartite_bernoulli_with_pool")
# syn_spec keys with a meaning of their own; the rest set synapse model variables.
SYN_KEYS = ("synapse_model", "weight", "delay", "receptor_type")


def _rule(conn_spec):
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
                               f"yet (available: {have})")
        raise NESTError(f"Connect: unknown connection rule '{rule}' (available: {have})")
    extra = [k for k in spec if k not in RULES[rule] and k not in ("allow_autapses", "allow_multapses")]
    if extra:
        raise NESTError(f"Connect: rule '{rule}' takes no {', '.join(map(repr, extra))}")
    if spec.get("allow_autapses", True) is False or spec.get("allow_multapses", True) is False:
        raise NotAvailable("Connect: allow_autapses/allow_multapses = False are not available in nestjit")
    return rule, spec


def _syn(syn_spec):
    if syn_spec is None:
        return {}
    if isinstance(syn_spec, str):
        return {"synapse_model": syn_spec}
    if isinstance(syn_spec, dict):
        return dict(syn_spec)
    if isinstance(syn_spec, (list, tuple)) or type(syn_spec).__name__ == "CollocatedSynapses":
        raise NotAvailable("Connect: collocated synapses (a list of syn_specs) are not available in nestjit")
    raise NESTError(f"Connect: syn_spec must be a synapse model name or a dictionary, not {syn_spec!r}")


def _per_pair(key, value, shape):
    """A weight/delay/variable for every pair: a number, or an array of the rule's shape
    (one_to_one: len(pre); all_to_all: len(post) x len(pre), as upstream)."""
    from .random import Parameter
    if isinstance(value, Parameter):
        raise NotAvailable(f"Connect: {key} drawn from a distribution ({value.name}) is not "
                           "available in nestjit yet; give a number or an array")
    if isinstance(value, (int, float)) or (hasattr(value, "ndim") and value.ndim == 0):
        return None, float(value)
    import numpy as np
    arr = np.asarray(value, dtype=float)
    if arr.shape != shape:
        raise NESTError(f"Connect: '{key}' needs a number or an array of shape {shape}, "
                        f"not {arr.shape}")
    return arr, None


def Connect(pre, post, conn_spec=None, syn_spec=None, return_synapsecollection=False):
    """Connects the nodes of `pre` to those of `post` (PyNEST's Connect)."""
    if not isinstance(pre, NodeCollection) or not isinstance(post, NodeCollection):
        raise NESTError("Connect: pre and post must be NodeCollections")
    rule, _ = _rule(conn_spec)
    syn = _syn(syn_spec)
    model = syn.get("synapse_model", "")
    receptor = int(syn.get("receptor_type", 0))
    pre_ids, post_ids = pre.tolist(), post.tolist()
    if rule == "one_to_one":
        if len(pre_ids) != len(post_ids):
            raise NESTError(f"Connect: one_to_one needs equally many sources and targets "
                            f"({len(pre_ids)} and {len(post_ids)})")
        pairs = list(zip(pre_ids, post_ids))
        shape = (len(pre_ids),)
    else:
        pairs = [(s, t) for s in pre_ids for t in post_ids]
        shape = (len(post_ids), len(pre_ids))
    per_pair, fixed = {}, {}
    for key, value in syn.items():
        if key in ("synapse_model", "receptor_type"):
            continue
        arr, number = _per_pair(key, value, shape)
        if arr is None:
            fixed[key] = number
        else:
            per_pair[key] = arr.T.ravel() if rule == "all_to_all" else arr
    k = kernel()
    weight = fixed.pop("weight", None)
    delay = fixed.pop("delay", None)
    runs_pre, runs_post = _runs(pre_ids), _runs(post_ids)
    if not per_pair and len(runs_pre) == 1 and len(runs_post) == 1:
        k.connect(runs_pre[0][0], runs_pre[0][1], runs_post[0][0], runs_post[0][1], rule, model,
                  weight, delay, receptor, fixed)
    else:
        # Arrays of values or scattered ids: one connection at a time, in the rule's order.
        for n, (s, t) in enumerate(pairs):
            params = dict(fixed)
            w, d = weight, delay
            for key, arr in per_pair.items():
                if key == "weight":
                    w = float(arr[n])
                elif key == "delay":
                    d = float(arr[n])
                else:
                    params[key] = float(arr[n])
            k.connect(s, 1, t, 1, "one_to_one", model, w, d, receptor, params)
    if return_synapsecollection:
        return GetConnections(pre, post, model or None)
    return None


class SynapseCollection:
    """Connections selected by GetConnections: len, indexing, iteration, get/set."""

    def __init__(self, connections, indices=None):
        self._conns = connections
        self._indices = list(range(len(connections))) if indices is None else list(indices)

    def __len__(self):
        return len(self._indices)

    def __iter__(self):
        return (SynapseCollection(self._conns, [i]) for i in self._indices)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return SynapseCollection(self._conns, self._indices[key])
        return SynapseCollection(self._conns, [self._indices[int(key)]])

    def __repr__(self):
        return f"SynapseCollection(size={len(self)})"

    def _status(self, i):
        status = {k: pythonic(k, v) for k, v in self._conns.status(i).items()}
        status["synapse_model"] = self._conns.synapse_models()[i]
        return status

    @property
    def source(self):
        return self.get("source")

    @property
    def target(self):
        return self.get("target")

    def get(self, keys=None, output=""):
        """get() -> dict (one connection) or dict of lists; get("w") -> value or list."""
        if output:
            raise NotAvailable(f"SynapseCollection.get: output='{output}' is not available in nestjit")
        statuses = [self._status(i) for i in self._indices]
        single = len(statuses) == 1

        def pick(s, k):
            if k not in s:
                raise NESTError(f"a {s['synapse_model']} connection has no property '{k}'")
            return s[k]

        if keys is None:
            if single:
                return statuses[0]
            return {k: [s.get(k) for s in statuses] for k in (statuses[0] if statuses else {})}
        if isinstance(keys, str):
            vals = [pick(s, keys) for s in statuses]
            return vals[0] if single else vals
        if single:
            return {k: pick(statuses[0], k) for k in keys}
        return {k: [pick(s, k) for s in statuses] for k in keys}

    def set(self, params=None, **kwargs):
        """set({"w": 0.5}) or set(w=0.5); a list gives one value per connection."""
        if params is None:
            params = kwargs
        if isinstance(params, (list, tuple)):
            if len(params) != len(self):
                raise NESTError(f"set: a list of {len(params)} dictionaries for {len(self)} connections")
            for one, p in zip(self, params):
                one.set(p)
            return
        for key, value in params.items():
            if key in ("source", "target", "synapse_model"):
                raise NESTError(f"set: the connection property '{key}' is read-only")
            if isinstance(value, (int, float)):
                for i in self._indices:
                    self._conns.set_at(i, key, float(value))
                continue
            values = to_value(key, value)
            if len(values) != len(self):
                raise NESTError(f"set: '{key}' needs one number, or one per connection "
                                f"({len(self)}), not a list of {len(values)}")
            for i, v in zip(self._indices, values):
                self._conns.set_at(i, key, v)


def GetConnections(source=None, target=None, synapse_model=None, synapse_label=None):
    """The connections from `source` to `target` (either may be None: any) of `synapse_model`."""
    if synapse_label is not None:
        raise NotAvailable("GetConnections: synapse_label is not available in nestjit")

    def span(nc, name):
        if nc is None:
            return 0, 0, None
        if not isinstance(nc, NodeCollection):
            raise NESTError(f"GetConnections: {name} must be a NodeCollection")
        ids = nc.tolist()
        runs = _runs(ids)
        if len(runs) == 1:
            return runs[0][0], runs[0][1], None
        return min(ids), max(ids) - min(ids) + 1, set(ids)

    s0, sn, s_ids = span(source, "source")
    t0, tn, t_ids = span(target, "target")
    conns = kernel().get_connections(s0, sn, t0, tn, synapse_model or "")
    indices = list(range(len(conns)))
    if s_ids is not None or t_ids is not None:
        src = conns.get("source")
        tgt = conns.get("target")
        indices = [i for i in indices if (s_ids is None or int(src[i]) in s_ids)
                   and (t_ids is None or int(tgt[i]) in t_ids)]
    return SynapseCollection(conns, indices)
