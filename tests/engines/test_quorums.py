"""What inference needs for Paxos, each part on its own, and the proof itself.

- engines/induction/quorums reads choosability atoms off a quorum guard and
  the requirements of the action that does what the guard asks;
- a witness Skolemises only over the indices its body reads (a quorum per
  round and value, not per node too, which would close a cycle of sorts);
- Houdini's retry without the forall-exists candidates, where Z3 gave up;
- the sample's random runs, where breadth-first search stops at its limit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rmpcheck import ir
from rmpcheck.engines import inductive
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.induction import infer, quorums, sample, witness
from rmpcheck.engines.induction.cti import goals_of
from rmpcheck.engines.induction.houdini import _has_exists
from rmpcheck.engines.inductive import show
from rmpcheck.interp import Instance
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import compile_obligation
from rmpcheck.smt.epr.induction import Induction

SUITE = Path(__file__).resolve().parents[2] / "benchmarks" / "protocols"


def _obligation(name: str, props: str | None = None):
    m = load_model(SUITE / f"{name}.rmp")
    p = load_properties(SUITE / f"{props or name}.prop", m)
    claim = "agreement" if "paxos" in name else p.properties[0].name
    return compile_obligation(m, p, claim)


def test_the_choosability_atom_is_read_off_paxos():
    ob = _obligation("paxos")
    shown = {show(ob, s.atom) for s in quorums.shapes(ob.model)}
    # decide's guard: some member of q did not vote v in r ...
    assert "exists m: Node. member[m, q] && !vote[m, r, v]" in shown
    # ... and cast_vote requires !left_rnd[n, r]: that member can no longer vote
    assert "exists m: Node. member[m, q] && !vote[m, r, v] && left_rnd[m, r]" in shown
    for s in quorums.shapes(ob.model):
        assert s.member.type == ir.SortType("Node")
        assert {p.type.name for p in s.params} <= {"Quorum", "Round", "Value"}


@pytest.mark.parametrize("name", ["lockserv", "ticket_lock", "sharded_kv"])
def test_no_quorum_guard_no_atom(name):
    assert quorums.shapes(load_model(SUITE / f"{name}.rmp")) == []


def test_instances_cover_every_choice_of_template_variables():
    ob = _obligation("paxos")
    found = [s for s in quorums.shapes(ob.model) if len(s.params) == 3]
    xs = [
        ir.BoundVar(n, ir.SortType(s))
        for n, s in (("r1", "Round"), ("r2", "Round"), ("v1", "Value"), ("q1", "Quorum"))
    ]
    got = quorums.instances(found, xs)
    assert len(got) == 2 * len(found)  # two rounds, one value, one quorum
    assert all(ir.free_vars(a) <= set(xs) for a in got)


def test_a_witness_skolemises_only_over_what_its_body_reads():
    ob = _obligation("paxos")
    plain = {show(ob, f): f for f in witness.proposals(ob.model)}
    decided = plain[
        "forall n: Node, r: Round, v: Value. decision[n, r, v] -> "
        "(exists q: Quorum. forall m: Node. member[m, q] -> vote[m, r, v])"
    ]
    scoped = witness.miniscoped(decided)
    assert scoped is not None
    assert show(ob, scoped) == (
        "forall r: Round, v: Value. exists q: Quorum. forall n: Node. "
        "decision[n, r, v] -> (forall m: Node. member[m, q] -> vote[m, r, v])"
    )
    # the plain form closes Node -> Quorum -> Node with the quorum axiom; this one not
    ind = Induction(ob.system)
    goals = goals_of(ob)
    assert infer._decidable(ob, ind, goals, [decided]) == []
    assert infer._decidable(ob, ind, goals, [scoped]) == [scoped]
    # a witness whose body reads every index has nothing to move out
    joined = next(f for s, f in plain.items() if s.startswith("forall n: Node, r: Round. one_b"))
    assert witness.miniscoped(joined) is None


def test_has_exists_reads_polarity():
    n = ir.BoundVar("n", ir.SortType("Node"))
    p = ir.StateVar("p", ir.MapType((ir.SortType("Node"),), ir.BOOL))
    at = ir.Select(p, (n,))
    ex = ir.Quant("exists", (n,), at)
    flag = ir.StateVar("flag", ir.BOOL)
    assert _has_exists(ex)
    assert _has_exists(ir.BinOp("implies", flag, ex, ir.BOOL))
    assert not _has_exists(ir.BinOp("implies", ex, flag, ir.BOOL))  # a forall, assumed
    assert not _has_exists(ir.Quant("forall", (n,), at))
    assert _has_exists(ir.Not(ir.Quant("forall", (n,), at)))


def _decided(states, inst: Instance) -> int:
    """States where some node decided: a quorum voted, far past the first proposal."""
    at = [d.name for d in inst.model.state].index("decision")
    return sum(1 for s in states if any(s[at]))


def test_random_runs_reach_what_breadth_first_search_stops_short_of():
    ob = _obligation("paxos")
    sizes = {"Round": 3, "Value": 2, "Quorum": 2, "Node": 2}
    got = sample._explore(ob.system, sizes, Deadline(60), 300, ())
    assert got is not None
    inst, shallow = got
    assert _decided(shallow, inst) == 0  # 300 states of joining rounds and proposing
    got = sample._explore(ob.system, sizes, Deadline(60), 300, (), runs=True)
    assert got is not None
    inst, deep = got
    assert set(shallow[:150]) <= set(deep)  # half the budget breadth-first, as before
    assert _decided(deep, inst) > 0


@pytest.mark.slow
def test_paxos_is_proved_for_all_sizes_and_its_twin_is_not():
    ob = _obligation("paxos")
    r = inductive.check(ob, dict(ob.model.instances[0].sizes), Options(timeout_s=300))
    assert r.verdict == "proved", r.reason
    assert r.certificate.rechecked
    inferred = r.stats["inferred"]
    assert any("exists m: Node. member[m, q1]" in f for f in inferred)  # choosability
    assert any(f.startswith("forall r: Round, v: Value. exists q: Quorum.") for f in inferred)
    broken = _obligation("paxos_broken", "paxos")
    b = inductive.check(broken, dict(broken.model.instances[0].sizes), Options(timeout_s=120))
    assert b.verdict == "refuted"
