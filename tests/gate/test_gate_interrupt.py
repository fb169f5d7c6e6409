"""Ctrl-C during a gate run: children killed, finished results printed and cached, exit 130."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

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


def test_sigint_stops_cleanly_and_keeps_what_finished(project: Path) -> None:
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
        # wait until the four quick obligations are done; the slow one is still running
        while len(finished) < 4 and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], 1.0)
            if ready:
                line = proc.stderr.readline()
                if not line:
                    break
                if "] ok " in line:
                    finished.append(line)
        assert len(finished) == 4, finished
        time.sleep(0.5)
        assert proc.poll() is None, "the slow obligation finished too soon to interrupt"
        workers = _children(proc.pid)
        assert workers, "no engine process to interrupt"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, out + err
    assert "Traceback" not in err and "Traceback" not in out
    rows = {tuple(ln.split()[:4]) for ln in out.splitlines()}
    assert ("racy", "write_checked", "refuted", "refuted") in rows
    assert ("lock", "write_checked", "proved", "proved") in rows
    assert ("slow", "bounded", "bounded-safe", "not") in rows  # "not run"
    assert "interrupted: 5 obligations: 4 as expected, 1 not run" in out
    # nothing of the engine is left behind
    time.sleep(0.5)
    assert [pid for pid in workers if _alive(pid)] == []

    # what finished is in the cache: the next run only has the slow one left to do
    again = subprocess.run(
        [sys.executable, "-c", "from rmpcheck.cli import main; main()", "prove", "--json",
         "-p", "write_checked", "-p", "host_writes"],
        cwd=project, capture_output=True, text=True, env=env, timeout=120,
    )
    doc = json.loads(again.stdout)
    assert doc["summary"]["cached"] == 4 and again.returncode == 0


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
