"""Ctrl-C and progress for Simulate in the session, `nestjit run` and `nestjit watch`.

The kernel simulates with the GIL released, so Python's SIGINT handler cannot run until it
returns. While a Simulate runs, nestjit.repl._native's C handler calls Kernel.interrupt():
simulate stops at the next min-delay slice boundary (a model's `while` loop leaves at its
next back-edge) and raises SimulationInterrupted; the kernel keeps its state and time, so
the next Simulate continues. A simulation expected to take longer than about a second shows
a tqdm progress bar when stderr is a terminal (it then runs in pieces of whole min-delay
slices, which give the same result as one call)."""
import sys
import time

from .. import hl_api
from .._kernel import kernel
from ..errors import NESTError
from . import _native

PROGRESS_AFTER_S = 1.0  # expected wall time from which a progress bar is shown
PIECES = 100            # progress updates per simulation (at least)


class SimulationInterrupted(NESTError):
    """Ctrl-C stopped Simulate at a slice boundary; `time_ms` is where the kernel stands."""

    def __init__(self, time_ms):
        super().__init__(f"interrupted at t = {time_ms:.10g} ms (the network is intact; "
                         "Simulate continues from there)")
        self.time_ms = time_ms


def _is_interrupt(error):
    return str(error).startswith("interrupted at t =")


def _progress_wanted():
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _steps(ms, h):
    return int(round(ms / h))


def _simulate_in_pieces(run, t):
    """Runs `run` (hl_api.Simulate or Run) over t ms: a first piece to measure the speed,
    then, if the rest is expected to take longer than PROGRESS_AFTER_S, pieces under a
    progress bar, else the rest in one call."""
    k = kernel()
    h = k.resolution()
    status = k.kernel_status()
    slice_steps = max(1, _steps(float(status.get("min_delay", h)), h))
    total = _steps(t, h)
    if not _progress_wanted():
        run(t)
        return
    # Measure the speed on a few slices first (growing until they take 20 ms).
    done, piece = 0, slice_steps
    start = time.perf_counter()
    while done < total:
        n = min(piece, total - done)
        run(n * h)
        done += n
        elapsed = time.perf_counter() - start
        if elapsed >= 0.02:
            break
        piece *= 4
    if done >= total:
        return
    if elapsed * (total - done) / done < PROGRESS_AFTER_S:
        run((total - done) * h)
        return
    # Pieces of about 1/PIECES of the run, but at most ~0.1 s each so the bar moves.
    per_tenth_second = int(done / elapsed * 0.1) if elapsed > 0 else total
    piece = min(total // PIECES, per_tenth_second) // slice_steps * slice_steps
    piece = max(slice_steps, piece)
    from tqdm import tqdm
    with tqdm(total=round(total * h, 6), initial=round(done * h, 6), unit="ms", leave=False,
              desc="Simulate", file=sys.stderr, dynamic_ncols=True) as bar:
        while done < total:
            n = min(piece, total - done)
            run(n * h)
            done += n
            bar.update(round(n * h, 6))


def interruptible(run):
    """Wraps hl_api.Simulate / hl_api.Run: Ctrl-C stops at a slice boundary, progress bar."""

    def wrapper(t):
        k = kernel()
        try:
            try:
                _native.arm_interrupt(k)
            except KeyboardInterrupt:  # Ctrl-C just before: the simulate does not start
                raise SimulationInterrupted(k.time()) from None
            _simulate_in_pieces(run, float(t))
        except NESTError as e:
            if _is_interrupt(e):
                raise SimulationInterrupted(k.time()) from None
            raise
        finally:
            _native.disarm_interrupt()
            _native.clear_interrupt(k)  # a Ctrl-C after the last slice is dropped

    wrapper.__name__ = run.__name__
    wrapper.__doc__ = run.__doc__
    wrapper.__wrapped__ = run
    return wrapper


def install(nest_module):
    """Makes nest.Simulate and nest.Run interruptible (idempotent)."""
    for name in ("Simulate", "Run"):
        current = getattr(nest_module, name)
        if not hasattr(current, "__wrapped__"):
            setattr(nest_module, name, interruptible(getattr(hl_api, name)))
