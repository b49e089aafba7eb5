"""The IPython side: magics over session.Session, completers, concise error display."""
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class

import nestjit
from ..errors import NESTMLError
from . import completion, interrupt
from .interrupt import SimulationInterrupted
from .session import Session, UsageError


@magics_class
class NestjitMagics(Magics):
    def __init__(self, shell, session):
        super().__init__(shell)
        self.session = session

    @line_magic
    def load(self, line):
        """%load FILE [--synapse NAME] [--post-ports P,..] [--weight-variable W]
        [--delay-variable D] [--numeric-solver S]: install a NESTML file; shows its models
        and the time of each load stage."""
        self.session.load(line)

    @line_magic
    def reload(self, line):
        """%reload: recompile the %load-ed files that changed on disk (only those); a file
        with errors shows its diagnostics and keeps its last good models."""
        self.session.reload(line)

    @line_magic
    def show(self, line):
        """%show MODEL [VARIABLE...]: ports, parameters (defaults, units), state,
        recordables, and the solver of each ODE system with the reason."""
        self.session.show(line)

    @line_magic
    def dump(self, line):
        """%dump ast|ir|llvm MODEL: the checked AST, nestjit's IR, or the LLVM IR after optimisation."""
        self.session.dump(line)

    @line_magic
    def watch(self, line):
        """%watch SCRIPT [ARGS]: run the script, and again whenever it or a model file it
        installed changes; Ctrl-C returns to the prompt."""
        self.session.watch(line)

    @line_magic
    def plot(self, line):
        """%plot RECORDER [VARIABLE...] [--out FILE] | %plot X Y [--out FILE]: multimeter
        traces, a spike raster, or y against x (names from the namespace)."""
        self.session.plot(line, self.shell.user_ns)

    @cell_magic
    def nestml(self, line, cell):
        """%%nestml [install options]: install the NESTML model(s) written in the cell."""
        self.session.nestml_cell(line, cell)


def _concise(shell, etype, value, tb, tb_offset=None):
    """Errors a person caused (a model's diagnostics, a bad meta-command, Ctrl-C) print as
    their message, without a traceback."""
    if isinstance(value, SimulationInterrupted):
        print(f"Simulate interrupted: {value}")
    elif isinstance(value, NESTMLError):
        print(str(value).rstrip())
    else:
        print(f"UsageError: {value}")
    return None


def register(ipython):
    session = Session()
    interrupt.install(nestjit)
    ipython.register_magics(NestjitMagics(ipython, session))
    ipython.set_custom_exc((SimulationInterrupted, NESTMLError, UsageError), _concise)

    def completer(_self, event):
        return completion.candidates(session, event.line.lstrip(), ipython.user_ns)

    for command in completion.COMMANDS:
        if command != "%%nestml":
            ipython.set_hook("complete_command", completer, str_key=command)
    ipython.user_ns.setdefault("nest", nestjit)
    return session
