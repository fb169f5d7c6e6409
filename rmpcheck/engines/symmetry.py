"""Symmetry reduction over sorts: one representative per orbit of sort permutations.

Why it is sound: the language has no sort constants, and a sort's elements can
only be compared for equality, so every guard, update, initial condition,
assumption, monitor and property is invariant under renaming the elements of a
sort. Permuting a reachable state therefore gives a reachable state with the
same verdict, and exploring one state per orbit decides every question the
explicit engine asks. Soundness needs only that :meth:`Symmetry.canon` returns
*some* member of the state's orbit; canonicity (same result for the whole
orbit) only buys a smaller state graph. A sort that some expression orders
(``<``) or computes with is left unreduced, so a future front end that allows
it cannot make the reduction unsound.

How the representative is chosen: colour refinement (1-dimensional
Weisfeiler-Leman) over the state seen as a hypergraph whose hyperedges are map
entries. Elements are ordered by colour; the colours are orbit-invariant, so
permuting within colour classes is all that is left. Isolated elements of one
class (those in no entry with another sort element) are interchangeable, so
their order does not matter; for the other ties the least image over all
orderings is taken when there are at most ``exact_limit`` of them (exactly
canonical), else the elements' own order breaks them (sound, not canonical).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from math import factorial
from typing import Any

from rmpcheck import ir
from rmpcheck.interp import Instance, State

# Orderings of tied elements tried for an exact canonical form; past this the
# representative is merely sound.
EXACT_LIMIT = 24

Perm = tuple[tuple[int, ...], ...]  # per reduced sort: element -> new element


def reducible_sorts(inst: Instance, extra: Sequence[ir.Expr] = ()) -> list[ir.SortType]:
    """Sorts of size >= 2 that no expression orders or does arithmetic on."""
    broken: set[str] = set()
    for e in _all_exprs(inst.system, extra):
        for x in ir.walk(e):
            if isinstance(x, ir.BinOp) and x.op not in ("==", "!=", "and", "or", "implies", "iff"):
                for side in (x.left, x.right):
                    if isinstance(side.type, ir.SortType):
                        broken.add(side.type.name)
    return [s for s in inst.model.sorts if inst.sizes.sizes[s.name] >= 2 and s.name not in broken]


def _all_exprs(system: Any, extra: Sequence[ir.Expr]) -> list[ir.Expr]:
    out: list[ir.Expr] = list(extra) + list(system.model.init)
    out += list(system.state_assumes) + list(system.step_assumes)
    for m in system.monitors:
        out += [m.init, m.next]
    for a in system.model.actions:
        for st in ir.walk_stmts(a.body):
            if isinstance(st, ir.Require):
                out.append(st.cond)
            elif isinstance(st, ir.Assign):
                out += [*st.indices, st.value]
            elif isinstance(st, ir.If):
                out.append(st.cond)
            elif isinstance(st, ir.Choose) and st.where is not None:
                out.append(st.where)
    return out


class Symmetry:
    """Representatives and permutations of states of one instance."""

    def __init__(
        self, inst: Instance, extra: Sequence[ir.Expr] = (), exact_limit: int = EXACT_LIMIT
    ) -> None:
        self.inst = inst
        self.sorts = reducible_sorts(inst, extra)
        self.exact_limit = exact_limit
        self.sizes = [inst.sizes.sizes[s.name] for s in self.sorts]
        sid = {s: i for i, s in enumerate(self.sorts)}
        # entries with one sort element (their contribution to a colour is fixed)
        # and entries relating two or more (they carry colours between elements)
        self._unary: list[tuple[int, int | None, int, int, tuple[Any, ...]]] = []
        self._relational: list[tuple[int, int | None, tuple[Any, ...], tuple[int | None, ...]]] = []
        for i, d in enumerate(inst.decls):
            keys: list[tuple[Any, ...]]
            if isinstance(d.type, ir.MapType):
                keys, ktypes, vtype = inst.sizes.keys(d.type), d.type.keys, d.type.value
            else:
                keys, ktypes, vtype = [()], (), d.type
            slots = tuple(sid.get(t) for t in (*ktypes, vtype))  # type: ignore[call-overload]
            if all(x is None for x in slots):
                continue
            for k, key in enumerate(keys):
                flat = k if isinstance(d.type, ir.MapType) else None
                if sum(x is not None for x in slots) == 1:
                    j = next(j for j, x in enumerate(slots) if x is not None)
                    self._unary.append((i, flat, j, slots[j], key))  # type: ignore[arg-type]
                else:
                    self._relational.append((i, flat, key, slots))
        self.apply: Callable[..., State] = _compile_apply(inst, self.sorts)
        self.identity: Perm = tuple(tuple(range(n)) for n in self.sizes)

    @property
    def active(self) -> bool:
        return bool(self.sorts)

    # ------------------------------------------------------------ colours

    def colours(self, s: State) -> tuple[list[list[int]], list[list[bool]]]:
        """Orbit-invariant colours of every element, and which elements are isolated."""
        n_sorts = len(self.sizes)
        own: list[list[list[Any]]] = [[[] for _ in range(n)] for n in self.sizes]
        for i, flat, j, si, key in self._unary:
            v = s[i] if flat is None else s[i][flat]
            comps = (*key, v)
            e = comps[j]
            own[si][e].append((i, j, comps[:j] + comps[j + 1 :]))
        col = [_rank([tuple(sorted(x)) for x in own[si]]) for si in range(n_sorts)]
        isolated = [[True] * n for n in self.sizes]
        if not self._relational:
            return col, isolated
        rel = []
        for i, flat, key, slots in self._relational:
            v = s[i] if flat is None else s[i][flat]
            comps = (*key, v)
            rel.append((i, comps, slots))
            for c, si in zip(comps, slots, strict=True):
                if si is not None:
                    isolated[si][c] = False
        classes = [len(set(c)) for c in col]
        while True:
            desc: list[list[list[Any]]] = [[[] for _ in range(n)] for n in self.sizes]
            for i, comps, slots in rel:
                for j, (c, si) in enumerate(zip(comps, slots, strict=True)):
                    if si is None:
                        continue
                    view = tuple(
                        x if sj is None else (-1 if (sj == si and x == c) else col[sj][x])
                        for x, sj in zip(comps, slots, strict=True)
                    )
                    desc[si][c].append((i, j, view))
            col = [
                _rank([(col[si][e], tuple(sorted(desc[si][e]))) for e in range(n)])
                for si, n in enumerate(self.sizes)
            ]
            now = [len(set(c)) for c in col]
            if now == classes:
                return col, isolated
            classes = now

    # ------------------------------------------------------ representatives

    def canon_perm(self, s: State) -> tuple[State, Perm]:
        """A member of ``s``'s orbit and the permutation that maps ``s`` to it."""
        col, isolated = self.colours(s)
        orders: list[list[int]] = []
        ties: list[list[list[int]]] = []  # per sort, the tied non-isolated groups
        for si, n in enumerate(self.sizes):
            c, iso = col[si], isolated[si]
            order = sorted(range(n), key=lambda e: (c[e], e))  # noqa: B023 - used at once
            orders.append(order)
            groups: dict[int, list[int]] = {}
            for pos, e in enumerate(order):
                if not iso[e]:
                    groups.setdefault(c[e], []).append(pos)
            ties.append([g for g in groups.values() if len(g) > 1])
        n_orders = 1
        for groups in ties:
            for g in groups:
                n_orders *= factorial(len(g))
        if n_orders == 1 or n_orders > self.exact_limit:
            perm = _perm_of(orders)
            return self.apply(s, perm), perm
        best: tuple[State, Perm] | None = None
        for choice in itertools.product(
            *(_reorders(o, g) for o, g in zip(orders, ties, strict=True))
        ):
            perm = _perm_of(list(choice))
            img = self.apply(s, perm)
            if best is None or img < best[0]:
                best = (img, perm)
        assert best is not None
        return best

    def canon(self, s: State) -> State:
        return self.canon_perm(s)[0]

    # -------------------------------------------------------- permutations

    def compose(self, f: Perm, g: Perm) -> Perm:
        """``f`` after ``g``."""
        return tuple(tuple(fp[x] for x in gp) for fp, gp in zip(f, g, strict=True))

    def inverse(self, f: Perm) -> Perm:
        # a permutation read as 'position -> element' is the inverse's order
        return _perm_of(f)

    def group_order(self) -> int:
        out = 1
        for n in self.sizes:
            out *= factorial(n)
        return out


def _rank(sigs: list[Any]) -> list[int]:
    table = {sig: r for r, sig in enumerate(sorted(set(sigs)))}
    return [table[sig] for sig in sigs]


def _perm_of(orders: Sequence[Sequence[int]]) -> Perm:
    """From 'position -> old element' to 'old element -> new element'."""
    out = []
    for order in orders:
        p = [0] * len(order)
        for pos, e in enumerate(order):
            p[e] = pos
        out.append(tuple(p))
    return tuple(out)


def _reorders(order: list[int], groups: list[list[int]]) -> list[list[int]]:
    """Every order obtained by permuting the elements at each group's positions."""
    outs = [order]
    for g in groups:
        nxt = []
        for base in outs:
            for perm in itertools.permutations([base[p] for p in g]):
                o = list(base)
                for p, e in zip(g, perm, strict=True):
                    o[p] = e
                nxt.append(o)
        outs = nxt
    return outs


def _compile_apply(inst: Instance, sorts: list[ir.SortType]) -> Callable[..., State]:
    """``apply(s, perm)``: the state with every reduced sort's elements renamed.

    Generated once per instance: entry ``k`` of a map moves to the key's image,
    so the new entry at key ``x`` is the old entry at the preimage of ``x``.
    """
    sid = {s: i for i, s in enumerate(sorts)}
    parts = []
    for i, d in enumerate(inst.decls):
        t = d.type
        if isinstance(t, ir.MapType):
            keys = inst.sizes.keys(t)
            kslots = [sid.get(kt) for kt in t.keys]  # type: ignore[call-overload]
            vslot = sid.get(t.value)  # type: ignore[call-overload]
            if all(x is None for x in kslots) and vslot is None:
                parts.append(f"s[{i}]")
                continue
            strides = [1] * len(t.keys)
            for j in range(len(t.keys) - 2, -1, -1):
                strides[j] = strides[j + 1] * inst.sizes.domain(t.keys[j + 1]).size
            entries = []
            for key in keys:
                terms = []
                for j, (kt, k) in enumerate(zip(t.keys, key, strict=True)):
                    idx = inst.sizes.domain(kt).index(k)
                    slot = kslots[j]
                    term = f"Q{slot}[{idx}]" if slot is not None else str(idx)
                    terms.append(term if strides[j] == 1 else f"{term}*{strides[j]}")
                read = f"v{i}[{' + '.join(terms)}]"
                entries.append(f"P{vslot}[{read}]" if vslot is not None else read)
            parts.append(f"({', '.join(entries)},)")
        else:
            slot = sid.get(t)  # type: ignore[call-overload]
            parts.append(f"P{slot}[s[{i}]]" if slot is not None else f"s[{i}]")
    lines = [f"P{j} = perm[{j}]" for j in range(len(sorts))]
    for j in range(len(sorts)):
        lines.append(f"Q{j} = [0] * len(P{j})")
        lines.append(f"for e, x in enumerate(P{j}): Q{j}[x] = e")
    lines += [f"v{i} = s[{i}]" for i in range(len(inst.decls))]
    lines.append(f"return ({', '.join(parts)},)")
    src = "def _apply(s, perm):\n" + "\n".join("    " + ln for ln in lines) + "\n"
    ns: dict[str, Any] = {}
    exec(compile(src, "<rmpcheck:symmetry>", "exec"), ns)  # noqa: S102 - our own generated code
    fn = ns["_apply"]
    fn.source = src
    return fn  # type: ignore[no-any-return]
