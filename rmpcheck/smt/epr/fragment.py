"""Where a query leaves the decidable EPR fragment, said in the model's own terms.

Z3 decides satisfiability of quantified formulas over uninterpreted sorts when
the *sort graph* is acyclic: an edge A -> B for every function from A to B,
whether declared (``state owner: Page -> Thread``), introduced by the encoding
(a choice under ``forall``, a writer witness) or by Skolemising an ``exists``
under a ``forall`` (in a formula asserted positively, or a goal asserted
negated; lemmas and the target appear both ways). Then every term has bounded
depth and the Herbrand universe is finite. A cycle (Page -> Gpa -> Page, or
``next: Node -> Node``) or arithmetic on sort-indexed ints leaves it: Z3 may
still answer, but "unknown" becomes possible and is reported as such.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rmpcheck import ir
from rmpcheck.errors import NO_SPAN, Span
from rmpcheck.monitor import System
from rmpcheck.smt.epr.transition import SkolemUse


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    why: str
    span: Span

    def describe(self) -> str:
        where = f" ({self.span})" if self.span != NO_SPAN else ""
        return f"{self.why}{where}"


@dataclass(frozen=True)
class Finding:
    """One construct outside EPR: what and where, and which queries it affects."""

    construct: str
    message: str
    spans: tuple[Span, ...]
    # "all", or "initiation" when only the initiation queries (init, no step) leave
    # EPR: consecution, where lemmas are searched and proved, is then decidable
    queries: str = "all"


def findings(
    system: System, formulas: Sequence[tuple[str, ir.Expr]], skolems: Sequence[SkolemUse]
) -> list[Finding]:
    """Cycles in the sort graph and arithmetic on sort-indexed ints, for this query set.

    Initiation and consecution are separate queries with separate sort graphs: only
    initiation asserts ``init``, only consecution the step (its Skolem functions and
    the actions' alternations). A cycle found only in the former is reported as such."""
    common = list(_declared(system))
    for e in system.state_assumes:
        common += _alternations(e, 1, (), "assume: exists under forall")
    for name, f in formulas:
        # a claim or lemma is asserted whole, as a hypothesis and (negated) as a goal:
        # each assertion Skolemises on its own, so the two polarities are two passes
        # (one pass with polarity 0 would put ``exists q. forall n. ...``'s ``n`` in
        # the scope of its own negation's ``exists``, an edge no query has)
        why = f"{name}: exists under forall"
        common += _alternations(f, 1, (), why) + _alternations(f, -1, (), why)
    step = [e for k in skolems for e in _skolem(k)]
    for a in system.model.actions:
        step += _in_body(a.body, a.full_name)
    init: list[Edge] = []
    for e in system.model.init:
        init += _alternations(e, 1, (), "init: exists under forall")
    consecution = _cycles(common + step)
    out = [_cycle_finding(c) for c in consecution]
    seen = {frozenset(e.src for e in c) for c in consecution}
    for c in _cycles(common + init):
        if frozenset(e.src for e in c) not in seen:
            found = _cycle_finding(c)
            msg = f"initiation queries: {found.message}"
            out.append(Finding(found.construct, msg, found.spans, "initiation"))
    out += _arithmetic(system, formulas)
    return out


def _declared(system: System) -> Iterator[Edge]:
    for d in system.state:
        t = d.type
        if isinstance(t, ir.MapType) and isinstance(t.value, ir.SortType):
            for k in t.keys:
                if isinstance(k, ir.SortType):
                    yield Edge(k.name, t.value.name, f"state {d.name} : {t}", d.span)


def _skolem(k: SkolemUse) -> list[Edge]:
    return [
        Edge(s.name, k.value.name, f"{k.what} (a function {s.name} -> {k.value.name})", k.span)
        for s in k.keys
        if isinstance(s, ir.SortType) and isinstance(k.value, ir.SortType)
    ]


def _alternations(e: ir.Expr, pol: int, scope: tuple[str, ...], why: str) -> list[Edge]:
    """Edges from Skolemising ``e`` asserted with polarity ``pol`` (0: both ways)."""
    out: list[Edge] = []
    if isinstance(e, ir.Quant):
        sorts = [v.type.name for v in e.vars if isinstance(v.type, ir.SortType)]
        exists = pol == 0 or (e.kind == "exists") == (pol > 0)
        forall = pol == 0 or not exists
        if exists:
            out += [Edge(s, d, why, e.span) for s in scope for d in sorts]
        inner = scope + tuple(sorts) if forall else scope
        return out + _alternations(e.body, pol, inner, why)
    if isinstance(e, ir.Not):
        return _alternations(e.arg, -pol, scope, why)
    if isinstance(e, ir.BinOp) and e.op in ("and", "or", "implies"):
        left = -pol if e.op == "implies" else pol
        return _alternations(e.left, left, scope, why) + _alternations(e.right, pol, scope, why)
    for c in ir.children(e):
        out += _alternations(c, 0, scope, why)
    return out


def _body_exprs(
    body: Sequence[ir.Stmt], scope: tuple[str, ...]
) -> Iterator[tuple[ir.Expr, int, tuple[str, ...]]]:
    """Every expression of an action body: its polarity as asserted, and the sorts of the
    enclosing ``forall`` statements (universal in the step relation)."""
    for st in body:
        if isinstance(st, ir.Require):
            yield st.cond, 1, scope
        elif isinstance(st, ir.Assign):
            for x in (*st.indices, st.value):
                yield x, 0, scope
        elif isinstance(st, ir.If):
            yield st.cond, 0, scope
            yield from _body_exprs(st.then + st.else_, scope)
        elif isinstance(st, ir.Choose):
            if st.where is not None:
                yield st.where, 1, scope
            yield from _body_exprs(st.body, scope)
        else:
            assert isinstance(st, ir.ForallStmt), st
            sorts = tuple(v.type.name for v in st.vars if isinstance(v.type, ir.SortType))
            yield from _body_exprs(st.body, scope + sorts)


def _in_body(body: Sequence[ir.Stmt], action: str) -> list[Edge]:
    why = f"action {action}: exists under forall"
    out: list[Edge] = []
    for e, pol, scope in _body_exprs(body, ()):
        out += _alternations(e, pol, scope, why)
    return out


def _cycles(edges: Sequence[Edge]) -> list[list[Edge]]:
    """One cycle per strongly connected part of the sort graph (self-loops included)."""
    if _acyclic(edges):
        return []  # the common case: networkx, a tenth of a second to import, not needed
    import networkx as nx

    g = nx.MultiDiGraph()
    for e in edges:
        g.add_edge(e.src, e.dst, edge=e)
    out = []
    for comp in nx.strongly_connected_components(g):
        sub = g.subgraph(comp)
        if len(comp) == 1 and not any(True for _ in nx.selfloop_edges(sub)):
            continue
        cyc = nx.find_cycle(sub)
        out.append([sub.edges[a, b, k]["edge"] for a, b, k in cyc])
    return out


def _acyclic(edges: Sequence[Edge]) -> bool:
    """Whether the sort graph has no cycle (Kahn: every node can be peeled off)."""
    into: dict[str, int] = {}
    out: dict[str, list[str]] = {}
    for e in edges:
        into.setdefault(e.src, 0)
        into[e.dst] = into.get(e.dst, 0) + 1
        out.setdefault(e.src, []).append(e.dst)
    ready = [n for n, k in into.items() if k == 0]
    peeled = 0
    while ready:
        n = ready.pop()
        peeled += 1
        for m in out.get(n, ()):
            into[m] -= 1
            if into[m] == 0:
                ready.append(m)
    return peeled == len(into)


def _cycle_finding(cycle: list[Edge]) -> Finding:
    path = " -> ".join([e.src for e in cycle] + [cycle[0].src])
    parts = "; ".join(e.describe() for e in cycle)
    return Finding(
        "sort cycle",
        f"functions between sorts form a cycle {path}: {parts}",
        tuple(e.span for e in cycle),
    )


def _arithmetic(system: System, formulas: Sequence[tuple[str, ir.Expr]]) -> list[Finding]:
    exprs: list[ir.Expr] = [f for _, f in formulas] + list(system.model.init)
    exprs += list(system.state_assumes) + list(system.step_assumes)
    for a in system.model.actions:
        exprs += [e for e, _, _ in _body_exprs(a.body, ())]
    decls = {d.name: d for d in system.state}
    seen: dict[str, Finding] = {}
    for e in exprs:
        for x in ir.walk(e):
            if not (isinstance(x, ir.BinOp) and x.op in ("+", "-")):
                continue
            for sel in ir.walk(x):
                if isinstance(sel, ir.Select) and _sort_keyed(sel.map.type):
                    span = decls[sel.map.name].span
                    seen.setdefault(
                        sel.map.name,
                        Finding(
                            "arithmetic",
                            f"arithmetic on sort-indexed ints: state {sel.map.name} : "
                            f"{sel.map.type} ({span}) in {x.op} at {x.span}",
                            (span, x.span),
                        ),
                    )
    return list(seen.values())


def _sort_keyed(t: ir.Type) -> bool:
    return isinstance(t, ir.MapType) and any(isinstance(k, ir.SortType) for k in t.keys)
