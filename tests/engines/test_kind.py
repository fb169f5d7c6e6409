"""kind: proofs with re-checked certificates, base-case refutations, never a guess."""

from __future__ import annotations

import pytest
from known_models import FILES, SMALL, from_text, obligation
from symbolic_fakes import SatAfter, UnknownSolver

from rmpcheck.engines import kind
from rmpcheck.engines.base import Options
from rmpcheck.monitor import Obligation
from rmpcheck.smt import solving

# 0 <-> 1 is reachable; 3 -> 4 -> 2 is not, so "a != 2" is 3-inductive and no less
CHAIN = """
model chain
state a : 0..5
init { a == INIT }
actor t
action t.tick() {
  a := if a == 0 then 1 else if a == 1 then 0 else if a == 3 then 4 else 2
}
"""


def chain(init: int) -> Obligation:
    return from_text(CHAIN.replace("INIT", str(init)), "invariant not_two: a != 2\n", "not_two")


@pytest.mark.parametrize("name", sorted(FILES))
def test_proves_each_model_with_its_lemmas_and_a_rechecked_certificate(name: str) -> None:
    ob = obligation(name)
    r = kind.check(ob, SMALL[name], Options(depth=6))
    assert r.verdict == "proved", r.reason
    assert r.scope is not None and r.scope.kind == "instance" and dict(r.scope.sizes) == SMALL[name]
    cert = r.certificate
    assert cert is not None and cert.kind == "k-induction" and cert.rechecked
    assert r.stats["assumed_lemmas"] == tuple(n for n, _ in ob.lemmas)
    assert len(cert.formulas) == 1 + len(ob.lemmas)


@pytest.mark.parametrize("name", sorted(FILES))
def test_base_case_refutes_each_broken_variant(name: str) -> None:
    r = kind.check(obligation(name, broken=True), SMALL[name], Options(depth=10))
    assert r.verdict == "refuted", r.reason
    assert r.trace is not None and r.trace.kind == "counterexample"


def test_broken_lemma_is_dropped_not_trusted() -> None:
    # broken peterson never raises its flag, so lemma flag_raised fails at depth 1;
    # assuming it would "prove" mutex, which fails at depth 6
    r = kind.check(obligation("peterson", broken=True), {}, Options(depth=10))
    assert r.verdict == "refuted" and r.trace is not None and r.trace.length == 6


def test_k_grows_until_the_claim_is_inductive() -> None:
    r = kind.check(chain(0), {}, Options(depth=5))
    assert r.verdict == "proved" and r.stats["k"] == 3
    assert r.certificate is not None and r.certificate.formulas == ("a != 2",)
    # the same chain entered from 3 reaches a == 2 after two ticks
    bad = kind.check(chain(3), {}, Options(depth=5))
    assert bad.verdict == "refuted" and bad.trace is not None and bad.trace.length == 2


def test_not_inductive_within_the_bound_is_unknown() -> None:
    r = kind.check(chain(0), {}, Options(depth=1))
    assert r.verdict == "unknown" and "not k-inductive" in r.reason


def test_without_lemmas_race_is_unknown_at_a_small_bound() -> None:
    ob = obligation("race", lemmas=False)
    r = kind.check(ob, SMALL["race"], Options(depth=3))
    assert r.verdict == "unknown" and "not k-inductive for k <= 4" in r.reason


def test_cover_uncoverable_by_induction_and_covered_by_base_case() -> None:
    r = kind.check(obligation("peterson", "both_critical"), {}, Options(depth=6))
    assert r.verdict == "uncoverable"
    assert r.certificate is not None and r.certificate.formulas[0].startswith("!(")
    hit = kind.check(obligation("peterson", "both_critical", broken=True), {}, Options(depth=8))
    assert hit.verdict == "covered" and hit.trace is not None and hit.trace.kind == "witness"


def test_failed_recheck_is_unknown_not_proved(monkeypatch: pytest.MonkeyPatch) -> None:
    # the base-case and step solvers are real; the fresh re-check solver disagrees
    monkeypatch.setattr(SatAfter, "created", 0)
    monkeypatch.setattr(SatAfter, "n", 2)
    monkeypatch.setattr(solving, "new_solver", SatAfter)
    r = kind.check(obligation("race"), SMALL["race"], Options(depth=4))
    assert r.verdict == "unknown" and "certificate failed its re-check" in r.reason


def test_solver_unknown_gives_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solving, "new_solver", UnknownSolver)
    r = kind.check(obligation("race"), SMALL["race"], Options(depth=4))
    assert r.verdict == "unknown" and "forced by the test" in r.reason


def test_timeout_gives_unknown() -> None:
    ob = obligation("race", lemmas=False)
    r = kind.check(ob, {"Page": 6, "Thread": 3}, Options(depth=40, timeout_s=0.05))
    assert r.verdict == "unknown" and "timeout" in r.reason
