"""`nestjit` as a program: subcommands, --help, exit codes, and the example scripts run by
`nestjit run` (the seed sweep's CSV must equal the C++ program's byte for byte)."""
import os
import subprocess

import pytest

from conftest import NESTJIT, SEED, SOURCE


def nestjit(*args, cwd=None, timeout=300):
    return subprocess.run([NESTJIT, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["watch", "--help"],
                                  ["check", "--help"]])
def test_help_exits_0(args):
    r = nestjit(*args)
    assert r.returncode == 0
    assert "Usage:" in r.stdout


def test_usage_errors_exit_2(tmp_path):
    assert nestjit("frobnicate").returncode == 2
    r = nestjit("run", str(tmp_path / "missing.py"))
    assert r.returncode == 2 and "missing.py" in r.stderr
    assert nestjit("run").returncode == 2


def test_run_passes_arguments_and_exit_status(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("import sys\nimport nestjit as nest\nnest.Simulate(5.0)\n"
                      "print('argv', sys.argv[1:], nest.GetKernelStatus('biological_time'))\n"
                      "sys.exit(int(sys.argv[2]))\n")
    r = nestjit("run", str(script), "--flag", "0")
    assert r.returncode == 0, r.stderr
    assert "argv ['--flag', '0'] 5.0" in r.stdout
    assert nestjit("run", str(script), "--flag", "3").returncode == 3


def test_model_error_in_a_script_exits_1_with_the_located_message(tmp_path):
    (tmp_path / "bad.nestml").write_text("model bad_neuron:\n    parameters:\n        tau ms = 1 mV\n")
    script = tmp_path / "s.py"
    script.write_text("import nestjit as nest\nnest.install('bad.nestml')\n")
    r = nestjit("run", str(script), cwd=tmp_path)
    assert r.returncode == 1
    assert "bad.nestml:3:" in r.stderr and "error[" in r.stderr
    assert "Traceback" not in r.stderr


def test_python_error_in_a_script_exits_1_with_a_traceback(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("raise ValueError('boom')\n")
    r = nestjit("run", str(script))
    assert r.returncode == 1
    assert "Traceback" in r.stderr and "ValueError: boom" in r.stderr


def test_check_is_unchanged(tmp_path):
    r = nestjit("check", os.path.join(SEED, "izhikevich_neuron.nestml"))
    assert r.returncode == 0
    assert "1 file checked: 0 errors" in r.stderr
    (tmp_path / "bad.nestml").write_text("model bad_neuron:\n    parameters:\n        tau ms = 1 mV\n")
    assert nestjit("check", str(tmp_path / "bad.nestml")).returncode == 1


def test_stdp_window_script_writes_the_csv_of_the_cpp_program_and_the_png(tmp_path):
    build = os.environ.get("NESTJIT_BUILD_DIR",
                           os.path.dirname(os.path.dirname(os.path.dirname(NESTJIT))))
    cpp = os.path.join(build, "examples", "stdp_window", "stdp_window")
    if not os.path.exists(cpp):
        pytest.skip(f"{cpp} is not built")
    ref = subprocess.run([cpp, "--quiet", "--out", str(tmp_path / "cpp.csv")],
                         capture_output=True, text=True, timeout=300)
    assert ref.returncode == 0, ref.stderr
    r = nestjit("run", os.path.join(SEED, "stdp_window.py"), "--quiet",
                "--out", str(tmp_path / "py.csv"), "--png", str(tmp_path / "py.png"))
    assert r.returncode == 0, r.stderr
    assert "wrote 180 points to" in r.stdout
    assert (tmp_path / "py.csv").read_bytes() == (tmp_path / "cpp.csv").read_bytes()
    assert (tmp_path / "py.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_izhikevich_patterns_differ_as_the_cell_classes_do(tmp_path):
    script = os.path.join(SOURCE, "examples", "izhikevich_patterns", "izhikevich_patterns.py")
    r = nestjit("run", script, "--out", str(tmp_path / "p.csv"), "--png", str(tmp_path / "p.png"))
    assert r.returncode == 0, r.stderr
    spikes = {}
    for line in (tmp_path / "p.csv").read_text().splitlines()[1:]:
        name, t = line.split(",")
        spikes.setdefault(name, []).append(float(t))
    isi = {n: [b - a for a, b in zip(t, t[1:])] for n, t in spikes.items()}
    assert set(spikes) == {"regular_spiking", "intrinsically_bursting", "chattering",
                           "fast_spiking", "low_threshold_spiking"}
    # Regular spiking adapts: its intervals lengthen and it fires least.
    rs = isi["regular_spiking"]
    assert rs[-1] > 1.5 * rs[0]
    assert len(spikes["regular_spiking"]) == min(len(t) for t in spikes.values())
    # Chattering fires bursts: intervals of a few ms between longer pauses.
    ch = isi["chattering"]
    assert min(ch) < 3.0 and max(ch) > 3 * min(ch)
    # Intrinsically bursting: an initial burst, then single spikes.
    ib = isi["intrinsically_bursting"]
    assert ib[0] < 5.0 and ib[-1] > 20.0
    # Fast spiking: high rate without adaptation to speak of.
    fs = isi["fast_spiking"]
    assert len(fs) + 1 > len(rs) + 1 and max(fs) < 2 * min(fs)
    assert (tmp_path / "p.png").stat().st_size > 1000
