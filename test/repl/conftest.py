"""Shared pieces of the repl tests: the nestjit binary, model files in a temporary folder,
and a tmux-driven terminal whose screen the tests poll (never fixed sleeps: the machine may
be loaded, so every wait is a generous deadline on what the screen shows)."""
import os
import re
import shutil
import subprocess
import time
import uuid

import pytest

NESTJIT = os.environ.get("NESTJIT_BIN", "nestjit")
SOURCE = os.environ.get("NESTJIT_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SEED = os.path.join(SOURCE, "examples", "stdp_window")
WAIT_S = 90.0


class Terminal:
    """A program in a tmux window of 160x50; type into it, read its screen.

    Each terminal runs its own tmux server (socket `-L name`): with one shared server, a
    test that closes the server's last session (the server then exits) races with a test
    starting a session in parallel (ctest -j2), which then fails with "server exited
    unexpectedly"."""

    def __init__(self, command, cwd, env):
        self.name = f"nestjit-test-{uuid.uuid4().hex[:8]}"
        full_env = " ".join(f"{k}={shlex_quote(v)}" for k, v in env.items())
        self._tmux("new-session", "-d", "-s", self.name, "-x", "160", "-y", "50",
                   f"cd {shlex_quote(cwd)} && env {full_env} {command}; sleep 600",
                   check=True)
        self._tmux("set-option", "-t", self.name, "history-limit", "20000")

    def _tmux(self, *args, check=False, **kwargs):
        return subprocess.run(["tmux", "-L", self.name, *args], check=check, **kwargs)

    def send(self, text, enter=True):
        self._tmux("send-keys", "-t", self.name, "-l", text, check=True)
        if enter:
            self._tmux("send-keys", "-t", self.name, "Enter", check=True)

    def key(self, *keys):
        self._tmux("send-keys", "-t", self.name, *keys, check=True)

    def screen(self):
        out = self._tmux("capture-pane", "-p", "-J", "-S", "-20000", "-t", self.name,
                         capture_output=True, text=True)
        return out.stdout

    def wait_for(self, pattern, timeout=WAIT_S, after=0):
        """Waits until the screen (from character `after` of the whole scroll-back) matches;
        returns the match. Fails with the screen in the message."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern, re.M)
        while True:
            text = self.screen()
            m = rx.search(text, after)
            if m:
                return m
            if time.monotonic() > deadline:
                raise AssertionError(f"screen never showed /{pattern}/; it shows:\n{text[-4000:]}")
            time.sleep(0.1)

    def interrupt(self, after, pattern=r"Simulate interrupted: interrupted at t = ([\d.e+]+) ms",
                  timeout=WAIT_S):
        """Presses Ctrl-C until the screen shows `pattern` after `after`: a key that comes
        while the program is still between prompt and simulate (a loaded machine) is lost
        or stops nothing, so it is pressed again every 3 s."""
        deadline = time.monotonic() + timeout
        while True:
            self.key("C-c")
            try:
                return self.wait_for(pattern, timeout=3.0, after=after)
            except AssertionError:
                if time.monotonic() > deadline:
                    raise

    def mark(self):
        """Where the screen's text ends now (for waiting on what comes after)."""
        return len(self.screen().rstrip())

    def close(self):
        self._tmux("kill-server", capture_output=True)


def shlex_quote(s):
    import shlex
    return shlex.quote(str(s))


@pytest.fixture
def workdir(tmp_path):
    for f in ("izhikevich_neuron.nestml", "stdp_synapse.nestml"):
        shutil.copy(os.path.join(SEED, f), tmp_path / f)
    return tmp_path


@pytest.fixture
def terminal_env(tmp_path):
    ipy = tmp_path / "ipython"
    ipy.mkdir()
    return {"IPYTHONDIR": str(ipy), "MPLBACKEND": "Agg", "TERM": "xterm-256color",
            "PYTHONPATH": os.environ.get("PYTHONPATH", "")}


@pytest.fixture
def session(workdir, terminal_env):
    """`nestjit` (IPython) in a terminal, at its first prompt."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (scripts/install-deps.sh installs it)")
    t = Terminal(NESTJIT, workdir, terminal_env)
    try:
        t.wait_for(r"In \[1\]:")
        yield t
    finally:
        t.close()


ENDLESS = """model endless_neuron:
    state:
        x real = 0

    update:
        while x >= 0:
            x += 1
"""
