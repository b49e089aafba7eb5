"""Starting the interactive session: IPython with the extension, or (without IPython, or
with --console) a plain code.InteractiveConsole that understands the same meta-commands."""
import code
import sys
import traceback

import nestjit
from ..errors import NESTMLError
from . import completion, interrupt
from .interrupt import SimulationInterrupted
from .session import Session, UsageError

BANNER = (f"nestjit {nestjit.__version__}: nestjit is imported as nest. "
          "%load FILE, %reload, %show MODEL, %dump ast|ir|llvm MODEL, %plot, %watch SCRIPT, "
          "%%nestml; Ctrl-C stops a Simulate (docs/repl.md).")


def interact(force_console=False):
    if not force_console:
        try:
            import IPython
        except ImportError:
            IPython = None
        if IPython is not None:
            from traitlets.config import Config
            c = Config()
            c.InteractiveShellApp.extensions = ["nestjit.repl"]
            c.InteractiveShellApp.exec_lines = ["import nestjit as nest"]
            c.TerminalInteractiveShell.banner1 = BANNER + "\n"
            c.TerminalInteractiveShell.confirm_exit = False
            IPython.start_ipython(argv=[], config=c)
            return 0
    console = MetaConsole({"nest": nestjit, "__name__": "__console__"})
    console.interact(banner=BANNER + " (plain console)", exitmsg="")
    return 0


class MetaConsole(code.InteractiveConsole):
    """A Python console where a line starting with % is a meta-command and %%nestml starts
    a cell that ends at an empty line."""

    def __init__(self, user_ns):
        super().__init__(user_ns)
        self.session = Session()
        self._cell = None  # (options line, lines) while a %%nestml cell is typed
        interrupt.install(nestjit)
        self._setup_completion()

    def _setup_completion(self):
        try:
            import readline
            import rlcompleter
        except ImportError:
            return
        python = rlcompleter.Completer(self.locals)
        matches = []

        def complete(text, state):
            if state == 0:
                line = readline.get_line_buffer()
                if line.lstrip().startswith("%"):
                    matches[:] = completion.candidates(self.session, line.lstrip(), self.locals)
                else:
                    matches[:] = []
                    i = 0
                    while (m := python.complete(text, i)) is not None:
                        matches.append(m)
                        i += 1
            return matches[state] if state < len(matches) else None

        readline.set_completer_delims(" \t\n\"'")
        readline.set_completer(complete)
        readline.parse_and_bind("tab: complete")

    def push(self, line):
        if self._cell is not None:
            if line.strip():
                self._cell[1].append(line)
                return True
            options, lines = self._cell
            self._cell = None
            self._meta(lambda: self.session.nestml_cell(options, "\n".join(lines) + "\n"))
            return False
        if not self.buffer and line.lstrip().startswith("%%nestml"):
            self._cell = (line.lstrip()[len("%%nestml"):], [])
            return True
        if not self.buffer and line.lstrip().startswith("%"):
            self._meta(lambda: self._dispatch(line.strip()))
            return False
        return super().push(line)

    def _dispatch(self, line):
        name, _, rest = line[1:].partition(" ")
        handlers = {"load": self.session.load, "reload": self.session.reload,
                    "show": self.session.show, "dump": self.session.dump,
                    "watch": self.session.watch,
                    "plot": lambda a: self.session.plot(a, self.locals)}
        if name not in handlers:
            raise UsageError(f"unknown command %{name} (commands: "
                             f"{', '.join(completion.COMMANDS)})")
        handlers[name](rest)

    def _meta(self, run):
        try:
            run()
        except (UsageError, NESTMLError) as e:
            print(str(e).rstrip())
        except SimulationInterrupted as e:
            print(f"Simulate interrupted: {e}")
        except KeyboardInterrupt:
            print("\nKeyboardInterrupt")
        except Exception:
            traceback.print_exc()

    def showtraceback(self):
        etype, value, tb = sys.exc_info()
        if isinstance(value, SimulationInterrupted):
            print(f"Simulate interrupted: {value}")
        elif isinstance(value, NESTMLError):
            print(str(value).rstrip())
        else:
            super().showtraceback()
