"""The seed experiment as a nestjit script: the STDP window of the NESTML stdp_synapse onto
the NESTML izhikevich_neuron, the same sweep as stdp_window.cpp (for every post input time in
range(1, 900, 5): a fresh network, dt = first post - first pre spike, dw = weight change /
lambda) writing the same CSV to --out and, with --png, the same plot (plot.gp).

    nestjit run examples/stdp_window/stdp_window.py --out out/stdp_window.csv --png out/stdp_window.png
    nestjit watch examples/stdp_window/stdp_window.py --out out/stdp_window.csv

Rows are printed as they are computed, so `nestjit watch` shows the first result of an edit
before the sweep is done."""
import argparse
import os
import subprocess
import sys
import time

import nestjit as nest

HERE = os.path.dirname(os.path.abspath(__file__))


def number(x):
    """A double as fmt's "{}" writes it (shortest round-trip; no ".0" on whole numbers)."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def install_models(model_dir):
    neuron = nest.install(os.path.join(model_dir, "izhikevich_neuron.nestml"), quiet=True)
    synapse = nest.install(os.path.join(model_dir, "stdp_synapse.nestml"), quiet=True,
                           post_ports=["post_spikes"], weight_variable="w", delay_variable="d")
    return neuron, synapse


def one_point(t, sim_time=1000.0, spike_pre=300.0, delay=15.0):
    nest.ResetKernel()
    sg_pre = nest.Create("spike_generator", params={"spike_times": [spike_pre, sim_time - 2]})
    sg_post = nest.Create("spike_generator", params={"spike_times": [float(t)]})
    pre = nest.Create("parrot_neuron")
    post = nest.Create("izhikevich_neuron")
    sr_pre = nest.Create("spike_recorder")
    sr_post = nest.Create("spike_recorder")
    nest.Connect(sg_pre, pre)
    nest.Connect(sg_post, post, syn_spec={"weight": 9999.0})
    nest.Connect(pre, sr_pre)
    nest.Connect(post, sr_post)
    nest.Connect(pre, post, syn_spec={"synapse_model": "stdp_synapse", "delay": delay})
    syn = nest.GetConnections(source=pre, synapse_model="stdp_synapse")
    w_before = nest.GetStatus(syn)[0]["w"]
    nest.Simulate(sim_time)
    w_after = nest.GetStatus(syn)[0]["w"]
    pre_times = sr_pre.get("events")["times"]
    post_times = sr_post.get("events")["times"]
    if len(pre_times) == 0 or len(post_times) == 0:
        raise nest.NESTError(f"no pre or post spike for post input time {t} ms")
    return post_times[0] - pre_times[0], w_before, w_after


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="stdp_window.csv", help="CSV file to write (columns dt,dw)")
    ap.add_argument("--models", default=HERE,
                    help="folder with izhikevich_neuron.nestml and stdp_synapse.nestml")
    ap.add_argument("--png", help="also plot the window to this PNG (gnuplot, plot.gp)")
    ap.add_argument("--time", action="store_true", help="print how long each load stage took")
    ap.add_argument("--quiet", action="store_true", help="do not print the table")
    args = ap.parse_args(argv)

    neuron, synapse = install_models(args.models)
    if args.time:
        for r in (neuron, synapse):
            t = r.timings
            print(f"load {r.models[0]:<20} parse {t.parse_ms:.2f} ms, check {t.check_ms:.2f} ms, "
                  f"ODE analysis {t.ode_ms:.2f} ms, IR {t.ir_ms:.2f} ms, JIT {t.jit_ms:.2f} ms, "
                  f"total {t.total_ms:.2f} ms")
    lam = nest.GetDefaults("stdp_synapse")["lambda"]
    start = time.perf_counter()
    points = []
    if not args.quiet:
        print(f"{'dt [ms]':>10} {'dw [lambda]':>22}", flush=True)
    for t in range(1, 900, 5):
        dt, w_before, w_after = one_point(t)
        dw = (w_after - w_before) / lam
        points.append((dt, dw))
        if not args.quiet:
            print(f"{dt:10g} {dw:22.15g}", flush=True)
    sweep_ms = (time.perf_counter() - start) * 1e3
    with open(args.out, "w") as f:
        f.write("dt,dw\n")
        for dt, dw in points:
            f.write(f"{number(dt)},{number(dw)}\n")
    line = f"wrote {len(points)} points to {args.out}"
    if args.time:
        line += f" (sweep of {len(points)} simulations took {sweep_ms:.0f} ms)"
    print(line, flush=True)
    if args.png:
        subprocess.run(["gnuplot", "-e", f"csv='{args.out}'; png='{args.png}'",
                        os.path.join(HERE, "plot.gp")], check=True)
        print(f"plot: {args.png}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
