"""Firing patterns of one NESTML model: the seed's izhikevich_neuron with the parameter sets
of Izhikevich (2003, "Simple model of spiking neurons", fig. 2): regular spiking,
intrinsically bursting, chattering, fast spiking and low-threshold spiking cells, each
driven by the same step current. Prints spike counts and inter-spike intervals, writes the
spike times to --out (CSV: pattern,time_ms) and, with --png, the membrane traces.

    nestjit run examples/izhikevich_patterns/izhikevich_patterns.py --out patterns.csv --png patterns.png
"""
import argparse
import os
import sys

import nestjit as nest

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(os.path.dirname(HERE), "stdp_window", "izhikevich_neuron.nestml")

# name -> (a, b, c [mV], d)
PATTERNS = {
    "regular_spiking": (0.02, 0.2, -65.0, 8.0),
    "intrinsically_bursting": (0.02, 0.2, -55.0, 4.0),
    "chattering": (0.02, 0.2, -50.0, 2.0),
    "fast_spiking": (0.1, 0.2, -65.0, 2.0),
    "low_threshold_spiking": (0.02, 0.25, -65.0, 2.0),
}
CURRENT_PA = 10.0
ONSET_MS, SIM_MS = 20.0, 300.0


def simulate_patterns():
    """One neuron per pattern, all in one network; returns {name: (spike times, (t, V_m))}."""
    nest.ResetKernel()
    neurons = {}
    for name, (a, b, c, d) in PATTERNS.items():
        neurons[name] = nest.Create("izhikevich_neuron", params={
            "a": a, "b": b, "c": c, "d": d, "V_m": -65.0, "U_m": b * -65.0})
    step = nest.Create("step_current_generator", params={
        "amplitude_times": [ONSET_MS], "amplitude_values": [CURRENT_PA]})
    recorders, meters = {}, {}
    for name, n in neurons.items():
        nest.Connect(step, n)
        recorders[name] = nest.Create("spike_recorder")
        nest.Connect(n, recorders[name])
        meters[name] = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
        nest.Connect(meters[name], n)
    nest.Simulate(SIM_MS)
    out = {}
    for name in PATTERNS:
        times = [float(t) for t in recorders[name].get("events")["times"]]
        ev = meters[name].get("events")
        out[name] = (times, (list(ev["times"]), list(ev["V_m"])))
    return out


def intervals(times):
    return [b - a for a, b in zip(times, times[1:])]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="izhikevich_patterns.csv")
    ap.add_argument("--png", help="plot the membrane potentials to this PNG (matplotlib)")
    args = ap.parse_args(argv)
    nest.install(MODEL, quiet=True)
    results = simulate_patterns()
    print(f"{'pattern':<24} {'spikes':>6} {'first ISI':>10} {'last ISI':>10} {'min ISI':>8}")
    for name, (times, _) in results.items():
        isi = intervals(times)
        row = (f"{isi[0]:10.1f} {isi[-1]:10.1f} {min(isi):8.1f}" if isi else f"{'-':>10} {'-':>10} {'-':>8}")
        print(f"{name:<24} {len(times):6d} {row}")
    with open(args.out, "w") as f:
        f.write("pattern,time_ms\n")
        for name, (times, _) in results.items():
            for t in times:
                f.write(f"{name},{t!r}\n")
    print(f"wrote {args.out}")
    if args.png:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(len(results), 1, figsize=(9, 2 * len(results)), sharex=True)
        for ax, (name, (_, (t, v))) in zip(axes, results.items()):
            ax.plot(t, v, lw=0.8)
            ax.set_ylabel("V_m [mV]")
            ax.set_title(name.replace("_", " "), fontsize=10)
        axes[-1].set_xlabel("time [ms]")
        fig.tight_layout()
        fig.savefig(args.png, dpi=100)
        print(f"plot: {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
