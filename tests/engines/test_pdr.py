"""pdr: Spacer proofs only with a re-checked invariant, counterexamples rebuilt by bmc."""

from __future__ import annotations

import pytest
import z3
from known_models import FILES, SMALL, from_text, obligation
from symbolic_fakes import UnknownSolver

from rmpcheck.engines import pdr
from rmpcheck.engines.base import Options
from rmpcheck.smt import solving


@pytest.mark.parametrize("name", sorted(FILES))
def test_proves_each_model_with_a_rechecked_invariant(name: str) -> None:
    r = pdr.check(obligation(name, lemmas=False), SMALL[name], Options())
    assert r.verdict == "proved", r.reason
    assert r.scope is not None and r.scope.kind == "instance"
    cert = r.certificate
    assert cert is not None and cert.kind == "inductive-invariant" and cert.rechecked
    assert cert.formulas and all("@" not in f and "Var(" not in f for f in cert.formulas)


@pytest.mark.parametrize("name", sorted(FILES))
def test_refutes_each_broken_variant_with_a_bmc_rebuilt_trace(name: str) -> None:
    r = pdr.check(obligation(name, broken=True), SMALL[name], Options())
    assert r.verdict == "refuted", r.reason
    assert r.trace is not None and r.trace.kind == "counterexample"
    assert r.trace.engine == "pdr" and r.trace.length == r.stats["depth"]


def test_race_invariant_reads_in_model_vocabulary() -> None:
    r = pdr.check(obligation("race"), SMALL["race"], Options())
    assert r.certificate is not None
    text = "\n".join(r.certificate.formulas)
    assert "step[Thread0] != consulted" in text and "psc_lock" in text


def test_covers_covered_and_uncoverable() -> None:
    hit = pdr.check(obligation("race", "reach_write"), SMALL["race"], Options())
    assert hit.verdict == "covered" and hit.trace is not None and hit.trace.kind == "witness"
    none = pdr.check(obligation("peterson", "both_critical"), {}, Options())
    assert none.verdict == "uncoverable"
    assert none.certificate is not None and none.certificate.rechecked


@pytest.mark.parametrize(("init", "verdict"), [("!x", "proved"), ("x", "refuted")])
def test_model_that_spacer_settles_without_lemmas(init: str, verdict: str) -> None:
    # no actions: Spacer answers in preprocessing and keeps no lemma at any level,
    # so the invariant has to come from its answer, not from its frames
    ob = from_text(f"model still\nstate x: bool\ninit {{ {init} }}\n", "invariant off: !x\n", "off")
    r = pdr.check(ob, {}, Options())
    assert r.verdict == verdict, r.reason
    if verdict == "proved":
        assert r.certificate is not None and r.certificate.formulas == ("!x",)


@pytest.mark.parametrize(("ok", "verdict"), [("true", "proved"), ("false", "refuted")])
def test_quantified_answer_is_made_quantifier_free(ok: str, verdict: str) -> None:
    # Spacer inlines the rules here and answers with an `exists` over the step's labels
    model = "model q\nsort S\nstate v: S -> bool\nactor a\naction a.go(x: S, y: bool) { }\n"
    ob = from_text(model, f"always step_ok: {ok}\n", "step_ok")
    r = pdr.check(ob, {"S": 1}, Options())
    assert r.verdict == verdict, r.reason
    if verdict == "proved":
        assert r.certificate is not None
        assert r.certificate.formulas == ("(step_ok held at the last step)",)


def _not_inductive(chc: pdr.Chc, deadline: object = None) -> z3.ExprRef:
    """The claim itself as the 'invariant': safe and initial, but not inductive for race."""
    claim = chc.enc.holds(chc.ob.target, chc.pre)
    return z3.substitute(claim, *((c, z3.Var(i, c.sort())) for i, c in enumerate(chc.pre.flat())))


@pytest.mark.parametrize(
    ("tampered", "check"),
    [(lambda chc, deadline=None: z3.BoolVal(True), "safety"), (_not_inductive, "consecution")],
)
def test_tampered_certificate_is_unknown_not_proved(
    monkeypatch: pytest.MonkeyPatch, tampered, check: str
) -> None:
    monkeypatch.setattr(pdr, "invariant", tampered)
    r = pdr.check(obligation("race"), SMALL["race"], Options())
    assert r.verdict == "unknown"
    assert f"certificate failed its re-check ({check}" in r.reason


def test_recheck_solver_unknown_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solving, "new_solver", UnknownSolver)
    r = pdr.check(obligation("race"), SMALL["race"], Options())
    assert r.verdict == "unknown" and "forced by the test" in r.reason


def test_spacer_unknown_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdr.Chc, "query", lambda self: z3.unknown)
    r = pdr.check(obligation("race"), SMALL["race"], Options())
    assert r.verdict == "unknown" and "Spacer" in r.reason


def test_timeout_gives_unknown() -> None:
    ob = obligation("race")
    r = pdr.check(ob, {"Page": 6, "Thread": 3}, Options(timeout_s=0.05))
    assert r.verdict == "unknown" and "timeout" in r.reason


@pytest.mark.parametrize("guess", [0, 1, 5])
def test_wrong_depth_from_spacer_still_gives_a_replayed_trace(
    monkeypatch: pytest.MonkeyPatch, guess: int
) -> None:
    # Spacer's depth is only a hint: a wrong one falls back to bmc's shortest run
    monkeypatch.setattr(pdr.Chc, "depth", lambda self: guess)
    r = pdr.check(obligation("race", broken=True), SMALL["race"], Options(depth=10))
    assert r.verdict == "refuted" and r.trace is not None
    assert r.trace.length == (guess if guess > 3 else 3)


def test_quantifier_elimination_out_of_time_falls_back_never_guesses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # qe can run away on some Spacer answers; with no time for it at all the
    # invariant comes from the cover-delta fallback, and is still re-checked
    monkeypatch.setattr(pdr, "QE_MAX_S", 0.0)
    monkeypatch.setattr(pdr, "_quantified", lambda t, seen=None: True)
    r = pdr.check(obligation("race"), SMALL["race"], Options())
    assert r.verdict in ("proved", "unknown")
    assert r.verdict == "unknown" or (r.certificate is not None and r.certificate.rechecked)
    bad = pdr.check(obligation("race", broken=True), SMALL["race"], Options())
    assert bad.verdict == "refuted" and bad.trace is not None
