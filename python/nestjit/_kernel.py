"""The process's one kernel (PyNEST has one too), created on first use."""
from . import _nestjit

_kernel = None


def kernel():
    global _kernel
    if _kernel is None:
        _kernel = _nestjit.Kernel()
    return _kernel


# Keys whose values are integers in PyNEST (the C++ API hands every number over as a double).
INTEGER_KEYS = frozenset({"global_id", "n_events", "rng_seed", "network_size", "num_connections",
                          "source", "target", "receptor", "receptor_type", "local_num_threads",
                          "total_num_virtual_procs", "num_processes"})


def pythonic(key, value):
    """A C++ status value as PyNEST shows it: ints for counts and ids."""
    if key in INTEGER_KEYS and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def node_reference(key, value):
    """A device named by its handle (weight_recorder, volume_transmitter): a one-node
    NodeCollection as the node's id; None for any other value."""
    if type(value).__name__ != "NodeCollection":
        return None
    if len(value) != 1:
        raise _nestjit.NESTError(f"property '{key}' names one node, not {len(value)}")
    return float(value.tolist()[0])


def to_value(key, value):
    """A Python value as the C++ API's Value (number, list of numbers, string, list of strings)."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return value
    node = node_reference(key, value)
    if node is not None:
        return node
    if hasattr(value, "dtype") and getattr(value, "ndim", 1) == 0:  # numpy scalar
        return float(value)
    try:
        items = list(value)
    except TypeError:
        raise _nestjit.NESTError(
            f"property '{key}': cannot use a {type(value).__name__} as a value") from None
    if items and all(isinstance(v, str) for v in items):
        return items
    if not items and key == "record_from":
        return []
    try:
        return [float(v) for v in items]
    except (TypeError, ValueError):
        raise _nestjit.NESTError(
            f"property '{key}' needs numbers or names, not {value!r}") from None


def to_params(params):
    return {k: to_value(k, v) for k, v in params.items()}
