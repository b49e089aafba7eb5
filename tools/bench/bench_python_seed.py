#!/usr/bin/python3
"""The seed sweep (180 simulations of the STDP window) from Python (nestjit's PyNEST layer,
the notebook's own loop) against the C++ examples/stdp_window program, and the time of
`import nestjit`. Repeats each and prints min and median. Goals (issue 9): Python sweep
<= 1.2x the C++ sweep; import < 150 ms.

    /usr/bin/python3 tools/bench/bench_python_seed.py [--build build] [--repeat 5]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
MODELS = os.path.join(SOURCE, "examples", "stdp_window")


def python_sweep(nest, module_name, neuron, synapse):
    """The notebook's loop, verbatim in its calls."""
    sim_time, spike_pre, delay = 1000, 300, 15
    dt, dw = [], []
    for spike in range(1, sim_time - 100, 5):
        nest.ResetKernel()
        nest.Install(module_name)
        sg_pre = nest.Create("spike_generator", params={"spike_times": [spike_pre, sim_time - 2]})
        sg_post = nest.Create("spike_generator", params={"spike_times": [spike]})
        pre_neuron = nest.Create("parrot_neuron")
        post_neuron = nest.Create(neuron)
        sr_pre = nest.Create("spike_recorder")
        sr_post = nest.Create("spike_recorder")
        nest.Connect(sg_pre, pre_neuron)
        nest.Connect(sg_post, post_neuron, syn_spec={"weight": 9999.0})
        nest.Connect(pre_neuron, sr_pre)
        nest.Connect(post_neuron, sr_post)
        nest.Connect(pre_neuron, post_neuron, syn_spec={"synapse_model": synapse, "delay": delay})
        syn = nest.GetConnections(source=pre_neuron, synapse_model=synapse)
        initial_weight = nest.GetStatus(syn)[0]["w"]
        lam = nest.GetDefaults(synapse)["lambda"]
        nest.Simulate(sim_time)
        updated_weight = nest.GetStatus(syn)[0]["w"]
        dt.append(sr_post.get()["events"]["times"][0] - sr_pre.get()["events"]["times"][0])
        dw.append((updated_weight - initial_weight) / lam)
    return dt, dw


def stats(values):
    return f"min {min(values):8.1f} ms   median {statistics.median(values):8.1f} ms"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(SOURCE, "build"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    sys.path.insert(0, os.path.join(args.build, "python"))
    env = dict(os.environ, PYTHONPATH=os.path.join(args.build, "python"))

    imports = []
    for _ in range(args.repeat):
        out = subprocess.run([sys.executable, "-c", "import time; t = time.perf_counter(); "
                              "import nestjit; print((time.perf_counter() - t) * 1e3)"],
                             env=env, capture_output=True, text=True, check=True).stdout
        imports.append(float(out))

    import nestjit as nest
    from nestjit.compat import NESTCodeGeneratorUtils
    with open(os.path.join(MODELS, "izhikevich_neuron.nestml")) as f:
        neuron_src = f.read()
    with open(os.path.join(MODELS, "stdp_synapse.nestml")) as f:
        synapse_src = f.read()
    t = time.perf_counter()
    names = NESTCodeGeneratorUtils.generate_code_for(
        neuron_src, synapse_src, post_ports=["post_spikes"], logging_level="ERROR",
        codegen_opts={"delay_variable": {"stdp_synapse": "d"}, "weight_variable": {"stdp_synapse": "w"}})
    load_ms = (time.perf_counter() - t) * 1e3
    py_wall, py_cpu = [], []
    for _ in range(args.repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        dt, dw = python_sweep(nest, *names)
        py_wall.append((time.perf_counter() - w0) * 1e3)
        py_cpu.append((time.process_time() - c0) * 1e3)
    assert len(dt) == 180

    exe = os.path.join(args.build, "examples", "stdp_window", "stdp_window")
    cpp = []
    for _ in range(args.repeat):
        out = subprocess.run([exe, "--quiet", "--time", "--out", os.devnull],
                             capture_output=True, text=True, check=True).stdout
        cpp.append(float(re.search(r"sweep of \d+ simulations took (\d+) ms", out).group(1)))

    print(f"import nestjit            : {stats(imports)}   (goal < 150 ms)")
    print(f"generate_code_for (pair)  : {load_ms:8.1f} ms (parse, check, JIT of both models)")
    print(f"seed sweep, Python  wall  : {stats(py_wall)}")
    print(f"seed sweep, Python  CPU   : {stats(py_cpu)}")
    print(f"seed sweep, C++     wall  : {stats(cpp)}")
    print(f"Python / C++ (min wall)   : {min(py_wall) / min(cpp):.2f}x   (goal <= 1.2x)")
    ratio = statistics.median(py_wall) / statistics.median(cpp)
    print(f"Python / C++ (median wall): {ratio:.2f}x   (goal <= 1.2x)")


if __name__ == "__main__":
    main()
