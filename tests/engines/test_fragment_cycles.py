"""The sort graph's cycles (smt/epr/fragment.py): the acyclic shortcut agrees with networkx.

``_cycles`` answers an acyclic graph without importing networkx (a tenth of
a second of every all-sizes proof). On random graphs over a few sorts, with
self-loops and parallel edges, it must find cycles exactly where networkx's
strongly connected components do.
"""

from __future__ import annotations

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from rmpcheck.errors import NO_SPAN
from rmpcheck.smt.epr.fragment import Edge, _acyclic, _cycles

SORTS = ["A", "B", "C", "D"]
edges = st.lists(
    st.tuples(st.sampled_from(SORTS), st.sampled_from(SORTS)).map(
        lambda e: Edge(e[0], e[1], "why", NO_SPAN)
    ),
    max_size=6,
)


@given(edges)
def test_acyclic_exactly_where_networkx_finds_no_cycle(es):
    g = nx.MultiDiGraph()
    g.add_edges_from((e.src, e.dst) for e in es)
    assert _acyclic(es) == nx.is_directed_acyclic_graph(g)
    assert (_cycles(es) == []) == _acyclic(es)


def test_a_self_loop_is_a_cycle():
    (cycle,) = _cycles([Edge("A", "B", "f", NO_SPAN), Edge("B", "B", "g", NO_SPAN)])
    assert [(e.src, e.dst) for e in cycle] == [("B", "B")]
