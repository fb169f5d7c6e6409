"""Liveness to safety (Biere, Artho and Schuppan, 2002): a fair lasso as a bad state.

In a finite instance a liveness claim fails exactly on a fair lasso whose loop
stays pending (obligation.py). The reduced system guesses the loop's first
state: at any step it may save a copy of the pre-state (every variable some
action writes, and every monitor, ``pending`` included), once. From then on
each step records what the loop needs: whether every state since the save was
pending (for each value of the claim's variables), and for each fairness
constraint whether it was met (weak: disabled in a state or taken on a step
since the save; strong: whether it was enabled, and whether taken). A state
equal to the saved one, with the loop pending and every constraint met, closes
a fair pending lasso: the safety claim of the reduced system is that no such
state is reachable. It is an ordinary obligation, so pdr and kind prove it (or
bmc finds the lasso) with their own certificates and re-checks;
:func:`loop_of` reads the loop's start back from a counterexample of the
reduced system.

The saving and the bookkeeping are a ``choose save: bool`` appended to every
action (the stutter action too), so the reduced model is a model like any
other: the interpreter replays its counterexamples.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rmpcheck import ir
from rmpcheck.ir import BOOL, BinOp, BoolLit, BoundVar, Expr, StateDecl
from rmpcheck.liveness.obligation import Fair, LiveObligation, pending
from rmpcheck.monitor import Obligation, System
from rmpcheck.trace.model import Trace

PREFIX = "__l2s_"  # bound variables of the bookkeeping (never shown)
SAVE = BoundVar(f"{PREFIX}save", BOOL)
# The extra state is named with dots, which no model's name has, and reads well in
# the certificates pdr and kind print: saved.pc[Proc0], loop.met(proc.leave)[Proc1].
SAVED = "loop.saved"


@dataclass(frozen=True, slots=True)
class _Parts:
    """The reduced system's extra state."""

    saved: StateDecl
    copies: tuple[tuple[StateDecl, StateDecl], ...]  # (variable or monitor, its copy)
    loop_pending: StateDecl
    met: tuple[tuple[Fair, StateDecl, StateDecl | None], ...]  # weak: met; strong: enabled, taken


def reduce(ob: LiveObligation) -> Obligation:
    """The safety obligation whose counterexamples are the fair lassos refuting ``ob``."""
    system, pend = pending(ob)
    fresh = _Names({d.name for d in system.state})
    parts = _parts(ob, system, fresh)
    model = system.model
    actions = tuple(_with_bookkeeping(a, ob, pend, parts, fresh) for a in model.actions)
    extra = (parts.saved, *(c for _, c in parts.copies), parts.loop_pending)
    extra += tuple(d for _, met, taken in parts.met for d in (met, taken) if d is not None)
    init = (ir.Not(parts.saved.ref()), *(_init_copy(d, c, system) for d, c in parts.copies))
    reduced = dataclasses.replace(
        model, state=(*model.state, *extra), init=(*model.init, *init), actions=actions
    )
    target = ir.Not(_closed(ob, parts, fresh))
    return Obligation(dataclasses.replace(system, model=reduced), ob.prop, "safety", target)


def loop_of(trace: Trace) -> int:
    """The loop's first state in a counterexample of the reduced system: the pre-state
    of the step that saved it."""
    for step in trace.steps[1:]:
        if step.choices.get(SAVE.name) and not trace.steps[step.index - 1].state[SAVED]:
            return step.index - 1
    raise ValueError("no step of the trace saves a state")



class _Names:
    def __init__(self, taken: set[str]) -> None:
        self.taken, self.count = set(taken), itertools.count()

    def state(self, name: str) -> str:
        base = name
        while name in self.taken:
            name = f"{base}.{next(self.count)}"
        self.taken.add(name)
        return name

    def var(self, t: ir.ScalarType) -> BoundVar:
        return BoundVar(f"{PREFIX}q{next(self.count)}", t)


def _map_of(keys: Sequence[ir.ScalarType]) -> ir.Type:
    return ir.MapType(tuple(keys), BOOL) if keys else BOOL


def _parts(ob: LiveObligation, system: System, fresh: _Names) -> _Parts:
    saved = StateDecl(fresh.state(SAVED), BOOL)
    # a variable no action writes is the same in every state: comparing it says nothing
    # (the orders of the classic benchmarks; pdr on the ticket lock: several times faster)
    written = {
        s.target.name
        for a in system.model.actions
        for s in ir.walk_stmts(a.body)
        if isinstance(s, ir.Assign)
    }
    kept = [d for d in system.state if d.name in written or d not in system.model.state]
    copies = tuple((d, StateDecl(fresh.state(f"saved.{d.name}"), d.type)) for d in kept)
    loop_pending = StateDecl(fresh.state("loop.pending"), _map_of([p.type for p in ob.params]))
    met: list[tuple[Fair, StateDecl, StateDecl | None]] = []
    for f in ob.fair:
        t = _map_of([p.type for p in f.action.params])
        name = f.action.full_name
        if f.kind == "weak":
            met.append((f, StateDecl(fresh.state(f"loop.met({name})"), t), None))
            continue
        enabled = StateDecl(fresh.state(f"loop.enabled({name})"), t)
        met.append((f, enabled, StateDecl(fresh.state(f"loop.taken({name})"), t)))
    return _Parts(saved, copies, loop_pending, tuple(met))


Keyed = Callable[[tuple[BoundVar, ...]], Expr]  # a value at the keys of a map


def _init_copy(d: StateDecl, copy: StateDecl, system: System) -> Expr:
    """Copies start equal to the variables (monitors' copies false): they are overwritten
    when the loop is saved, and a fixed start keeps the reduced state space small."""
    monitor = d.name not in {x.name for x in system.model.state}

    def start(at: tuple[BoundVar, ...]) -> Expr:
        return BinOp("==", _read(copy, at), BoolLit(False) if monitor else _read(d, at), BOOL)

    return _everywhere(d, start)


def _everywhere(d: StateDecl, body: Keyed) -> Expr:
    """``forall k. body(k)`` over the keys of ``d`` (just ``body(())`` for a scalar)."""
    if not isinstance(d.type, ir.MapType):
        return body(())
    ks = tuple(BoundVar(f"{PREFIX}k{i}", t) for i, t in enumerate(d.type.keys))
    return ir.Quant("forall", ks, body(ks))


def _read(d: StateDecl, at: Sequence[Expr]) -> Expr:
    return ir.Select(d.ref(), tuple(at)) if at else d.ref()


def _bulk(d: StateDecl, value: Keyed, fresh: _Names) -> ir.Stmt:
    """``forall k. d[k] := value(k)`` (a plain assignment for a scalar)."""
    keys = d.type.keys if isinstance(d.type, ir.MapType) else ()
    ks = tuple(fresh.var(t) for t in keys)
    write = ir.Assign(d.ref(), ks, value(ks))
    return ir.ForallStmt(ks, (write,)) if ks else write


def _with_bookkeeping(
    a: ir.Action, ob: LiveObligation, pend: Expr, parts: _Parts, fresh: _Names
) -> ir.Action:
    """``a`` followed by: maybe save the pre-state; record what the loop needs."""
    saved = parts.saved.ref()

    def pend_at(ks: tuple[BoundVar, ...]) -> Expr:
        return ir.substitute(pend, dict(zip(ob.params, ks, strict=True)))

    start: list[ir.Stmt] = [ir.Assign(saved, (), BoolLit(True))]
    start += [_bulk(c, _reader(d), fresh) for d, c in parts.copies]
    start.append(_bulk(parts.loop_pending, pend_at, fresh))
    go_on = [_bulk(parts.loop_pending, _also(parts.loop_pending, pend_at, "and"), fresh)]
    for f, first, second in parts.met:
        took = _taken_by(a, f)
        if second is None:  # weak: met once disabled or taken
            met = _either(_disabled(f), took)
            start.append(_bulk(first, met, fresh))
            go_on.append(_bulk(first, _also(first, met, "or"), fresh))
        else:  # strong: was it ever enabled on the loop, was it ever taken
            on = _enabled(f)
            start += [_bulk(first, on, fresh), _bulk(second, took, fresh)]
            go_on += [_bulk(first, _also(first, on, "or"), fresh)]
            go_on += [_bulk(second, _also(second, took, "or"), fresh)]
    now = _and(SAVE, ir.Not(saved))
    step = ir.If(now, tuple(start), (ir.If(saved, tuple(go_on)),))
    return dataclasses.replace(a, body=(*a.body, ir.Choose(SAVE, None, (step,))))


def _reader(d: StateDecl) -> Keyed:
    return lambda ks: _read(d, ks)


def _also(d: StateDecl, value: Keyed, op: str) -> Keyed:
    """``d[k] op value(k)``: what was recorded so far, combined with this step."""
    return lambda ks: BinOp(op, _read(d, ks), value(ks), BOOL)


def _either(x: Keyed, y: Keyed) -> Keyed:
    return lambda ks: _or(x(ks), y(ks))


def _enabled(f: Fair) -> Keyed:
    return lambda ks: ir.substitute(f.enabled, dict(zip(f.action.params, ks, strict=True)))


def _disabled(f: Fair) -> Keyed:
    return lambda ks: ir.Not(_enabled(f)(ks))


def _taken_by(a: ir.Action, f: Fair) -> Keyed:
    """Whether this step, of action ``a``, is ``f``'s action at the keys."""
    if f.action.full_name != a.full_name:
        return lambda ks: BoolLit(False)
    return lambda ks: ir.conj(BinOp("==", k, p, BOOL) for k, p in zip(ks, a.params, strict=True))


def _closed(ob: LiveObligation, parts: _Parts, fresh: _Names) -> Expr:
    """The bad state: back at the saved state, with a pending and fair loop behind."""
    same = [_everywhere(d, _equal(d, c)) for d, c in parts.copies]
    lp = parts.loop_pending
    pend: Expr = _read(lp, ())
    if ob.params:
        ks = tuple(fresh.var(p.type) for p in ob.params)
        pend = ir.Quant("exists", ks, _read(lp, ks))
    fair: list[Expr] = []
    for _, first, second in parts.met:
        if second is None:
            fair.append(_everywhere(first, _reader(first)))
        else:
            fair.append(_everywhere(first, _either(_negated(first), _reader(second))))
    return ir.conj([parts.saved.ref(), *same, pend, *fair])


def _equal(d: StateDecl, c: StateDecl) -> Keyed:
    return lambda at: BinOp("==", _read(d, at), _read(c, at), BOOL)


def _negated(d: StateDecl) -> Keyed:
    return lambda ks: ir.Not(_read(d, ks))


def _and(a: Expr, b: Expr) -> Expr:
    return BinOp("and", a, b, BOOL)


def _or(a: Expr, b: Expr) -> Expr:
    return BinOp("or", a, b, BOOL)
