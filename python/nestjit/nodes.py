"""NodeCollection: PyNEST's handle on created nodes (indexing, slicing, get/set, attributes)."""
from ._kernel import kernel, pythonic, to_value
from .errors import NESTError, NotAvailable
from .random import Parameter, draw

RECORDERS = ("spike_recorder", "multimeter", "weight_recorder")


def _events(node_id, model):
    k = kernel()
    if model == "spike_recorder":
        return k.spike_events(node_id)
    if model == "multimeter":
        return k.multimeter_events(node_id)
    if model == "weight_recorder":
        return k.weight_events(node_id)
    raise NESTError(f"node {node_id} ({model}) records no events")


def _recorder_kind(status):
    """Which recorder a status dictionary belongs to (copies of a recorder model keep the
    base model's keys): multimeters have record_from, weight_recorders targets."""
    if "record_from" in status:
        return "multimeter"
    if "targets" in status:
        return "weight_recorder"
    return "spike_recorder"


def add_receptor_types(status):
    """PyNEST's receptor_types ({"EXC": 1, "INH": 2}: spike port names, upper-case, to the
    receptor_type to connect to) for a neuron model with more than one spike receptor."""
    if status.get("element_type") != "neuron":
        return
    try:
        receptors = kernel().model_info(status["model"]).receptor_types
    except NESTError:  # a built-in model
        return
    if len(receptors) > 1:
        status["receptor_types"] = dict(receptors)


def node_status(node_id):
    """One node's status dictionary as PyNEST's GetStatus returns it."""
    status = {k: pythonic(k, v) for k, v in kernel().node_status(node_id).items()}
    add_receptor_types(status)
    if status.get("element_type") == "recorder":
        status["record_to"] = "memory"
        status["events"] = _events(node_id, _recorder_kind(status))
        status["n_events"] = len(status["events"]["times"])
    return status


def _runs(ids):
    """Consecutive runs (first, count) of the ids, for the C++ API's ranges."""
    runs = []
    for i in ids:
        if runs and runs[-1][0] + runs[-1][1] == i:
            runs[-1][1] += 1
        else:
            runs.append([i, 1])
    return runs


class NodeCollection:
    """An ordered set of node ids, as returned by Create."""

    __slots__ = ("_ids",)

    def __init__(self, ids=()):
        object.__setattr__(self, "_ids", tuple(int(i) for i in ids))

    # ---- container protocol ----
    def __len__(self):
        return len(self._ids)

    def __iter__(self):
        return (NodeCollection((i,)) for i in self._ids)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return NodeCollection(self._ids[key])
        if isinstance(key, (list, tuple)) or hasattr(key, "__array__"):
            idx = list(key)
            if idx and all(isinstance(b, bool) or type(b).__name__ == "bool_" for b in idx):
                if len(idx) != len(self._ids):
                    raise IndexError("a boolean index needs one entry per node")
                return NodeCollection(i for i, b in zip(self._ids, idx) if b)
            return NodeCollection(self._ids[int(j)] for j in idx)
        try:
            return NodeCollection((self._ids[int(key)],))
        except IndexError:
            raise IndexError(f"index {key} out of range for a NodeCollection of {len(self)}") from None

    def __contains__(self, other):
        if isinstance(other, NodeCollection):
            return all(i in self._ids for i in other._ids)
        return int(other) in self._ids

    def __eq__(self, other):
        return isinstance(other, NodeCollection) and self._ids == other._ids

    def __hash__(self):
        return hash(self._ids)

    def __add__(self, other):
        if not isinstance(other, NodeCollection):
            return NotImplemented
        if set(self._ids) & set(other._ids):
            raise NESTError("cannot join NodeCollections that share nodes")
        return NodeCollection(sorted(self._ids + other._ids))

    def __bool__(self):
        return bool(self._ids)

    def __repr__(self):
        if not self._ids:
            return "NodeCollection(<empty>)"
        return f"NodeCollection(metadata=None, model={self._model_summary()}, size={len(self)}, " \
               f"first={self._ids[0]}, last={self._ids[-1]})"

    def _model_summary(self):
        models = {kernel().node_status(i)["model"] for i in self._ids}
        return ",".join(sorted(models))

    def tolist(self):
        return list(self._ids)

    def index(self, node_id):
        return self._ids.index(int(node_id))

    @property
    def global_id(self):
        return self._ids[0] if len(self._ids) == 1 else self._ids

    # ---- status ----
    def get(self, *keys, output=""):
        """PyNEST's NodeCollection.get: get() -> dict; get("V_m") -> value (one node) or
        tuple; get("V_m", "U_m") / get(["V_m"]) -> dict of those; get("events", "times")
        -> the recorded times."""
        if output not in ("", "pandas", "json"):
            raise NESTError(f"get: unknown output '{output}'")
        if output:
            raise NESTError(f"get: output='{output}' is not available in nestjit")
        statuses = [node_status(i) for i in self._ids]
        single = len(statuses) == 1

        def pick(status, key):
            if key not in status:
                raise NESTError(f"node {status['global_id']} ({status['model']}) has no property '{key}'")
            return status[key]

        if not keys:
            if single:
                return statuses[0]
            return {k: tuple(s.get(k) for s in statuses) for k in statuses[0]}
        if len(keys) == 2 and isinstance(keys[0], str) and isinstance(keys[1], (str, list)) \
                and all(pick(s, keys[0]) is not None and isinstance(s[keys[0]], dict) for s in statuses):
            sub = keys[1]
            vals = [(s[keys[0]][sub] if isinstance(sub, str) else {k: s[keys[0]][k] for k in sub})
                    for s in statuses]
            return vals[0] if single else tuple(vals)
        if len(keys) == 1 and isinstance(keys[0], str):
            vals = [pick(s, keys[0]) for s in statuses]
            return vals[0] if single else tuple(vals)
        names = list(keys[0]) if len(keys) == 1 else list(keys)
        if single:
            return {k: pick(statuses[0], k) for k in names}
        return {k: tuple(pick(s, k) for s in statuses) for k in names}

    def set(self, params=None, **kwargs):
        """PyNEST's NodeCollection.set: a dict (values scalars or one per node), a list of dicts
        (one per node), or keyword arguments."""
        if params is None:
            params = kwargs
        elif kwargs:
            raise NESTError("set: give a dictionary or keyword arguments, not both")
        set_status(self._ids, params)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.get(name)

    def __setattr__(self, name, value):
        if name.startswith("_"):
            raise AttributeError(f"cannot set {name} on a NodeCollection")
        self.set({name: value})


def _is_per_node(key, value, n):
    """Whether `value` gives one value per node (rather than one list-valued property)."""
    if key in ("spike_times", "record_from", "spike_weights", "spike_multiplicities"):
        return isinstance(value, (list, tuple)) and len(value) == n and n > 1 and \
            all(isinstance(v, (list, tuple)) or hasattr(v, "__len__") and not isinstance(v, str)
                for v in value)
    return not isinstance(value, str) and hasattr(value, "__len__")


def set_status(ids, params):
    """Sets `params` on the nodes `ids` (see NodeCollection.set)."""
    ids = list(ids)
    k = kernel()
    if isinstance(params, (list, tuple)):
        if len(params) != len(ids):
            raise NESTError(f"set: a list of {len(params)} dictionaries for {len(ids)} nodes")
        for i, p in zip(ids, params):
            set_status([i], p)
        return
    if not isinstance(params, dict):
        raise NESTError(f"set: needs a dictionary, not {type(params).__name__}")
    shared, each = {}, {}
    for key, value in params.items():
        if key == "record_to":
            if value != "memory":
                raise NotAvailable(f"record_to '{value}' is not available in nestjit: recorders "
                                   "keep their events in memory (record_to 'memory')")
            continue
        if isinstance(value, Parameter):
            each[key] = draw(value, len(ids), f"property '{key}'").tolist()
        elif _is_per_node(key, value, len(ids)):
            if key in ("spike_times", "record_from"):
                each[key] = list(value)
                continue
            values = to_value(key, value)
            if len(values) != len(ids):
                raise NESTError(f"property '{key}' needs one number, or one per node ({len(ids)}), "
                                f"not a list of {len(values)}")
            each[key] = values
        else:
            shared[key] = to_value(key, value)
    for first, count in _runs(ids):
        if shared:
            k.set_status(first, count, shared)
    if each:
        offset = 0
        for first, count in _runs(ids):
            part = {key: v[offset:offset + count] for key, v in each.items()
                    if key not in ("spike_times", "record_from")}
            if part:
                k.set_status(first, count, part)
            for key in ("spike_times", "record_from"):
                if key in each:
                    for j in range(count):
                        k.set_status(first + j, 1, {key: to_value(key, each[key][offset + j])})
            offset += count
