"""Monitors as the past-time formulas they came from: merged when equal, printed as source.

Every past-time node of a claim or lemma gets a monitor of its own
(rmpcheck.monitor), so a lemma ``step[t] == checked -> (a since b)`` and a
claim that reads ``a since b`` talk about two different variables, and no
induction could connect them. Two monitors with the same definition (same
initial value, same update, up to the names of their parameters and of the
monitors they read) hold the same value in every reachable state: merging
them changes no reachable behaviour, and lets a lemma about one speak for the
other.

A monitor of a ``once``, ``historically`` or ``since`` whose definition is
exactly what that formula, read as a state formula, compiles to has a
*source*: lemma inference may then use it as an atom, and print the lemma in
the property language.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from rmpcheck import ir
from rmpcheck.monitor import Monitor, Obligation, compile_obligation

_OPS = {"__once": "once", "__hist": "historically", "__since": "since"}


def merged(ob: Obligation) -> Obligation:
    """``ob`` with every monitor equal to an earlier one replaced by it."""
    keep, rename = merge(ob.system.monitors)
    if not rename:
        return ob
    system = dataclasses.replace(
        ob.system,
        monitors=tuple(keep),
        state_assumes=tuple(_renamed(e, rename) for e in ob.system.state_assumes),
        step_assumes=tuple(_renamed(e, rename) for e in ob.system.step_assumes),
    )
    lemmas = tuple((n, _renamed(e, rename)) for n, e in ob.lemmas)
    return dataclasses.replace(ob, system=system, target=_renamed(ob.target, rename), lemmas=lemmas)


def merge(monitors: Sequence[Monitor]) -> tuple[list[Monitor], dict[str, str]]:
    """The monitors without duplicates (in order: a monitor reads only earlier ones), and
    the name each dropped one was merged into."""
    keep: list[Monitor] = []
    rename: dict[str, str] = {}
    for m in monitors:
        m = _apply(m, rename)
        twin = next((k for k in keep if _same(k, m)), None)
        if twin is None:
            keep.append(m)
        else:
            rename[m.decl.name] = twin.decl.name
    return keep, rename


def _apply(m: Monitor, rename: Mapping[str, str]) -> Monitor:
    if not rename:
        return m
    return dataclasses.replace(m, init=_renamed(m.init, rename), next=_renamed(m.next, rename))


def _renamed(e: ir.Expr, rename: Mapping[str, str]) -> ir.Expr:
    def f(x: ir.Expr) -> ir.Expr | None:
        if isinstance(x, ir.StateVar) and x.name in rename:
            return dataclasses.replace(x, name=rename[x.name])
        return None

    return ir.transform(e, f)


def _same(a: Monitor, b: Monitor) -> bool:
    """Equal definitions, up to parameter names and the monitors' own names."""
    if a.decl.type != b.decl.type or len(a.params) != len(b.params):
        return False
    env: dict[ir.BoundVar, ir.Expr] = dict(zip(b.params, a.params, strict=True))
    own = {b.decl.name: a.decl.name}
    init = ir.substitute(_renamed(b.init, own), env)
    nxt = ir.substitute(_renamed(b.next, own), env)
    return init == a.init and nxt == a.next


# ------------------------------------------------------------------ sources


def sources(ob: Obligation) -> dict[str, tuple[tuple[ir.BoundVar, ...], ir.Expr]]:
    """Per monitor that has one: its parameters and its past-time formula."""
    out: dict[str, tuple[tuple[ir.BoundVar, ...], ir.Expr]] = {}
    for m in ob.system.monitors:
        past = _reconstruct(m, out)
        if past is not None and _compiles_to(ob, m, past):
            out[m.decl.name] = (m.params, past)
    return out


def to_source(e: ir.Expr, srcs: Mapping[str, tuple[tuple[ir.BoundVar, ...], ir.Expr]]) -> ir.Expr:
    """``e`` with every read of a monitor that has a source replaced by that source."""

    def f(x: ir.Expr) -> ir.Expr | None:
        if isinstance(x, ir.Select) and isinstance(x.map, ir.StateVar) and x.map.name in srcs:
            params, past = srcs[x.map.name]
            return ir.substitute(past, dict(zip(params, x.args, strict=True)))
        if isinstance(x, ir.StateVar) and not x.primed and x.name in srcs:
            return srcs[x.name][1]
        return None

    return ir.transform(e, f)


def readable(ob: Obligation, e: ir.Expr) -> ir.Expr:
    """``e`` for a person: monitors with a source read as that formula, every other
    monitor as its :meth:`~rmpcheck.monitor.Monitor.shown` form (never ``__ok``)."""
    by_name = {m.decl.name: m for m in ob.system.monitors}

    def f(x: ir.Expr) -> ir.Expr | None:
        if isinstance(x, ir.Select) and isinstance(x.map, ir.StateVar) and x.map.name in by_name:
            return by_name[x.map.name].shown(x.args)
        if isinstance(x, ir.StateVar) and not x.primed and x.name in by_name:
            return by_name[x.name].shown()
        return None

    return ir.transform(to_source(e, sources(ob)), f)


def _reconstruct(m: Monitor, known: Mapping[str, tuple]) -> ir.Expr | None:
    op = next((op for prefix, op in _OPS.items() if m.decl.name.startswith(prefix)), None)
    own = m.ref()
    n = m.next
    if op is None or not isinstance(n, ir.BinOp):
        return None
    if op in ("once", "historically") and n.left == own:
        a = _as_state(n.right, known)
        return None if a is None else ir.Past(op, (a,))  # type: ignore[arg-type]
    if op == "since" and isinstance(n.right, ir.BinOp) and n.right.right == own:
        a, b = _as_state(n.right.left, known), _as_state(n.left, known)
        return None if a is None or b is None else ir.Past("since", (a, b))
    return None


def _as_state(now: ir.Expr, known: Mapping[str, tuple]) -> ir.Expr | None:
    """The state formula whose value after a step ``now`` is (every variable primed), with
    nested monitors read as their sources; None if ``now`` reads the pre-state."""
    pre = [x for x in ir.walk(now) if isinstance(x, ir.StateVar) and not x.primed]
    if pre:
        return None
    nested = {
        x.name for x in ir.walk(now) if isinstance(x, ir.StateVar) and x.name.startswith("__")
    }
    if not nested <= set(known):
        return None
    return to_source(_unprimed(now), known)


def _unprimed(e: ir.Expr) -> ir.Expr:
    def f(x: ir.Expr) -> ir.Expr | None:
        if isinstance(x, ir.StateVar) and x.primed:
            return dataclasses.replace(x, primed=False)
        return None

    return ir.transform(e, f)


def _compiles_to(ob: Obligation, m: Monitor, past: ir.Expr) -> bool:
    """Does ``past``, as a state formula, compile to exactly ``m`` (its nested monitors
    to monitors ``ob`` already has)?"""
    probe = ir.Property("invariant", "__source", past, m.params)
    props = ir.PropertySet(ob.model.name, (probe,))
    fresh = compile_obligation(ob.model, props, "__source", use_lemmas=False).system.monitors
    # apart from ob's monitors, whose names the fresh compilation reuses
    apart = {g.decl.name: f"{g.decl.name}!probe" for g in fresh}
    got = [
        dataclasses.replace(
            _apply(g, apart), decl=dataclasses.replace(g.decl, name=apart[g.decl.name])
        )
        for g in fresh
    ]
    _, rename = merge([*ob.system.monitors, *got])
    return (
        bool(got)
        and all(g.decl.name in rename for g in got)
        and (rename[got[-1].decl.name] == m.decl.name)
    )
