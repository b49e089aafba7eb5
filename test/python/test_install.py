"""nestjit.install (diagnostics), nest.Install, nestjit.compat (NESTML's generate_code_for)."""
import os
import warnings

import pytest

import nestjit as nest
from nestjit.compat import CompatWarning, NESTCodeGeneratorUtils, NESTTools

from conftest import LEAKY

STDP = """model stdp_synapse:
    parameters:
        d ms = 1 ms
        lambda real = .01
        tau_tr_pre ms = 20 ms
    state:
        w real = 1.
    equations:
        kernel pre_trace_kernel = exp(-t / tau_tr_pre)
        inline pre_trace real = convolve(pre_trace_kernel, pre_spikes)
    input:
        pre_spikes <- spike
        post_spikes <- spike
    output:
        spike(weight real, delay ms)
    onReceive(post_spikes):
        w += lambda * pre_trace
    onReceive(pre_spikes):
        emit_spike(w, d)
    update:
        integrate_odes()
"""


def test_install_source_and_file_return_models_and_timings(tmp_path):
    r = nest.install(LEAKY, name="leaky.nestml")
    assert r.models == ["leaky_neuron"] and r.timings.total_ms > 0
    path = tmp_path / "other.nestml"
    path.write_text(LEAKY.replace("leaky_neuron", "other_neuron"))
    assert nest.install(str(path)).models == ["other_neuron"]


def test_install_error_carries_located_diagnostics():
    broken = LEAKY.replace("V_m' = -(V_m - E_L) / tau", "V_m' = -(V_m - E_L)")
    with pytest.raises(nest.NESTMLError) as info:
        nest.install(broken, name="broken.nestml")
    d = info.value.diagnostics[0]
    assert d.file == "broken.nestml" and d.line == 10 and d.column > 0
    assert d.code.startswith("E-") and d.message
    assert "broken.nestml:10:" in str(info.value) and "^" in d.rendered
    assert isinstance(info.value, nest.NESTError)
    with pytest.raises(nest.NESTMLError, match="E-FILE"):
        nest.install("/no/such/model.nestml")
    # Still usable afterwards.
    assert nest.install(LEAKY, name="leaky.nestml").models == ["leaky_neuron"]


def test_warnings_are_diagnostics_too():
    r = nest.install(LEAKY.replace("E_L mV = -70 mV", "E_L mV = -70 mV\n        a real = 1"),
                     name="shadow.nestml", quiet=True)
    assert any(d.severity == "warning" for d in r.diagnostics)


def test_install_module_names():
    with pytest.raises(nest.NESTError, match="unknown module 'nestmlmodule'.*cannot load compiled"):
        nest.Install("nestmlmodule")


def test_generate_code_for_a_pair_uses_nestml_names_and_survives_reset():
    module, neuron, synapse = NESTCodeGeneratorUtils.generate_code_for(
        LEAKY, STDP, post_ports=["post_spikes"], logging_level="ERROR",
        codegen_opts={"delay_variable": {"stdp_synapse": "d"},
                      "weight_variable": {"stdp_synapse": "w"}})
    assert module.startswith("nestml_") and module.endswith("_module")
    assert neuron == "leaky_neuron_nestml__with_stdp_synapse_nestml"
    assert synapse == "stdp_synapse_nestml__with_leaky_neuron_nestml"
    nest.Install(module)
    nest.ResetKernel()
    nest.Install(module)  # as upstream needs after ResetKernel; accepted, not needed
    pre = nest.Create("parrot_neuron")
    post = nest.Create(neuron)
    nest.Connect(pre, post, syn_spec={"synapse_model": synapse, "delay": 4.0, "w": 0.5})
    syn = nest.GetConnections(source=pre, synapse_model=synapse)
    # delay_variable/weight_variable bind the connection's delay and weight to d and w.
    assert syn.get("d") == 4.0 and syn.get("delay") == 4.0
    assert syn.get("w") == 0.5 and syn.get("weight") == 0.5
    assert nest.GetDefaults(synapse)["lambda"] == 0.01


def test_generate_code_for_files_and_single_neuron(tmp_path):
    path = tmp_path / "leaky_neuron.nestml"
    path.write_text(LEAKY)
    module, neuron, synapse = NESTCodeGeneratorUtils.generate_code_for(str(path), uniq_id="abc")
    assert (module, neuron, synapse) == ("nestml_abc_module", "leaky_neuron_nestml", None)
    nest.Install(module)
    assert nest.Create(neuron).V_m == -70.0


def test_unhonoured_options_are_reported():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        NESTCodeGeneratorUtils.generate_code_for(LEAKY, codegen_opts={"nest_path": "/opt/nest"},
                                                 logging_level="ERROR")
    assert any(issubclass(w.category, CompatWarning) and "nest_path" in str(w.message)
               for w in caught)
    with pytest.raises(nest.NESTError, match="neuron_synapse_pairs names"):
        NESTCodeGeneratorUtils.generate_code_for(
            LEAKY, STDP, codegen_opts={"neuron_synapse_pairs": [{"neuron": "x", "synapse": "y"}]})


def test_nest_tools():
    assert NESTTools.detect_nest_version().startswith("v3")
    NESTCodeGeneratorUtils.generate_code_for(LEAKY, uniq_id="t", logging_level="ERROR")
    assert NESTTools.get_neuron_numerical_states("leaky_neuron_nestml") == ["V_m"]
    NESTCodeGeneratorUtils.generate_code_for(LEAKY.replace("leaky_neuron", "tools_neuron"),
                                             uniq_id="tools", logging_level="ERROR")
    params = NESTTools.get_neuron_parameters("tools_neuron")  # the _nestml model
    assert params["tau"] == 10.0 and params["model"] == "tools_neuron_nestml"
    with pytest.raises(nest.NESTError, match="'iaf_psc_exp' is not installed; load it first"):
        NESTTools.get_neuron_parameters("iaf_psc_exp")
