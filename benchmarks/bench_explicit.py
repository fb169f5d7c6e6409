"""The explicit engine on the race benchmark (benchmarks/models/race.rmp, Page=6, Thread=3).

Targets: at least 20,000 states/s exploring the whole unreduced state space,
and symmetry reduction shrinking the state count (both counts and the ratio
are printed).

    python benchmarks/bench_explicit.py [--repeat N] [--page 6] [--thread 3]
    pytest benchmarks/bench_explicit.py -m bench      # the targets as tests

Times are the best of N runs of the whole check (instance compilation,
search, and certificate): wall clock, and process CPU time, which is what the
search cost even on a loaded machine (it is single-threaded); the rates are
per CPU second.
"""

from __future__ import annotations

import argparse

import pytest
from race_case import SIZES, race
from timing import best_of

from rmpcheck.engines import explicit
from rmpcheck.engines.base import Options
from rmpcheck.monitor import Obligation
from rmpcheck.result import Result

TARGET_STATES_PER_S = 20_000


def search(
    n: int, ob: Obligation, sizes: dict[str, int], symmetry: bool
) -> tuple[Result, float, float]:
    """The result, and the least wall-clock and CPU seconds over ``n`` runs."""
    return best_of(n, lambda: explicit.check(ob, sizes, Options(symmetry=symmetry)))


def report(repeat: int, sizes: dict[str, int]) -> list[str]:
    at = ", ".join(f"{k}={v}" for k, v in sizes.items())
    lines = [f"explicit engine, race at {at}, best of {repeat}"]
    lines.append(
        f"{'case':<34} {'verdict':<10} {'states':>9} {'trans':>10} {'wall':>7} {'cpu':>7} "
        f"{'st/cpu-s':>9}"
    )
    rows = {}
    for label, broken, sym in [
        ("write_only_shared, no symmetry", False, False),
        ("write_only_shared, symmetry", False, True),
        ("broken variant, no symmetry", True, False),
        ("broken variant, symmetry", True, True),
    ]:
        r, wall, cpu = search(repeat, race(broken), sizes, sym)
        rows[label] = r
        st = r.stats
        verdict = r.verdict + (f"/{r.trace.length}" if r.trace else "")
        lines.append(
            f"{label:<34} {verdict:<10} {st['states']:>9,} {st['transitions']:>10,} "
            f"{wall:>6.2f}s {cpu:>6.2f}s {round(st['states'] / cpu):>9,}"
        )
    full = rows["write_only_shared, no symmetry"].stats
    reduced = rows["write_only_shared, symmetry"].stats
    lines.append(
        f"symmetry: {full['states']:,} -> {reduced['states']:,} states "
        f"({full['states'] / reduced['states']:.0f}x fewer), same diameter "
        f"{full['diameter']} == {reduced['diameter']}; peak RSS {full['peak_rss_mb']} MB"
    )
    return lines


@pytest.mark.bench
def test_unreduced_search_reaches_the_target_rate():
    r, _, cpu = search(2, race(), SIZES, symmetry=False)
    assert r.verdict == "proved"
    rate = r.stats["states"] / cpu
    assert rate >= TARGET_STATES_PER_S, f"{rate:,.0f} states/s"


@pytest.mark.bench
def test_symmetry_shrinks_the_state_space_with_the_same_verdicts():
    full, _, _ = search(1, race(), SIZES, symmetry=False)
    reduced, _, _ = search(1, race(), SIZES, symmetry=True)
    assert full.verdict == reduced.verdict == "proved"
    assert reduced.stats["states"] * 100 < full.stats["states"]
    bad_full, _, _ = search(1, race(True), SIZES, symmetry=False)
    bad_reduced, _, _ = search(1, race(True), SIZES, symmetry=True)
    assert bad_full.verdict == bad_reduced.verdict == "refuted"
    assert bad_full.trace is not None and bad_reduced.trace is not None
    assert bad_full.trace.length == bad_reduced.trace.length


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--page", type=int, default=SIZES["Page"])
    ap.add_argument("--thread", type=int, default=SIZES["Thread"])
    args = ap.parse_args()
    for line in report(args.repeat, {"Page": args.page, "Thread": args.thread}):
        print(line)


if __name__ == "__main__":
    main()
