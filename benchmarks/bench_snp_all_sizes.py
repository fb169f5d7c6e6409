"""The SNP library's invariants for every size, beside explicit search of one instance.

For each design variant: every claim the gate expects proved (or uncoverable)
for all sizes, proved by the inductive engine with the lemmas its property
files state (inference off: the written lemmas are the whole certificate),
and the same claims decided by explicit search at the variant's default
instance. The proof for every size should cost about what one instance
costs: it is what lets the gate say "for any number of pages".

    python benchmarks/bench_snp_all_sizes.py
    pytest benchmarks/bench_snp_all_sizes.py -m bench

Times are process CPU seconds (the engines run in this process), so a loaded
machine does not inflate them much.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "snp"))

from snp_matrix import Check, all_sizes_claims, checks  # noqa: E402

from rmpcheck.api import prove  # noqa: E402
from rmpcheck.engines import inductive  # noqa: E402
from rmpcheck.engines.base import Options  # noqa: E402
from rmpcheck.lang import load_model, load_properties  # noqa: E402
from rmpcheck.monitor import compile_obligation  # noqa: E402

NO_INFERENCE = Options(timeout_s=120, extra={"infer": False})


def all_sizes(check: Check) -> tuple[int, int, float, float]:
    """(claims, proved as expected, total CPU s, slowest CPU s) for the variant."""
    model = load_model(check.model)
    done = total = slowest = 0.0
    claims = all_sizes_claims(check)
    for claim, path in claims:
        ob = compile_obligation(model, load_properties(path, model), claim)
        t0 = time.process_time()
        r = inductive.check(ob, {}, NO_INFERENCE)
        spent = time.process_time() - t0
        total, slowest = total + spent, max(slowest, spent)
        done += r.verdict == check.expect[claim] and r.scope is not None
    return len(claims), int(done), total, slowest


def instance(check: Check) -> float:
    """CPU seconds for explicit search of the same claims at the default instance."""
    model = load_model(check.model)
    names = {n for n, _ in all_sizes_claims(check)}
    t0 = time.process_time()
    for path in check.properties:
        props = load_properties(path, model)
        asked = [p.name for p in props.properties if p.name in names]
        if asked:
            prove(model, props, property=asked, engine="explicit", instance=check.instance)
    return time.process_time() - t0


def main() -> None:
    print(f"{'variant':24} {'claims':>6} {'proved':>6} {'all sizes':>10} {'slowest':>8}"
          f" {'explicit':>9}")
    for c in checks():
        n, ok, total, slowest = all_sizes(c)
        print(f"{c.name:24} {n:6} {ok:6} {total:9.2f}s {slowest:7.2f}s {instance(c):8.2f}s")


@pytest.mark.bench
@pytest.mark.parametrize("check", checks(), ids=lambda c: c.name)
def test_every_invariant_proved_for_all_sizes(check: Check) -> None:
    n, ok, _, _ = all_sizes(check)
    assert n and ok == n


if __name__ == "__main__":
    main()
