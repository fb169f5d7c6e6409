"""The inductive engine on the race benchmark: proved for all sizes, beside explicit search.

The claim write_only_shared of benchmarks/models/race.rmp is proved for every
number of pages and threads, with no lemma written by hand (inference finds
them), and the certificate re-checked by a fresh solver. Target: under 1 s.
Beside it: the same claim with the .prop's lemmas given, the explicit engine
on the single instance Page=6, Thread=3, and the broken variant (no
``require !psc_lock`` in psc_to_private), whose CTI bmc shows reachable.

    python benchmarks/bench_inductive.py [--repeat N]
    pytest benchmarks/bench_inductive.py -m bench      # the target as a test

Times are the best of N runs: wall clock and process CPU seconds (the CPU time
is what the check cost even on a loaded machine).
"""

from __future__ import annotations

import argparse
from typing import Any

import pytest
from race_case import SIZES, race
from timing import best_of

from rmpcheck.engines import inductive
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.induction import cti, cti_reach

TARGET_S = 1.0


def prove_all_sizes(lemmas: bool) -> Any:
    return inductive.check(race(lemmas=lemmas), {}, Options())


def explicit_instance() -> Any:
    try:
        from rmpcheck.engines import explicit
    except ImportError:  # pragma: no cover - explicit not built
        return None
    return explicit.check(race(), SIZES, Options())


def broken_cti() -> tuple[Any, Any]:
    ob = race(broken=True)
    found = cti.find(ob, Deadline(60))
    assert isinstance(found, cti.Cti)
    return found, cti_reach.reachability(ob, found, Options(depth=10))


def rows(n: int) -> list[tuple[str, str, float, float]]:
    out = []
    r, w, c = best_of(n, lambda: prove_all_sizes(lemmas=False))
    inferred = r.stats.get("lemmas_inferred", 0)
    out.append((f"inductive, no lemmas ({inferred} inferred)", r.describe(), w, c))
    r, w, c = best_of(n, lambda: prove_all_sizes(lemmas=True))
    out.append(("inductive, lemmas given", r.describe(), w, c))
    r, w, c = best_of(n, explicit_instance)
    if r is not None:
        states = r.stats.get("states", "?")
        out.append((f"explicit ({states} states)", r.describe(), w, c))
    (found, reach), w, c = best_of(n, broken_cti)
    out.append(("broken: CTI + reachability", f"{reach.status} ({reach.engine})", w, c))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"race: write_only_shared (best of {args.repeat})\n")
    print(f"{'run':40} {'verdict':34} {'wall s':>7} {'cpu s':>7}")
    for name, verdict, w, c in rows(args.repeat):
        print(f"{name:40} {verdict:34} {w:7.3f} {c:7.3f}")


@pytest.mark.bench
def test_race_proved_for_all_sizes_under_a_second():
    r, wall, cpu = best_of(3, lambda: prove_all_sizes(lemmas=False))
    assert r.verdict == "proved" and r.certificate.rechecked
    assert str(r.scope) == "for all sizes"
    assert cpu < TARGET_S, f"{cpu:.2f} s CPU"


@pytest.mark.bench
def test_broken_race_cti_is_reachable():
    (found, reach), _, _ = best_of(1, broken_cti)
    assert reach.status == "reachable" and reach.trace is not None


if __name__ == "__main__":
    main()
