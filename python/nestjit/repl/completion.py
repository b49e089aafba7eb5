"""Tab completion for the meta-commands, shared by IPython (magics.py) and the console:
given the line typed so far, the candidates for its last word."""
import glob
import os
import shlex

COMMANDS = ("%load", "%reload", "%show", "%dump", "%watch", "%plot", "%%nestml")


def _files(prefix, suffixes):
    out = []
    for path in glob.glob(os.path.expanduser(prefix) + "*"):
        if os.path.isdir(path):
            out.append(path + "/")
        elif path.endswith(suffixes):
            out.append(path)
    return sorted(out)


def candidates(session, line, user_ns=None):
    """Completions of the last word of `line` (which starts with a meta-command)."""
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    if line.endswith(" ") or not words:
        words.append("")
    command, args, word = words[0], words[1:-1], words[-1]
    if len(words) == 1:
        return [c for c in COMMANDS if c.startswith(word)]
    if command == "%load":
        return _files(word, (".nestml",))
    if command == "%watch":
        return _files(word, (".py",)) if not args else _files(word, ("",))
    if command == "%show":
        pool = session.model_names() if not args else session.variable_names(args[0])
    elif command == "%dump":
        pool = ["ast", "ir", "llvm"] if not args else session.installed_models()
    elif command == "%plot":
        if not args:
            pool = session.recorder_names(user_ns or {})
        else:
            pool = session.all_variable_names()
    else:
        pool = []
    return sorted(n for n in set(pool) if n.startswith(word))
