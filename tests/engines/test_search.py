"""The CTI-guided search (engines/induction/search), the clauses it has made for a CTI
(generalize) and the entries a bad step depends on (relevance), on hand-made inputs."""

from __future__ import annotations

from pathlib import Path

from rmpcheck import ir
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.induction import candidates, relevance, search
from rmpcheck.engines.induction.cti import goals_of
from rmpcheck.engines.induction.generalize import Excluder
from rmpcheck.interp import Instance
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import compile_obligation
from rmpcheck.smt.epr.induction import Induction

HERE = Path(__file__).resolve().parents[1] / "models" / "parametric"


def _race(model: str = "race"):
    m = load_model(HERE / f"{model}.rmp")
    ps = load_properties(HERE / "race.prop", m)
    return compile_obligation(m, ps, "write_only_shared", use_lemmas=False)


def _bad_state(inst: Instance):
    """A consulted thread without the lock whose page is shared: psc_to_private breaks
    the claim (the race model's CTI)."""
    return inst.read(
        {
            "assigned": {"Page0": False, "Page1": False},
            "step": {"Thread0": "consulted"},
            "target": {"Thread0": "Page0"},
            "psc_lock": False,
        }
    )


def test_relevant_entries_are_what_the_bad_step_needs():
    ob = _race()
    inst = Instance(ob.system, {"Page": 2, "Thread": 1})
    s = _bad_state(inst)
    (ai, _) = next((ai, t) for ai, t in inst.step(s, "guest.psc_to_private", (0,)))
    rel = relevance.relevant(inst, s, ai, lambda t: not inst.holds(ob.target, t))
    names = {inst.decls[i].name for i, _ in rel}
    # the lock (held: the guest cannot run), the thread's step and its target; the
    # pages' assigned bits have nothing to do with it (psc_to_private sets Page0's)
    assert names == {"psc_lock", "step", "target"}


def _excluder(ob):
    gen = candidates.generate(ob.system, Deadline(30), (2,), {"Page": 2, "Thread": 2})
    assert gen.table is not None
    return Excluder(gen.table, gen.atoms)


def _cti_case():
    """The race model, an excluder over its sample, and the CTI's pre-state (2 pages)."""
    ob = _race()
    ex = _excluder(ob)
    inst = Instance(ob.system, {"Page": 2, "Thread": 1})
    return ob, ex, inst, _bad_state(inst)


def test_clauses_made_for_a_cti_exclude_it_and_hold_on_the_sample():
    ob, ex, inst, s = _cti_case()
    made = ex.excluding(inst, s, Deadline(30))
    assert made
    for c in made:
        assert not inst.holds(c.formula, s)
        assert ex.table.holds(ex.made[c.formula])  # on every sampled state
    shown = {repr(c.formula) for c in made}
    lock = [c for c in made if "psc_lock" in repr(c.formula)]
    assert lock, shown  # "a consulted thread holds the lock" is among them


def test_focus_keeps_only_literals_over_relevant_entries():
    ob, ex, inst, s = _cti_case()
    reads = relevance.Reads(inst, ex.table.xs)
    only_lock = {(inst.index["psc_lock"], 0)}
    made = ex.excluding(inst, s, Deadline(30), focus=(reads, only_lock))
    for c in made:
        used = {x.name for x in ir.walk(c.formula) if isinstance(x, ir.StateVar)}
        assert used <= {"psc_lock"}


def test_search_proves_race_from_an_empty_pool_and_not_its_broken_twin():
    for model, want in (("race", "found"), ("race_broken", "failed")):
        ob = _race(model)
        gen = candidates.generate(ob.system, Deadline(30), (2,), {"Page": 2, "Thread": 2})
        assert gen.table is not None
        ex = Excluder(gen.table, gen.atoms)
        ind = Induction(ob.system)
        got = search.search(ob, ind, goals_of(ob), [], Deadline(60), {}, ex)
        assert got.status == want, got.reason
        if want == "found":
            assert got.stats["generated"] > 0 and got.lemmas
        else:
            assert got.cti is not None


def test_a_replay_cut_short_by_the_deadline_says_timeout_not_breaks_nothing():
    # under load the search's time can run out while a CTI is being excluded: the
    # successors are then not all checked, and "breaks nothing on replay" (which ends
    # inference as if the solver and the interpreter disagreed) would be wrong
    import z3

    ob = _race()
    ind = Induction(ob.system)
    # forall p: Page. !assigned[p]: true initially, a chosen candidate the step breaks
    assigned = next(d for d in ob.system.state if d.name == "assigned")
    p = ir.BoundVar("p", assigned.type.keys[0])
    shared = ir.Quant(
        "forall", (p,), ir.Not(ir.Select(ir.StateVar("assigned", assigned.type), (p,)))
    )
    h = search.Search(ob, ind, goals_of(ob), [shared], [1], {}, None)
    h.chosen = {0}
    k, tr = next((k, t) for k, t in enumerate(ind.transitions) if t.action.name == "psc_to_private")
    s = h.solver(k, tr, 10_000)
    s.push()
    s.add(z3.Not(ind.after(shared, tr)))
    assert s.check(h.flags[0]) == z3.sat
    model = s.model()
    s.pop()
    live = h._exclude(tr, model, Deadline(60))
    assert live is True and 0 not in h.active  # with time, the replay drops it
    h.active, h.chosen = {0}, {0}
    spent = Deadline(0)
    got = h._exclude(tr, model, spent)
    assert isinstance(got, str) and got.startswith("timeout"), got


def test_the_search_stops_at_its_cap_however_long_the_budget(monkeypatch):
    # a search that has not converged within its cap rarely does later: the phases after
    # it get the time (on the protocol suite a failing search used 30 s of 120)
    import time

    ob = _race()
    ex = _excluder(ob)
    monkeypatch.setattr(search, "SEARCH_CAP_S", 0.0)
    start = time.monotonic()
    got = search.search(ob, Induction(ob.system), goals_of(ob), [], Deadline(600), {}, ex)
    assert time.monotonic() - start < 30
    assert got.status == "failed" and "share of the time" in got.reason, got.reason
    monkeypatch.setattr(search, "SEARCH_CAP_S", 60.0)
    got = search.search(ob, Induction(ob.system), goals_of(ob), [], Deadline(600), {}, ex)
    assert got.status == "found", got.reason


def test_relevance_reads_a_states_false_literals_once_and_the_tier_stops_at_the_deadline():
    ob, ex, inst, s = _cti_case()
    made = ex.excluding(inst, s, Deadline(30))
    reads = relevance.Reads(inst, ex.table.xs)
    everything = set(range(len(inst.decls)))
    focus = (reads, {(i, k) for i in everything for k in range(8)})
    # what relevant() says from the kept rows is what the rows computed afresh say
    for c in made:
        combo = set(ex.made[c.formula])
        fresh = any(
            combo <= set(ex.false_literals(inst, s, val, blocked))
            and len(relevance.touching(reads, ex.table.lits, list(combo), s, val, focus[1]))
            == len(combo)
            for val, blocked in ex.valuations(inst)
        )
        assert ex.relevant(c.formula, inst, s, focus) == fresh
    h = search.Search(ob, Induction(ob.system), goals_of(ob), [c.formula for c in made],
                      [c.literals for c in made], {}, ex)  # fmt: skip
    options = list(range(len(made)))
    assert h._relevant(ex, options, inst, s, focus, Deadline(60))
    assert h._relevant(ex, options, inst, s, focus, Deadline(0)) == []
