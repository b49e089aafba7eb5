"""Runs the seed notebook (../shared/seed/stdp_notebook.txt, a text dump of its cells) with
nestjit, as a script (`script`) or as an .ipynb through nbclient (`notebook`), both made here
at run time from the dump. The cells stay verbatim except the two import lines (and
`%matplotlib widget` -> `%matplotlib inline` when ipympl is absent; in the script the magic
line becomes a comment, a script cannot hold IPython magics). Checks (dt, dw) against
../shared/golden/stdp_window_seed.csv at all points to 1e-9 and that the plot cell made a
figure. Exit 77 (CTest: skipped) when ../shared is absent."""
import csv
import importlib.util
import json
import os
import subprocess
import sys

TOLERANCE = 1e-9
IMPORTS = {
    "import nest": "import nestjit as nest",
    "from pynestml.codegeneration.nest_code_generator_utils import NESTCodeGeneratorUtils":
        "from nestjit.compat import NESTCodeGeneratorUtils",
}
# Printed by the extra cell/lines appended after the notebook's own cells.
REPORT = "import json as _json\nprint('SEED-RESULT ' + _json.dumps({'dt': list(map(float, dt)), " \
         "'dw': list(map(float, dw)), 'figures': len(plt.get_fignums())}))\n"


def cells(dump):
    """The code cells of the dump: each starts after an `In [...]:` line."""
    out, current = [], None
    for line in dump.splitlines():
        if line.startswith("In [") and line.rstrip().endswith("]:"):
            if current is not None:
                out.append(current)
            current = []
        elif current is not None:
            current.append(line)
    if current is not None:
        out.append(current)
    return ["\n".join(c).strip("\n") for c in out]


def adapt(cell, for_script):
    lines = []
    for line in cell.split("\n"):
        if line in IMPORTS:
            line = IMPORTS[line]
        elif line.startswith("%matplotlib"):
            if for_script:
                line = "# " + line
            elif line == "%matplotlib widget" and importlib.util.find_spec("ipympl") is None:
                line = "%matplotlib inline"
        lines.append(line)
    return "\n".join(lines)


def run_script(code_cells, work):
    path = os.path.join(work, "stdp_notebook.py")
    with open(path, "w") as f:
        f.write("\n\n".join(adapt(c, True) for c in code_cells) + "\n\n" + REPORT)
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, path], cwd=work, env=env, capture_output=True,
                          text=True, timeout=240)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        sys.exit(f"the script failed with exit code {proc.returncode}")
    return proc.stdout, None


def run_notebook(code_cells, work):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(adapt(c, False)) for c in code_cells]
    nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": work}})
    os.environ.pop("MPLBACKEND", None)  # the notebook's own %matplotlib line picks the backend
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    client.execute()
    nbformat.write(nb, os.path.join(work, "stdp_notebook.ipynb"))
    text = ""
    for c in nb.cells:
        for o in c.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stdout":
                text += o["text"]
    plot_cell = nb.cells[len(code_cells) - 1]
    images = [o for o in plot_cell.get("outputs", [])
              if o.get("output_type") in ("display_data", "execute_result")
              and "image/png" in o.get("data", {})]
    return text, len(images)


def main():
    mode, work = sys.argv[1], sys.argv[2]
    shared = os.environ.get("NESTJIT_SHARED_DIR", "")
    dump_path = os.path.join(shared, "seed", "stdp_notebook.txt")
    golden_path = os.path.join(shared, "golden", "stdp_window_seed.csv")
    if not (os.path.exists(dump_path) and os.path.exists(golden_path)):
        print(f"skipped: {dump_path} or {golden_path} is absent (../shared not there)")
        sys.exit(77)
    os.makedirs(work, exist_ok=True)
    with open(dump_path) as f:
        code_cells = cells(f.read())
    stdout, images = (run_script if mode == "script" else run_notebook)(code_cells, work)
    line = next((l for l in stdout.splitlines() if l.startswith("SEED-RESULT ")), None)
    if line is None:
        sys.exit("the run printed no result line")
    result = json.loads(line[len("SEED-RESULT "):])
    with open(golden_path) as f:
        golden = [(float(r["dt"]), float(r["dw"])) for r in csv.DictReader(f)]
    got = list(zip(result["dt"], result["dw"]))
    if len(got) != len(golden):
        sys.exit(f"{len(got)} points, the golden file has {len(golden)}")
    bad = [(i, g, e) for i, (g, e) in enumerate(zip(got, golden))
           if abs(g[0] - e[0]) > TOLERANCE or abs(g[1] - e[1]) > TOLERANCE]
    if bad:
        for i, g, e in bad[:10]:
            print(f"point {i}: got (dt, dw) = {g}, golden {e}")
        sys.exit(f"{len(bad)} of {len(golden)} points differ by more than {TOLERANCE}")
    # In a script the figure stays open; the inline backend shows and closes it after the
    # cell, so there the shown image is the proof.
    if images is None and result["figures"] < 1:
        sys.exit("the plot cell made no figure")
    if images is not None and images < 1:
        sys.exit("the plot cell displayed no image in the notebook")
    shown = (f"{result['figures']} figure(s) open" if images is None
             else f"{images} image(s) shown")
    print(f"{mode}: {len(golden)} points equal the golden (dt, dw) to {TOLERANCE}; {shown}")


if __name__ == "__main__":
    main()
