"""%plot: multimeter traces, a spike raster, or y against x, with matplotlib. In Jupyter the
figure shows inline; in a terminal it opens a window when there is a display and an
interactive backend, else (Agg) it is written to a PNG file whose name is printed."""
import os
import shlex

from .session import UsageError, recorder_kind


def _pyplot():
    import matplotlib
    in_notebook = "ipykernel" in str(type(_shell()))
    if not in_notebook and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt, in_notebook


def _shell():
    try:
        from IPython import get_ipython
        return get_ipython()
    except ImportError:
        return None


_counter = [0]


def _finish(session, plt, fig, in_notebook, out):
    import matplotlib
    if out or (not in_notebook and matplotlib.get_backend().lower() == "agg"):
        if not out:
            _counter[0] += 1
            out = f"nestjit_plot_{_counter[0]}.png"
        fig.savefig(out, dpi=100)
        plt.close(fig)
        session.say(f"plot written to {out}")
        return out
    plt.show(block=False) if not in_notebook else plt.show()
    return None


def plot_command(session, line, user_ns):
    words = shlex.split(line)
    out = None
    if "--out" in words:
        i = words.index("--out")
        if i + 1 >= len(words):
            raise UsageError("%plot: --out needs a file name")
        out = words[i + 1]
        del words[i:i + 2]
    if not words:
        raise UsageError("usage: %plot RECORDER [VARIABLE...] [--out FILE] | %plot X Y [--out FILE]")
    first = words[0]
    if first not in user_ns:
        raise UsageError(f"%plot: no variable '{first}' in the namespace (recorders: "
                         f"{', '.join(session.recorder_names(user_ns)) or 'none'})")
    value = user_ns[first]
    kind = recorder_kind(value)
    plt, in_notebook = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    if kind == "spike_recorder":
        ev = value.get("events")
        ax.plot(ev["times"], ev["senders"], "|", markersize=8)
        ax.set_xlabel("time [ms]")
        ax.set_ylabel("sender")
        ax.set_title(f"{first}: {len(ev['times'])} spikes")
    elif kind == "multimeter":
        ev = value.get("events")
        names = words[1:] or [k for k in ev if k not in ("senders", "times")]
        missing = [n for n in names if n not in ev]
        if missing:
            plt.close(fig)
            raise UsageError(f"%plot: {first} did not record {', '.join(missing)} "
                             f"(it records: {', '.join(k for k in ev if k not in ('senders', 'times'))})")
        import numpy as np
        senders = np.asarray(ev["senders"])
        for n in names:
            for s in sorted(set(senders.tolist())):
                sel = senders == s
                label = n if len(set(senders.tolist())) == 1 else f"{n} #{s}"
                ax.plot(np.asarray(ev["times"])[sel], np.asarray(ev[n])[sel], label=label)
        ax.set_xlabel("time [ms]")
        ax.legend()
        ax.set_title(first)
    else:
        if len(words) != 2 or words[1] not in user_ns:
            plt.close(fig)
            raise UsageError(f"%plot: '{first}' is not a recorder; for a table give two "
                             "sequences: %plot X Y")
        ax.plot(value, user_ns[words[1]], "o")
        ax.set_xlabel(first)
        ax.set_ylabel(words[1])
    ax.grid(True, alpha=0.3)
    return _finish(session, plt, fig, in_notebook, out)
