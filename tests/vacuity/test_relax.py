"""The guard-free relaxation (rmpcheck.vacuity.relax): conditions become choices, writes stay."""

from __future__ import annotations

from rmpcheck import ir
from rmpcheck.interp import Instance
from rmpcheck.lang import parse_model
from rmpcheck.vacuity.relax import relax

MODEL = parse_model(
    """
model m
sort Page
state a : Page -> bool
state n : 0..2
init { forall p: Page. !a[p]  n == 0 }
actor k
action k.set(p: Page) { require !a[p]  if n == 0 { a[p] := true } else { n := n + 1 } }
action k.pick() { choose q: Page where a[q] { a[q] := false } }
action k.all() { forall q: Page { if a[q] { a[q] := false } } }
""",
    "m.rmp",
)


def test_guards_go_and_conditions_become_choices() -> None:
    loose = relax(MODEL)
    body = loose.action("k.set").body
    assert not any(isinstance(s, ir.Require) for s in ir.walk_stmts(body))
    (choice,) = body
    assert isinstance(choice, ir.Choose) and choice.var.type == ir.BOOL
    (branch,) = choice.body
    assert isinstance(branch, ir.If) and branch.cond == choice.var
    (pick,) = loose.action("k.pick").body
    assert isinstance(pick, ir.Choose) and pick.where is None
    # the writes are the model's, untouched
    writes = [s for s in ir.walk_stmts(body) if isinstance(s, ir.Assign)]
    assert writes == [
        s for s in ir.walk_stmts(MODEL.action("k.set").body) if isinstance(s, ir.Assign)
    ]


def test_the_relaxation_has_every_step_of_the_model_and_more() -> None:
    sizes = {"Page": 2}
    strict, loose = Instance(MODEL, sizes), Instance(relax(MODEL), sizes)
    (s0,) = strict.initial_states()
    seen, todo = {s0}, [s0]
    while todo:
        s = todo.pop()
        mine = {t for _, t in strict.successors(s)}
        theirs = {t for _, t in loose.successors(s)}
        assert mine <= theirs
        new = mine - seen
        seen |= new
        todo += new
    # from the initial state the relaxation can also skip set's write (the else branch)
    assert {t for _, t in loose.successors(s0)} > {t for _, t in strict.successors(s0)}
    # but never go out of range: n := n + 1 keeps its implicit guard
    assert all(t[1] <= 2 for _, t in loose.successors((s0[0], 2)))
