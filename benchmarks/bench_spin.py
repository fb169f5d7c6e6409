"""rmpcheck's explicit engine side by side with SPIN on the same PSC race model.

benchmarks/models/race.rmp and benchmarks/models/race.pml (its Promela twin,
which says how it keeps the state space identical) are checked for the
invariant write_only_shared at Page = 2..6 (``--pages``), Thread = 3
(``--threads``), without symmetry (SPIN has none). For each size it prints
the states each tool stored, the CPU and wall-clock seconds, the memory
(peak RSS, and bytes per stored state) and the ratios rmpcheck / SPIN, and
stops with an error if the state counts disagree: SPIN stores exactly one
state more (the one before the initial targets are chosen, race.pml says why).

    python benchmarks/bench_spin.py [--pages 2,3,4,5,6] [--threads 3]
    pytest benchmarks/bench_spin.py -m bench

Each side runs in a fresh process, so its peak resident set is its own. The
ratios use CPU seconds, since the machine is shared and wall clock varies with
its load: rmpcheck's is ``explicit.check`` (instance compilation, search and
certificate; not the interpreter's start); SPIN's is the compiled verifier
``pan`` (generating and compiling pan.c is timed apart, as "cc s"). SPIN's
bytes per state is the memory its own statistics give for the stored states;
rmpcheck's is its packed state's size.
Needs ``spin`` and ``gcc`` on PATH (``apt-get install spin``); without them the
script says so and exits 0, and the test skips.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PML = HERE / "models" / "race.pml"
# states SPIN stores that rmpcheck does not: the one before the initial choice (race.pml)
SPIN_EXTRA_STATES = 1
# pan's DFS stack bound to start with (a search that hits it says "max search depth too
# small", and runs again with the state count as its bound: a DFS is never deeper)
DEPTH_BOUND = 100_000

# the rmpcheck side, run in a child so its peak RSS is its own
_RMPCHECK_CHILD = """
import json, sys, time
sys.path.insert(0, {bench!r})
from race_case import race
from rmpcheck.engines import explicit
from rmpcheck.engines.base import Options
t0, c0 = time.perf_counter(), time.process_time()
r = explicit.check(race(), {{"Page": {page}, "Thread": {thread}}}, Options(symmetry=False))
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({{"verdict": r.verdict, "wall": wall, "cpu": cpu, **r.stats}}))
"""


@dataclass(frozen=True)
class Run:
    """One tool's check at one size."""

    verdict: str
    states: int
    seconds: float  # the check's CPU seconds (the machine is shared: wall clock varies)
    wall: float
    rss_mb: float  # the process's peak resident set
    bytes_per_state: float
    compile_s: float = 0.0


def missing_tools() -> str | None:
    """Why SPIN cannot run here, or None."""
    gone = [t for t in ("spin", "gcc") if shutil.which(t) is None]
    if gone:
        return f"{' and '.join(gone)} not on PATH (apt-get install -y spin gcc)"
    return None


def _waited(args: list[str], cwd: str | None = None) -> tuple[str, float, float, float]:
    """Run ``args``; its stdout, wall and CPU seconds, and peak RSS in MB (from wait4)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert p.stdout is not None
    out = p.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {p.returncode}:\n{out[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return out, wall, cpu, usage.ru_maxrss / 1024  # Linux: ru_maxrss in KB


def run_rmpcheck(page: int, thread: int) -> Run:
    code = _RMPCHECK_CHILD.format(bench=str(HERE), page=page, thread=thread)
    out, _, _, rss = _waited([sys.executable, "-c", code])
    st = json.loads(out.strip().splitlines()[-1])
    bps = st.get("bytes_per_state", 0)
    return Run(st["verdict"], st["states"], st["cpu"], st["wall"], rss, bps)


def run_spin(page: int, thread: int, workdir: str, expected: int) -> Run:
    """SPIN's check, its hash table sized for ``expected`` states (as a user would tune it:
    pan's default of 2^24 slots is 128 MB for the smallest model and, for the largest,
    long collision chains)."""
    t0 = time.perf_counter()
    _waited(["spin", f"-DPAGES={page}", f"-DTHREADS={thread}", "-a", str(PML)], cwd=workdir)
    # SAFETY: no acceptance cycles to look for; NOREDUCE: one process, nothing to reduce;
    # -w: the macros' out-of-range branches (guarded by T < THREADS) draw array warnings
    _waited(["gcc", "-O2", "-w", "-DSAFETY", "-DNOREDUCE", "-o", "pan", "pan.c"], cwd=workdir)
    compile_s = time.perf_counter() - t0
    hash_bits = max(10, (2 * expected).bit_length())  # a load factor of at most 1/2
    for depth in (min(DEPTH_BOUND, expected + 10), expected + 10):
        out, wall, cpu, rss = _waited(["./pan", f"-m{depth}", f"-w{hash_bits}"], cwd=workdir)
        if "max search depth too small" not in out:
            break
    stored = int(_number(out, r"([\d.e+]+) states, stored"))
    errors = int(_number(out, r"errors: (\d+)"))
    state_mb = _number(out, r"([\d.]+)\s+actual memory usage for states", default=0.0)
    return Run(
        "refuted" if errors else "proved",
        stored,
        cpu,  # pan's own "elapsed time" is wall clock, to a tenth of a second
        wall,
        rss,
        state_mb * 2**20 / stored if stored else 0.0,
        compile_s,
    )


def _number(text: str, pattern: str, default: float | None = None) -> float:
    m = re.search(pattern, text)
    if m is None:
        if default is None:
            raise RuntimeError(f"pan's output has no {pattern!r}:\n{text[-2000:]}")
        return default
    return float(m.group(1))


def compare(pages: list[int], thread: int) -> list[str]:
    """The table, one row per size; raises if a size's state spaces differ."""
    lines = [
        f"race.rmp / race.pml, write_only_shared, Thread={thread}, no symmetry "
        f"(rmpcheck explicit vs SPIN {_spin_version()}; {os.cpu_count()} cores)",
        f"{'Page':>4} {'states':>10} {'rmp cpu':>8} {'spin cpu':>8} {'rmp wall':>8} "
        f"{'spin wall':>9} {'(cc s)':>6} {'rmp MB':>7} {'spin MB':>7} {'rmp B/st':>8} "
        f"{'spin B/st':>9} {'rmp st/s':>9} {'spin st/s':>9} {'time x':>7} {'B/st x':>6} "
        f"{'RSS x':>6}",
    ]
    with tempfile.TemporaryDirectory(prefix="bench-spin-") as work:
        for page in pages:
            r = run_rmpcheck(page, thread)
            s = run_spin(page, thread, work, r.states + SPIN_EXTRA_STATES)
            if s.states - SPIN_EXTRA_STATES != r.states or r.verdict != s.verdict:
                raise RuntimeError(
                    f"Page={page}: rmpcheck {r.verdict} with {r.states} states, SPIN "
                    f"{s.verdict} with {s.states} (expected {r.states + SPIN_EXTRA_STATES})"
                )
            spin_s = max(s.seconds, 1e-3)
            lines.append(
                f"{page:>4} {r.states:>10,} {r.seconds:>8.2f} {s.seconds:>8.2f} {r.wall:>8.2f} "
                f"{s.wall:>9.2f} {s.compile_s:>6.1f} {r.rss_mb:>7.0f} {s.rss_mb:>7.0f} "
                f"{r.bytes_per_state:>8.0f} {s.bytes_per_state:>9.0f} "
                f"{r.states / r.seconds:>9,.0f} {s.states / spin_s:>9,.0f} "
                f"{r.seconds / spin_s:>6.1f}x {r.bytes_per_state / s.bytes_per_state:>5.1f}x "
                f"{r.rss_mb / s.rss_mb:>5.1f}x"
            )
    lines.append(
        "states agree at every size (SPIN's count less its one pre-initial state); "
        "x: rmpcheck / SPIN (above 1: rmpcheck slower or larger), time by CPU seconds"
    )
    return lines


def _spin_version() -> str:
    try:
        out = subprocess.run(["spin", "-V"], capture_output=True, text=True).stdout
    except OSError:
        return "?"
    m = re.search(r"Spin Version ([\d.]+)", out)
    return m.group(1) if m else out.strip()


@pytest.mark.bench
def test_state_spaces_agree_with_spin() -> None:
    why = missing_tools()
    if why:
        pytest.skip(why)
    for line in compare([2, 3, 4], 3):
        print(line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", default="2,3,4,5,6", help="comma-separated Page sizes")
    ap.add_argument("--threads", type=int, default=3)
    args = ap.parse_args()
    why = missing_tools()
    if why:
        print(f"bench_spin: skipped: {why}")
        return 0
    for line in compare([int(p) for p in args.pages.split(",")], args.threads):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
