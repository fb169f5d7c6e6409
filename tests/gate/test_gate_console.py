"""The gate's text report: one row per design, what differs, the expected refutations
one line each (with --show-traces, their traces), on an 80-column terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Invoke

from rmpcheck.gate import console

LONG = "racy_variant_that_drops_the_lock_before_it_writes"  # 49 characters


@pytest.fixture
def narrow(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project on an 80-column terminal, its racy design with a long name."""
    monkeypatch.setenv("COLUMNS", "80")
    racy = project / "models" / "racy.rmp"
    racy.write_text(racy.read_text().replace("model racy ", f"model {LONG} "))
    return project


@pytest.mark.parametrize("terminal", [False, True])
def test_the_summary_reads_on_80_columns(
    narrow: Path, prove: Invoke, monkeypatch: pytest.MonkeyPatch, terminal: bool
) -> None:
    monkeypatch.setattr(console, "interactive", lambda stream: terminal)
    r = prove("--trace-dir", "traces")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert max(len(ln) for ln in lines) <= 80, r.stdout
    # names whole, never cut: a name too long for its column has a line of its own
    assert [ln.split() for ln in lines[:4]] == [
        ["design", "obligations", "as", "expected", "unexpected"],
        ["lock", "2", "2", "0"],
        [LONG],
        ["2", "2", "0"],
    ]
    # the expected refutation points at its trace file
    assert "expected refutations (trace files in traces/):" in lines
    i = lines.index(f"  {LONG}::write_checked  (2 steps)")
    pointer = lines[i + 1].strip()
    assert pointer.startswith("-> ") and pointer.endswith(f"{LONG}.write_checked.txt")
    assert (narrow / "traces" / pointer.removeprefix("-> ")).is_file()


def test_show_traces_prints_the_expected_refutations_traces(project: Path, prove: Invoke) -> None:
    plain = prove()
    assert "--show-traces prints their traces" in plain.stdout
    assert "assign(p=" not in plain.stdout  # everything as expected: no trace by default
    r = prove("--show-traces")
    assert r.exit_code == 0, r.output
    assert "== racy::write_checked: refuted, as expected" in r.stdout
    assert "racy: invariant write_checked is violated after 2 step(s)" in r.stdout
    assert "assign(p=Page" in r.stdout


def test_what_differs_comes_with_its_design_row(project: Path, prove: Invoke) -> None:
    lock = project / "models" / "lock.rmp"
    lock.write_text(lock.read_text().replace(
        "action guest.assign(p: Page) {\n  require !lock\n", "action guest.assign(p: Page) {\n"))
    r = prove()
    assert r.exit_code == 1
    rows = [ln.split() for ln in r.stdout.splitlines()[:3]]
    assert rows[1] == ["lock", "2", "1", "1"]
    assert "== lock::write_checked [small, explicit]: expected proved, got refuted" in r.stdout


def test_show_traces_and_verbose_are_for_the_gate(project: Path, prove: Invoke) -> None:
    for flag in ("--show-traces", "-v"):
        r = prove("models/lock.rmp", "properties/write.prop", flag)
        assert r.exit_code == 2
        assert "only apply to the gate" in r.output


def test_a_closed_pipe_ends_the_gate_quietly(project: Path) -> None:
    """`rmpcheck prove | head -1`: the report has no reader; no traceback, exit 141."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "CI": "true"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rmpcheck", "prove", "--no-cache"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert "] ok " in err  # the gate ran; only its report had nowhere to go
