"""The fair cycle a lasso repeats: always closed and fair, and the shortest one through
its entry state when a short one is fair (what a reader of the diagram wants)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from profiles import examples

from rmpcheck.engines.liveness import graph
from rmpcheck.engines.liveness.graph import Graph


def build(edges: list[tuple[int, int, int]], n: int, fair: dict[int, bool]) -> Graph:
    """A graph on ``n`` nodes from (u, v, label) edges; ``fair`` maps a label that is a
    fair instance to whether it is strong. A fair instance counts as enabled where it
    has an edge (as in the explicit engine without assumptions)."""
    g = Graph([[] for _ in range(n)], [[] for _ in range(n)])
    labels = sorted({lab for _, _, lab in edges})
    ids = {lab: i for i, lab in enumerate(lab for lab in labels if lab in fair)}
    g.fair_of = [ids.get(lab, -1) for lab in range(max(labels) + 1)] if labels else []
    g.strong = [fair[lab] for lab in labels if lab in fair]
    for u, v, lab in edges:
        g.succ[u].append(v)
        g.label[u].append(lab)
    g.enabled = [
        frozenset(g.fair_of[lab] for lab in g.label[u] if g.fair_of[lab] >= 0) for u in range(n)
    ]
    return g


def closes(start: int, cycle: list[tuple[int, int]]) -> bool:
    return bool(cycle) and cycle[-1][1] == start


def test_a_short_fair_cycle_is_preferred_to_a_long_one() -> None:
    # 0 -a-> 1 -b-> 0 is fair (weak c is disabled at 1); the long way 0 -c-> 2 -d-> 3 -e-> 0
    # takes c too, but is not needed
    g = build([(0, 1, 0), (1, 0, 1), (0, 2, 2), (2, 3, 3), (3, 0, 4)], 4, {2: False})
    comp = {0, 1, 2, 3}
    cycle = graph.fair_cycle(g, comp, 0)
    assert [v for _, v in cycle] == [1, 0]
    assert graph.is_fair(g, 0, cycle)


def test_a_short_cycle_that_starves_a_weak_instance_is_not_taken() -> None:
    # weak c is enabled at 0 and at 1: the 2-cycle 0-1-0 starves it, so c must be taken
    g = build([(0, 1, 0), (1, 0, 1), (0, 2, 2), (1, 2, 2), (2, 0, 3)], 3, {2: False})
    comp = {0, 1, 2}
    short = [(0, 1), (1, 0)]
    assert not graph.is_fair(g, 0, short)
    cycle = graph.fair_cycle(g, comp, 0)
    assert closes(0, cycle) and graph.is_fair(g, 0, cycle)
    assert any(lab == 2 for lab, _ in cycle)


def test_a_strong_instance_enabled_once_on_the_cycle_must_be_taken() -> None:
    # strong c is enabled at 1 only: 0-1-0 is unfair, 0-1-2-0 takes it
    g = build([(0, 1, 0), (1, 0, 1), (1, 2, 2), (2, 0, 3)], 3, {2: True})
    assert not graph.is_fair(g, 0, [(0, 1), (1, 0)])
    cycle = graph.fair_cycle(g, {0, 1, 2}, 0)
    assert [lab for lab, _ in cycle] == [0, 2, 3]


@st.composite
def fair_graphs(draw: st.DrawFn) -> tuple[Graph, set[int], int]:
    n = draw(st.integers(2, 6))
    labels = draw(st.integers(1, 5))
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, labels - 1)),
            min_size=1,
            max_size=14,
        )
    )
    fair = draw(st.dictionaries(st.integers(0, labels - 1), st.booleans(), max_size=labels))
    return build(edges, n, fair), set(range(n)), n


@settings(max_examples=examples(300), deadline=None)
@given(fair_graphs())
def test_every_fair_component_yields_a_closed_fair_cycle(case: tuple[Graph, set[int], int]) -> None:
    g, nodes, _ = case
    for comp in graph.fair_components(g, nodes):
        for start in sorted(comp):
            cycle = graph.fair_cycle(g, comp, start)
            assert closes(start, cycle), (comp, start, cycle)
            assert all(v in comp for _, v in cycle)
            assert graph.is_fair(g, start, cycle), (comp, start, cycle)
