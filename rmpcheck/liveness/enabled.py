"""When an action can run, as an IR formula over the pre-state.

One formula serves every engine: the deadlock check asks it of every reachable
state, fairness asks it of each action instance, and a run stutters where it
is false for every action. It follows ir.py's semantics of a step: every
``require`` on the path taken holds (under an ``if``, only on its branch;
under a ``forall``, for every element), a ``choose`` has a value satisfying
its ``where`` and the requires after it, and no bounded-int write leaves its
range (the implicit guard). Every right-hand side reads the pre-state, so no
statement changes what a later one sees and the parts simply conjoin.
tests/liveness/test_liveness_differential.py holds it to the interpreter's successors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rmpcheck import ir
from rmpcheck.ir import BOOL, BinOp, BoolLit, Expr

TRUE = BoolLit(True)
FALSE = BoolLit(False)


def can_run(body: Sequence[ir.Stmt]) -> Expr:
    """The body's guard: it can run from a pre-state exactly where this holds."""
    return ir.conj(_stmt(s) for s in body)


def enabled(action: ir.Action) -> Expr:
    """``action`` can run with its parameters (free variables of the result)."""
    return can_run(action.body)


def enabled_any(model: ir.Model) -> Expr:
    """Some instance of some action of ``model`` can run."""
    return disj(
        _exists(a.params, enabled(a)) for a in model.actions if a.actor != ir.STUTTER_ACTOR
    )


def disj(parts: Iterable[Expr]) -> Expr:
    """``a || b || ...``, with constants folded (false for none)."""
    items = [p for p in parts if not (isinstance(p, BoolLit) and not p.value)]
    if any(isinstance(p, BoolLit) and p.value for p in items):
        return TRUE
    if not items:
        return FALSE
    out = items[0]
    for p in items[1:]:
        out = BinOp("or", out, p, BOOL)
    return out


def _stmt(s: ir.Stmt) -> Expr:
    if isinstance(s, ir.Require):
        return s.cond
    if isinstance(s, ir.Assign):
        return _in_range(s)
    if isinstance(s, ir.If):
        then, else_ = can_run(s.then), can_run(s.else_)
        if _true(then) and _true(else_):
            return TRUE
        return disj([_and(s.cond, then), _and(ir.Not(s.cond), else_)])
    if isinstance(s, ir.Choose):
        inner = can_run(s.body)
        where = inner if s.where is None else _and(s.where, inner)
        # every type has a value (sorts have at least one element), so a free choice can run
        return TRUE if _true(where) else _exists((s.var,), where)
    assert isinstance(s, ir.ForallStmt), s
    inner = can_run(s.body)
    return TRUE if _true(inner) else ir.Quant("forall", s.vars, inner)


def _in_range(s: ir.Assign) -> Expr:
    """The implicit guard of a bounded-int write (the same test as smt/actions.py)."""
    t = s.target.type
    vt = t.value if isinstance(t, ir.MapType) else t
    src = s.value.type
    if not isinstance(vt, ir.IntType):
        return TRUE
    if isinstance(src, ir.IntType) and vt.lo <= src.lo and src.hi <= vt.hi:
        return TRUE
    low = BinOp(">=", s.value, ir.IntLit(vt.lo), BOOL)
    high = BinOp("<=", s.value, ir.IntLit(vt.hi), BOOL)
    return _and(low, high)


def _exists(vs: Sequence[ir.BoundVar], body: Expr) -> Expr:
    if not vs or (isinstance(body, BoolLit)):
        return body
    return ir.Quant("exists", tuple(vs), body)


def _and(a: Expr, b: Expr) -> Expr:
    return ir.conj([a, b])


def _true(e: Expr) -> bool:
    return isinstance(e, BoolLit) and e.value
