"""nestjit from Python: `import nestjit as nest` runs PyNEST scripts; nestjit.install loads
NESTML in milliseconds; nestjit.compat stands in for NESTML's NESTCodeGeneratorUtils.

Kernel properties are module attributes as in PyNEST: nest.resolution, nest.rng_seed,
nest.biological_time, nest.print_time, ... (reading and, where settable, assigning)."""
import sys as _sys
import types as _types

from . import math, random
from .connections import Connect
from .synapses import GetConnections, SynapseCollection
from .errors import NESTError, NESTErrors, NESTMLError, NotAvailable
from .hl_api import (Cleanup, CopyModel, Create, GetDefaults, GetKernelStatus, GetStatus,
                     Models, Prepare, ResetKernel, Run, RunManager, SetDefaults,
                     SetKernelStatus, SetStatus, Simulate, get_verbosity, set_verbosity)
from .loading import Install, Installed, install
from .nodes import NodeCollection

__version__ = "0.1.0"

__all__ = ["Cleanup", "Connect", "CopyModel", "Create", "GetConnections", "GetDefaults",
           "GetKernelStatus", "GetStatus", "Install", "Installed", "Models", "NESTError",
           "NESTErrors", "NESTMLError", "NodeCollection", "NotAvailable", "Prepare",
           "ResetKernel", "Run", "RunManager", "SetDefaults", "SetKernelStatus", "SetStatus",
           "Simulate", "SynapseCollection", "get_verbosity", "install", "math", "random",
           "set_verbosity"]

# Kernel properties reachable as attributes (PyNEST 3's nest.resolution etc.).
_KERNEL_ATTRIBUTES = ("resolution", "rng_seed", "biological_time", "network_size",
                      "num_connections", "min_delay", "print_time", "local_num_threads",
                      "total_num_virtual_procs", "num_processes", "node_models",
                      "synapse_models", "overwrite_files", "data_path", "data_prefix",
                      "kernel_status")


# PyNEST names nestjit does not have: using one raises NotAvailable naming it (an
# AttributeError would look like a typo in the script).
_PYNEST_MISSING = ("Disconnect", "raster_plot", "voltage_trace", "visualization", "spatial",
                   "spatial_distributions", "logic", "CreateParameter", "CreateMask",
                   "GetPosition", "Displacement", "Distance", "DumpLayerNodes", "PlotLayer",
                   "PlotTargets", "PlotSources", "PlotProbabilityParameter", "GetTargetNodes",
                   "GetSourceNodes", "GetTargetPositions", "GetSourcePositions",
                   "SelectNodesByMask", "GetLocalNodeCollection", "GetNodes", "PrintNodes",
                   "NumProcesses", "Rank", "SyncProcesses", "EnableStructuralPlasticity",
                   "DisableStructuralPlasticity", "CollocatedSynapses", "GetLocalVPs",
                   "build_network", "sli_run", "sli_func", "ll_api", "server")


class _Missing:
    """Stands for a PyNEST name nestjit lacks; calling it or any of its attributes raises."""

    def __init__(self, name):
        self._name = name

    def _raise(self, *_, **__):
        raise NotAvailable(f"nest.{self._name} is not available in nestjit (see docs/python.md)")

    __call__ = _raise

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise NotAvailable(f"nest.{self._name}.{attr} is not available in nestjit (see docs/python.md)")

    def __repr__(self):
        return f"<nest.{self._name}: not available in nestjit>"


class _NestModule(_types.ModuleType):
    def __getattr__(self, name):
        if name == "kernel_status":  # PyNEST 3: the whole status as a dictionary
            return GetKernelStatus()
        if name in _KERNEL_ATTRIBUTES:
            return GetKernelStatus(name)
        if name in _PYNEST_MISSING:
            return _Missing(name)
        raise AttributeError(f"module 'nestjit' has no attribute '{name}'")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(_KERNEL_ATTRIBUTES))

    def __setattr__(self, name, value):
        if name == "kernel_status":
            raise NESTError("nest.kernel_status is read-only; use SetKernelStatus")
        if name in _KERNEL_ATTRIBUTES:
            SetKernelStatus({name: value})
        else:
            super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _NestModule
