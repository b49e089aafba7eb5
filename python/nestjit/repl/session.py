"""The session's meta-commands, independent of IPython: %load, %reload, %show, %plot,
%watch and %%nestml call these (magics.py for IPython, console.py for the plain console).
Each prints what a person wants to see and raises UsageError for bad arguments."""
import argparse
import hashlib
import os
import shlex
import sys

import nestjit
from .._kernel import kernel
from ..errors import NESTError, NESTMLError


class UsageError(Exception):
    """A meta-command was called wrongly; the message says how to call it."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{self.prog}: {message}\nusage: {self.format_usage().strip()[7:]}")

    def exit(self, status=0, message=None):
        if message:
            raise UsageError(message.strip())
        raise UsageError(self.format_help().strip())


def _install_options_parser(prog):
    p = _Parser(prog=prog, add_help=True)
    p.add_argument("--synapse", action="append", default=[], metavar="NAME",
                   help="treat NAME as a synapse model (besides names ending in 'synapse')")
    p.add_argument("--post-ports", default="", metavar="P,Q",
                   help="synapse ports fed by the postsynaptic neuron")
    p.add_argument("--weight-variable", default="", metavar="W")
    p.add_argument("--delay-variable", default="", metavar="D")
    p.add_argument("--numeric-solver", default="auto",
                   choices=["auto", "rk45", "cvode", "forward-Euler"])
    return p


def _options(ns):
    return dict(synapse_models=ns.synapse,
                post_ports=[p for p in ns.post_ports.split(",") if p],
                weight_variable=ns.weight_variable, delay_variable=ns.delay_variable,
                numeric_solver=ns.numeric_solver)


def format_timings(t):
    return (f"parse {t.parse_ms:.2f} ms, check {t.check_ms:.2f} ms, ODE analysis "
            f"{t.ode_ms:.2f} ms, IR {t.ir_ms:.2f} ms, JIT {t.jit_ms:.2f} ms, "
            f"total {t.total_ms:.2f} ms")


def _digest(path):
    with open(path, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


class LoadedFile:
    """A model file loaded in this session: the options it was loaded with, the models it
    gave and the content (digest) of the last version that compiled."""

    def __init__(self, path, options, models, digest):
        self.path, self.options, self.models, self.digest = path, options, models, digest


class Session:
    def __init__(self, out=None):
        self._out = out
        self.files = {}  # absolute path -> LoadedFile
        self.cell_models = []

    @property
    def out(self):
        return self._out or sys.stdout

    def say(self, text=""):
        print(text, file=self.out)

    # ---- %load FILE [options] ----
    def load(self, line):
        p = _install_options_parser("%load")
        p.add_argument("file", help="NESTML file")
        ns = p.parse_args(shlex.split(line))
        path = os.path.abspath(os.path.expanduser(ns.file))
        if not os.path.isfile(path):
            raise UsageError(f"%load: no such file: {ns.file}")
        options = _options(ns)
        installed = nestjit.install(path, quiet=True, **options)  # NESTMLError on errors
        self.files[path] = LoadedFile(path, options, installed.models, _digest(path))
        self._report_install(installed, ns.file)
        return installed

    def _report_install(self, installed, where):
        if installed.report:
            self.say(installed.report.rstrip())
        for m in installed.models:
            kind = "synapse" if kernel().model_info(m).is_synapse else "neuron"
            self.say(f"loaded {m} ({kind}) from {where}")
        self.say(f"  {format_timings(installed.timings)}")

    # ---- %reload ----
    def reload(self, line=""):
        """Recompiles the files whose content changed since they last compiled; a file with
        errors shows its diagnostics and its models stay as they were."""
        if line.strip():
            raise UsageError("%reload takes no arguments (it reloads every changed file)")
        if not self.files:
            self.say("%reload: nothing loaded with %load yet")
            return []
        changed = []
        for lf in self.files.values():
            if not os.path.exists(lf.path):
                self.say(f"{lf.path}: file is gone; {', '.join(lf.models)} stay(s) as loaded")
                continue
            digest = _digest(lf.path)
            if digest == lf.digest:
                continue
            changed.append(lf.path)
            try:
                installed = nestjit.install(lf.path, quiet=True, **lf.options)
            except NESTMLError as e:
                self.say(str(e).rstrip())
                self.say(f"kept the last good version of {', '.join(lf.models)}")
                continue
            lf.models, lf.digest = installed.models, digest
            self._report_install(installed, os.path.relpath(lf.path))
        if not changed:
            self.say("%reload: no model file changed")
        return changed

    # ---- %%nestml ----
    def nestml_cell(self, line, cell):
        p = _install_options_parser("%%nestml")
        ns = p.parse_args(shlex.split(line))
        installed = nestjit.install(cell, name="<cell>", quiet=True, **_options(ns))
        self.cell_models.extend(installed.models)
        self._report_install(installed, "the cell")
        return installed

    # ---- %show MODEL ----
    def show(self, line):
        from .show import describe, describe_variables
        words = line.split()
        if not words:
            raise UsageError("usage: %show MODEL [VARIABLE...]")
        name, variables = words[0], words[1:]
        if name not in kernel().models():
            raise UsageError(f"%show: unknown model '{name}' (loaded: "
                             f"{', '.join(self.installed_models()) or 'none'})")
        if not _is_nestml(name):
            self.say(f"{name}: built-in; defaults: {kernel().get_defaults(name)}")
            return
        self.say(describe_variables(name, variables) if variables else describe(name))

    # ---- %dump ast|ir|llvm MODEL ----
    def dump(self, line):
        from . import _native
        parts = line.split()
        if len(parts) != 2 or parts[0] not in ("ast", "ir", "llvm"):
            raise UsageError("usage: %dump ast|ir|llvm MODEL")
        what, name = parts
        self.say(_native.dump(kernel(), name, what).rstrip())

    # ---- %plot [RECORDER|x y] ----
    def plot(self, line, user_ns=None):
        from .plot import plot_command
        return plot_command(self, line, user_ns or {})

    # ---- %watch SCRIPT [ARGS] ----
    def watch(self, line):
        from .watch import watch_script
        args = shlex.split(line)
        if not args:
            raise UsageError("usage: %watch SCRIPT [ARGS...]  (Ctrl-C ends watching)")
        watch_script(args[0], args[1:], out=self.out)

    # ---- completion ----
    def installed_models(self):
        try:
            return [m for m in kernel().models() if _is_nestml(m)]
        except NESTError:
            return []

    def model_names(self):
        return list(kernel().models())

    def variable_names(self, model):
        try:
            info = kernel().model_info(model)
        except NESTError:
            return []
        return list(info.parameters) + list(info.state) + list(info.recordables)

    def all_variable_names(self):
        names = []
        for m in self.installed_models():
            names.extend(self.variable_names(m))
        return sorted(set(names))

    def recorder_names(self, user_ns):
        """Names in the user's namespace bound to recorders (spike_recorder, multimeter,
        voltmeter) for %plot."""
        return sorted(k for k, v in list(user_ns.items())
                      if not k.startswith("_") and recorder_kind(v))


def recorder_kind(value):
    """'spike_recorder' or 'multimeter' when value is a NodeCollection of one recorder."""
    from ..nodes import NodeCollection
    if not isinstance(value, NodeCollection) or len(value) != 1:
        return None
    try:
        status = kernel().node_status(value.tolist()[0])
    except NESTError:
        return None
    if status.get("element_type") != "recorder":
        return None
    return "multimeter" if "record_from" in status else "spike_recorder"


def _is_nestml(model):
    try:
        kernel().model_info(model)
        return True
    except NESTError:
        return False
