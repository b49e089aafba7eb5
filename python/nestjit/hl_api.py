"""PyNEST's functions over nestjit's kernel: Create, Simulate, status, defaults, kernel."""
import sys
import warnings

from . import random
from ._kernel import kernel, pythonic, to_params
from .synapses import SynapseCollection
from .errors import NESTError, NotAvailable
from .nodes import NodeCollection, add_receptor_types, node_status, set_status

DEFAULT_RESOLUTION = 0.1
# The reference simulator's default seed; also nestjit's (nestjit.h: Kernel::Impl).
DEFAULT_RNG_SEED = 143202461

VERBOSITY = {"M_ALL": 0, "M_DEBUG": 5, "M_STATUS": 7, "M_INFO": 10, "M_DEPRECATED": 18,
             "M_WARNING": 20, "M_ERROR": 30, "M_FATAL": 40, "M_QUIET": 100}

# Python-side kernel state that the C++ kernel does not need to know.
_state = {"verbosity": VERBOSITY["M_INFO"], "print_time": False, "prepared": False}
# Kernel options of recording to files; nestjit's recorders keep events in memory only
# (record_to "memory"), so these are kept and shown but there is no file they could change.
_FILE_OPTIONS = {"overwrite_files": False, "data_path": "", "data_prefix": ""}
_state.update(_FILE_OPTIONS)


def _check_nodes(nodes, what):
    if not isinstance(nodes, (NodeCollection, SynapseCollection)):
        raise NESTError(f"{what}: needs a NodeCollection or SynapseCollection, not {type(nodes).__name__}")


def Create(model, n=1, params=None, positions=None):
    """Creates n nodes of `model`; params: a dict (values scalars or one per node) or a list of
    dicts (one per node)."""
    if positions is not None:
        raise NotAvailable("Create: spatial networks (positions) are not available in nestjit")
    if not isinstance(model, str):
        raise NESTError(f"Create: the model must be a name, not {model!r}")
    if isinstance(params, (list, tuple)):
        n = len(params) if n == 1 else n
        if len(params) != n:
            raise NESTError(f"Create: {len(params)} parameter dictionaries for {n} nodes")
    try:
        n = int(n)
    except (TypeError, ValueError):
        raise NESTError(f"Create: n must be an integer, not {n!r}") from None
    if n < 1:
        raise NESTError("Create: n must be at least 1")
    first = kernel().create(model, n, {})
    nodes = NodeCollection(range(first, first + n))
    if params:
        set_status(nodes.tolist(), params)
    return nodes


def Simulate(t):
    """Simulates for t ms."""
    if _state["prepared"]:
        raise NESTError("Simulate: not allowed between Prepare() and Cleanup(); use Run()")
    _run(t)


def _run(t):
    t = float(t)
    if t < 0:
        raise NESTError(f"Simulate: the time must not be negative, not {t}")
    k = kernel()
    k.simulate(t)
    if _state["print_time"]:
        print(f"nestjit: simulated to {k.time():g} ms", file=sys.stderr)


def Prepare():
    _state["prepared"] = True


def Run(t):
    """Simulates t ms between Prepare() and Cleanup() (here the same as Simulate)."""
    if not _state["prepared"]:
        raise NESTError("Run: call Prepare() first")
    _run(t)


def Cleanup():
    if not _state["prepared"]:
        raise NESTError("Cleanup: call Prepare() first")
    _state["prepared"] = False


class RunManager:
    """with nest.RunManager(): nest.Run(t) ..."""

    def __enter__(self):
        Prepare()
        return self

    def __exit__(self, *exc):
        Cleanup()
        return False


def ResetKernel():
    """Drops nodes, connections, time, CopyModel copies and SetDefaults values and resets the
    kernel status; loaded NESTML models stay (Install again is accepted, not needed)."""
    k = kernel()
    k.reset()
    k.set_kernel_status({"resolution": DEFAULT_RESOLUTION, "rng_seed": float(DEFAULT_RNG_SEED)})
    _state.update(print_time=False, prepared=False, **_FILE_OPTIONS)
    random.reset_stream()


# ---- kernel status ----
_SINGLE_PROCESS = {"local_num_threads": 1, "total_num_virtual_procs": 1, "num_processes": 1}


def GetKernelStatus(keys=None):
    status = {k: pythonic(k, v) for k, v in kernel().kernel_status().items()}
    status.update(_SINGLE_PROCESS)
    status["print_time"] = _state["print_time"]
    status.update({key: _state[key] for key in _FILE_OPTIONS})
    wanted = [keys] if isinstance(keys, str) else keys
    if keys is None or {"node_models", "synapse_models"} & set(wanted):
        # Each model's defaults are looked at; only when asked for.
        status["node_models"] = Models("nodes")
        status["synapse_models"] = Models("synapses")
    if keys is None:
        return status
    if isinstance(keys, str):
        if keys not in status:
            raise NESTError(f"GetKernelStatus: unknown kernel property '{keys}'")
        return status[keys]
    return [GetKernelStatus(k) for k in keys]


def SetKernelStatus(params):
    if not isinstance(params, dict):
        raise NESTError("SetKernelStatus: needs a dictionary")
    cpp = {}
    for key, value in params.items():
        if key == "print_time":
            continue
        if key in _FILE_OPTIONS:
            if not isinstance(value, type(_FILE_OPTIONS[key])):
                raise NESTError(f"SetKernelStatus: '{key}' must be a {type(_FILE_OPTIONS[key]).__name__}")
            _state[key] = value
            continue
        if key in _SINGLE_PROCESS:
            if int(value) != 1:
                warnings.warn(f"nestjit runs in one thread and one process; {key}={value} is "
                              "ignored (results are the same, only not parallel)", stacklevel=2)
            continue
        cpp[key] = value
    kernel().set_kernel_status(to_params(cpp))
    if "rng_seed" in cpp:
        random.reset_stream()
    if "print_time" in params:
        _state["print_time"] = bool(params["print_time"])


def _is_synapse(model):
    return model == "static_synapse" or kernel().get_defaults(model).get("element_type") == "synapse"


# ---- node status ----
def GetStatus(nodes, keys=None, output=""):
    """A tuple with one status dictionary per node or connection (or the values of `keys`)."""
    _check_nodes(nodes, "GetStatus")
    if output:
        raise NotAvailable(f"GetStatus: output='{output}' is not available in nestjit")
    items = list(nodes)
    if isinstance(nodes, SynapseCollection):
        statuses = [c.get() for c in items]
    else:
        statuses = [node_status(i) for i in nodes.tolist()]
    if keys is None:
        return tuple(statuses)

    def pick(s, k):
        if k not in s:
            raise NESTError(f"GetStatus: {s.get('model', s.get('synapse_model'))} has no property '{k}'")
        return s[k]

    if isinstance(keys, str):
        return tuple(pick(s, keys) for s in statuses)
    return tuple(tuple(pick(s, k) for k in keys) for s in statuses)


def SetStatus(nodes, params, val=None):
    """SetStatus(nodes, dict), SetStatus(nodes, [dict per node]) or SetStatus(nodes, key, val)."""
    _check_nodes(nodes, "SetStatus")
    if isinstance(params, str):
        params = {params: val}
    elif val is not None:
        raise NESTError("SetStatus: val only goes with a property name")
    nodes.set(params)


# ---- models ----
def GetDefaults(model, keys=None, output=""):
    if output:
        raise NotAvailable(f"GetDefaults: output='{output}' is not available in nestjit")
    defaults = {k: pythonic(k, v) for k, v in kernel().get_defaults(model).items()}
    add_receptor_types(defaults)
    if keys is None:
        return defaults
    if isinstance(keys, str):
        if keys not in defaults:
            raise NESTError(f"GetDefaults: model '{model}' has no property '{keys}'")
        return defaults[keys]
    return tuple(GetDefaults(model, k) for k in keys)


def SetDefaults(model, params, val=None):
    if isinstance(params, str):
        params = {params: val}
    kernel().set_defaults(model, to_params(params))


def CopyModel(existing, new, params=None):
    kernel().copy_model(existing, new, to_params(params or {}))


def Models(mtype="all", sel=None):
    names = sorted(kernel().models())
    if mtype == "nodes":
        names = [m for m in names if not _is_synapse(m)]
    elif mtype == "synapses":
        names = [m for m in names if _is_synapse(m)]
    elif mtype != "all":
        raise NESTError(f"Models: mtype must be 'all', 'nodes' or 'synapses', not '{mtype}'")
    return tuple(m for m in names if sel is None or sel in m)


# ---- messages ----
def set_verbosity(level):
    """M_ALL, M_DEBUG, M_INFO, M_WARNING, M_ERROR, M_FATAL, M_QUIET (or their numbers): below
    M_WARNING's level model warnings are printed when loading."""
    if isinstance(level, str):
        if level not in VERBOSITY:
            raise NESTError(f"set_verbosity: unknown level '{level}' ({', '.join(VERBOSITY)})")
        level = VERBOSITY[level]
    _state["verbosity"] = int(level)


def get_verbosity():
    return _state["verbosity"]


def verbosity_allows_warnings():
    return _state["verbosity"] <= VERBOSITY["M_WARNING"]
