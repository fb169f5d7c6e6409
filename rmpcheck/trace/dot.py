"""Graphviz DOT: a trace as a chain of states, and an explicit engine's state graph.

Neither function imports graphviz or networkx: the output is text for ``dot
-Tsvg``, and the state graph is read through the DiGraph interface only.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from typing import Any, Protocol

from rmpcheck.trace import layout
from rmpcheck.trace.model import Trace


def quote(text: str) -> str:
    """A DOT double-quoted string; newlines become left-justified line breaks."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\l")
    return f'"{body}\\l"' if "\n" in text else f'"{body}"'


def render(trace: Trace, show: str = "changed") -> str:
    """The trace as a DOT digraph: one node per state (listing what changed, or the
    whole state with ``show="all"``), one edge per step labelled with its action.

    The state a step reaches sits in a cluster of its column (``host[Thread1]``):
    the chain runs top to bottom, so the clusters stand side by side as the
    columns of the text view, and a race zig-zags between them."""
    name = f"{trace.model}.{trace.property}"
    out = [
        f"digraph {quote(name)} {{",
        f"  label={quote(layout.headline(trace) + chr(10) + '=> ' + layout.verdict(trace))};",
        "  labelloc=t;",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="monospace",'
        " fontsize=10];",
        '  edge [fontname="monospace", fontsize=10];',
    ]
    nodes: list[str] = []
    for i, step in enumerate(trace.steps):
        if step.index == 0 or show == "all":
            lines = [layout.summarize(k, v) for k, v in step.state.items()]
        else:
            lines = [str(c) for c in layout.changes(trace.steps[i - 1], step)] or ["(no change)"]
        head = layout.first_state(trace) if step.index == 0 else f"after step {step.index}"
        attrs = [f"label={quote(chr(10).join([head, *lines]))}"]
        if i == len(trace.steps) - 1:
            color = "#dafbe1" if trace.kind == "witness" else "#ffebe9"
            attrs.append(f'fillcolor="{color}", penwidth=2')
        nodes.append(f"s{i} [{', '.join(attrs)}];")
    out += _clusters(trace, nodes)
    if trace.loop is not None:
        # the last state is the loop's first: the steps after it repeat forever
        same = quote(f"is state {trace.loop}: loop")
        out.append(f"  s{len(trace.steps) - 1} -> s{trace.loop} [style=dashed, label={same}];")
    for i, step in enumerate(trace.steps[1:], start=1):
        label = f"{step.index}. {layout.call(step)}"
        if step.choices:
            label += f"\nchose {layout.choices(step)}"
        out.append(f"  s{i - 1} -> s{i} [label={quote(label)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _clusters(trace: Trace, nodes: list[str]) -> list[str]:
    """Step 0 on its own; every other state in the cluster of the column that reached it."""
    out = [f"  {nodes[0]}"]
    # a stuttering step has no column: its state stands outside every cluster
    out += [f"  {nodes[i]}" for i, s in enumerate(trace.steps) if layout.stutters(s)]
    cols = layout.columns(trace)
    for k, col in enumerate(cols):
        members = [
            nodes[i]
            for i, s in enumerate(trace.steps)
            if s.index > 0 and layout.column_of(s) == (col.actor, col.lane)
        ]
        out.append(f"  subgraph cluster_{k} {{")
        out.append(f'    label={quote(col.title)}; style="rounded,dashed"; color="#8c959f";')
        out += [f"    {m}" for m in members]
        out.append("  }")
    return out


class DiGraphLike(Protocol):
    """What :func:`state_graph` needs of a networkx DiGraph."""

    @property
    def nodes(self) -> Any: ...

    @property
    def edges(self) -> Any: ...


def state_graph(
    graph: DiGraphLike,
    node_label: Callable[[Hashable, dict[str, Any]], str] | None = None,
    edge_label: Callable[[Hashable, Hashable, dict[str, Any]], str] | None = None,
    highlight: Collection[Hashable] = (),
    name: str = "",
    max_nodes: int = 2000,
) -> str:
    """An explicit-state graph (as ``rmpcheck.engines.explicit.state_graph`` builds it) as DOT.

    Node labels come from ``node_label(node, data)``, else the node attribute
    ``state`` (display values, one variable per line), else ``label``, else
    ``str(node)``; edge labels from ``edge_label(u, v, data)``, else the edge
    attribute ``label`` or ``action``. Nodes with a true ``initial`` attribute
    are drawn bold, those with a true ``violates`` (or ``bad``) red; nodes in
    ``highlight`` (say, a counterexample's states) are filled. Beyond
    ``max_nodes`` nodes the graph is cut off with a note: Graphviz cannot lay
    out what nobody could read anyway.
    """
    info = getattr(graph, "graph", {}) or {}
    if not name:
        name = ".".join(str(info[k]) for k in ("model", "property") if k in info) or "states"
    ids: dict[Hashable, str] = {}
    out = [
        f"digraph {quote(name)} {{",
        '  node [shape=box, style=rounded, fontname="monospace", fontsize=9];',
        '  edge [fontname="monospace", fontsize=9];',
    ]
    if info.get("complete") is False:
        out.append(f"  label={quote('incomplete: the search stopped early')};")
    marked = set(highlight)
    for n, data in graph.nodes(data=True):
        if len(ids) >= max_nodes:
            more = _count(graph.nodes) - max_nodes
            out.append(f'  more [shape=plaintext, label="... {more} more states not shown"];')
            break
        ids[n] = f"n{len(ids)}"
        out.append(f"  {ids[n]} [{', '.join(_node_attrs(n, data, node_label, n in marked))}];")
    for u, v, data in graph.edges(data=True):
        if u not in ids or v not in ids:
            continue
        if edge_label is not None:
            label = edge_label(u, v, data)
        else:
            label = str(data.get("label", data.get("action", "")))
        attrs = [f"label={quote(label)}"] if label else []
        if u in marked and v in marked:
            attrs.append("penwidth=2")
        out.append(f"  {ids[u]} -> {ids[v]}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    out.append("}")
    return "\n".join(out) + "\n"


def _node_attrs(
    n: Hashable,
    data: dict[str, Any],
    node_label: Callable[[Hashable, dict[str, Any]], str] | None,
    marked: bool,
) -> list[str]:
    if node_label is not None:
        label = node_label(n, data)
    elif isinstance(data.get("state"), dict):
        label = "\n".join(layout.summarize(k, v) for k, v in data["state"].items())
    else:
        label = str(data.get("label", n))
    attrs = [f"label={quote(label)}"]
    style = ["rounded"]
    if data.get("initial"):
        attrs.append("penwidth=2")
    if data.get("violates") or data.get("bad"):
        attrs.append('color="#b42318"')
    if marked:
        style.append("filled")
        attrs.append('fillcolor="#fff1b8"')
    attrs.append(f'style="{",".join(style)}"')
    return attrs


def _count(nodes: Any) -> int:
    try:
        return len(nodes)
    except TypeError:
        return 0
