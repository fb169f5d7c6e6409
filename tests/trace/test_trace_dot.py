"""DOT output: well-formed, one node per state and one edge per step; the explicit state graph."""

from __future__ import annotations

import re

from trace_fixtures import SIZES, obligation

from rmpcheck import ir
from rmpcheck.trace import dot
from rmpcheck.trace.model import Trace

_NODE = re.compile(r"^ +(\w+) \[(.*)\];$")
_EDGE = re.compile(r"^ +(\w+) -> (\w+)(?: \[(.*)\])?;$")


def _parse(text: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Nodes and edges of the DOT we write (one statement per line); fails on anything else."""
    lines = text.splitlines()
    assert re.match(r'^digraph "[^"]*" \{$', lines[0]) and lines[-1] == "}"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    for ln in lines[1:-1]:
        if m := _EDGE.match(ln):
            edges.append((m[1], m[2], m[3] or ""))
        elif m := _NODE.match(ln):
            if m[1] not in ("node", "edge"):
                nodes[m[1]] = m[2]
        elif not re.match(r"^  (subgraph cluster_\d+ \{|\})$", ln):
            assert re.match(r"^ +\w+=.*;$", ln), f"unexpected DOT line {ln!r}"
        assert ln.count('"') % 2 == 0 or '\\"' in ln, ln
    return nodes, edges


def test_trace_dot_has_a_node_per_state_and_an_edge_per_step(step_cex: Trace):
    nodes, edges = _parse(dot.render(step_cex))
    assert len(nodes) == len(step_cex.steps)
    assert [(u, v) for u, v, _ in edges] == [(f"s{i}", f"s{i + 1}") for i in range(step_cex.length)]
    assert 'label="4. host.write(t=Thread0)"' in edges[-1][2]
    assert "writes: 0 -> 1" in nodes["s4"]
    assert "#ffebe9" in nodes["s4"]  # the violating state stands out


def test_quote_escapes_quotes_and_backslashes():
    assert dot.quote('a "b" \\c') == '"a \\"b\\" \\\\c"'
    assert dot.quote("one\ntwo") == '"one\\ltwo\\l"'


def test_explicit_state_graph_as_dot(model: ir.Model):
    from rmpcheck.engines.explicit import state_graph

    ob = obligation(model, "write_only_shared")
    g = state_graph(ob, SIZES)
    text = dot.state_graph(g, highlight=[0])
    nodes, edges = _parse(text)
    assert len(nodes) == g.number_of_nodes() and len(edges) == g.number_of_edges()
    assert text.startswith('digraph "psc_vs_host_io.write_only_shared"')
    bad = [n for n, d in g.nodes(data=True) if d["violates"]]
    assert bad and text.count('color="#b42318"') == len(bad)
    assert "penwidth=2" in nodes["n0"] and "filled" in nodes["n0"]


def test_big_graphs_are_cut_off_with_a_note(model: ir.Model):
    import networkx as nx

    g = nx.path_graph(50, create_using=nx.DiGraph)
    nodes, edges = _parse(dot.state_graph(g, max_nodes=10))
    assert len(nodes) == 11 and "40 more states" in nodes["more"]
    assert len(edges) == 9


def test_each_column_is_a_cluster_of_the_states_its_steps_reach(lanes: Trace):
    text = dot.render(lanes)
    _parse(text)
    cluster = r"subgraph cluster_\d+ \{\n    label=\"([^\"]*)\";.*?\n((?:    s\d+ .*\n)*)  \}"
    clusters = re.findall(cluster, text)
    got = {title: re.findall(r"    (s\d+) ", body) for title, body in clusters}
    assert got == {"host[Thread0]": ["s1", "s3"], "host[Thread1]": ["s2", "s4"]}
