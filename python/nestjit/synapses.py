"""GetConnections and the SynapseCollection it returns (len, indexing, iteration, get/set,
attribute access)."""
from ._kernel import kernel, pythonic, to_value
from .errors import NESTError, NotAvailable
from .nodes import NodeCollection, _runs


class SynapseCollection:
    """Connections selected by GetConnections: len, indexing, iteration, get/set."""

    def __init__(self, connections, indices=None, models=None):
        self._conns = connections
        self._indices = list(range(len(connections))) if indices is None else list(indices)
        self._models_cache = models  # synapse model per connection of _conns (shared by slices)

    def __len__(self):
        return len(self._indices)

    def _sub(self, indices):
        return SynapseCollection(self._conns, indices, self._models_cache)

    def __iter__(self):
        return (self._sub([i]) for i in self._indices)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self._sub(self._indices[key])
        return self._sub([self._indices[int(key)]])

    def __repr__(self):
        return f"SynapseCollection(size={len(self)})"

    def _models(self):
        if self._models_cache is None:
            self._models_cache = self._conns.synapse_models()
        return self._models_cache

    def _status(self, i):
        status = {k: pythonic(k, v) for k, v in self._conns.status(i).items()}
        status["synapse_model"] = self._models()[i]
        return status

    def _column(self, key):
        """One property of every selected connection (one C++ call, not one per connection)."""
        if key == "synapse_model":
            models = self._models()
            return [models[i] for i in self._indices]
        try:
            values = self._conns.get(key)
        except NESTError:
            models = self._models()
            for i in self._indices:
                if key not in self._status(i):
                    raise NESTError(f"a {models[i]} connection has no property '{key}'") from None
            raise
        values = values.tolist()
        return [pythonic(key, values[i]) for i in self._indices]

    @property
    def source(self):
        return self.get("source")

    @property
    def target(self):
        return self.get("target")

    def __getattr__(self, name):  # conns.weight, conns.w (PyNEST's attribute access)
        if name.startswith("_"):
            raise AttributeError(name)
        return self.get(name)

    def __setattr__(self, name, value):  # conns.weight = 2.0 or one value per connection
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self.set({name: value})

    def get(self, keys=None, output=""):
        """get() -> dict (one connection) or dict of lists; get("w") -> value or list."""
        if output:
            raise NotAvailable(f"SynapseCollection.get: output='{output}' is not available in nestjit")
        single = len(self._indices) == 1
        if keys is None:
            statuses = [self._status(i) for i in self._indices]
            if single:
                return statuses[0]
            return {k: [s.get(k) for s in statuses] for k in (statuses[0] if statuses else {})}
        if isinstance(keys, str):
            vals = self._column(keys) if self._indices else []
            return vals[0] if single else vals
        columns = {k: self._column(k) if self._indices else [] for k in keys}
        if single:
            return {k: v[0] for k, v in columns.items()}
        return columns

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
        src = conns.get("source").tolist()
        tgt = conns.get("target").tolist()
        indices = [i for i in indices if (s_ids is None or int(src[i]) in s_ids)
                   and (t_ids is None or int(tgt[i]) in t_ids)]
    return SynapseCollection(conns, indices)
