"""The interactive session (`nestjit`, IPython) in a real terminal: what a person sees."""
import re
import time

from conftest import ENDLESS

RUN = ('run = lambda: (nest.ResetKernel(), (n := nest.Create("izhikevich_neuron")), '
       '(sr := nest.Create("spike_recorder")), nest.Connect(n, sr), nest.Simulate(500.0), '
       'sr.get("n_events"))[-1]')


def test_load_shows_models_and_stage_timings_and_show_completes_a_parameter(session):
    session.send("%load izhikevich_neuron.nestml")
    session.wait_for(r"loaded izhikevich_neuron \(neuron\) from izhikevich_neuron\.nestml\n"
                     r"\s+parse [\d.]+ ms, check [\d.]+ ms, ODE analysis [\d.]+ ms, "
                     r"IR [\d.]+ ms, JIT [\d.]+ ms, total [\d.]+ ms")
    mark = session.mark()
    session.send("%show izhikevich_neuron V_t", enter=False)
    session.key("Tab")
    session.wait_for(r"%show izhikevich_neuron V_th\b", after=mark)
    session.key("Enter")
    session.wait_for(r"izhikevich_neuron\.V_th: parameter, default 30 mV", after=mark)
    mark = session.mark()
    session.send("%show izhikevich_neuron")
    m = session.wait_for(r"ODE systems:\n\s+V_m, U_m: auto \(numeric: not linear", after=mark)
    shown = session.screen()[mark:m.end()]
    assert re.search(r"I_e\s+0 pA", shown)
    assert re.search(r"V_m\s+-65 mV", shown)
    assert "recordables: U_m, V_m" in shown
    mark = session.mark()
    session.send("%dump ast izhikevich_neuron")
    session.wait_for(r"Name V_m : mV -> state", after=mark)
    mark = session.mark()
    session.send("%dump ir izhikevich_neuron")
    session.wait_for(r"numeric system #0: V_m, U_m", after=mark)
    mark = session.mark()
    session.send("%dump llvm izhikevich_neuron")
    session.wait_for(r"define .*izhikevich_neuron", after=mark)


def test_model_error_then_success(session, workdir):
    (workdir / "broken.nestml").write_text(
        "model broken_neuron:\n    parameters:\n        tau ms = 10 mV\n")
    session.send("%load broken.nestml")
    session.wait_for(r"broken\.nestml:3:\d+: error\[[A-Z-]+\]")
    mark = session.mark()
    session.send("%load izhikevich_neuron.nestml")
    session.wait_for(r"loaded izhikevich_neuron", after=mark)
    mark = session.mark()
    session.send('nest.Create("no_such_model")')
    session.wait_for(r"unknown model 'no_such_model'", after=mark)
    mark = session.mark()
    session.send(RUN)
    session.send("run()")
    session.wait_for(r"Out\[\d+\]: 0\b", after=mark)


def _biological_time(session):
    mark = session.mark()
    session.send('nest.GetKernelStatus("biological_time")')
    return float(session.wait_for(r"Out\[\d+\]: ([\d.e+]+)", after=mark).group(1))


def test_ctrl_c_stops_a_long_simulate_and_the_network_goes_on(session):
    session.send("%load izhikevich_neuron.nestml")
    session.wait_for(r"loaded izhikevich_neuron")
    session.send('n = nest.Create("izhikevich_neuron", 2000, params={"I_e": 10.0})')
    mark = session.mark()
    session.send("nest.Simulate(1e6)")
    session.wait_for(r"Simulate:\s+\d+%", after=mark)  # the progress bar
    m = session.interrupt(after=mark)
    stopped = float(m.group(1))
    assert 0 < stopped < 1e6
    assert _biological_time(session) == stopped
    session.send("nest.Simulate(10.0)")
    assert _biological_time(session) == stopped + 10.0
    session.send("nest.ResetKernel()")
    session.send(RUN)
    mark = session.mark()
    session.send("run()")
    session.wait_for(r"Out\[\d+\]: 0\b", after=mark)
    assert _biological_time(session) == 500.0


def test_ctrl_c_leaves_a_models_endless_loop(session, workdir):
    (workdir / "endless_neuron.nestml").write_text(ENDLESS)
    session.send("%load endless_neuron.nestml")
    session.wait_for(r"loaded endless_neuron")
    session.send('e = nest.Create("endless_neuron")')
    mark = session.mark()
    session.send("nest.Simulate(100.0)")
    session.wait_for(r"nest\.Simulate\(100\.0\)", after=mark)
    time.sleep(1.0)  # nothing shows that the simulate runs; a key before it would cancel the cell
    m = session.interrupt(after=mark)
    first = float(m.group(1))
    assert _biological_time(session) == first
    # The next Simulate continues the same network (and its loop, which never ends). Nothing
    # on the screen tells that the simulate has started: a Ctrl-C that comes before it stops
    # it before its first slice (time unchanged), so that case is retried.
    for attempt in range(5):
        mark = session.mark()
        session.send("nest.Simulate(100.0)")
        session.wait_for(r"nest\.Simulate\(100\.0\)", after=mark)
        time.sleep(0.5 * (attempt + 1))
        m = session.interrupt(after=mark)
        if float(m.group(1)) > first:
            break
    assert float(m.group(1)) > first
    mark = session.mark()
    session.send('nest.GetStatus(e, "x")[0] > 0')
    session.wait_for(r"Out\[\d+\]: True", after=mark)
    session.send("nest.ResetKernel()")
    session.send("%load izhikevich_neuron.nestml")
    session.send(RUN)
    mark = session.mark()
    session.send("run()")
    session.wait_for(r"Out\[\d+\]: 0\b", after=mark)


def test_reload_after_an_edit_and_a_broken_edit_keeps_the_old_model(session, workdir):
    model = workdir / "izhikevich_neuron.nestml"
    source = model.read_text()
    assert "I_e pA = 0 pA" in source
    session.send("%load izhikevich_neuron.nestml")
    session.wait_for(r"loaded izhikevich_neuron")
    session.send(RUN)
    mark = session.mark()
    session.send("run()")
    session.wait_for(r"Out\[\d+\]: 0\b", after=mark)

    model.write_text(source.replace("I_e pA = 0 pA", "I_e pA = 10 pA"))
    mark = session.mark()
    session.send("%reload")
    session.wait_for(r"loaded izhikevich_neuron \(neuron\)", after=mark)
    mark = session.mark()
    session.send("run()")
    spikes = int(session.wait_for(r"Out\[\d+\]: (\d+)", after=mark).group(1))
    assert spikes > 0

    model.write_text(source.replace("I_e pA = 0 pA", "I_e pA = 10 pA +"))
    mark = session.mark()
    session.send("%reload")
    session.wait_for(r"izhikevich_neuron\.nestml:\d+:\d+: error", after=mark)
    session.wait_for(r"kept the last good version of izhikevich_neuron", after=mark)
    mark = session.mark()
    session.send("run()")
    assert int(session.wait_for(r"Out\[\d+\]: (\d+)", after=mark).group(1)) == spikes
    # Back to the last good text: nothing to recompile.
    model.write_text(source.replace("I_e pA = 0 pA", "I_e pA = 10 pA"))
    mark = session.mark()
    session.send("%reload")
    session.wait_for(r"%reload: no model file changed", after=mark)


CELL = """model cell_neuron:
    state:
        x real = 0
    update:
        x += 1
"""


def test_nestml_cell_and_plot(session, workdir):
    session.send("%autoindent")  # the lines below carry their own indentation
    session.wait_for(r"Automatic indentation is: OFF")
    session.send("%%nestml")
    for line in CELL.splitlines():
        session.send(line)
    session.send("")
    session.send("")  # IPython ends a cell magic at the second empty line
    session.wait_for(r"loaded cell_neuron \(neuron\) from the cell")
    session.send('m = nest.Create("multimeter", params={"record_from": ["x"], "interval": 1.0})')
    session.send('c = nest.Create("cell_neuron"); nest.Connect(m, c); nest.Simulate(20.0)')
    mark = session.mark()
    session.send("%plot m x --out trace.png")
    session.wait_for(r"plot written to trace\.png", after=mark)
    assert (workdir / "trace.png").stat().st_size > 1000
