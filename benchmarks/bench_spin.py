"""rmpcheck's explicit engine side by side with SPIN on the same PSC race model,
and the all-sizes proof against SPIN's exhaustive check (``--proof``).

benchmarks/models/race.rmp and benchmarks/models/race.pml (its Promela twin,
which says how it keeps the state space identical) are checked for the
invariant write_only_shared at Page = 2..6 (``--pages``), Thread = 3
(``--threads``), without symmetry (SPIN has none). For each size it prints
the states each tool stored, the CPU and wall-clock seconds, the memory
(peak RSS, and bytes per stored state) and the ratios rmpcheck / SPIN, and
stops with an error if the state counts disagree: SPIN stores exactly one
state more (the one before the initial targets are chosen, race.pml says why).

    python benchmarks/bench_spin.py [--pages 2,3,4,5,6] [--threads 3]
    python benchmarks/bench_spin.py --proof [--pages 6,7,8] [--threads 4] [--against DIR] [--runs N]
    pytest benchmarks/bench_spin.py -m bench

With ``--proof`` it compares the inductive engine's proof of write_only_shared
for every number of pages and threads (race_no_lemmas.prop: every lemma
inferred), which is one run whatever the size, with SPIN's exhaustive check at
each ``--pages`` (SPIN's state count checked against ``expected_states``), and
says how much of the proof's CPU time is spent inside Z3 (z3_time.py). It stops
after the first size SPIN needs a minute or more for, or cannot finish (memory).
``--against DIR`` (another checkout, e.g. ``git worktree add DIR <rev>``) runs that
checkout's proof too, interleaved with this one's, and prints it last ("before");
``--runs N`` takes the run of median CPU among N of each.

Each side runs in a fresh process, so its peak resident set is its own. The
ratios use CPU seconds, since the machine is shared and wall clock varies with
its load: rmpcheck's is ``explicit.check`` (instance compilation, search and
certificate; not the interpreter's start, nor importing numpy and the packed
search, timed apart as "rmp start"); SPIN's is the compiled verifier
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
from math import comb
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PML = HERE / "models" / "race.pml"
# states SPIN stores that rmpcheck does not: the one before the initial choice (race.pml)
SPIN_EXTRA_STATES = 1
# pan's DFS stack bound to start with (a search that hits it says "max search depth too
# small", and runs again with the state count as its bound: a DFS is never deeper)
DEPTH_BOUND = 100_000

# the rmpcheck side, run in a child so its peak RSS is its own. Its start-up, importing
# numpy and the packed search (which the engine does at first use), is timed apart,
# as SPIN's generating and compiling pan.c is; the instance's compilation is inside
_RMPCHECK_CHILD = """
import json, sys, time
sys.path.insert(0, {bench!r})
from race_case import race
from rmpcheck.engines import explicit
from rmpcheck.engines.base import Options
c0 = time.process_time()
import rmpcheck.engines.packed.run
startup = time.process_time() - c0
t0, c0 = time.perf_counter(), time.process_time()
r = explicit.check(race(), {{"Page": {page}, "Thread": {thread}}}, Options(symmetry=False))
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({{"verdict": r.verdict, "wall": wall, "cpu": cpu, "startup": startup,
                  **r.stats}}))
"""


# the proof, in a child (a fresh process: nothing cached, as from the command line),
# through the library call the command makes (the model's first instance is the
# hint lemma inference samples at), without the command's start-up and vacuity pass.
# Start-up includes importing the engines' modules and loading the parser's tables,
# which the library does at first use: both are done before the clock starts, and
# their CPU reported apart ("start-up"; the whole command's figure has them)
_PROOF_CHILD = """
import json, sys, time
sys.path.insert(0, {bench!r})
from z3_time import install
z3_seconds = install()
from rmpcheck import api
assert api.__file__.startswith({root!r}), api.__file__
c0 = time.process_time()
from rmpcheck.engines import registry
for engine in ("inductive", "bmc", "explicit"):
    registry.resolve(engine)
from rmpcheck.lang.parse_tree import parser
parser()
imports = time.process_time() - c0
t0, c0 = time.perf_counter(), time.process_time()
(r,) = api.prove({rmp!r}, {prop!r}, property="write_only_shared", engine="inductive")
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({{"verdict": r.verdict, "scope": r.describe(), "wall": wall, "cpu": cpu,
                  "z3": z3_seconds(), "imports": imports}}))
"""
RACE_RMP = HERE / "models" / "race.rmp"
NO_LEMMAS = HERE / "models" / "race_no_lemmas.prop"
PROOF_COMMAND = [
    "rmpcheck", "prove", "benchmarks/models/race.rmp", "benchmarks/models/race_no_lemmas.prop",
    "-p", "write_only_shared", "-e", "inductive",
]  # fmt: skip
# SPIN's check is compared at the first size that takes it this long (issue 14)
SPIN_MINUTE_S = 60.0


@dataclass(frozen=True)
class Run:
    """One tool's check at one size."""

    verdict: str
    states: int
    seconds: float  # the check's CPU seconds (the machine is shared: wall clock varies)
    wall: float
    rss_mb: float  # the process's peak resident set
    bytes_per_state: float
    compile_s: float = 0.0  # SPIN: generating and compiling pan.c; rmpcheck: its imports


def missing_tools() -> str | None:
    """Why SPIN cannot run here, or None."""
    gone = [t for t in ("spin", "gcc") if shutil.which(t) is None]
    if gone:
        return f"{' and '.join(gone)} not on PATH (apt-get install -y spin gcc)"
    return None


def _waited(
    args: list[str], cwd: str | None = None, env: dict[str, str] | None = None
) -> tuple[str, float, float, float]:
    """Run ``args``; its stdout, wall and CPU seconds, and peak RSS in MB (from wait4)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
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
    return Run(st["verdict"], st["states"], st["cpu"], st["wall"], rss, bps, st["startup"])


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
        f"{'RSS x':>6} {'rmp start':>9}",
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
                f"{r.rss_mb / s.rss_mb:>5.1f}x {r.compile_s:>9.2f}"
            )
    lines.append(
        "states agree at every size (SPIN's count less its one pre-initial state); "
        "x: rmpcheck / SPIN (above 1: rmpcheck slower or larger), time by CPU seconds; "
        "start-up apart: SPIN's generating and compiling pan.c (cc s, wall), rmpcheck's "
        "importing numpy and the packed search (rmp start, CPU s)"
    )
    return lines


def expected_states(page: int, thread: int) -> int:
    """race.rmp's reachable states, counted: every set A of assigned pages, and either no
    thread consulted (lock free; each thread idle or translated, any target: (2P)^T) or
    exactly one consulted, holding the lock, its target a shared page (T (P - |A|)
    (2P)^(T-1)). (Pages only become assigned, and not while the lock is held, so a
    consulted thread's page stays shared.) tests/test_race_pml.py checks it against
    rmpcheck's search."""
    states = 0
    for a in range(page + 1):
        subsets = comb(page, a)
        states += subsets * (2 * page) ** thread
        states += subsets * thread * (page - a) * (2 * page) ** (thread - 1)
    return states


@dataclass(frozen=True)
class ProofRun:
    verdict: str
    scope: str
    cpu: float  # api.prove's CPU seconds (parsing, the engine), in a fresh process
    wall: float
    z3_cpu: float  # of which inside Z3's C library
    imports_cpu: float  # start-up before the clock: the engines' modules, the parser's tables
    command_cpu: float  # the whole command line (start-up, vacuity examination included)
    command_wall: float


def run_proof(tree: Path | None = None) -> ProofRun:
    """The proof and the whole command, each in a fresh process, with the code of
    ``tree`` (default: this checkout)."""
    root = tree or HERE.parent
    code = _PROOF_CHILD.format(
        bench=str(HERE), rmp=str(RACE_RMP), prop=str(NO_LEMMAS), root=str(root)
    )
    env = {**os.environ, "PYTHONPATH": str(root)}
    out, _, _, _ = _waited([sys.executable, "-c", code], cwd=str(root), env=env)
    st = json.loads(out.strip().splitlines()[-1])
    cmd = [sys.executable, "-m", "rmpcheck", *PROOF_COMMAND[1:]]
    _, cmd_wall, cmd_cpu, _ = _waited(cmd, cwd=str(root), env=env)
    return ProofRun(
        st["verdict"], st["scope"], st["cpu"], st["wall"], st["z3"], st.get("imports", 0.0),
        cmd_cpu, cmd_wall,
    )  # fmt: skip


def median_proof(runs: int, against: Path | None) -> tuple[ProofRun, ProofRun | None]:
    """The run of median CPU among ``runs`` of this checkout's proof, and of ``against``'s
    (interleaved, so that both see the same load)."""
    mine: list[ProofRun] = []
    theirs: list[ProofRun] = []
    for _ in range(runs):
        mine.append(run_proof())
        if against is not None:
            theirs.append(run_proof(against))

    def median(rs: list[ProofRun]) -> ProofRun:
        return sorted(rs, key=lambda r: r.cpu)[len(rs) // 2]

    return median(mine), (median(theirs) if theirs else None)


def proof_against_spin(
    pages: list[int], thread: int, against: Path | None = None, runs: int = 1
) -> list[str]:
    """The proof (it has no size; the median of ``runs``), then SPIN at each size until it
    takes a minute; with ``against``, that checkout's proof too, for before/after."""
    p, before = median_proof(runs, against)
    if p.verdict != "proved":
        raise RuntimeError(f"the all-sizes proof did not succeed: {p.scope}")
    lines = [
        f"all-sizes proof of write_only_shared ({' '.join(PROOF_COMMAND)}): {p.scope}; "
        f"check {p.cpu:.2f} CPU s ({p.wall:.2f} s wall), {p.z3_cpu:.2f} s of it in Z3 "
        f"({100 * p.z3_cpu / p.cpu:.0f}%), start-up before it (the engines' modules, the "
        f"parser's tables) {p.imports_cpu:.2f} CPU s; the whole command {p.command_cpu:.2f} CPU s "
        f"({p.command_wall:.2f} s wall, start-up and vacuity examination included)",
        f"SPIN {_spin_version()} exhaustive check of race.pml, Thread={thread} "
        f"({os.cpu_count()} cores); x: SPIN CPU / the proof's CPU",
        f"{'Page':>4} {'states':>12} {'spin cpu':>9} {'spin wall':>9} {'spin MB':>8} "
        f"{'x check':>8} {'x command':>9}",
    ]
    with tempfile.TemporaryDirectory(prefix="bench-spin-") as work:
        for page in pages:
            want = expected_states(page, thread) + SPIN_EXTRA_STATES
            try:
                s = run_spin(page, thread, work, want)
            except (RuntimeError, MemoryError) as e:
                lines.append(f"{page:>4} SPIN did not finish: {str(e).splitlines()[0]}")
                break
            if s.states != want or s.verdict != "proved":
                raise RuntimeError(f"Page={page}: SPIN {s.verdict} with {s.states} states, "
                                   f"expected proved with {want}")  # fmt: skip
            lines.append(
                f"{page:>4} {s.states:>12,} {s.seconds:>9.1f} {s.wall:>9.1f} {s.rss_mb:>8.0f} "
                f"{s.seconds / p.cpu:>7.0f}x {s.seconds / p.command_cpu:>8.0f}x"
            )
            if s.seconds >= SPIN_MINUTE_S:
                break
    if before is not None:
        assert before.verdict == p.verdict, (before.verdict, p.verdict)
        lines.append(
            f"before ({against}): check {before.cpu:.2f} CPU s, {before.z3_cpu:.2f} s of it in "
            f"Z3 ({100 * before.z3_cpu / before.cpu:.0f}%); the whole command "
            f"{before.command_cpu:.2f} CPU s; now/before {p.cpu / before.cpu:.2f}x "
            f"(median of {runs} runs each)"
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
    ap.add_argument("--pages", help="comma-separated Page sizes (2,3,4,5,6; --proof: 6,7,8)")
    ap.add_argument("--threads", type=int, help="Thread (3; --proof: 4)")
    ap.add_argument("--proof", action="store_true", help="the all-sizes proof against SPIN")
    ap.add_argument(
        "--against", type=Path, help="--proof: another rmpcheck checkout's proof, for before/after"
    )
    ap.add_argument("--runs", type=int, default=1, help="--proof: the median of this many runs")
    args = ap.parse_args()
    if args.against is not None and not args.proof:
        ap.error("--against needs --proof")
    why = missing_tools()
    if why:
        print(f"bench_spin: skipped: {why}")
        return 0
    pages = [int(p) for p in (args.pages or ("6,7,8" if args.proof else "2,3,4,5,6")).split(",")]
    thread = args.threads or (4 if args.proof else 3)
    if args.proof:
        lines = proof_against_spin(pages, thread, args.against, args.runs)
    else:
        lines = compare(pages, thread)
    for line in lines:
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
