"""Maps defined only where a flag says so: the lemmas about them, guarded by the flag.

Models keep a partial map as two state variables: ``gmem[g]``, the
guest_memfd folio of a frame, and ``has_gmem[g]``, whether there is one.
Where the flag is clear the map keeps a stale or filler value (the upstream
models write ``ctx``), and what lemmas say of the map hold only where the
flag is set: two frames never share a folio is ``has_gmem[g1] &&
has_gmem[g2] && gmem[g1] == gmem[g2] -> g1 == g2``. On the small sampled
instances the one-sided ``has_gmem[g1] && gmem[g1] == gmem[g2] -> g1 ==
g2`` holds too (no folio is ever the filler page there), and the
enumeration never proposes a clause that a shorter holding one implies;
Houdini drops the one-sided clause (a deeper state has a frame whose stale
page went to another frame's folio), and the lemma was never a candidate.

Which flag guards which map is read off the model: ``d`` guards ``f`` when
every action that writes ``f[e]`` also writes ``d[e]`` (the same index), and
some action sets ``d[e]`` true. For each such pair the candidates are the
map's injectivity where defined, and each sampled clause of one literal that
reads ``f`` at a variable ``x`` with ``!d[x]`` added; each is kept only if it
holds on the sample and not on every noise state.
"""

from __future__ import annotations

from collections.abc import Sequence

from rmpcheck import ir
from rmpcheck.engines.induction.atoms import rename
from rmpcheck.engines.induction.candidates import Candidate, Literals, clause_formula


def guarded_maps(model: ir.Model) -> list[tuple[ir.StateDecl, ir.StateDecl]]:
    """The pairs (map, flag) of the module docstring."""
    decls = {d.name: d for d in model.state}
    writes: dict[str, list[tuple[int, tuple[ir.Expr, ...], ir.Expr]]] = {}
    for k, a in enumerate(model.actions):
        for st in ir.walk_stmts(a.body):
            if isinstance(st, ir.Assign):
                writes.setdefault(st.target.name, []).append((k, st.indices, st.value))
    out = []
    for f in model.state:
        t = f.type
        if not (
            isinstance(t, ir.MapType)
            and len(t.keys) == 1
            and isinstance(t.keys[0], ir.SortType)
            and isinstance(t.value, ir.SortType)
            and f.name in writes
        ):
            continue
        for d in decls.values():
            dt = d.type
            if not (
                isinstance(dt, ir.MapType)
                and dt.keys == t.keys
                and isinstance(dt.value, ir.BoolType)
            ):
                continue
            flag = {(k, ix) for k, ix, _ in writes.get(d.name, [])}
            if all((k, ix) in flag for k, ix, _ in writes[f.name]) and any(
                v == ir.BoolLit(True) for _, _, v in writes.get(d.name, [])
            ):
                out.append((f, d))
    return out


def clauses(
    table: Literals,
    pairs: Sequence[tuple[ir.StateDecl, ir.StateDecl]],
    short: Sequence[Candidate],
) -> list[Candidate]:
    """The guarded candidates over ``table``'s literals (module docstring); ``short`` are
    the sampled clauses to guard."""
    found: dict[frozenset[tuple[ir.Expr, bool]], Candidate] = {}

    def add(lits: Sequence[tuple[ir.Expr, bool]]) -> None:
        combo = [table.index.get(lit) for lit in lits]
        if None in combo or frozenset(lits) in found:
            return
        picked = [j for j in combo if j is not None]
        if table.holds(picked) and table.telling(picked):
            found[frozenset(lits)] = Candidate(clause_formula(lits), len(lits), tuple(lits))

    for f, d in pairs:
        xs = [x for x in table.xs if (x.type,) == _keys(f)]
        for x1, x2 in zip(xs, xs[1:], strict=False):
            same = rename(ir.BinOp("==", _at(f, x1), _at(f, x2), ir.BOOL), {})
            eq = rename(ir.BinOp("==", x1, x2, ir.BOOL), {})
            add([(_at(d, x1), False), (_at(d, x2), False), (same, False), (eq, True)])
        for c in short:
            if len(c.lits) != 1:
                continue  # (guarding longer clauses makes a thousand candidates, mostly idle)
            for x in xs:
                guard = _at(d, x)
                if any(a == guard for a, _ in c.lits):
                    continue
                if any(_reads(a, f, x) for a, _ in c.lits):
                    add([*c.lits, (guard, False)])
    return list(found.values())


def _keys(f: ir.StateDecl) -> tuple[ir.Type, ...]:
    assert isinstance(f.type, ir.MapType)
    return f.type.keys


def _at(m: ir.StateDecl, x: ir.Expr) -> ir.Expr:
    assert isinstance(m.type, ir.MapType)
    return ir.Select(m.ref(), (x,))


def _reads(e: ir.Expr, f: ir.StateDecl, x: ir.BoundVar) -> bool:
    return any(
        isinstance(s, ir.Select) and s.map.name == f.name and s.args == (x,) for s in ir.walk(e)
    )
