"""Partial maps (engines/induction/guards) and Houdini that excludes a goal's CTI
(engines/induction/houdini): the lemmas a map defined only where a flag is set needs,
proposed from the model's structure or made for the CTI that asks for them."""

from __future__ import annotations

from pathlib import Path

import pytest

from rmpcheck.engines import explicit, inductive
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.induction import candidates, guards, houdini
from rmpcheck.engines.induction.cti import Named, goals_of
from rmpcheck.engines.induction.generalize import Excluder
from rmpcheck.lang import load_model, load_properties
from rmpcheck.lang.pretty import Printer
from rmpcheck.monitor import Obligation, compile_obligation
from rmpcheck.smt.epr.induction import Induction

ROOT = Path(__file__).resolve().parents[2]
PARAMETRIC = ROOT / "tests" / "models" / "parametric"
INJECTIVE = "has_folio[f1] && has_folio[f2] && folio[f1] == folio[f2] -> f1 == f2"


def _obligation(model: str) -> Obligation:
    m = load_model(PARAMETRIC / f"{model}.rmp")
    return compile_obligation(m, load_properties(PARAMETRIC / "folio.prop", m), "no_clash")


def _short(ob: Obligation) -> tuple[candidates.Generated, list[candidates.Candidate]]:
    gen = candidates.generate(ob.system, Deadline(60))
    levels = iter(gen.levels)
    return gen, [c for _ in range(2) for c in next(levels, (0, []))[1]]


def test_a_flag_guards_the_maps_every_writer_of_which_sets_it() -> None:
    m = load_model(PARAMETRIC / "folio.rmp")
    assert [(f.name, d.name) for f, d in guards.guarded_maps(m)] == [("folio", "has_folio")]
    # the SNP model's two partial maps; ghcb_page is written with no flag beside it
    snp = load_model(ROOT / "models" / "upstream" / "leak_on_invalidate_failure.rmp")
    pairs = {(f.name, d.name) for f, d in guards.guarded_maps(snp)}
    assert {("gmem", "has_gmem"), ("anon", "has_anon")} <= pairs
    assert not any(f == "ghcb_page" or f == "vmsa_of" for f, _ in pairs)
    # a thread's target is its page while it is busy; the fixed layout has no flag
    granule = load_model(PARAMETRIC / "granule.rmp")
    assert [(f.name, d.name) for f, d in guards.guarded_maps(granule)] == [("target", "busy")]
    # a thread's ticket is written beside its pc, an enum: no flag
    assert guards.guarded_maps(load_model(PARAMETRIC / "ticket.rmp")) == []


def test_the_guarded_injectivity_is_proposed_and_proves_the_model() -> None:
    ob = _obligation("folio")
    gen, short = _short(ob)
    assert gen.table is not None
    made = guards.clauses(gen.table, guards.guarded_maps(ob.model), short)
    shown = [Printer(ob.model.enums).expr(c.formula) for c in made]
    assert any(s.endswith(INJECTIVE) for s in shown), shown
    r = inductive.check(ob, {"Frame": 2, "Page": 3}, Options(timeout_s=60))
    assert r.verdict == "proved" and str(r.scope) == "for all sizes", r.reason
    assert r.certificate is not None and r.certificate.rechecked
    assert any(f.endswith(INJECTIVE) for f in r.certificate.formulas)


def test_the_broken_twin_is_refuted_and_not_proved() -> None:
    # free forgets that the frame no longer has the folio: the page is handed out again
    ob = _obligation("folio_broken")
    r = inductive.check(ob, {"Frame": 2, "Page": 3}, Options(timeout_s=60))
    assert r.verdict != "proved", r.describe()
    r = explicit.check(ob, {"Frame": 2, "Page": 3}, Options(timeout_s=60))
    assert r.verdict == "refuted" and r.trace is not None


@pytest.mark.parametrize("model", ["folio", "folio_broken"])
def test_houdini_excludes_a_goals_cti_with_a_clause_it_makes(model: str) -> None:
    # the pool lacks the four-literal lemma: Houdini alone fails on the goal's CTI;
    # given an excluder, it makes a clause false there and true on the sample, and goes
    # on. In the broken twin nothing it makes can prove the claim
    ob = _obligation(model)
    ind, goals = Induction(ob.system), goals_of(ob)
    gen, short = _short(ob)
    assert gen.table is not None
    pool: list[Named] = [("", c.formula) for c in short]
    alone = houdini.houdini(ob, ind, goals, pool, Deadline(60), {})
    assert alone.status == "failed" and alone.cti is not None
    excluder = Excluder(gen.table, gen.atoms)
    r = houdini.houdini(ob, ind, goals, pool, Deadline(60), {}, 0, excluder)
    if model == "folio_broken":
        assert r.status != "found", r.lemmas
        return
    assert r.status == "found", r.reason
    assert r.stats["excluded_ctis"] >= 1
    assert inductive.recheck(ob, [*goals, *r.lemmas], Deadline(60)) is None


def test_an_exclusion_out_of_its_share_answers_with_the_cti_not_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the cone after an exclusion runs out of the exclusion's share (as on a loaded
    # machine): Houdini answers "failed" with the CTI it had, so that the caller's next
    # phase (the search, the instance's bmc) still runs; never "unknown" for the share,
    # never "found"
    ob = _obligation("folio")
    ind, goals = Induction(ob.system), goals_of(ob)
    gen, short = _short(ob)
    assert gen.table is not None
    pool: list[Named] = [("", c.formula) for c in short]
    cone = houdini.Houdini.cone
    calls: list[float | None] = []

    def slow_cone(self: houdini.Houdini, deadline: Deadline) -> object:
        calls.append(deadline.remaining())
        if len(calls) == 1:
            return cone(self, deadline)
        while not deadline.expired():  # the share runs out in here
            pass
        return f"timeout after {deadline.elapsed():.1f} s"

    monkeypatch.setattr(houdini.Houdini, "cone", slow_cone)
    monkeypatch.setattr(houdini, "EXCLUDE_SHARE", 0.02)
    excluder = Excluder(gen.table, gen.atoms)
    r = houdini.houdini(ob, ind, goals, pool, Deadline(60), {}, 0, excluder)
    assert len(calls) == 2 and calls[1] is not None and calls[1] <= 0.02 * 60
    assert r.status == "failed" and r.cti is not None, (r.status, r.reason)
