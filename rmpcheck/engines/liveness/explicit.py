"""Liveness on one finite instance by explicit search: fair lassos in the state graph.

The whole reachable graph is built with the interpreter (no symmetry
reduction: fairness is per action instance, and a quotient graph would mix
the instances up). For each value of the claim's variables, the states where
the goal is false form a subgraph; the claim fails exactly when a state where
the trigger holds reaches, inside that subgraph, a component with a fair
cycle (graph.py). The counterexample is a lasso: the shortest run to the
nearest such trigger, a shortest path on into the component, and a fair cycle
there, replayed by trace/lasso.py before it is reported. Exhausting every
value without a lasso proves the claim for the instance.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from rmpcheck.engines.base import Deadline, Options, instance_scope, unknown
from rmpcheck.engines.explicit import Space, explore
from rmpcheck.engines.limits import too_large
from rmpcheck.engines.liveness import graph
from rmpcheck.engines.liveness.graph import Graph
from rmpcheck.interp import Instance
from rmpcheck.ir import BoolLit
from rmpcheck.liveness import LiveObligation
from rmpcheck.result import Certificate, Result
from rmpcheck.trace.lasso import build_lasso

ENGINE = "explicit"

Call = tuple[str, tuple[Any, ...]]


def check(ob: LiveObligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """A fair lasso violating ``ob`` on the instance, or a proof for the instance."""
    deadline = Deadline(opts.timeout_s)
    big = too_large(ob, sizes)
    if big is not None:
        return unknown(ob, ENGINE, big, deadline)
    inst = Instance(ob.system, sizes)
    # the whole graph is needed: no target to stop at (the goal has free variables)
    whole = replace(ob, target=BoolLit(True))
    space = explore(
        inst, whole, replace(opts, symmetry=False), deadline, stop_at_hit=False, record_edges=True
    )
    stats: dict[str, Any] = {"states": len(space.states), "transitions": space.transitions}
    if space.stopped:
        return unknown(ob, ENGINE, space.stopped, deadline, **stats)
    g, calls = state_graph(inst, ob, space)
    for values in valuations(inst, ob):
        if deadline.expired():
            return unknown(ob, ENGINE, f"timeout after {deadline.elapsed():.1f} s", deadline)
        found = lasso(inst, ob, space, g, values)
        if found is not None:
            nodes, labels, loop = found
            states = [space.states[i] for i in nodes]
            trace = build_lasso(inst, ob, states, [calls[x] for x in labels], loop, ENGINE)
            return Result(
                ob.model.name, ob.prop.name, ob.prop.kind, "refuted", ENGINE,
                scope=instance_scope(sizes), trace=trace, time_s=deadline.elapsed(), stats=stats,
            )  # fmt: skip
    detail = (
        f"{len(space.states):,} states and {space.transitions:,} transitions explored: "
        f"no fair cycle avoids the goal after the trigger"
    )
    return Result(
        ob.model.name, ob.prop.name, ob.prop.kind, "proved", ENGINE,
        scope=instance_scope(sizes), certificate=Certificate("state-space", (), True, detail),
        time_s=deadline.elapsed(), stats=stats,
    )  # fmt: skip


def state_graph(inst: Instance, ob: LiveObligation, space: Space) -> tuple[Graph, list[Call]]:
    """The search's edges as a Graph, with each fair instance's enabledness per state,
    and the call (action name, arguments) of each label."""
    names = [c.action.full_name for c in inst.actions]
    label_of: dict[tuple[int, tuple[Any, ...]], int] = {}
    n = len(space.states)
    g = Graph([[] for _ in range(n)], [[] for _ in range(n)])
    assert space.edges is not None
    for u, v, (a, args, _) in space.edges:
        lab = label_of.setdefault((a, args), len(label_of))
        g.succ[u].append(v)
        g.label[u].append(lab)
    fair_id: dict[tuple[int, tuple[Any, ...]], int] = {}
    index = {name: i for i, name in enumerate(names)}
    tests: list[tuple[int, Callable[..., Any], tuple[Any, ...]]] = []
    for fair in ob.fair:
        a = index[fair.action.full_name]
        test = inst.function(fair.enabled, fair.action.params)
        domains = [inst.sizes.domain(p.type).values for p in fair.action.params]
        for args in itertools.product(*domains):
            fair_id[(a, args)] = len(g.strong)
            g.strong.append(fair.kind == "strong")
            tests.append((fair_id[(a, args)], test, args))
    g.fair_of = [fair_id.get(key, -1) for key in label_of]
    if ob.system.state_assumes or ob.system.step_assumes:
        # an assumption may rule out a step whose guards hold: ask the guards themselves
        g.enabled = [frozenset(i for i, t, args in tests if t(s, *args)) for s in space.states]
    else:
        # without assumptions an instance is enabled exactly where it has an edge
        g.enabled = [
            frozenset(x for lab in g.label[u] if (x := g.fair_of[lab]) >= 0) for u in range(n)
        ]
    calls = [(names[a], args) for a, args in label_of]
    return g, calls


def valuations(inst: Instance, ob: LiveObligation) -> Sequence[tuple[Any, ...]]:
    """Every value of the claim's variables (one empty tuple when it has none)."""
    return list(itertools.product(*(inst.sizes.domain(p.type).values for p in ob.params)))


def lasso(
    inst: Instance, ob: LiveObligation, space: Space, g: Graph, values: tuple[Any, ...]
) -> tuple[list[int], list[int], int] | None:
    """Nodes, labels and loop start of a fair lasso violating ``ob`` at ``values``."""
    goal = inst.function(ob.goal, ob.params)
    trig = inst.function(ob.trigger, ob.params)
    trig0 = inst.function(ob.trigger_init, ob.params)
    states = space.states
    bad = {i for i, s in enumerate(states) if not goal(s, *values)}
    fair = graph.fair_components(g, bad)
    if not fair:
        return None
    target = set().union(*fair)
    reach = _backward(g, target, bad)
    starts = [
        i
        for i in reach
        if trig(states[i], *values) or (space.parent[i] < 0 and trig0(states[i], *values))
    ]
    if not starts:
        return None
    # the trigger nearest an initial state (an initial state is at position 0, where
    # trigger_init is asked: every shape has trigger_init wherever trigger holds there)
    start = min(starts, key=lambda i: (space.depth[i], i))
    nodes, labels = _stem(space, start, g)
    into = graph.path(g, start, target, bad)
    assert into is not None, "a state of reach reaches target inside bad"
    for lab, v in into:
        labels.append(lab)
        nodes.append(v)
    entry = nodes[-1]
    comp = next(c for c in fair if entry in c)
    loop = len(nodes) - 1
    for lab, v in graph.fair_cycle(g, comp, entry):
        labels.append(lab)
        nodes.append(v)
    return nodes, labels, loop


def _backward(g: Graph, target: set[int], within: set[int]) -> set[int]:
    """The nodes of ``within`` that reach ``target`` through ``within``."""
    pred: dict[int, list[int]] = {}
    for u in within:
        for v in g.succ[u]:
            if v in within:
                pred.setdefault(v, []).append(u)
    seen = set(target)
    queue = deque(target)
    while queue:
        v = queue.popleft()
        for u in pred.get(v, ()):
            if u not in seen:
                seen.add(u)
                queue.append(u)
    return seen


def _stem(space: Space, i: int, g: Graph) -> tuple[list[int], list[int]]:
    """The search's shortest run to node ``i``: its nodes and the labels between them."""
    chain = []
    while i >= 0:
        chain.append(i)
        i = space.parent[i]
    chain.reverse()
    labels = []
    for u, v in itertools.pairwise(chain):
        labels.append(next(lab for w, lab in g.edges(u) if w == v))
    return chain, labels

