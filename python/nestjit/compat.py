"""Stand-ins for the NESTML helpers that tutorials import:

    from nestjit.compat import NESTCodeGeneratorUtils, NESTTools

generate_code_for compiles in-process (milliseconds, no C++ build) and registers a module
name for nest.Install, under the model names NESTML gives: `<model>_nestml`, and for a
neuron-synapse pair `<neuron>_nestml__with_<synapse>_nestml` and
`<synapse>_nestml__with_<neuron>_nestml`."""
import logging
import os
import re
import uuid
import warnings

from .errors import NESTError
from .loading import install, register_module

log = logging.getLogger("nestjit.compat")

_MODEL_LINE = re.compile(r"^(\s*model\s+)([A-Za-z_][A-Za-z0-9_]*)(\s*:)", re.MULTILINE)

# codegen_opts nestjit honours; everything else is reported (it has no C++ code to shape).
_HONOURED_OPTS = ("delay_variable", "weight_variable", "neuron_synapse_pairs")


class CompatWarning(UserWarning):
    """An option of NESTML's code generator that nestjit does not honour."""


def _read_model(model):
    """NESTML's rule: text without a newline that names a .nestml file is a path."""
    if "\n" not in model and model.strip().endswith(".nestml"):
        path = model.strip()
        if not os.path.exists(path):
            raise NESTError(f"generate_code_for: model file '{path}' does not exist")
        with open(path) as f:
            return f.read(), path
    return model, None


def _model_name(source, what):
    m = _MODEL_LINE.search(source)
    if not m:
        raise NESTError(f"generate_code_for: the {what} model text has no 'model <name>:' line")
    return m.group(2)


def _renamed(source, new_name):
    return _MODEL_LINE.sub(lambda m: m.group(1) + new_name + m.group(3), source, count=1)


def _post_port_names(ports):
    names = []
    for p in ports or []:
        if isinstance(p, str):
            names.append(p)
        else:
            raise NESTError(f"generate_code_for: post port {p!r} pairs a continuous synapse input "
                            "with a neuron variable, which nestjit does not support yet")
    return names


class NESTCodeGeneratorUtils:
    @classmethod
    def generate_code_for(cls, nestml_neuron_model, nestml_synapse_model=None, module_name=None,
                          target_path="target", post_ports=None, mod_ports=None, uniq_id=None,
                          logging_level="WARNING", codegen_opts=None):
        """Loads the neuron (and synapse) model; returns (module_name, neuron_model_name,
        synapse_model_name) for nest.Install(module_name) and nest.Create/Connect."""
        codegen_opts = dict(codegen_opts or {})
        unhonoured = [k for k in codegen_opts if k not in _HONOURED_OPTS]
        if mod_ports:
            unhonoured.append("mod_ports")
        if unhonoured:
            warnings.warn("nestjit.compat: options not honoured (nestjit generates no C++ code): "
                          + ", ".join(unhonoured), CompatWarning, stacklevel=2)
        quiet = str(logging_level).upper() in ("ERROR", "NO", "CRITICAL")
        uniq_id = uniq_id or uuid.uuid4().hex
        module_name = module_name or f"nestml_{uniq_id}_module"

        neuron_text, neuron_path = _read_model(nestml_neuron_model)
        neuron = _model_name(neuron_text, "neuron")
        synapse_text = synapse_path = synapse = None
        if nestml_synapse_model is not None:
            synapse_text, synapse_path = _read_model(nestml_synapse_model)
            synapse = _model_name(synapse_text, "synapse")
        for pair in codegen_opts.get("neuron_synapse_pairs", []):
            if pair.get("neuron") != neuron or pair.get("synapse") != synapse:
                raise NESTError(f"generate_code_for: neuron_synapse_pairs names {pair.get('neuron')!r}"
                                f" and {pair.get('synapse')!r}, but the models given are {neuron!r}"
                                f" and {synapse!r}")
            post_ports = list(post_ports or []) + [p for p in pair.get("post_ports", [])
                                                   if p not in (post_ports or [])]

        if synapse is None:
            neuron_name, synapse_name = f"{neuron}_nestml", None
        else:
            neuron_name = f"{neuron}_nestml__with_{synapse}_nestml"
            synapse_name = f"{synapse}_nestml__with_{neuron}_nestml"
        models = [neuron_name]
        install(_renamed(neuron_text, neuron_name), name=neuron_path or f"{neuron}.nestml",
                quiet=quiet)
        if synapse is not None:
            def opt(key):
                value = codegen_opts.get(key, {})
                if isinstance(value, dict):
                    return value.get(synapse, "")
                return value
            install(_renamed(synapse_text, synapse_name), name=synapse_path or f"{synapse}.nestml",
                    post_ports=_post_port_names(post_ports), weight_variable=opt("weight_variable"),
                    delay_variable=opt("delay_variable"), synapse_models=[synapse_name], quiet=quiet)
            models.append(synapse_name)
        register_module(module_name, models)
        log.info("nestjit.compat: module %s with %s", module_name, ", ".join(models))
        return module_name, neuron_name, synapse_name


class NESTTools:
    """The small helpers of NESTML's NESTTools that make sense without a NEST build."""

    @staticmethod
    def detect_nest_version():
        """The NEST API level nestjit follows (scripts branch on the major version)."""
        return "v3.9.0"

    @staticmethod
    def get_neuron_numerical_states(neuron_model_name):
        """Names of the state variables of an installed neuron model."""
        from ._kernel import kernel
        return list(kernel().model_info(neuron_model_name).state)

    @staticmethod
    def get_neuron_parameters(neuron_model_name):
        """The status of a new node of an installed neuron model (NESTML's helper builds the
        model from its own library first; nestjit has no model library, so the model must have
        been loaded, by name with or without the `_nestml` suffix)."""
        from ._kernel import kernel
        from .hl_api import GetDefaults
        names = kernel().models()
        for name in (neuron_model_name, neuron_model_name + "_nestml"):
            if name in names:
                return GetDefaults(name)
        raise NESTError(f"NESTTools.get_neuron_parameters: '{neuron_model_name}' is not installed; "
                        "load it first (generate_code_for or nestjit.install), nestjit has no "
                        "NESTML model library")
