"""Every (design variant, claim) pair of the SNP model library gets its expected verdict.

The expectations live in [tool.rmpcheck] in pyproject.toml (the gate's matrix); here
the matrix is proved with the engine it names and compared, pair by pair.
Refuted and uncoverable entries are as much a part of the matrix as proofs:
each one is a design flaw (or a path a design does not have) that must stay
demonstrated.
"""

from __future__ import annotations

import pytest
from snp_matrix import Check, checks, prove_check

CHECKS = checks()


def test_matrix_is_wide_enough() -> None:
    # the library's promise: two eras, at least 10 designs, each asked at least 8
    # claims that are not covers
    assert len(CHECKS) >= 10
    assert {c.era for c in CHECKS} == {"rfc2021", "upstream"}
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
            assert r.trace is not None, n
        if r.verdict == "proved":
            assert r.scope is not None and r.scope.kind in ("instance", "all-sizes"), n
