"""`nestjit watch` re-runs on a save of the script or a model file it installed (also after
a broken save); the plain console (`nestjit --console`) has the same meta-commands and
Ctrl-C."""
import shutil

import pytest

from conftest import ENDLESS, NESTJIT, Terminal

SCRIPT = """import nestjit as nest
nest.install("izhikevich_neuron.nestml", quiet=True)
print("I_e default is", nest.GetDefaults("izhikevich_neuron")["I_e"], "pA", flush=True)
"""


@pytest.fixture
def tmux():
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (scripts/install-deps.sh installs it)")


def test_watch_reruns_after_a_model_edit_and_survives_a_broken_one(tmux, workdir, terminal_env):
    (workdir / "show_ie.py").write_text(SCRIPT)
    model = workdir / "izhikevich_neuron.nestml"
    source = model.read_text()
    t = Terminal(f"{NESTJIT} watch show_ie.py", workdir, terminal_env)
    try:
        t.wait_for(r"I_e default is 0\.0 pA")
        t.wait_for(r"nestjit watch: watching 2 files")
        mark = t.mark()
        model.write_text(source.replace("I_e pA = 0 pA", "I_e pA = 7 pA"))
        t.wait_for(r"izhikevich_neuron\.nestml changed, running again", after=mark)
        t.wait_for(r"I_e default is 7\.0 pA", after=mark)
        mark = t.mark()
        model.write_text(source.replace("I_e pA = 0 pA", "I_e pA = 7 pA +"))
        t.wait_for(r"izhikevich_neuron\.nestml:\d+:\d+: error", after=mark)
        t.wait_for(r"run finished in \d+ ms \(exit status 1\)", after=mark)
        mark = t.mark()
        model.write_text(source.replace("I_e pA = 0 pA", "I_e pA = 8 pA"))
        t.wait_for(r"I_e default is 8\.0 pA", after=mark)
        mark = t.mark()
        (workdir / "show_ie.py").write_text(SCRIPT.replace("I_e default is", "I_e now"))
        t.wait_for(r"I_e now 8\.0 pA", after=mark)
        t.interrupt(after=mark, pattern=r"nestjit watch: stopped")
    finally:
        t.close()


def test_plain_console_has_the_meta_commands_and_ctrl_c(tmux, workdir, terminal_env):
    (workdir / "endless_neuron.nestml").write_text(ENDLESS)
    t = Terminal(f"{NESTJIT} --console", workdir, terminal_env)
    try:
        t.wait_for(r"\(plain console\)\n>>> ")
        t.send("%load endless_neuron.nestml")
        t.wait_for(r"loaded endless_neuron \(neuron\) from endless_neuron\.nestml\n\s+parse")
        t.send("%show endless_neuron")
        t.wait_for(r"x\s+0\s*\n")
        t.send("%show endless_neuron", enter=False)
        t.send(" end", enter=False)
        t.send("", enter=False)
        t.key("C-u")
        t.send("e = nest.Create('endless_neuron')")
        mark = t.mark()
        t.send("nest.Simulate(50.0)")
        t.wait_for(r"nest\.Simulate\(50\.0\)", after=mark)
        t.interrupt(after=mark)
        mark = t.mark()
        t.send("%bogus")
        t.wait_for(r"unknown command %bogus", after=mark)
        t.send("print(nest.GetKernelStatus('biological_time') > 0)")
        t.wait_for(r"\nTrue\n", after=mark)
    finally:
        t.close()
