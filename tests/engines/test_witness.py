"""Forall-exists witness candidates: read off guarded flag writes, and proposed to
Houdini only when they keep consecution decidable."""

from __future__ import annotations

from known_models import from_text

from rmpcheck.engines.induction import witness
from rmpcheck.engines.induction.cti import goals_of
from rmpcheck.engines.induction.infer import _decidable
from rmpcheck.lang.pretty import Printer
from rmpcheck.smt.epr import fragment
from rmpcheck.smt.epr.induction import Induction

# ``map`` from A to B and a flag on B set under a guard naming an A: the witness
# ``forall b. seen[b] -> exists a. map[a] == b`` would Skolemise B -> A, a cycle
CYCLE = """model cyc
sort A
sort B
state map : A -> B
state seen : B -> bool
state done : B -> bool
init { forall b: B. !seen[b] && !done[b] }
actor x
action x.see(a: A, b: B) {
  require map[a] == b
  require !done[b]
  seen[b] := true
  done[b] := true
}
"""


def shown(ob, fs):
    return [Printer(ob.model.enums).expr(f) for f in fs]


def test_the_guard_names_the_witness_and_written_state_is_left_out():
    ob = from_text(CYCLE, "invariant ok: true", "ok")
    got = shown(ob, witness.proposals(ob.model))
    # !done[b] is false right after the write: it is not part of the witness's guard
    assert got == [
        "forall b: B. seen[b] -> (exists a: A. map[a] == b)",
        "forall b: B. done[b] -> (exists a: A. map[a] == b)",
    ]


def test_a_witness_that_closes_a_sort_cycle_is_not_proposed():
    ob = from_text(CYCLE, "invariant ok: true", "ok")
    forms = witness.proposals(ob.model)
    assert forms
    assert _decidable(ob, Induction(ob.system), goals_of(ob), forms) == []


PINNED = """model pin
sort A
sort B
state map : A -> B
state ok : B -> bool
state seen : B -> bool
init { forall b: B. !seen[b] }
actor x
action x.see(a: A, b: B, c: B) {
  require b == map[a] && ok[b]
  seen[c] := true
}
"""


def test_a_pinned_witness_is_substituted_away():
    ob = from_text(PINNED, "invariant ok: true", "ok")
    # b == map[a] pins b: exists a, b. b == map[a] && ok[b] is exists a. ok[map[a]]
    got = shown(ob, witness.proposals(ob.model))
    assert got == ["forall c: B. seen[c] -> (exists a: A. ok[map[a]])"]


LEADER = """model leader
sort Node
sort Quorum
state member : Node, Quorum -> bool
state votes  : Node, Node -> bool
state leader : Node -> bool
init { forall n: Node. !leader[n] }
actor x
action x.elect(n: Node, q: Quorum) {
  require forall m: Node. member[m, q] -> votes[n, m]
  leader[n] := true
}
"""


def test_each_polarity_of_a_lemma_is_skolemised_on_its_own():
    # as a hypothesis ``exists q`` is a constant; as a goal (negated) ``n`` and ``m`` are
    # Skolem functions of ``q``: Quorum -> Node twice, and no Node -> Node from one pass
    # that put ``m`` under both ``forall n`` and its negation's ``exists n``
    ob = from_text(LEADER, "invariant ok: true", "ok")
    (w,) = witness.proposals(ob.model)
    h = witness.hoisted(w)
    assert h is not None
    assert shown(ob, [h]) == [
        "exists q: Quorum. forall n: Node."
        " leader[n] -> (forall m: Node. member[m, q] -> votes[n, m])"
    ]
    ind = Induction(ob.system)
    skolems = [k for tr in ind.transitions for k in tr.skolems]
    assert fragment.findings(ob.system, [("lemma", h)], skolems) == []
    # the witness itself: Node -> Quorum, and back by the quorum axiom's (here the
    # guard's negation) Quorum -> Node
    assert _decidable(ob, ind, goals_of(ob), [w, h]) == [h]
