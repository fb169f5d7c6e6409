"""The SNP library's invariants for every size, beside explicit search of one instance.

Two tables. The first, for each design variant: every claim the gate expects
proved (or uncoverable) for all sizes, proved by the inductive engine with
the lemmas its property files state (inference off: the written lemmas are
the whole certificate), and the same claims decided by explicit search at the
variant's default instance.

The second, for the correct design of each era (CORRECT): every state and
step claim the gate expects proved or uncoverable at an instance, asked of
the inductive engine with inference on and no lemma written by hand (the
property files state none for these claims), one claim after another in this
process, so that a claim's inference starts from the invariants the earlier
ones were proved with (engines/induction/shared). Per claim: the verdict and
its scope, the lemmas inferred, CPU seconds. ``--claims-timeout S`` sets
each claim's wall-clock budget (default CLAIM_TIMEOUT_S).

    python benchmarks/bench_snp_all_sizes.py [--inferred-only] [--claims-timeout S]
    pytest benchmarks/bench_snp_all_sizes.py -m bench

Times are process CPU seconds (the engines run in this process), so a loaded
machine does not inflate them much.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "snp"))

from snp_matrix import (  # noqa: E402
    CORRECT,
    PROOFS,
    Check,
    all_sizes_claims,
    checks,
    prove_inferred,
)

from rmpcheck.api import prove  # noqa: E402
from rmpcheck.engines import inductive  # noqa: E402
from rmpcheck.engines.base import Options  # noqa: E402
from rmpcheck.lang import load_model, load_properties  # noqa: E402
from rmpcheck.monitor import compile_obligation  # noqa: E402

NO_INFERENCE = Options(timeout_s=120, extra={"infer": False})
CLAIM_TIMEOUT_S = 400.0


def inferred(
    check: Check, timeout_s: float = CLAIM_TIMEOUT_S
) -> Iterator[tuple[str, str, int, float]]:
    """Per claim, as each finishes: (claim, verdict and scope, lemmas inferred, CPU s),
    every lemma inferred, the claims proved one after another in this process."""
    t0 = time.process_time()
    for claim, r in prove_inferred(check, timeout_s):
        spent = time.process_time() - t0
        verdict = r.verdict + (f" {r.scope}" if r.scope is not None else f": {r.reason[:60]}")
        yield claim, verdict, int(r.stats.get("lemmas_inferred", 0)), spent
        t0 = time.process_time()


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--inferred-only",
        action="store_true",
        help="only the table of the correct designs' claims with every lemma inferred",
    )
    parser.add_argument(
        "--claims-timeout",
        type=float,
        default=CLAIM_TIMEOUT_S,
        metavar="S",
        help=f"inductive engine's timeout per inferred claim (default {CLAIM_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--design",
        action="append",
        choices=[c.name for c in checks()],
        help="the inferred table for this design (repeatable; default: " + ", ".join(CORRECT) + ")",
    )
    args = parser.parse_args(argv)
    timeout = args.claims_timeout
    if not args.inferred_only:
        print(
            f"{'variant':24} {'claims':>6} {'proved':>6} {'all sizes':>10} {'slowest':>8}"
            f" {'explicit':>9}"
        )
        for c in checks():
            n, ok, total, slowest = all_sizes(c)
            print(f"{c.name:24} {n:6} {ok:6} {total:9.2f}s {slowest:7.2f}s {instance(c):8.2f}s")
        print()
    print("every lemma inferred (inductive engine, no hand lemma):")
    print(f"{'variant':28} {'claim':34} {'verdict':32} {'lemmas':>6} {'CPU':>8}")
    for c in checks():
        if c.name not in (args.design or CORRECT):
            continue
        rows = []
        for claim, verdict, lemmas, cpu in inferred(c, timeout):
            print(f"{c.name:28} {claim:34} {verdict:32} {lemmas:6} {cpu:7.1f}s", flush=True)
            rows.append((claim, verdict, lemmas, cpu))
        proved = sum(v.startswith(PROOFS) and "all sizes" in v for _, v, _, _ in rows)
        total = sum(cpu for *_, cpu in rows)
        print(
            f"{c.name:28} {'(all)':34} {f'{proved} of {len(rows)} for all sizes':32}"
            f" {'':6} {total:7.1f}s"
        )


@pytest.mark.bench
@pytest.mark.parametrize("check", [c for c in checks() if c.name in CORRECT], ids=lambda c: c.name)
def test_every_claim_of_the_correct_designs_proved_with_inferred_lemmas(check: Check) -> None:
    rows = list(inferred(check))
    assert rows and all("for all sizes" in v for _, v, _, _ in rows), rows


@pytest.mark.bench
@pytest.mark.parametrize("check", checks(), ids=lambda c: c.name)
def test_every_invariant_proved_for_all_sizes(check: Check) -> None:
    n, ok, _, _ = all_sizes(check)
    assert n and ok == n


if __name__ == "__main__":
    main()
