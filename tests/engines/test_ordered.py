"""Lemmas over two rounds of a total order (engines/induction/ordered), pinned on a
small model: one key handed between shards, each hand-off with a higher version, and
a shard takes a hand-off only if it is newer than the version it has. One owner at a
time needs "of two hand-offs in flight, the older is stale": ``le[v1, v2] && v1 != v2
&& move[v1, s1] && move[v2, s2] -> le[v1, ver[s1]]``, five literals."""

from __future__ import annotations

from known_models import from_text

from rmpcheck import ir
from rmpcheck.engines import inductive
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.fixed_params import Order
from rmpcheck.engines.induction import candidates, ordered
from rmpcheck.engines.induction.cti import goals_of
from rmpcheck.engines.induction.houdini import houdini
from rmpcheck.lang.pretty import Printer
from rmpcheck.smt.epr.induction import Induction

HANDOFF = """model handoff
sort Shard
sort Ver
state le    : Ver, Ver -> bool     # never written: the assumptions order it
EXTRA
state zero  : Ver
state first : Shard
state owns  : Shard -> bool
state ver   : Shard -> Ver
state move  : Ver, Shard -> bool   # a hand-off of that version to that shard, in flight
init {
  forall s: Shard. owns[s] == (s == first)
  forall s: Shard. ver[s] == zero
  forall v: Ver, s: Shard. !move[v, s]
}
actor shard
action shard.send(s: Shard, t: Shard, v: Ver) {
  require owns[s]
  require !le[v, ver[s]]
  move[v, t] := true
  owns[s] := false
}
action shard.recv(t: Shard, v: Ver) {
  require move[v, t]
  if NEWER {
    owns[t] := true
    ver[t] := v
  }
}
"""
ORDER = """
assume le_refl: forall x: Ver. le[x, x]
assume le_trans: forall x: Ver, y: Ver, z: Ver. le[x, y] && le[y, z] -> le[x, z]
assume le_antisym: forall x: Ver, y: Ver. le[x, y] && le[y, x] -> x == y
assume le_total: forall x: Ver, y: Ver. le[x, y] || le[y, x]
assume zero_least: forall x: Ver. le[zero, x]
"""
CLAIM = "invariant one_owner: forall s1: Shard, s2: Shard. owns[s1] && owns[s2] -> s1 == s2"
STALE = (
    "forall s1: Shard, s2: Shard, v1: Ver, v2: Ver. le[v1, v2] && move[v1, s1] &&"
    " move[v2, s2] -> le[v1, ver[s1]] || v1 == v2"
)


def _ob(newer: str = "!le[v, ver[t]]", props: str = ORDER, extra: str = ""):
    text = HANDOFF.replace("NEWER", newer).replace("EXTRA", extra)
    return from_text(text, props + CLAIM, "one_owner")


def _show(ob, f: ir.Expr) -> str:
    return Printer(ob.model.enums).expr(f)


def test_the_assumptions_decide_which_relation_is_a_total_order():
    ob = _ob(extra="state near : Shard, Shard -> bool")
    names = [d.name for d in ob.model.state]
    # le is ordered by the assumptions; near, never written too, by nothing
    assert ordered.total_orders(ob.system) == [Order(names.index("le"), False)]
    # a strict order is one too; a relation only reflexive and transitive is not
    strict = ORDER.replace("le[x, x]", "!le[x, x]").replace(
        "le[x, y] && le[y, x] -> x == y", "le[x, y] -> !le[y, x]"
    )
    strict = strict.replace("le[x, y] || le[y, x]", "x == y || le[x, y] || le[y, x]")
    strict = strict.replace("le[zero, x]", "x == zero || le[zero, x]")
    ob_strict = _ob("le[ver[t], v]", strict)
    le = [d.name for d in ob_strict.model.state].index("le")
    assert ordered.total_orders(ob_strict.system) == [Order(le, True)]
    partial = "\n".join(line for line in ORDER.splitlines() if "total" not in line)
    assert ordered.total_orders(_ob(props=partial).system) == []


def test_the_sample_pins_the_order_and_grows_its_sort():
    ob = _ob()
    orders = ordered.total_orders(ob.system)
    hint = {"Shard": 2, "Ver": 3}
    assert ordered.plan(ob.model, orders, hint) == [
        {"Shard": 3, "Ver": 5},
        {"Shard": 2, "Ver": 5},
    ]
    # five versions: 2^25 values of le to filter without the pin
    assert ordered.table(ob.system, orders, Deadline(30), hint) is not None


def test_the_stale_hand_off_is_a_guarded_clause_and_houdini_keeps_it():
    ob = _ob()
    ind = Induction(ob.system)
    orders = ordered.total_orders(ob.system)
    got = ordered.pool(ob.system, orders, Deadline(30), {"Shard": 2, "Ver": 3})
    assert got is not None
    shown = [_show(ob, c.formula) for c in got.guarded]
    assert STALE in shown
    assert all(c.literals in (4, 5) for c in got.guarded)
    assert all(c.literals <= 5 for c in got.clauses)
    # the newer of two hand-offs is not stale: it holds on no sample where two are in
    # flight, so the family never offers it; given to Houdini by hand, a CTI drops it
    wrong_body = STALE.split(". ", 1)[1].replace("le[v1, ver[s1]]", "le[v2, ver[s2]]")
    assert wrong_body not in [s.split(". ", 1)[1] for s in shown]
    wrong = _parse(wrong_body)
    pool = [("wrong", wrong), *[("", c.formula) for c in [*got.clauses, *got.guarded]]]
    goals = goals_of(ob)
    result = houdini(ob, ind, goals, pool, Deadline(60), {})
    assert result.status == "found", result.reason
    assert "wrong" not in [n for n, _ in result.lemmas]
    assert any(c.formula in [f for _, f in result.lemmas] for c in got.guarded)
    # the certificate stands on its own: a fresh solver re-checks it; the wrong clause
    # is no strengthening
    assert inductive.recheck(ob, [*goals, *result.lemmas], Deadline(60)) is None
    assert inductive.recheck(ob, [*goals, ("wrong", wrong)], Deadline(60)) is not None


def _parse(body: str) -> ir.Expr:
    """A clause over the template variables, read by the property parser."""
    props = f"invariant tmp: forall s1: Shard, s2: Shard, v1: Ver, v2: Ver. {body}"
    text = HANDOFF.replace("NEWER", "true").replace("EXTRA", "")
    return from_text(text, ORDER + props, "tmp").target


def test_a_shard_that_takes_a_stale_hand_off_is_not_proved():
    # the broken design: one owner is false. No guarded clause holds on its sample, so
    # the family offers nothing; and Houdini over every clause it would have offered
    # finds no proof either
    ob = _ob("true")
    ind = Induction(ob.system)
    orders = ordered.total_orders(ob.system)
    table = ordered.table(ob.system, orders, Deadline(30), {"Shard": 2, "Ver": 3})
    assert table is not None
    assert ordered.pool(ob.system, orders, Deadline(30), {"Shard": 2, "Ver": 3}) is None
    found = [c for _, level in candidates.clause_levels(table, Deadline(30)) for c in level]
    found += ordered.guarded(table, ob.model, orders, Deadline(30))
    pool = [("", c.formula) for c in found]
    assert houdini(ob, ind, goals_of(ob), pool, Deadline(60), {}).status != "found"
