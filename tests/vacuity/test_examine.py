"""Examining proofs end to end (rmpcheck.vacuity): every flag next to its twin that is not.

The door models (tests/vacuity/models) each change one thing about door.rmp,
so that a claim the examination flags in one is, in the other, the same claim
proved for a real reason.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from rmpcheck import api
from rmpcheck.lang import parse_model, parse_properties
from rmpcheck.result import Finding, FindingStatus, Result, Scope
from rmpcheck.vacuity import Budget, Claim, examine

MODELS = Path(__file__).parent / "models"


def prove(model: str, claim: str, props: str = "door.prop") -> Result:
    m = api.load_model(MODELS / f"{model}.rmp")
    ps = api.load_properties(MODELS / props, m)
    (r,) = api.prove(m, ps, property=claim, engine="explicit", vacuity=True)
    assert r.verdict == "proved", r.describe()
    return r


def kinds(r: Result) -> set[tuple[str, str]]:
    return {(f.status, f.kind) for f in r.findings}


def test_an_unreachable_premise_makes_the_proof_vacuous() -> None:
    r = prove("door", "locked_open_alarm")
    (f,) = [f for f in r.findings if f.status == "vacuous"]
    assert (f.kind, f.part, f.verdict) == ("premise", "locked && pos == open", "uncoverable")
    assert f.span is not None and f.span.file.endswith("door.prop") and f.span.line == 4
    assert "vacuous: premise 'locked && pos == open' is unreachable" in r.describe()


def test_a_premise_a_run_reaches_is_not_vacuous() -> None:
    # door_forced: forcing the locked door open sounds the alarm, so the premise happens
    r = prove("door_forced", "locked_open_alarm")
    assert not [f for f in r.findings if f.status == "vacuous"]


def test_a_disjunct_never_needed_makes_the_proof_vacuous() -> None:
    r = prove("door", "open_ok")
    (f,) = [f for f in r.findings if f.status == "vacuous"]
    assert (f.kind, f.index, f.part) == ("disjunct", 2, "alarm'")
    assert "vacuous: disjunct 2 'alarm'' is never needed" in r.describe()


def test_a_disjunct_some_step_needs_is_not_vacuous() -> None:
    r = prove("door_forced", "open_ok")
    assert not [f for f in r.findings if f.status == "vacuous"]


def test_a_claim_restating_a_guard_holds_by_construction() -> None:
    r = prove("door", "lock_closed")
    assert kinds(r) == {("by-construction", "step")}
    assert "by construction: holds on every step from any state" in r.describe()


def test_the_same_claim_true_of_the_reachable_states_only_is_not_flagged() -> None:
    # door_latch: lock checks a latch that is set exactly while the door is open
    assert prove("door_latch", "lock_closed").findings == ()


def test_an_invariant_about_a_variable_nothing_sets_holds_by_construction() -> None:
    r = prove("door", "no_alarm")
    assert kinds(r) == {("by-construction", "guard-free")}
    assert "holds with every guard of every action removed" in r.describe()


def test_an_invariant_that_rests_on_a_guard_is_not_flagged() -> None:
    # door_guarded writes the alarm, under a guard that no run meets
    assert prove("door_guarded", "no_alarm").findings == ()


def test_step_formulas_with_past_time_operators_are_covered_like_covers() -> None:
    m = api.load_model(MODELS / "door_forced.rmp")
    ps = parse_properties(
        "properties for door\n"
        "always alarm_after_force: user.open() && alarm' -> once user.lock() || locked\n"
        "always never_twice: user.open() && once user.open() -> !locked || alarm'\n",
        m,
        "past.prop",
    )
    results = api.prove(m, ps, engine="explicit", vacuity=True)
    assert [r.verdict for r in results] == ["proved", "proved"]
    first, second = (
        {(f.status, f.kind, f.index) for f in r.findings if f.kind in ("premise", "disjunct")}
        for r in results
    )
    # the door is locked only after a lock, so `locked` is never the only reason
    assert first == {("vacuous", "disjunct", 2)}
    # an opening (once includes this step) may be forced (locked) or not: both are needed
    assert second == set()


def test_the_proof_verdict_and_exit_code_are_unchanged(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from rmpcheck.cli import cli

    args = ["prove", str(MODELS / "door.rmp"), str(MODELS / "door.prop"), "-e", "explicit"]
    r = CliRunner().invoke(cli, [*args, "-p", "open_ok"])
    assert r.exit_code == 0 and "vacuous: disjunct 2" in r.output
    off = CliRunner().invoke(cli, [*args, "-p", "open_ok", "--vacuity", "off"])
    assert off.exit_code == 0 and "vacuous" not in off.output
    doc = CliRunner().invoke(cli, [*args, "-p", "open_ok", "--json"]).output
    (found,) = [f for f in json.loads(doc)["results"][0]["findings"] if f["kind"] == "disjunct"]
    assert found["status"] == "vacuous" and found["verdict"] == "uncoverable"
    assert found["span"]["line"] == 7 and found["part"] == "alarm'"


def _claims(model: str) -> tuple[object, list[Claim]]:
    m = api.load_model(MODELS / f"{model}.rmp")
    ps = api.load_properties(MODELS / "door.prop", m)
    return m, [Claim(ps, p) for p in ps.properties]


def test_a_too_large_instance_falls_back_to_bmc_and_the_engine() -> None:
    # a state limit of one: the explicit search stops at once, so bmc finds the
    # reachable covers and pdr proves the unreachable premise uncoverable
    m, claims = _claims("door")
    small = examine(m, claims, {}, Budget(max_states=1, depth=5))  # type: ignore[arg-type]
    full = examine(m, claims, {})  # type: ignore[arg-type]
    assert small == full
    (premise,) = [f for f in small[0] if f.kind == "premise"]
    assert premise.status == "vacuous"


def test_an_undecided_cover_says_so_and_never_claims_non_vacuous() -> None:
    m, claims = _claims("door")
    # no time at all: nothing is decided, and every part says "unknown"
    found = examine(m, claims, {}, Budget(timeout_s=1e-9, max_states=1))  # type: ignore[arg-type]
    premise = [f for f in found[0] if f.kind == "premise"]
    assert premise and all(f.status == "unknown" for f in premise)
    assert not any(f.status == "vacuous" for fs in found for f in fs)
    r = Result(
        "door", "x", "invariant", "proved", "explicit", Scope("instance"), findings=(premise[0],)
    )
    assert "vacuity unknown: premise 'locked && pos == open' undecided" in r.describe()


def test_covers_and_assumptions_need_no_examination() -> None:
    m, claims = _claims("door")
    found = examine(m, [c for c in claims if c.prop.kind == "cover"], {})  # type: ignore[arg-type]
    assert found == [()]


@pytest.mark.parametrize("status", ["vacuous", "by-construction", "unknown"])
def test_findings_round_trip_through_the_cache_codec(status: FindingStatus) -> None:
    from rmpcheck.gate import codec

    r = prove("door", "open_ok")
    f = Finding("disjunct", status, "alarm'", r.findings[0].span, 2, "uncoverable", r.scope, "x")
    with_f = dataclasses.replace(r, findings=(f,))
    assert codec.result_from_json(codec.result_to_json(with_f)).findings == (f,)


EMPTY = """model empty
sort Page
state a : Page -> bool
state ctx : Page
state other : Page
init { ctx != other  forall p: Page. !a[p] }
actor k
action k.set(p: Page) { a[p] := true }
"""


@pytest.mark.parametrize(("pages", "flagged"), [(1, True), (2, False)])
def test_an_instance_without_initial_states_makes_every_proof_vacuous(pages, flagged) -> None:
    # init asks for two distinct pages: with one there is no initial state, and every
    # safety claim is 'proved' (even this false one) without saying anything
    m = parse_model(EMPTY, "empty.rmp")
    ps = parse_properties("properties for empty\ninvariant never: forall p: Page. !a[p]", m)
    (r,) = api.prove(m, ps, engine="explicit", sizes={"Page": pages}, vacuity=True)
    if flagged:
        assert r.verdict == "proved"
        assert ("vacuous", "initial") in kinds(r), r.describe()
        assert "no initial state" in r.describe()
    else:
        assert r.verdict == "refuted" and not r.findings


# ---------------------------------------------------------------- liveness triggers

MUTEX = Path(__file__).parents[1] / "models" / "liveness" / "mutex.rmp"

LIVE = """properties for mutex
strong_fair proc.enter
fair proc.leave
liveness released: forall p: Proc. pc[p] == critical ~> pc[p] == idle
liveness both_leave: forall p: Proc, q: Proc.
  p != q && pc[p] == critical && pc[q] == critical ~> pc[p] == idle
liveness lock_used: always eventually locked || (forall p: Proc. pc[p] == idle)
"""


def prove_live(claim: str) -> Result:
    m = api.load_model(MUTEX)
    ps = parse_properties(LIVE, m, "live.prop")
    (r,) = api.prove(m, ps, property=claim, engine="explicit", vacuity=True)
    assert r.verdict == "proved", r.describe()
    return r


def test_a_liveness_proof_whose_trigger_never_holds_is_vacuous() -> None:
    # mutual exclusion: two processes are never critical at once, so nothing is answered
    r = prove_live("both_leave")
    (f,) = r.findings
    assert (f.status, f.kind, f.verdict) == ("vacuous", "premise", "uncoverable")
    assert f.part == "p != q && pc[p] == critical && pc[q] == critical"
    assert f.span is not None and f.span.line == 6
    assert "vacuous: premise" in r.describe()


def test_a_liveness_proof_whose_trigger_a_run_reaches_is_not_vacuous() -> None:
    assert prove_live("released").findings == ()


def test_a_liveness_claim_with_no_trigger_has_nothing_to_examine() -> None:
    # neither the trigger cover nor the step and guard-free restatements apply
    assert prove_live("lock_used").findings == ()
