"""The symbolic engines on the race benchmark (benchmarks/models/race.rmp, Page=6, Thread=3).

Targets: pdr proves write_only_shared, and bmc refutes the broken variant
(psc_to_private without ``require !psc_lock``), each under 2 s wall clock.

    python benchmarks/bench_symbolic.py [--repeat N]    # a table of timings
    pytest benchmarks/bench_symbolic.py -m bench        # the targets as tests

Times are the best of N runs, wall clock and process CPU (z3 runs in this
process, so CPU time is what the engine cost even on a loaded machine).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import pytest
from race_case import SIZES, race

from rmpcheck.engines import bmc, kind, pdr
from rmpcheck.engines.base import Options


@dataclass(frozen=True)
class Case:
    name: str
    engine: str
    broken: bool
    verdict: str
    target_s: float | None = None
    lemmas: bool = False


ENGINES = {"bmc": bmc.check, "kind": kind.check, "pdr": pdr.check}
CASES = [
    Case("pdr proves write_only_shared", "pdr", False, "proved", 2.0),
    Case("bmc refutes the broken variant", "bmc", True, "refuted", 2.0),
    Case("pdr refutes the broken variant", "pdr", True, "refuted"),
    Case("kind proves it with the lemmas", "kind", False, "proved", lemmas=True),
    Case("bmc: no violation up to depth 10", "bmc", False, "bounded-safe"),
]


def measure(case: Case, repeat: int) -> tuple[float, float, str]:
    """Best wall and CPU seconds over ``repeat`` runs, and the verdict."""
    walls, cpus, verdict = [], [], ""
    for seed in range(repeat):
        ob = race(case.broken, lemmas=case.lemmas)
        w, c = time.perf_counter(), time.process_time()
        r = ENGINES[case.engine](ob, SIZES, Options(depth=10, seed=seed))
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
        verdict = r.verdict
    return min(walls), min(cpus), verdict


@pytest.mark.bench
@pytest.mark.parametrize("case", [c for c in CASES if c.target_s], ids=lambda c: c.name)
def test_race_targets(case: Case) -> None:
    wall, _, verdict = measure(case, repeat=3)
    assert verdict == case.verdict
    assert case.target_s is not None and wall < case.target_s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"race at {SIZES}, best of {args.repeat}")
    print(f"{'case':36} {'verdict':13} {'wall s':>7} {'cpu s':>7}  target")
    for case in CASES:
        wall, cpu, verdict = measure(case, args.repeat)
        target = f"< {case.target_s:g} s" if case.target_s else ""
        ok = "" if verdict == case.verdict else f"  (expected {case.verdict})"
        print(f"{case.name:36} {verdict:13} {wall:7.2f} {cpu:7.2f}  {target}{ok}")


if __name__ == "__main__":
    main()
