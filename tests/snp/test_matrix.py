"""Every (design variant, claim) pair of the SNP model library gets its expected verdict.

The expectations live in [tool.rmpcheck] in pyproject.toml (the gate's matrix); here
the matrix is proved with the engine it names and compared, pair by pair.
Refuted and uncoverable entries are as much a part of the matrix as proofs:
each one is a design flaw (or a path a design does not have) that must stay
demonstrated.
"""

from __future__ import annotations

import pytest
from snp_matrix import PREMISE_COVER, Check, checks, prove_check

CHECKS = checks()


def test_matrix_is_wide_enough() -> None:
    # the library's promise: at least 6 design variants x 8 claims that are not covers
    assert len(CHECKS) >= 6
    for c in CHECKS:
        claims = [n for n, v in c.expect.items() if v in ("proved", "refuted")]
        assert len(claims) >= 8, c.name


@pytest.mark.slow
@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
def test_verdicts_as_expected(check: Check) -> None:
    results = prove_check(check)
    assert set(check.expect) <= set(results), "an expectation names no claim"
    wrong = {
        n: (r.verdict, check.expected(n), r.reason)
        for n, r in results.items()
        if r.verdict != check.expected(n)
    }
    assert not wrong, f"{check.name}: got (verdict, expected, reason) {wrong}"
    for n, r in results.items():
        if r.verdict in ("refuted", "covered"):
            # explicit search is breadth first: the trace is a shortest one
            assert r.trace is not None and r.trace.length >= 1, n
        if r.verdict == "proved":
            assert r.scope is not None and r.scope.kind in ("instance", "all-sizes"), n
    for claim, cover in PREMISE_COVER.items():
        if results[claim].verdict == "proved":
            assert results[cover].verdict == "covered", (
                f"{check.name}: {claim} is proved but its premise ({cover}) is never reached"
            )
