"""Loading NESTML models: nestjit.install (nestjit's own API) and nest.Install (modules
registered by nestjit.compat.NESTCodeGeneratorUtils)."""
import os
import sys

from ._kernel import kernel
from .errors import NESTError, NESTMLError

# module name -> model names it provides (the models stay installed across ResetKernel).
_modules = {}


class Installed:
    """What install() loaded: model names, diagnostics (warnings too) and per-stage timings."""

    def __init__(self, result):
        self.models = list(result.models)
        self.diagnostics = list(result.diagnostics)
        self.timings = result.timings
        self.report = result.report()

    def __repr__(self):
        return f"Installed(models={self.models}, diagnostics={len(self.diagnostics)})"


def _looks_like_source(text):
    return "\n" in text or not (text.endswith(".nestml") or os.path.exists(text))


def install(path_or_source, *, name=None, post_ports=None, weight_variable=None,
            delay_variable=None, synapse_models=None, numeric_solver="auto",
            solver="analytic", quiet=False):
    """Parses, checks and JIT-compiles the NESTML models in a file or in source text.
    Returns an Installed; raises NESTMLError (its message: the rendered diagnostics, each
    with file:line:column, source line, caret and hint) when a model has an error."""
    options = dict(post_ports=list(post_ports or []), weight_variable=weight_variable or "",
                   delay_variable=delay_variable or "", synapse_models=list(synapse_models or []),
                   numeric_solver=numeric_solver, solver=solver)
    k = kernel()
    if _looks_like_source(path_or_source):
        result = k.install_source(name or "<source>", path_or_source, **options)
    else:
        result = k.install_file(path_or_source, **options)
    if not result.ok:
        raise NESTMLError(result.report(), result.diagnostics)
    installed = Installed(result)
    if installed.report and not quiet:
        sys.stderr.write(installed.report)
    return installed


def register_module(module_name, models):
    _modules[module_name] = list(models)


def Install(module_name):
    """PyNEST's Install: makes a module's models available. nestjit knows the modules that
    nestjit.compat.NESTCodeGeneratorUtils.generate_code_for made; their models are compiled
    already and survive ResetKernel, so installing again (as upstream needs) is accepted."""
    if module_name in _modules:
        known = set(kernel().models())
        missing = [m for m in _modules[module_name] if m not in known]
        if missing:
            raise NESTError(f"Install: models {missing} of module '{module_name}' are gone")
        return None
    have = ", ".join(_modules) or "none"
    raise NESTError(f"Install: unknown module '{module_name}'. nestjit cannot load compiled "
                    "extension modules; load NESTML with nestjit.install(path) or "
                    "nestjit.compat.NESTCodeGeneratorUtils.generate_code_for(...) "
                    f"(modules made so far: {have})")
