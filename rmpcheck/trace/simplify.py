"""Make a trace easier to read: the same length or shorter, with fewer actors.

A race that needs only the guest and one host thread reads better without a
firmware step that happens to interleave. This is post-processing on a finite
instance, independent of which engine found the trace: a bounded breadth-first
search over runs no longer than the trace, restricted to each smaller set of
actors in turn. The search has a node budget; when it runs out the original
trace is kept, so simplifying never fails and never loses the counterexample.
Every trace it returns has been replayed by :func:`build_trace`.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Collection
from dataclasses import dataclass

from rmpcheck.interp import ActionInstance, Instance, State
from rmpcheck.monitor import Obligation
from rmpcheck.trace.model import Trace
from rmpcheck.trace.replay import build_trace

Run = list[tuple[ActionInstance | None, State]]

DEFAULT_BUDGET = 200_000  # states visited, over all searches of one call


@dataclass
class Budget:
    """States a search may still visit; shared by the searches of one call."""

    left: int

    def spend(self) -> bool:
        self.left -= 1
        return self.left >= 0


class BudgetExhausted(Exception):
    pass


def shortest_run(
    inst: Instance,
    ob: Obligation,
    max_depth: int,
    actors: Collection[str] | None = None,
    budget: Budget | None = None,
) -> Run | None:
    """A shortest run (at most ``max_depth`` steps) to a state that violates a
    safety obligation or satisfies a reach one, using only ``actors`` if given.

    None if there is none within the depth; raises :class:`BudgetExhausted`
    when the budget runs out first (which says nothing about existence).
    """
    want = ob.kind == "reach"
    parent: dict[State, tuple[State, ActionInstance] | None] = {}

    def goal(s: State) -> bool:
        return inst.holds(ob.target, s) == want

    def path(s: State) -> Run:
        run: Run = []
        cur: State | None = s
        while cur is not None:
            link = parent[cur]
            run.append((None if link is None else link[1], cur))
            cur = None if link is None else link[0]
        return run[::-1]

    frontier: list[State] = []
    for s in inst.initial_states():
        if s in parent:
            continue
        parent[s] = None
        if goal(s):
            return path(s)
        frontier.append(s)
    for _ in range(max_depth):
        nxt: list[State] = []
        for s in frontier:
            for ai, t in inst.successors(s):
                if t in parent or (actors is not None and _actor(ai) not in actors):
                    continue
                if budget is not None and not budget.spend():
                    raise BudgetExhausted
                parent[t] = (s, ai)
                if goal(t):
                    return path(t)
                nxt.append(t)
        frontier = nxt
    return None


def fewer_actors(
    inst: Instance, ob: Obligation, trace: Trace, budget: int = DEFAULT_BUDGET
) -> Trace:
    """A trace no longer than ``trace`` that uses the fewest distinct actors the
    search can find; ``trace`` itself when no smaller set of actors suffices or
    the budget runs out. ``inst`` must be built on ``ob.system`` at the trace's sizes."""
    used = len(trace.actors)
    if used <= 1:
        return trace
    names = [a.name for a in inst.model.actors]
    left = Budget(budget)
    for k in range(1, used):
        for subset in itertools.combinations(names, k):
            try:
                run = shortest_run(inst, ob, trace.length, set(subset), left)
            except BudgetExhausted:
                return trace
            if run is not None:
                return _as_trace(inst, ob, trace, run, f"fewer actors: {k} (was {used})")
    return trace


def _as_trace(inst: Instance, ob: Obligation, old: Trace, run: Run, note: str) -> Trace:
    states = [s for _, s in run]
    actions = [(ai.action, ai.args) for ai, _ in run[1:] if ai is not None]
    new = build_trace(inst, ob, states, actions, old.engine)
    return dataclasses.replace(
        new,
        model_file=old.model_file or new.model_file,
        property_file=old.property_file,
        meta={**old.meta, "simplified": note},
    )


def _actor(ai: ActionInstance) -> str:
    return ai.action.partition(".")[0]
