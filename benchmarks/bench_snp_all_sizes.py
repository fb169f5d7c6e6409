"""The SNP library's invariants for every size, beside explicit search of one instance.

Two tables. The first, for each design variant: every claim the gate expects
proved (or uncoverable) for all sizes, proved by the inductive engine with
the lemmas its property files state (inference off: the written lemmas are
the whole certificate), and the same claims decided by explicit search at the
variant's default instance.

The second, for the correct design of each era (INFERRED): every state and
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
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "snp"))

from snp_matrix import Check, all_sizes_claims, checks  # noqa: E402

from rmpcheck.api import prove  # noqa: E402
from rmpcheck.engines import inductive  # noqa: E402
from rmpcheck.engines.base import Options  # noqa: E402
from rmpcheck.engines.induction import shared  # noqa: E402
from rmpcheck.lang import load_model, load_properties  # noqa: E402
from rmpcheck.monitor import compile_obligation  # noqa: E402

NO_INFERENCE = Options(timeout_s=120, extra={"infer": False})
INFERRED = ("know_and_check", "leak_on_invalidate_failure")  # the correct design of each era
CLAIM_TIMEOUT_S = 400.0
PROOFS = ("proved", "uncoverable")


def inferred_claims(check: Check) -> list[tuple[str, Path]]:
    """The state and step claims (covers included) the gate expects proved or
    uncoverable, in the order of the check's property files."""
    model = load_model(check.model)
    out = []
    for path in check.properties:
        for p in load_properties(path, model).properties:
            if p.kind in ("invariant", "always", "cover") and check.expect.get(p.name) in PROOFS:
                out.append((p.name, path))
    return out


def inferred(check: Check, timeout_s: float = CLAIM_TIMEOUT_S) -> list[tuple[str, str, int, float]]:
    """Per claim: (claim, verdict and scope, lemmas inferred, CPU s), every lemma
    inferred, the claims proved one after another in this process."""
    model = load_model(check.model)
    sizes = dict(next(i for i in model.instances if i.name == check.instance).sizes)
    out = []
    store = shared.Proved()  # the design's claims share what each was proved with
    for claim, path in inferred_claims(check):
        props = load_properties(path, model)
        ob = compile_obligation(model, props, claim)
        assert not ob.lemmas, (claim, "a lemma written by hand")
        t0 = time.process_time()
        opts = Options(timeout_s=timeout_s, extra={"proved": store})
        r = inductive.check(ob, check.sizes_of(claim) or sizes, opts)
        spent = time.process_time() - t0
        verdict = r.verdict + (f" {r.scope}" if r.scope is not None else f": {r.reason[:60]}")
        out.append((claim, verdict, int(r.stats.get("lemmas_inferred", 0)), spent))
    return out


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
        if c.name not in INFERRED:
            continue
        rows = inferred(c, timeout)
        for claim, verdict, lemmas, cpu in rows:
            print(f"{c.name:28} {claim:34} {verdict:32} {lemmas:6} {cpu:7.1f}s", flush=True)
        proved = sum(v.startswith(PROOFS) and "all sizes" in v for _, v, _, _ in rows)
        total = sum(cpu for *_, cpu in rows)
        print(
            f"{c.name:28} {'(all)':34} {f'{proved} of {len(rows)} for all sizes':32}"
            f" {'':6} {total:7.1f}s"
        )


@pytest.mark.bench
@pytest.mark.parametrize("check", [c for c in checks() if c.name in INFERRED], ids=lambda c: c.name)
def test_every_claim_of_the_correct_designs_proved_with_inferred_lemmas(check: Check) -> None:
    rows = inferred(check)
    assert rows and all("for all sizes" in v for _, v, _, _ in rows), rows


@pytest.mark.bench
@pytest.mark.parametrize("check", checks(), ids=lambda c: c.name)
def test_every_invariant_proved_for_all_sizes(check: Check) -> None:
    n, ok, _, _ = all_sizes(check)
    assert n and ok == n


if __name__ == "__main__":
    main()
