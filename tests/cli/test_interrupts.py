"""Ctrl-C and SIGTERM, sent for real to real commands: they stop everything (the engine
processes too), print what finished, and exit 130 without a traceback.

No sleeps decide anything: each test waits for an observable state (a second claim's
process, CPU time spent in the walk) before it signals.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SLOW = """model slow
state a : 0..3000
state b : 0..3000
init { a == 0  b == 0 }
actor env
action env.inc_a() { a := a + 1 }
action env.inc_b() { require b < a  b := b + 1 }
"""

# a quick cover, then a claim bmc cannot settle before the interrupt
PROPS = """properties for slow
cover quick: a == 2
invariant bounded: a <= 3000
"""

# true, but not inductive: its CTI (a = 0, b = 2) is unreachable, and bmc looks for a
# violation up to a depth it never reaches
CTI_PROPS = """properties for slow
invariant never_1_2: !(a == 1 && b == 2)
"""

LOOP = """model loop
state a : 0..3
init { a == 0 }
actor env
action env.inc() { if a == 3 { a := 0 } else { a := a + 1 } }
"""

LOOP_PROPS = """properties for loop
cover three: a == 3
invariant ok: a <= 3
"""

WAIT_S = 120  # only ever reached when something is broken

_dirs: dict[int, Path] = {}  # where each started command writes its output


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    for name, text in (
        ("slow.rmp", SLOW),
        ("slow.prop", PROPS),
        ("cti.prop", CTI_PROPS),
        ("loop.rmp", LOOP),
        ("loop.prop", LOOP_PROPS),
    ):
        (tmp_path / name).write_text(text)
    # output to files, not pipes: a worker that outlived the command would hold a pipe open
    with (tmp_path / "out").open("w") as out, (tmp_path / "err").open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from rmpcheck.cli import main; main()", *args],
            cwd=tmp_path,
            stdout=out,
            stderr=err,
            text=True,
            preexec_fn=_as_from_a_terminal,
        )
    _dirs[proc.pid] = tmp_path
    return proc


def _as_from_a_terminal() -> None:
    # a command started from a terminal has SIGINT's default action; the tests may run
    # where it is ignored (a background job of a non-interactive shell), and an ignored
    # SIGINT stays ignored across exec, which is what a user's Ctrl-C never meets
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _until(what: str, cond) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + WAIT_S
    while not cond():
        assert time.monotonic() < end, f"never saw: {what}"
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _stop(proc: subprocess.Popen[str], sig: signal.Signals, workers: list[int]) -> tuple[str, str]:
    proc.send_signal(sig)
    try:
        proc.wait(timeout=WAIT_S)
    except subprocess.TimeoutExpired:
        tree = subprocess.run(
            ["ps", "-eo", "pid,ppid,pgid,stat,etime,cmd"], capture_output=True, text=True
        ).stdout
        proc.kill()
        raise AssertionError(f"still running after {sig.name}:\n{tree}") from None
    where = _dirs[proc.pid]
    out, err = (where / "out").read_text(), (where / "err").read_text()
    assert proc.returncode == 130, out + err
    assert "Traceback" not in out + err
    _until("every worker gone", lambda: not any(_alive(p) for p in workers))
    return out, err


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_prove_stops_and_prints_the_claims_that_finished(tmp_path: Path, sig) -> None:
    args = ("slow.rmp", "slow.prop", "-e", "bmc", "--depth", "100000", "--no-deadlock")
    proc = _start(tmp_path, "prove", *args)
    seen: list[int] = []

    def second_claim_running() -> bool:
        kids = _children(proc.pid)
        seen.extend(k for k in kids if k not in seen)
        return len(seen) >= 2 and seen[-1] in kids

    _until("the second claim's process", second_claim_running)
    out, err = _stop(proc, sig, seen)
    assert "quick     cover  covered (trace of 2 steps)" in out
    assert "bounded" not in out
    assert "interrupted: 1 of 2 claim(s) finished" in err


def test_auto_members_die_with_the_claim(tmp_path: Path) -> None:
    proc = _start(tmp_path, "prove", "slow.rmp", "cti.prop", "--depth", "100000", "--no-deadlock")
    workers: list[int] = []

    def members_running() -> bool:
        for kid in _children(proc.pid):
            workers[:] = [kid, *_children(kid)]
        return len(workers) >= 3  # the claim's process and at least two members

    _until("the portfolio's members", members_running)
    out, err = _stop(proc, signal.SIGINT, workers)
    assert "interrupted: 0 of 1 claim(s) finished" in err


def test_cti_stops_after_printing_the_cti(tmp_path: Path) -> None:
    proc = _start(tmp_path, "cti", "slow.rmp", "cti.prop", "-p", "never_1_2", "--depth", "100000")
    workers: list[int] = []

    def searching() -> bool:
        workers[:] = _children(proc.pid)
        return bool(workers) and _cpu_s(workers[0]) > 1.0  # past the CTI, into bmc

    _until("the reachability search", searching)
    out, _ = _stop(proc, signal.SIGINT, workers)
    assert "invariant never_1_2 with 0 lemma(s) is not inductive" in out


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_simulate_prints_the_walk_so_far(tmp_path: Path, sig) -> None:
    proc = _start(
        tmp_path, "simulate", "loop.rmp", "loop.prop", "--steps", "1000000000", "--seed", "0"
    )
    # loading takes well under a second of CPU; past 1.5 s the walk is under way
    _until("the walk", lambda: _cpu_s(proc.pid) > 1.5)
    out, err = _stop(proc, sig, [])
    assert "cover three reached at step 3" in out
    assert "random walk of 1000 step(s), seed 0: interrupted" in out
    assert "interrupted after" in err and "(the first 1000 shown)" in err
