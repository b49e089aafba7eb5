"""nestjit.repl: the interactive session behind the `nestjit` program.

In IPython or Jupyter: `%load_ext nestjit.repl` adds %load, %reload, %show, %dump, %watch,
%plot and the %%nestml cell magic (with tab completion of model, variable and recorder
names) and makes nest.Simulate stop at a slice boundary on Ctrl-C. `nestjit` (no arguments)
starts IPython with this loaded and nestjit imported as `nest`; without IPython, a plain
console (console.py) with the same commands. `nestjit run|watch SCRIPT` are in runner.py
and watch.py. See docs/repl.md."""


def load_ipython_extension(ipython):
    from .magics import register
    register(ipython)


def unload_ipython_extension(ipython):
    pass
