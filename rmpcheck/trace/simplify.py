"""Make a trace easier to read: no longer, with fewer actors or fewer changed variables.

A race that needs only the guest and one host thread reads better without a
firmware step that happens to interleave, and a trace that touches three
variables better than one that also flips a fourth on the way. This is
post-processing on a finite instance, independent of which engine found the
trace: one best-first search over runs no longer than the trace, ordered by
what the reader wants fewer of.

What "fewer" counts (a :class:`Criterion`): the distinct *labels* a run's
steps carry, over the whole run. ``actors``: a step's label is its actor.
``changes``: a step's labels are the state variables it changes (whole
variables, ``assigned`` rather than ``assigned[Page0]``; monitors that
properties compile to do not count). So ``changes`` minimises the number of
distinct variables the run changes, not the number of steps that change them.
Several criteria are lexicographic: the first is minimised, the next breaks
ties among runs as good on the first, and so on; among equally good runs the
shortest wins.

The search is exact: the label sets only grow along a run, so expanding
nodes (state, label sets) in order of (costs, depth) finds an optimal run
first, and a node no better than the original trace is never expanded. It
has a budget of visited nodes and of seconds; when either runs out the
original trace is kept, so simplifying never fails and never loses the
counterexample. Every trace it returns has been replayed by :func:`build_trace`.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from rmpcheck.errors import ConfigError
from rmpcheck.interp import ActionInstance, Instance, State
from rmpcheck.monitor import Obligation
from rmpcheck.trace.model import Trace
from rmpcheck.trace.replay import build_trace

Run = list[tuple[ActionInstance | None, State]]
Labels = frozenset[str]

DEFAULT_BUDGET = 200_000  # search nodes visited, over all searches of one call
DEFAULT_SECONDS = 5.0
_CLOCK_EVERY = 1024  # time.monotonic per node would cost more than the node


class Budget:
    """Search nodes and seconds a search may still spend; shared by the searches of one call."""

    def __init__(self, left: int = DEFAULT_BUDGET, seconds: float | None = None) -> None:
        self.left = left
        self.end = None if seconds is None else time.monotonic() + seconds
        self._spent = 0

    def spend(self) -> bool:
        self.left -= 1
        self._spent += 1
        if self.end is not None and self._spent % _CLOCK_EVERY == 0:
            if time.monotonic() >= self.end:
                self.left = -1
        return self.left >= 0


class BudgetExhausted(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Criterion:
    """Something a reader wants fewer of: the distinct labels of a run's steps."""

    name: str  # as the command line spells it
    noun: str  # for notes: "fewer actors: 2 (was 3)"
    of_step: Callable[[Instance, ActionInstance, State, State], Labels]
    of_trace: Callable[[Trace], Labels]


def _actor(ai: ActionInstance) -> str:
    return ai.action.partition(".")[0]


def _changed(inst: Instance, s: State, t: State) -> Labels:
    return frozenset(d.name for d, a, b in zip(inst.model.state, s, t, strict=False) if a != b)


ACTORS = Criterion(
    "actors",
    "actors",
    lambda inst, ai, s, t: frozenset((_actor(ai),)),
    lambda trace: frozenset(trace.actors),
)
CHANGES = Criterion(
    "changes",
    "changed variables",
    lambda inst, ai, s, t: _changed(inst, s, t),
    lambda trace: frozenset(v for step in trace.steps for v in step.changed),
)
CRITERIA: dict[str, Criterion] = {c.name: c for c in (ACTORS, CHANGES)}


def criteria(names: Sequence[str]) -> tuple[Criterion, ...]:
    """The criteria named, in order, each once; a ConfigError for an unknown name."""
    out: list[Criterion] = []
    for n in names:
        c = CRITERIA.get(n)
        if c is None:
            raise ConfigError(f"cannot prefer {n!r}: choose from {', '.join(CRITERIA)}")
        if c not in out:
            out.append(c)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _Node:
    state: State
    labels: tuple[Labels, ...]  # one set per criterion
    depth: int
    parent: _Node | None
    via: ActionInstance | None

    def run(self) -> Run:
        out: Run = []
        cur: _Node | None = self
        while cur is not None:
            out.append((cur.via, cur.state))
            cur = cur.parent
        return out[::-1]


def _search(
    inst: Instance,
    ob: Obligation,
    max_depth: int,
    crits: Sequence[Criterion] = (),
    allow: Callable[[ActionInstance], bool] | None = None,
    below: tuple[int, ...] | None = None,
    budget: Budget | None = None,
) -> tuple[Run, tuple[int, ...]] | None:
    """A run of at most ``max_depth`` steps to a state that violates a safety
    obligation or satisfies a reach one, with the fewest labels under ``crits``
    (lexicographically), then the fewest steps; steps limited to those ``allow``
    accepts, and costs strictly lexicographically ``below`` if given.

    None if there is none; raises :class:`BudgetExhausted` when the budget runs
    out first (which says nothing about existence). Without criteria this is a
    breadth-first search for a shortest run.
    """
    want = ob.kind == "reach"
    tie = itertools.count()
    queue: list[tuple[tuple[int, ...], int, int, _Node]] = []
    # per state, the (label sets, depth) pairs reached so far: a node whose
    # every label set contains one of these and that is no shallower adds nothing
    seen: dict[State, list[tuple[tuple[Labels, ...], int]]] = {}

    def goal(n: _Node) -> bool:
        return inst.holds(ob.target, n.state) == want

    def fresh(n: _Node) -> bool:
        for labels, depth in seen.get(n.state, ()):
            if depth <= n.depth and all(a <= b for a, b in zip(labels, n.labels, strict=True)):
                return False
        seen.setdefault(n.state, []).append((n.labels, n.depth))
        return True

    def push(n: _Node, cost: tuple[int, ...]) -> None:
        if budget is not None and not budget.spend():
            raise BudgetExhausted
        heapq.heappush(queue, (cost, n.depth, next(tie), n))

    empty: tuple[Labels, ...] = tuple(frozenset() for _ in crits)
    zero = tuple(0 for _ in crits)
    if below is not None and zero >= below:
        return None
    for s in inst.initial_states():
        n = _Node(s, empty, 0, None, None)
        if fresh(n):
            if goal(n):  # no run costs less or is shorter: check it now
                return n.run(), zero
            push(n, zero)
    while queue:
        cost, depth, _, n = heapq.heappop(queue)
        if crits and goal(n):
            return n.run(), cost
        if depth >= max_depth:
            continue
        for ai, t in inst.successors(n.state):
            if allow is not None and not allow(ai):
                continue
            labels = tuple(
                have | c.of_step(inst, ai, n.state, t)
                for have, c in zip(n.labels, crits, strict=True)
            )
            child = _Node(t, labels, depth + 1, n, ai)
            child_cost = tuple(len(x) for x in labels)
            # costs only grow along a run, so nothing below the bound starts here
            if below is not None and child_cost >= below:
                continue
            if not fresh(child):
                continue
            if not crits and goal(child):
                # plain breadth-first: every shallower state was checked when found
                return child.run(), child_cost
            push(child, child_cost)
    return None


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
    allow = None if actors is None else (lambda ai: _actor(ai) in actors)
    found = _search(inst, ob, max_depth, allow=allow, budget=budget)
    return None if found is None else found[0]


@dataclass(frozen=True, slots=True)
class Preferred:
    """What :func:`prefer` gave: the trace to show, and a note saying what changed or why not."""

    trace: Trace
    note: str
    improved: bool


def prefer(
    inst: Instance,
    ob: Obligation,
    trace: Trace,
    crits: Sequence[Criterion],
    budget: Budget | None = None,
) -> Preferred:
    """A trace no longer than ``trace`` that is strictly better under ``crits``
    (lexicographically; see the module docstring), replayed; ``trace`` itself when
    none is better or the budget runs out. ``inst`` must be built on ``ob.system``
    at the trace's sizes."""
    if not crits:
        return Preferred(trace, "nothing to prefer", False)
    was = tuple(len(c.of_trace(trace)) for c in crits)
    try:
        found = _search(inst, ob, trace.length, crits, below=was, budget=budget or Budget())
    except BudgetExhausted:
        return Preferred(trace, "kept the engine's trace: the search budget ran out", False)
    if found is None:
        return Preferred(trace, "kept the engine's trace: no better one is as short", False)
    run, now = found
    assert now < was  # _search prunes every node that is not strictly better
    note = "; ".join(
        f"fewer {c.noun}: {a} (was {b})" for c, a, b in zip(crits, now, was, strict=True) if a != b
    )
    return Preferred(_as_trace(inst, ob, trace, run, note), note, True)


def fewer_actors(
    inst: Instance, ob: Obligation, trace: Trace, budget: int = DEFAULT_BUDGET
) -> Trace:
    """A trace no longer than ``trace`` with the fewest distinct actors; ``trace``
    itself when no fewer actors suffice or the budget runs out."""
    return prefer(inst, ob, trace, (ACTORS,), Budget(budget)).trace


def fewer_changes(
    inst: Instance, ob: Obligation, trace: Trace, budget: int = DEFAULT_BUDGET
) -> Trace:
    """A trace no longer than ``trace`` that changes the fewest distinct state
    variables; ``trace`` itself when none changes fewer or the budget runs out."""
    return prefer(inst, ob, trace, (CHANGES,), Budget(budget)).trace


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
