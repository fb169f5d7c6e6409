"""The vocabulary of candidate lemmas: template variables, terms and atoms.

Terms per sort: the variables (two per sort unless asked for more),
sort-valued scalars, and sort-valued maps applied to variables, which
composes maps (``gmem[g1]`` is a Page term, so ``use[gmem[g1]]`` is a read of
``use`` at it). Atoms: bool scalars and maps read at terms
(``assigned[target[t1]]``), enum-valued and small-int reads equal to each
value (a clause may hold several values of one read: the set
``use[p] in {...}``), and equalities between terms of one sort.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Mapping, Sequence

from rmpcheck import ir
from rmpcheck.engines.induction.sample import VARS_PER_SORT
from rmpcheck.monitor import System


def template_vars(model: ir.Model, per_sort: int = VARS_PER_SORT) -> list[ir.BoundVar]:
    """``t1, t2`` for Thread, ``p1, p2`` for Page: names no declaration uses."""
    taken = {d.name for d in model.state} | {s.name for s in model.sorts}
    taken |= {m for e in model.enums for m in e.members} | {d.name for d in model.defs}
    out = []
    for s in model.sorts:
        base = s.name[0].lower()
        while any(f"{base}{i}" in taken for i in range(1, per_sort + 1)):
            base = s.name[: len(base) + 1].lower() if len(base) < len(s.name) else base + "_"
        names = [f"{base}{i}" for i in range(1, per_sort + 1)]
        taken.update(names)
        out += [ir.BoundVar(n, s) for n in names]
    return out


def _keys(t: ir.ScalarType, sort_terms: Mapping[str, list[ir.Expr]]) -> list[ir.Expr]:
    if isinstance(t, ir.SortType):
        return sort_terms.get(t.name, [])
    if isinstance(t, ir.EnumType):
        return [ir.EnumLit(t, m) for m in t.members]
    if isinstance(t, ir.BoolType):
        return [ir.BoolLit(False), ir.BoolLit(True)]
    if t.hi - t.lo < 4:
        return [ir.IntLit(v) for v in range(t.lo, t.hi + 1)]
    return []


def _reads(d: ir.StateDecl, sort_terms: Mapping[str, list[ir.Expr]]) -> Iterator[ir.Expr]:
    if not isinstance(d.type, ir.MapType):
        yield d.ref()
        return
    for args in itertools.product(*(_keys(k, sort_terms) for k in d.type.keys)):
        yield ir.Select(d.ref(), tuple(args))


def atoms(
    system: System, xs: Sequence[ir.BoundVar], monitors: Collection[str] = ()
) -> list[ir.Expr]:
    """Every atom over the model's own variables and the ``monitors`` named (those that
    can be printed back as the past-time formula they came from, engines/induction/past)."""
    decls = list(system.model.state)
    by_sort: dict[str, list[ir.Expr]] = {}
    for x in xs:
        assert isinstance(x.type, ir.SortType)
        by_sort.setdefault(x.type.name, []).append(x)
    terms = {k: list(v) for k, v in by_sort.items()}
    for d in decls:  # depth-1 terms: sort-valued reads at variables
        vt = d.type.value if isinstance(d.type, ir.MapType) else d.type
        if isinstance(vt, ir.SortType):
            terms.setdefault(vt.name, []).extend(_reads(d, by_sort))
    out: list[ir.Expr] = []
    for d in decls + [m.decl for m in system.monitors if m.decl.name in monitors]:
        vt = d.type.value if isinstance(d.type, ir.MapType) else d.type
        if isinstance(vt, ir.BoolType):
            out += list(_reads(d, terms))
        elif isinstance(vt, (ir.EnumType, ir.IntType)):
            vals = _keys(vt, {})
            if len(vals) == 2:
                vals = vals[:1]  # the other value is the negation
            for r in _reads(d, terms):
                out += [ir.BinOp("==", r, v, ir.BOOL) for v in vals]
    for ts in terms.values():
        out += [rename(ir.BinOp("==", a, b, ir.BOOL), {}) for a, b in itertools.combinations(ts, 2)]
    return out


def rename(e: ir.Expr, env: Mapping[ir.BoundVar, ir.Expr]) -> ir.Expr:
    """Rename variables, then orient equalities canonically (``t2 == t1`` is ``t1 == t2``)."""
    r = ir.substitute(e, env)
    if (
        isinstance(r, ir.BinOp)
        and r.op == "=="
        and isinstance(r.left.type, ir.SortType)
        and repr(r.right) < repr(r.left)
    ):
        return ir.BinOp("==", r.right, r.left, r.type)
    return r
