"""Watch mode: run a script, then run it again whenever the script or a model file it
installed is saved. Changes come from Linux inotify (through ctypes: no extra package) on
the folders of those files, so an editor's write-to-temp-and-rename counts too; without
inotify, modification times are polled every 50 ms. Runs happen in this process, so nestjit
stays imported, unchanged models stay compiled, and a re-run starts within milliseconds."""
import ctypes
import ctypes.util
import hashlib
import os
import select
import struct
import sys
import time

from .._kernel import kernel
from ..errors import NESTError
from .runner import run_script

IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_TO, IN_CREATE = 0x80, 0x100
IN_NONBLOCK, IN_CLOEXEC = 0o4000, 0o2000000
_EVENT = struct.Struct("iIII")
SETTLE_S = 0.005  # further events of one save (several writes, rename) are waited for this long


class Inotify:
    """The few inotify calls watch mode needs."""

    def __init__(self):
        self.fd = -1
        name = ctypes.util.find_library("c") or "libc.so.6"
        try:
            self._libc = ctypes.CDLL(name, use_errno=True)
            self.fd = self._libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        except (OSError, AttributeError):
            self.fd = -1
        self._dirs = {}

    @property
    def ok(self):
        return self.fd >= 0

    def watch_dir(self, path):
        if path in self._dirs.values():
            return
        wd = self._libc.inotify_add_watch(self.fd, os.fsencode(path),
                                          IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ATTRIB)
        if wd >= 0:
            self._dirs[wd] = path

    def read(self, timeout):
        """Paths named by events within `timeout` seconds (empty list on timeout)."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return []
        paths = []
        try:
            data = os.read(self.fd, 65536)
        except BlockingIOError:
            return []
        i = 0
        while i + _EVENT.size <= len(data):
            wd, mask, _cookie, length = _EVENT.unpack_from(data, i)
            name = data[i + _EVENT.size:i + _EVENT.size + length].rstrip(b"\0")
            i += _EVENT.size + length
            if wd in self._dirs and name:
                paths.append(os.path.join(self._dirs[wd], os.fsdecode(name)))
        return paths

    def close(self):
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _digest(path):
    try:
        with open(path, "rb") as f:
            return hashlib.sha1(f.read()).hexdigest()
    except OSError:
        return None


def model_files():
    """The files the kernel's NESTML models were installed from."""
    k = kernel()
    files = set()
    for m in k.models():
        try:
            path = k.model_info(m).source_path
        except NESTError:
            continue
        if path and os.path.exists(path):
            files.add(os.path.abspath(path))
    return files


class Watcher:
    def __init__(self, files):
        self.inotify = Inotify()
        self.digests = {}
        self.update(files)

    def update(self, files):
        for f in files:
            if f not in self.digests:
                self.digests[f] = _digest(f)
                if self.inotify.ok:
                    self.inotify.watch_dir(os.path.dirname(f))

    def _changed(self, candidates):
        changed = []
        for f in candidates:
            if f in self.digests:
                d = _digest(f)
                if d is not None and d != self.digests[f]:
                    self.digests[f] = d
                    changed.append(f)
        return changed

    def wait(self):
        """Blocks until a watched file's content changed; returns the changed files."""
        while True:
            if self.inotify.ok:
                paths = self.inotify.read(1.0)
                if not paths:
                    continue
                while True:  # the rest of this save
                    more = self.inotify.read(SETTLE_S)
                    if not more:
                        break
                    paths += more
                changed = self._changed(set(paths))
            else:
                time.sleep(0.05)
                changed = self._changed(list(self.digests))
            if changed:
                return changed

    def close(self):
        self.inotify.close()


def _loop(script, args, out, first_code):
    script = os.path.abspath(script)
    watcher = Watcher({script} | model_files())
    code = first_code
    try:
        while True:
            print(f"nestjit watch: watching {len(watcher.digests)} files; Ctrl-C ends",
                  file=out, flush=True)
            changed = watcher.wait()
            names = ", ".join(os.path.relpath(c) for c in changed)
            print(f"nestjit watch: {names} changed, running again", file=out, flush=True)
            t0 = time.perf_counter()
            code = run_script(script, args, reset=True)
            ms = (time.perf_counter() - t0) * 1e3
            print(f"nestjit watch: run finished in {ms:.0f} ms (exit status {code})", file=out,
                  flush=True)
            watcher.update(model_files())
    except KeyboardInterrupt:
        print("\nnestjit watch: stopped", file=out, flush=True)
    finally:
        watcher.close()
    return code


def watch_main(script, args):
    """`nestjit watch SCRIPT [ARGS]`: returns 0 when Ctrl-C ends watching."""
    if not os.path.isfile(script):
        print(f"nestjit watch: no such file: {script}", file=sys.stderr)
        return 2
    code = run_script(script, args, reset=True)
    _loop(script, args, sys.stdout, code)
    return 0


def watch_script(script, args, out=None):
    """%watch inside the session: Ctrl-C returns to the prompt."""
    from .session import UsageError
    if not os.path.isfile(script):
        raise UsageError(f"%watch: no such file: {script}")
    out = out or sys.stdout
    code = run_script(script, args, reset=True)
    _loop(script, args, out, code)
