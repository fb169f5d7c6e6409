"""Checking what liveness needs: liveness claims, fairness and terminal declarations.

A liveness claim is ``eventually P``, ``always eventually P`` or ``P ~> Q``,
after any number of ``forall``s whose variables stay fixed for the whole run.
The temporal operators may appear nowhere else: inside P or Q, in another
kind of claim, in a model. Fairness names an action (``fair kvm.resume``) or
every action of an actor (``strong_fair host``); ``terminal`` states are the
final states the deadlock check accepts. docs/liveness.md has the
semantics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rmpcheck import ir
from rmpcheck.lang import syntax as S
from rmpcheck.lang.scope import Scope, bind
from rmpcheck.lang.source import Reporter, did_you_mean

if TYPE_CHECKING:  # exprs reports misplaced temporal operators with this module
    from rmpcheck.lang.exprs import ExprChecker

DEADLOCK_CLAIM = ir.DEADLOCK_CLAIM

SHAPES = "'eventually P', 'always eventually P' or 'P ~> Q'"


def claim(ex: ExprChecker, d: S.PropertyD, scope: Scope) -> ir.Property | None:
    """A liveness claim as IR; ``scope`` holds its implicit (action pattern) variables."""
    binders: list[S.Binder] = []
    body = d.formula
    while isinstance(body, S.QuantE) and body.kind == "forall":
        binders.extend(body.binders)
        body = body.body
    shape = _shape(body)
    if shape is None:
        ex.rep.error(
            d.formula.span,
            f"a liveness claim says what must eventually happen: write {SHAPES}",
            "a claim about every reachable state is an invariant: 'invariant NAME: P'",
        )
        return None
    op, trigger_s, goal_s = shape
    inner, params = scope, []
    for b in binders:
        inner, v = bind(ex.rep, ex.g, inner, b, ex.g.scalar_type(ex.rep, b.type), "variable")
        if v is None:
            return None
        params.append(v)
    goal = ex.check_bool(goal_s, inner, f"what liveness {d.name} waits for")
    trigger = None
    if trigger_s is not None:
        trigger = ex.check_bool(trigger_s, inner, f"the left side of '~>' in {d.name}")
        if trigger is None:
            return None
    if goal is None:
        return None
    free = tuple(sorted((v for loc in scope.values() if (v := loc.var)), key=lambda v: v.name))
    temporal = ir.Temporal(op, goal, trigger, tuple(params), body.span)
    return ir.Property("liveness", d.name, goal, free, d.doc, d.span, temporal)


def _shape(e: S.Expr) -> tuple[ir.LiveOp, S.Expr | None, S.Expr] | None:
    if isinstance(e, S.Unary) and e.op == "eventually":
        return "eventually", None, e.arg
    if isinstance(e, S.Unary) and e.op == "always eventually":
        return "always_eventually", None, e.arg
    if isinstance(e, S.Binary) and e.op == "~>":
        return "leads_to", e.left, e.right
    return None


def misplaced(rep: Reporter, e: S.Unary | S.Binary) -> None:
    """A temporal operator anywhere but at the start of a liveness claim: report it
    (None: the operand is not checked, so one mistake gives one message)."""
    what = "'~>' (leads to)" if isinstance(e, S.Binary) else f"'{e.op}'"
    rep.error(
        e.span,
        f"{what} can only start a liveness claim, after its foralls",
        f"write 'liveness NAME: ...' with {SHAPES}, where P and Q have no temporal operator",
    )


def fairness(
    rep: Reporter, decls: Sequence[S.Decl], actions: Sequence[str], actors: Sequence[str]
) -> tuple[ir.Fairness, ...]:
    """Each fairness declaration as one entry per action it names (full names)."""
    out: list[ir.Fairness] = []
    for d in decls:
        if not isinstance(d, S.FairnessD):
            continue
        kind: ir.FairKind = "strong" if d.strong else "weak"
        if d.action is not None:
            full = f"{d.actor}.{d.action}"
            if full in actions:
                out.append(ir.Fairness(kind, full, d.span))
                continue
            hint = did_you_mean(full, actions)
            if hint is None and d.actor not in actors:
                hint = did_you_mean(d.actor, actors)
            rep.error(d.span, f"unknown action '{full}': only an action can be fair", hint)
            continue
        if d.actor not in actors:
            hint = did_you_mean(d.actor, [*actors, *actions]) or (
                "name an actor (every action of it is fair) or an action: fair actor.action"
            )
            rep.error(d.span, f"unknown actor '{d.actor}'", hint)
            continue
        own = [a for a in actions if a.startswith(d.actor + ".")]
        if not own:
            rep.error(d.span, f"actor {d.actor} has no action to be fair to")
        out.extend(ir.Fairness(kind, a, d.span) for a in own)
    return tuple(out)


def terminal(ex: ExprChecker, decls: Sequence[S.Decl], state_only: bool) -> tuple[ir.Expr, ...]:
    """The ``terminal`` conditions, each a bool about one state."""
    out: list[ir.Expr] = []
    for d in decls:
        if not isinstance(d, S.TerminalD):
            continue
        x = ex.check_bool(d.cond, {}, "a terminal condition")
        if x is None:
            continue
        if state_only and not _one_state(ex.rep, x):
            continue
        out.append(x)
    return tuple(out)


def _one_state(rep: Reporter, f: ir.Expr) -> bool:
    """A terminal condition reads one state: no primes, patterns only under past operators."""
    ok = True
    for x in ir.walk(f):
        if isinstance(x, ir.StateVar) and x.primed:
            rep.error(x.span, f"a terminal condition is about one state; it cannot read {x.name}'")
            ok = False
    for p in outside_past(f):
        rep.error(
            p.span,
            f"a terminal condition is about one state; the action pattern {p.action}(...) "
            "needs a past-time operator here",
            f"write 'once {p.action}(...)'",
        )
        ok = False
    return ok


def outside_past(e: ir.Expr) -> list[ir.ActionIs]:
    """The action patterns of ``e`` that no past-time operator is around."""
    if isinstance(e, ir.ActionIs):
        return [e]
    if isinstance(e, ir.Past):
        return []
    return [x for c in ir.children(e) for x in outside_past(c)]
