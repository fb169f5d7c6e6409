"""The inductive engine: when it may say "proved" (only with a re-checked lemma set) and
every way it must not: solver unknown, failed re-check, a non-inductive claim, a model
outside what the encoding can express. Also what it reports about the EPR fragment."""

from __future__ import annotations

import pytest
import race_text
import z3
from known_models import from_text

from rmpcheck.engines import inductive
from rmpcheck.engines.base import Options
from rmpcheck.result import Scope
from rmpcheck.smt.epr import induction

NO_INFER = Options(timeout_s=60, extra={"infer": False})

# the race model of DESIGN.md, with the psc_lock
RACE = race_text.TEXT

CLAIM = (
    "invariant write_only_shared: forall t: Thread. step[t] == consulted -> !assigned[target[t]]"
)
LEMMAS = """
lemma locked: forall t: Thread. step[t] == consulted -> psc_lock
lemma at_most_one:
  forall a: Thread, b: Thread. step[a] == consulted && step[b] == consulted -> a == b
"""


def test_claim_with_lemmas_is_proved_and_rechecked():
    r = inductive.check(from_text(RACE, CLAIM + LEMMAS, "write_only_shared"), {}, NO_INFER)
    assert r.verdict == "proved" and r.certificate.rechecked
    assert r.certificate.formulas[1] == "forall t: Thread. step[t] == consulted -> psc_lock"
    assert r.stats["lemmas_inferred"] == 0


def test_non_inductive_claim_without_lemmas_gives_a_cti_never_proved():
    r = inductive.check(from_text(RACE, CLAIM, "write_only_shared"), {}, NO_INFER)
    assert r.verdict == "unknown" and r.certificate is None and r.scope is None
    assert r.stats["cti"]["action"] == "guest.psc_to_private"
    assert r.stats["cti"]["sizes"] == {"Page": 1, "Thread": 1}  # shrunk to one of each


def test_a_wrong_lemma_is_not_proved_along():
    # the given lemmas are a strengthening to choose from: a wrong one drops out of
    # the certificate (the claim is proved with the others) and is never proved itself
    wrong = "lemma never_locked: !psc_lock\n"
    text = CLAIM + LEMMAS + wrong
    r = inductive.check(from_text(RACE, text, "write_only_shared"), {}, NO_INFER)
    assert r.verdict == "proved" and r.certificate.rechecked
    assert r.stats["lemmas_unused"] == ["never_locked"]
    assert not any("psc_lock" == f.strip("!") for f in r.certificate.formulas)
    assert len(r.certificate.formulas) == 3
    lemma = inductive.check(from_text(RACE, text, "never_locked"), {}, NO_INFER)
    assert lemma.verdict != "proved"


def test_without_the_lemma_it_needs_the_claim_keeps_its_cti():
    # only "at most one" is given: dropping nothing helps, and the CTI is the claim's
    only = "lemma at_most_one:\n  forall a: Thread, b: Thread. step[a] == consulted"
    only += " && step[b] == consulted -> a == b\n"
    r = inductive.check(from_text(RACE, CLAIM + only, "write_only_shared"), {}, NO_INFER)
    assert r.verdict == "unknown" and r.stats["cti"]["violated"] == ["write_only_shared"]


def test_solver_unknown_gives_unknown(monkeypatch):
    real = induction.new_solver

    def giving_up(u, timeout_ms):
        s = real(u, timeout_ms)
        s.check = lambda *a: z3.unknown
        s.reason_unknown = lambda: "stub gave up"
        return s

    monkeypatch.setattr(induction, "new_solver", giving_up)
    r = inductive.check(from_text(RACE, CLAIM + LEMMAS, "write_only_shared"), {}, Options())
    assert r.verdict == "unknown" and "stub gave up" in r.reason


def test_failed_recheck_gives_unknown(monkeypatch):
    # a certificate that lost its lemmas on the way must not survive the fresh re-check
    monkeypatch.setattr(inductive, "certificate_set", lambda goals, lemmas: list(goals[:1]))
    r = inductive.check(from_text(RACE, CLAIM + LEMMAS, "write_only_shared"), {}, NO_INFER)
    assert r.verdict == "unknown" and r.reason.startswith("re-check by a fresh solver failed")


def test_recheck_catches_a_non_inductive_set():
    ob = from_text(RACE, CLAIM, "write_only_shared")
    from rmpcheck.engines.base import Deadline

    assert inductive.recheck(ob, [("c", ob.target)], Deadline(60)) is not None
    ob2 = from_text(RACE, CLAIM + LEMMAS, "write_only_shared")
    assert inductive.recheck(ob2, inductive.goals_of(ob2), Deadline(60)) is None


def test_initial_violation_is_a_real_counterexample():
    bad = "invariant none_assigned_ever: forall p: Page. assigned[p]"
    r = inductive.check(from_text(RACE, bad, "none_assigned_ever"), {}, NO_INFER)
    assert r.verdict == "refuted" and r.trace is not None and r.trace.length == 0
    assert r.scope.kind == "instance"


def test_cover_proved_uncoverable_or_left_open():
    two = "cover two: exists a: Thread, b: Thread. a != b && step[a] == consulted"
    two += " && step[b] == consulted"
    r = inductive.check(from_text(RACE, two + LEMMAS, "two"), {}, NO_INFER)
    assert r.verdict == "uncoverable" and str(r.scope) == "for all sizes"
    one = "cover one: exists a: Thread. step[a] == consulted"
    r = inductive.check(from_text(RACE, one + LEMMAS, "one"), {}, Options(timeout_s=30))
    assert r.verdict != "uncoverable"


def test_step_properties_go_through_monitors():
    ok = "always w: host.write(t) -> step[t] == consulted && psc_lock"
    r = inductive.check(from_text(RACE, ok + LEMMAS, "w"), {}, NO_INFER)
    assert r.verdict == "proved" and r.certificate.formulas[0] == "(w held at the last step)"
    bad = "always w: host.write(t) -> !psc_lock"
    r = inductive.check(from_text(RACE, bad + LEMMAS, "w"), {}, NO_INFER)
    # its CTI is a real bug: refuted at the CTI's sizes, with bmc's replayed trace
    assert r.verdict == "refuted" and r.stats["cti"]["action"] == "host.write"
    assert r.trace is not None and r.trace.steps[-1].action == "host.write"
    assert r.scope is not None and r.scope.kind == "instance" and r.certificate is None
    # without that check, the CTI is all there is: unknown, never a verdict without trace
    no_reach = Options(timeout_s=30, extra={"infer": False, "reach": False})
    r = inductive.check(from_text(RACE, bad + LEMMAS, "w"), {}, no_reach)
    assert r.verdict == "unknown" and r.reason.startswith("not inductive")
    # true, but it needs a lemma about the once-monitor, which has no user syntax
    past = "always w: host.write(t) -> once host.consult_rmp(t)"
    r = inductive.check(from_text(RACE, past + LEMMAS, "w"), {}, Options(timeout_s=30))
    assert r.verdict in ("proved", "unknown") and (
        r.verdict == "unknown" or r.certificate.rechecked
    )


def test_cycle_of_functions_between_sorts_is_reported_with_where():
    model = """
model gpa
sort Page
sort Gpa
state gpa_of  : Page -> Gpa
state page_of : Gpa -> Page
state mapped  : Page -> bool
init { forall p: Page. !mapped[p] }
actor hv
action hv.map(p: Page, g: Gpa) { gpa_of[p] := g  page_of[g] := p  mapped[p] := true }
"""
    claim = "invariant back: forall p: Page. mapped[p] -> page_of[gpa_of[p]] == p"
    r = inductive.check(from_text(model, claim, "back", "gpa.rmp"), {}, NO_INFER)
    assert r.stats["epr"] is False
    (msg,) = r.stats["fragment"]
    assert "state gpa_of : Page -> Gpa (gpa.rmp:5:7)" in msg
    assert "state page_of : Gpa -> Page (gpa.rmp:6:7)" in msg
    # tried anyway; the claim is in fact false, and the CTI's bmc check shows it
    assert r.verdict == "refuted" and r.trace is not None and r.certificate is None


def test_arithmetic_on_sort_indexed_ints_is_reported():
    model = """
model counters
sort Page
state count : Page -> 0..3
init { forall p: Page. count[p] == 0 }
actor hv
action hv.bump(p: Page) { count[p] := count[p] + 1 }
"""
    r = inductive.check(
        from_text(model, "invariant small: forall p: Page. count[p] <= 3", "small", "c.rmp"),
        {},
        NO_INFER,
    )
    assert r.verdict == "proved"  # Z3 answers all the same
    assert any("count : Page -> 0..3 (c.rmp:4:7)" in m for m in r.stats["fragment"])


BULK = """
model bulk
sort Page
sort Asid
state owner    : Page -> Asid
state assigned : Page -> bool
state dead     : Asid -> bool
state any_free : bool
init { forall p: Page. !assigned[p]  forall a: Asid. !dead[a] }
actor hv
action hv.assign(p: Page, a: Asid) {
  require !dead[a] && !assigned[p]
  assigned[p] := true
  owner[p] := a
}
action hv.kill(a: Asid) {
  dead[a] := true
  KILL
}
action hv.scramble() {
  forall q: Page { if !assigned[q] { choose a: Asid where !dead[a] { owner[q] := a } } }
}
action hv.scan() { forall q: Page { if !assigned[q] { any_free := true } } }
"""


def test_bulk_updates_choices_and_witnesses_prove_and_break():
    claim = "invariant live: forall p: Page. assigned[p] -> !dead[owner[p]]"
    good = BULK.replace("KILL", "forall q: Page { if owner[q] == a { assigned[q] := false } }")
    r = inductive.check(from_text(good, claim, "live"), {}, NO_INFER)
    assert r.verdict == "proved", r.reason
    r = inductive.check(from_text(BULK.replace("KILL", ""), claim, "live"), {}, NO_INFER)
    assert r.verdict == "refuted" and r.stats["cti"]["action"] == "hv.kill"
    assert r.trace is not None and r.trace.steps[-1].action == "hv.kill"


def test_a_monitor_quantifier_z3_leaves_unevaluated_is_read_back_over_the_universe():
    # Z3's model.eval keeps 'exists x. ...' over a sort unevaluated; reading it as
    # false once made the CTI disagree with the interpreter (an internal error).
    model = """
model cover_other
sort S
state v : bool
actor a
action a.act(x: S) { v := false }
"""
    ob = from_text(model, "cover other: false <-> a.act(y)", "other")
    r = inductive.check(ob, {}, NO_INFER)
    assert r.verdict == "covered", r.describe()
    assert r.trace is not None and r.trace.length == 1


def test_order_dependent_forall_write_is_refused(monkeypatch):
    import rmpcheck.lang.model as checker
    from rmpcheck.errors import ModelError

    model = BULK.replace("KILL", "").replace(
        "action hv.scan() { forall q: Page { if !assigned[q] { any_free := true } } }",
        "action hv.scan() { forall q: Page { any_free := assigned[q] } }",
    )
    # the checker refuses it, with the location ...
    with pytest.raises(ModelError, match=r"m\.rmp:\d+:\d+: .*depend on the order"):
        from_text(model, "invariant t: true", "t")
    # ... and so does the engine, for a model that did not pass the checker
    monkeypatch.setattr(checker, "order_dependent_writes", lambda body: [])
    r = inductive.check(from_text(model, "invariant t: true", "t"), {}, NO_INFER)
    assert r.verdict == "unknown" and "depends on the order" in r.reason


# Each model has a spurious counterexample to induction with one element (a glitch
# guarded by a never-set flag), which the CTI search finds first; the real behaviour
# needs three epochs, or two granules: only a search of the requested instance sees it.
EPOCHS = """model epochs
sort Epoch
state done : Epoch -> bool
state mark : Epoch -> bool
state bad : bool
init { forall e: Epoch. !done[e] && !mark[e]  !bad }
actor a
action a.finish(e: Epoch) { require !done[e]  done[e] := true }
action a.glitch(e: Epoch) { require mark[e]  bad := true }
action a.check(x: Epoch, y: Epoch, z: Epoch) {
  require x != y && y != z && x != z && done[x] && done[y] && done[z]
  bad := true
}
"""

GRANULES = """model granules
sort Granule
state used : Granule -> bool
state ghost : Granule -> bool
state both : bool
init { forall g: Granule. !used[g] && !ghost[g]  !both }
actor a
action a.use(g: Granule) { require !used[g]  used[g] := true }
action a.glitch(g: Granule) { require ghost[g]  both := true }
action a.pair(g: Granule, h: Granule) { require g != h && used[g] && used[h]  both := true }
"""


def test_a_bug_that_needs_three_epochs_is_found_at_the_requested_instance():
    ob = from_text(EPOCHS, "invariant no_bad: !bad", "no_bad")
    r = inductive.check(ob, {"Epoch": 3}, Options())
    assert r.stats["cti"]["sizes"] == {"Epoch": 1}  # the shrunk CTI shows nothing real
    assert r.verdict == "refuted", r.reason
    assert r.scope == Scope("instance", (("Epoch", 3),)) and r.trace is not None
    assert r.trace.length == 4 and "bmc refutes no_bad" in r.stats["instance_search"]
    # at an instance too small for the bug, the answer stays unknown, and says where it looked
    small = inductive.check(ob, {"Epoch": 2}, Options())
    assert small.verdict == "unknown"
    assert small.stats["instance_search"].startswith("none at Epoch=2 within depth 10")


def test_a_cover_that_needs_two_granules_is_covered_at_the_requested_instance():
    ob = from_text(GRANULES, "cover paired: both", "paired")
    r = inductive.check(ob, {"Granule": 2}, Options())
    assert r.verdict == "covered", r.reason
    assert r.scope == Scope("instance", (("Granule", 2),)) and r.trace is not None


def test_houdini_learns_from_a_bounded_model_when_the_solver_gives_up(monkeypatch):
    # the first consecution query that has a model comes back "unknown": Houdini asks
    # it again with at most four elements per sort, learns from that model, and still
    # finds the set
    from rmpcheck.engines.base import Deadline
    from rmpcheck.engines.induction import houdini as hd
    from rmpcheck.engines.induction.cti import goals_of

    # a candidate the claim's proof uses first, broken by consult_rmp: a model to learn from
    never = "lemma never: forall t: Thread. step[t] != consulted\n"
    ob = from_text(RACE, CLAIM + never + LEMMAS, "write_only_shared")
    real, calls, gave_up, bounded = hd.ask, [], [], []

    def first_gives_up(s, assumptions=()):
        # queries with a model give up until Houdini asks one within the bound (a
        # scope deeper); before that it may try the candidates it needs alone, then all
        out = real(s, assumptions)
        calls.append(s.num_scopes())
        if gave_up and calls[-1] > calls[gave_up[0]]:
            bounded.append(len(calls) - 1)
        if out.status == "fails" and not bounded:
            gave_up.append(len(calls) - 1)
            return induction.Outcome("unknown", s, "stub gave up")
        return out

    monkeypatch.setattr(hd, "ask", first_gives_up)
    goals = goals_of(ob)[:1]  # the claim alone: the lemmas are the pool
    got = hd.houdini(ob, induction.Induction(ob.system), goals, ob.lemmas, Deadline(60))
    assert got.status == "found", got.reason
    assert [n for n, _ in got.lemmas] == ["locked", "at_most_one"]
    # the query right after the last give-up is the bounded one, in the bound's scope
    assert gave_up and bounded and bounded[0] == gave_up[-1] + 1
