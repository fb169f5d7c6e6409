"""Ctrl-C during a gate run: children killed, finished results printed and cached, exit 130."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SLOW_MODEL = """model slow "two counters: millions of states, far too many to explore in a test"

state a : 0..3000
state b : 0..3000

init {
  a == 0
  b == 0
}

actor env

action env.inc_a() {
  a := a + 1
}

action env.inc_b() {
  b := b + 1
}
"""

SLOW_PROPS = """properties for slow

invariant bounded: a <= 3000
"""

# bmc to a depth it cannot reach: it never answers early, and its memory grows by
# about 20 MB/s, so neither limit ends it before the test interrupts (explicit search
# would finish, or hit the default memory limit, in half a minute)
SLOW_CHECK = """
[[tool.rmpcheck.check]]
model = "models/slow.rmp"
properties = "properties/slow.prop"
engine = "bmc"
depth = 1000000
timeout = 600
memory_mb = 8192
expect = { bounded = "bounded-safe" }
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_stops_cleanly_and_keeps_what_finished(project: Path, sig) -> None:
    (project / "models" / "slow.rmp").write_text(SLOW_MODEL)
    (project / "properties" / "slow.prop").write_text(SLOW_PROPS)
    cfg = project / "pyproject.toml"
    cfg.write_text(cfg.read_text() + SLOW_CHECK)
    env = {**os.environ, "CI": "true"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from rmpcheck.cli import main; main()", "prove", "-j", "2"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    assert proc.stderr is not None
    finished: list[str] = []
    deadline = time.monotonic() + 120
    try:
        # interrupt once something has finished while the slow obligation (bmc to a depth
        # it never reaches) runs; how many of the quick ones finished by then is not fixed
        while not (finished and _children(proc.pid)) and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], 1.0)
            if ready:
                line = proc.stderr.readline()
                if not line:
                    break
                if "] ok " in line:
                    finished.append(line)
        assert finished, "no obligation finished"
        workers = _children(proc.pid)
        assert workers, "no engine process to interrupt"
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, out + err
    assert "Traceback" not in err and "Traceback" not in out
    summary = re.search(r"interrupted: 5 obligations: (\d+) as expected, (\d+) not run", out)
    assert summary is not None, out
    done, not_run = int(summary[1]), int(summary[2])
    assert done + not_run == 5 and len(finished) <= done <= 4
    rows = {tuple(ln.split()[:4]) for ln in out.splitlines()}
    assert ("slow", "bounded", "bounded-safe", "not") in rows  # "not run": it never ends
    finished_rows = {r for r in rows if len(r) == 4 and r[2] == r[3]}
    assert len(finished_rows) == done
    assert finished_rows <= {
        ("racy", "write_checked", "refuted", "refuted"),
        ("lock", "write_checked", "proved", "proved"),
        ("racy", "host_writes", "covered", "covered"),
        ("lock", "host_writes", "covered", "covered"),
    }
    # nothing of the engine is left behind
    end = time.monotonic() + 30
    while [pid for pid in workers if _alive(pid)] and time.monotonic() < end:
        time.sleep(0.05)
    assert [pid for pid in workers if _alive(pid)] == []

    # what finished is in the cache: the next run takes exactly those from it
    again = subprocess.run(
        [sys.executable, "-c", "from rmpcheck.cli import main; main()", "prove", "--json",
         "-p", "write_checked", "-p", "host_writes"],
        cwd=project, capture_output=True, text=True, env=env, timeout=120,
    )
    doc = json.loads(again.stdout)
    assert doc["summary"]["cached"] == done and again.returncode == 0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(x) for x in (task / "children").read_text().split()]
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"
