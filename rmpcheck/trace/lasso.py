"""Lasso counterexamples of liveness claims: a stem, then a loop that repeats forever.

A lasso trace has states 0..n and ``loop`` = k < n: state n equals state k
(monitors included), so steps k+1..n repeat forever. It refutes a liveness
claim P ~> Q (docs/liveness.md) when, for some value of the
claim's variables, every state of the loop is *pending* (P held at some
position and Q at none since), and the loop is fair: each weakly fair action
instance is taken on the loop or disabled in one of its states, and each
strongly fair one is taken on the loop or disabled in all of them. A step of
ir.STUTTER_ACTION (no action enabled) takes the run round a one-state loop.
Every engine's lasso goes through :func:`build_lasso`, which replays it and
checks all of this; ``rmpcheck replay`` checks it with :func:`examine`.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rmpcheck import ir
from rmpcheck.errors import InternalError
from rmpcheck.interp import ActionInstance, Instance, State
from rmpcheck.ir_text import ExprPrinter
from rmpcheck.trace.model import Trace
from rmpcheck.trace.replay import replay_run, trace_of_run

if TYPE_CHECKING:
    from rmpcheck.liveness.obligation import LiveObligation

Run = Sequence[tuple[ActionInstance | None, State]]


@dataclass(frozen=True, slots=True)
class Examined:
    """What a lasso shows: whether it closes, for which values of the claim's variables
    the loop stays pending (None: for none), and which fair instances it starves."""

    closes: bool
    values: tuple[Any, ...] | None
    pending_from: int  # the first position of the pending stretch that reaches the loop
    starved: tuple[str, ...]

    @property
    def refutes(self) -> bool:
        return self.closes and self.values is not None and not self.starved


def examine(inst: Instance, ob: LiveObligation, run: Run, loop: int) -> Examined:
    """Check a replayed run (with monitors) as a lasso looping back to state ``loop``."""
    states = [s for _, s in run]
    closes = 0 <= loop < len(states) - 1 and states[-1] == states[loop]
    values, since = _pending(inst, ob, states, loop)
    return Examined(closes, values, since, _starved(inst, ob, run, loop))


def _pending(
    inst: Instance, ob: LiveObligation, states: Sequence[State], loop: int
) -> tuple[tuple[Any, ...] | None, int]:
    goal = inst.function(ob.goal, ob.params)
    trig = inst.function(ob.trigger, ob.params)
    trig0 = inst.function(ob.trigger_init, ob.params)
    domains = [inst.sizes.domain(p.type).values for p in ob.params]
    for values in itertools.product(*domains):
        since, pend = -1, False
        for i, s in enumerate(states):
            fresh = bool((trig0 if i == 0 else trig)(s, *values))
            if goal(s, *values):
                pend = False
            elif not pend and fresh:
                pend, since = True, i
            if i >= loop and not pend:
                break
        else:
            return values, since
    return None, -1


def _starved(inst: Instance, ob: LiveObligation, run: Run, loop: int) -> tuple[str, ...]:
    """The fair instances the loop neither takes nor leaves disabled as required."""
    states = [s for _, s in run[loop:-1]]
    taken = {(ai.action, ai.args) for ai, _ in run[loop + 1 :] if ai is not None}
    out = []
    for f in ob.fair:
        test = inst.function(f.enabled, f.action.params)
        domains = [inst.sizes.domain(p.type).values for p in f.action.params]
        for args in itertools.product(*domains):
            if (f.action.full_name, args) in taken:
                continue
            on = [bool(test(s, *args)) for s in states]
            if all(on) or (f.kind == "strong" and any(on)):
                shown = ", ".join(
                    f"{p.name}={inst.sizes.show(p.type, x)}"
                    for p, x in zip(f.action.params, args, strict=True)
                )
                out.append(f"{f.action.full_name}({shown})")
    return tuple(out)


def build_lasso(
    inst: Instance,
    ob: LiveObligation,
    states: Sequence[Sequence[Any]],
    actions: Sequence[tuple[str, Sequence[Any]]],
    loop: int,
    engine: str,
) -> Trace:
    """Replay an engine's lasso, check that it refutes ``ob``, and make it a Trace."""
    run = replay_run(inst, states, actions, engine)
    seen = examine(inst, ob, run, loop)
    if not seen.closes:
        raise InternalError(f"{engine}: lasso does not close: state {len(run) - 1} != {loop}")
    if seen.values is None:
        raise InternalError(f"{engine}: lasso's loop is not pending for any value")
    if seen.starved:
        raise InternalError(f"{engine}: lasso's loop is unfair to {', '.join(seen.starved)}")
    trace = trace_of_run(inst, ob, run, engine)
    blame = tuple(
        (p.name, inst.sizes.show(p.type, v)) for p, v in zip(ob.params, seen.values, strict=True)
    )
    n = len(run) - 1
    meta = {"pending_from": seen.pending_from, "goal": goal_text(ob)}
    return dataclasses.replace(
        trace,
        loop=loop,
        culprits=blame,
        meta=meta,
        summary=f"liveness {ob.prop.name} is violated: steps {loop + 1}-{n} repeat forever",
    )


def goal_text(ob: LiveObligation) -> str:
    """What the claim waits for, as written."""
    t = ob.prop.temporal
    goal = t.goal if t is not None else ob.prop.formula
    return ExprPrinter(ob.model.enums).expr(goal)


def stutters(trace: Trace) -> bool:
    """Does the trace's loop stay in a state where no action is enabled?"""
    return trace.loop is not None and all(
        s.action == ir.STUTTER_ACTION for s in trace.steps[trace.loop + 1 :]
    )
