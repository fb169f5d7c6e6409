"""The reachable state graph of one instance, and the fair cycles in it.

A run that violates a liveness claim ends in a cycle of states where the goal
never holds; it counts only if it is fair. On a strongly connected component
C of those states (nontrivial: an edge inside it) there is a cycle through C
meeting every fairness constraint exactly when (Emerson and Lei, 1987):

- no weakly fair instance is enabled in every state of C without being taken
  on an edge inside C (else every cycle in C starves it), and
- every strongly fair instance enabled somewhere in C is taken inside C.

A strong instance that fails the second test cannot be enabled on a fair
cycle that never takes it, so its states are removed and the rest is split
into components again. Components are found with Tarjan's algorithm on
adjacency lists of ints (an explicit search of the SNP models has about 10^5
states and 10^6 edges: lists of ints, not a networkx graph).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce

Label = int  # an index into Graph.labels: one action instance
Step = tuple[Label, int]  # the label taken and the node it leads to


@dataclass
class Graph:
    """Successors with the action instance of each edge, and fairness per node and label."""

    succ: list[list[int]]
    label: list[list[Label]]  # parallel to succ
    fair_of: list[int] = field(default_factory=list)  # label -> fair instance, or -1
    enabled: list[frozenset[int]] = field(default_factory=list)  # node -> fair instances
    strong: list[bool] = field(default_factory=list)  # fair instance -> strongly fair?

    def edges(self, u: int) -> Iterable[tuple[int, Label]]:
        return zip(self.succ[u], self.label[u], strict=True)


def components(g: Graph, nodes: set[int]) -> list[list[int]]:
    """The strongly connected components of the subgraph on ``nodes`` (Tarjan, iterative)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        while work:
            u, i = work.pop()
            if i == 0:
                index[u] = low[u] = counter
                counter += 1
                stack.append(u)
                on_stack.add(u)
            succ = g.succ[u]
            while i < len(succ) and (succ[i] not in nodes or succ[i] in index):
                v = succ[i]
                if v in on_stack:
                    low[u] = min(low[u], index[v])
                i += 1
            if i < len(succ):
                work.append((u, i + 1))
                work.append((succ[i], 0))
                continue
            if low[u] == index[u]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == u:
                        break
                out.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[u])
    return out


def fair_components(g: Graph, nodes: set[int]) -> list[set[int]]:
    """Every maximal set of ``nodes`` inside which a fair cycle exists (see above)."""
    found: list[set[int]] = []
    todo = [nodes]
    while todo:
        part = todo.pop()
        for comp_list in components(g, part):
            comp = set(comp_list)
            taken = _taken(g, comp)
            if not taken and not _self_loop(g, comp):
                continue  # no edge inside: a single state without a loop
            always = reduce(frozenset.intersection, (g.enabled[u] for u in comp))
            if any(not g.strong[a] and a not in taken for a in always):
                continue
            starved = {a for u in comp for a in g.enabled[u] if g.strong[a] and a not in taken}
            if not starved:
                found.append(comp)
                continue
            rest = {u for u in comp if not (g.enabled[u] & starved)}
            if rest:
                todo.append(rest)
    return found


def _taken(g: Graph, comp: set[int]) -> set[int]:
    """The fair instances taken on some edge inside ``comp`` (-1 for any other edge)."""
    return {g.fair_of[lab] for u in comp for v, lab in g.edges(u) if v in comp}


def _self_loop(g: Graph, comp: set[int]) -> bool:
    return len(comp) > 1 or any(v == u for u in comp for v in g.succ[u])


def path(g: Graph, start: int, goal: set[int], within: set[int]) -> list[Step] | None:
    """A shortest path from ``start`` to a node of ``goal`` through ``within`` ([] if
    ``start`` is in ``goal``); None if there is none."""
    if start in goal:
        return []
    parent: dict[int, tuple[int, Label]] = {start: (-1, -1)}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for v, lab in g.edges(u):
            if v in parent or v not in within:
                continue
            parent[v] = (u, lab)
            if v in goal:
                steps: list[Step] = []
                while v != start:
                    u2, lab2 = parent[v]
                    steps.append((lab2, v))
                    v = u2
                return steps[::-1]
            queue.append(v)
    return None


def fair_cycle(g: Graph, comp: set[int], start: int) -> list[Step]:
    """A cycle from ``start`` back to it inside fair component ``comp`` that meets every
    fairness constraint: the shortest simple one through ``start`` where one of those
    is fair (what a reader wants to see repeat), else one built to take an edge of
    every fair instance taken in ``comp`` that needs one and to visit a state where
    each other weak one is disabled."""
    for cycle in _short_cycles(g, comp, start):
        if is_fair(g, start, cycle):
            return cycle
    return _covering_cycle(g, comp, start)


def is_fair(g: Graph, start: int, cycle: Sequence[Step]) -> bool:
    """Does repeating ``cycle`` (from ``start``) forever meet every fairness constraint?
    A weak instance enabled in every state of it is taken on it; a strong one enabled
    in some state of it is taken on it."""
    nodes = [start, *(v for _, v in cycle)]
    taken = {g.fair_of[lab] for lab, _ in cycle}
    always = reduce(frozenset.intersection, (g.enabled[u] for u in nodes))
    somewhere = frozenset().union(*(g.enabled[u] for u in nodes))
    return all(a in taken for a in always if not g.strong[a]) and all(
        a in taken for a in somewhere if g.strong[a]
    )


def _short_cycles(g: Graph, comp: set[int], start: int) -> list[list[Step]]:
    """For each edge out of ``start`` inside ``comp``, that edge and a shortest path
    back: the candidate cycles, shortest first."""
    out = []
    for v, lab in g.edges(start):
        if v in comp:
            back = path(g, v, {start}, comp)
            if back is not None:
                out.append([(lab, v), *back])
    return sorted(out, key=len)


def _covering_cycle(g: Graph, comp: set[int], start: int) -> list[Step]:
    seen_nodes, seen_fair = {start}, set()
    steps: list[Step] = []
    cur = start

    def walk(more: Sequence[Step]) -> None:
        nonlocal cur
        for lab, v in more:
            steps.append((lab, v))
            seen_nodes.add(v)
            seen_fair.add(g.fair_of[lab])
            cur = v

    edges: dict[int, tuple[int, Label, int]] = {}
    for u in comp:
        for v, lab in g.edges(u):
            if v in comp and g.fair_of[lab] >= 0:
                edges.setdefault(g.fair_of[lab], (u, lab, v))
    every = set().union(*(g.enabled[u] for u in comp))
    for a in sorted(every):
        if a in seen_fair:
            continue
        if g.strong[a] or all(a in g.enabled[u] for u in comp):
            u, lab, v = edges[a]  # taken inside comp: fair_components made sure
            walk(_must(path(g, cur, {u}, comp)))
            walk([(lab, v)])
        elif not any(a not in g.enabled[u] for u in seen_nodes):
            disabled = {u for u in comp if a not in g.enabled[u]}
            walk(_must(path(g, cur, disabled, comp)))
    if not steps:  # a cycle needs a step, even where nothing is fair
        v, lab = next((v, lab) for v, lab in g.edges(start) if v in comp)
        walk([(lab, v)])
    walk(_must(path(g, cur, {start}, comp)))
    return steps


def _must(p: list[Step] | None) -> list[Step]:
    assert p is not None, "inside a strongly connected component every node is reachable"
    return p
