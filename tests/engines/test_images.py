"""Candidates that follow the model's maps (engines/induction/images): composed terms
and clauses anchored at two elements with one image under a fixed map.

tests/models/parametric/granule.rmp is the small case: a host thread's store
is safe only while no page of its 2 MiB range is private under a 2 MiB
direct-map page, a clause over ``gran[p1] == gran[target[t1]]`` that no
clause of at most two literals over the templates' terms replaces. Its broken
twin converts a page without splitting the range: never proved.
"""

from __future__ import annotations

from pathlib import Path

from rmpcheck.engines import inductive
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.induction import candidates, houdini, images
from rmpcheck.engines.induction.cti import Named, goals_of
from rmpcheck.lang import load_model, load_properties
from rmpcheck.lang.pretty import Printer
from rmpcheck.monitor import Obligation, compile_obligation
from rmpcheck.smt.epr.induction import Induction

ROOT = Path(__file__).resolve().parents[2]
PARAMETRIC = ROOT / "tests" / "models" / "parametric"


def _obligation(model: str) -> Obligation:
    m = load_model(PARAMETRIC / f"{model}.rmp")
    return compile_obligation(m, load_properties(PARAMETRIC / "granule.prop", m), "no_crash")


def _short_pool(ob: Obligation) -> list[Named]:
    gen = candidates.generate(ob.system, Deadline(60))
    levels = iter(gen.levels)
    return [("", c.formula) for _ in range(2) for c in next(levels)[1]]


def test_the_compositions_are_the_ones_the_model_reads() -> None:
    model = load_model(ROOT / "models" / "rfc2021" / "know_and_check.rmp")
    props = load_properties(ROOT / "properties" / "rfc2021" / "host_safety.prop", model)
    ob = compile_obligation(model, props, "no_host_crash")
    got = {tuple(v.name for v in c) for c in images.chains(ob.system)}
    assert {("gran", "target"), ("gran", "ghcb_page"), ("backing", "ghcb_gfn")} <= got
    assert ("gran", "backing", "ghcb_gfn") in got  # kernel_store_faults(backing[ghcb_gfn[v]])
    assert all(len(c) >= 2 for c in got)


def test_shared_images_make_the_missing_lemma() -> None:
    ob = _obligation("granule")
    ind, goals = Induction(ob.system), goals_of(ob)
    pool = _short_pool(ob)
    assert houdini.houdini(ob, ind, goals, pool, Deadline(60), {}).status == "failed"
    found = images.clauses(ob.system, Deadline(60))
    shown = [Printer(ob.model.enums).expr(c.formula) for c in found]
    sides = ("gran[p1] != gran[target[t1]]", "gran[target[t1]] != gran[p1]")
    assert any(s.endswith(sides) and "dmap_2m" in s for s in shown), shown
    pool += [("", c.formula) for c in found]
    r = houdini.houdini(ob, ind, goals, pool, Deadline(60), {})
    assert r.status == "found", r.reason
    # the proposal passes the engine's fresh re-check
    assert inductive.recheck(ob, [*goals, *r.lemmas], Deadline(60)) is None


def test_the_engine_proves_the_small_model_and_not_its_broken_twin() -> None:
    small = {"Page": 3, "Granule": 2, "Thread": 2}  # the model's instance
    r = inductive.check(_obligation("granule"), small, Options(timeout_s=120))
    assert r.verdict == "proved" and str(r.scope) == "for all sizes", r.reason
    assert r.certificate is not None and r.certificate.rechecked
    broken = _obligation("granule_broken")
    r = inductive.check(broken, small, Options(timeout_s=120))
    # its CTI shrinks to one page, where the bug cannot show: inference runs, fails,
    # and the search of the instance finds the crash
    assert r.verdict == "refuted" and r.certificate is None, r.describe()
    # and the family alone proposes nothing Houdini could prove it with
    ind, goals = Induction(broken.system), goals_of(broken)
    pool = _short_pool(broken) + [
        ("", c.formula) for c in images.clauses(broken.system, Deadline(60))
    ]
    assert houdini.houdini(broken, ind, goals, pool, Deadline(60), {}).status != "found"
