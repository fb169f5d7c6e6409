"""Symmetry-reduced explicit search on the race benchmark: orbits per CPU second.

benchmarks/models/race.rmp, write_only_shared, explicit search with symmetry
at sizes large enough that the search, not the set-up, is what is timed
(Page=6, Thread=3 has only 376 orbits). Each size runs in a fresh process;
the figure is orbits per CPU second of ``explicit.check`` (the machine is
shared: wall clock varies with its load). With ``--against DIR`` (another
checkout of rmpcheck, e.g. ``git archive <rev> | tar -x -C DIR``) the same
sizes run with that code too, in the same run, and the ratio is printed.

    python benchmarks/bench_symmetry.py [--sizes 6x3,4x8,6x7,6x8] [--against DIR]
    pytest benchmarks/bench_symmetry.py -m bench      # the target as a test

Target (issue 14): at least 30,000 orbits per CPU second on an instance with
at least 10,000 orbits.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TARGET_ORBITS_PER_S = 30_000
TIMEOUT_S = 300  # a run past this is reported as such (the interpreter's canon at 6x8)

_CHILD = """
import json, sys, time
sys.path.insert(0, {bench!r})
from race_case import race
import rmpcheck
assert rmpcheck.__file__.startswith({root!r}), rmpcheck.__file__
from rmpcheck.engines import explicit
from rmpcheck.engines.base import Options
ob = race()
t0, c0 = time.perf_counter(), time.process_time()
r = explicit.check(ob, {{"Page": {page}, "Thread": {thread}}}, Options())
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({{"verdict": r.verdict, "wall": wall, "cpu": cpu, "states": r.stats["states"],
                  "packed": bool(r.stats.get("packed"))}}))
"""


def run(page: int, thread: int, tree: Path | None = None) -> dict | None:
    """One check in a fresh process, with the code of ``tree`` (default: this one)."""
    root = tree or HERE.parent
    # `python -c` puts the working directory first on sys.path: run in the tree's root
    env = {**os.environ, "PYTHONPATH": str(root)}
    code = _CHILD.format(bench=str(HERE), page=page, thread=thread, root=str(root))
    try:
        p = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True,
            timeout=TIMEOUT_S,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return None
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-2000:])
    return json.loads(p.stdout.strip().splitlines()[-1])


def report(sizes: list[tuple[int, int]], against: Path | None) -> list[str]:
    lines = [
        "race.rmp, write_only_shared, explicit with symmetry; orbits per CPU second"
        + (f"; before: {against}" if against else ""),
        f"{'Page':>4} {'Thread':>6} {'orbits':>8} {'cpu s':>7} {'wall s':>7} {'orbits/s':>9}"
        + (f" {'before s':>9} {'before/s':>9} {'x':>6}" if against else ""),
    ]
    for page, thread in sizes:
        r = run(page, thread)
        assert r is not None and r["verdict"] == "proved", r
        rate = r["states"] / r["cpu"]
        line = (
            f"{page:>4} {thread:>6} {r['states']:>8,} {r['cpu']:>7.2f} {r['wall']:>7.2f} "
            f"{rate:>9,.0f}"
        )
        if against is not None:
            line += _before(run(page, thread, against), r, f"{page}x{thread}")
        lines.append(line)
    return lines


def _before(b: dict | None, now: dict, at: str) -> str:
    """The columns of the run with the other checkout (None: it ran out of time)."""
    if b is None:
        slowest = format(now["states"] / TIMEOUT_S, ",.0f")
        return f" {'>' + str(TIMEOUT_S):>9} {'<' + slowest:>9} {'':>6}"
    if b["states"] != now["states"]:
        raise RuntimeError(f"{at}: {b['states']} orbits before, {now['states']} now")
    return f" {b['cpu']:>9.2f} {b['states'] / b['cpu']:>9,.0f} {b['cpu'] / now['cpu']:>5.1f}x"


@pytest.mark.bench
def test_symmetric_search_reaches_the_target_rate():
    r = run(6, 8)
    assert r is not None and r["verdict"] == "proved" and r["states"] >= 10_000
    assert r["states"] / r["cpu"] >= TARGET_ORBITS_PER_S, f"{r['states'] / r['cpu']:,.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="6x3,4x8,6x7,6x8", help="PagexThread, comma-separated")
    ap.add_argument("--against", type=Path, help="another rmpcheck checkout, for before/after")
    args = ap.parse_args()
    sizes = [tuple(int(x) for x in s.split("x")) for s in args.sizes.split(",")]
    for line in report(sizes, args.against):  # type: ignore[arg-type]
        print(line, flush=True)


if __name__ == "__main__":
    main()
