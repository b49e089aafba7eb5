"""python3 -m nestjit.repl [--console] | run SCRIPT [ARGS] | watch SCRIPT [ARGS]
(what the `nestjit` program execs; exit codes 0 ok, 1 model or script error, 2 usage)."""
import sys


def main(argv):
    if argv and argv[0] in ("run", "watch"):
        if len(argv) < 2:
            print(f"usage: nestjit {argv[0]} SCRIPT [ARGS...]", file=sys.stderr)
            return 2
        if argv[0] == "run":
            from .runner import run_script
            return run_script(argv[1], argv[2:])
        from .watch import watch_main
        return watch_main(argv[1], argv[2:])
    console = False
    for a in argv:
        if a == "--console":
            console = True
        else:
            print(f"nestjit: unknown argument '{a}' (see nestjit --help)", file=sys.stderr)
            return 2
    from .console import interact
    return interact(force_console=console)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
