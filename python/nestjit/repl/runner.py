"""`nestjit run SCRIPT [ARGS]`: a script run as __main__ with nestjit's Simulate made
interruptible. Returns the exit code: 0, 1 for a model/script error (the message, no
traceback, for nestjit's own errors; a traceback for others), the script's own SystemExit."""
import os
import runpy
import sys
import traceback

import nestjit
from ..errors import NESTError, NESTMLError
from . import interrupt
from .interrupt import SimulationInterrupted


def run_script(path, args, reset=False):
    """Runs the script once in this process. With reset, the kernel is reset first (watch
    mode runs a script many times in one process)."""
    interrupt.install(nestjit)
    if reset:
        nestjit.ResetKernel()
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [path] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        runpy.run_path(path, run_name="__main__")
        return 0
    except SystemExit as e:
        if e.code is None:
            return 0
        if isinstance(e.code, int):
            return e.code
        print(e.code, file=sys.stderr)
        return 1
    except SimulationInterrupted as e:
        print(f"nestjit: {e}", file=sys.stderr)
        return 1
    except (NESTMLError, NESTError) as e:
        print(f"{path}: {type(e).__name__}: {str(e).rstrip()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("nestjit: interrupted", file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        sys.argv = saved_argv
        sys.path[:] = saved_path
        sys.stdout.flush()
