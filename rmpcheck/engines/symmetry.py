"""Symmetry reduction over sorts: one representative per orbit of sort permutations.

Why it is sound: the language has no sort constants, and a sort's elements can
only be compared for equality, so every guard, update, initial condition,
assumption, monitor and property is invariant under renaming the elements of a
sort, and every bulk update's result is independent of the order of the
elements it runs over (rmpcheck.bulk). Permuting a reachable state therefore
gives a reachable state with the same verdict, and exploring one state per
orbit decides every question the explicit engine asks. Soundness needs only
that :meth:`Symmetry.canon` returns *some* member of the state's orbit;
canonicity (same result for the whole orbit) only buys a smaller state graph. A
sort that some expression orders (``<``) or computes with is left unreduced, so
a future front end that allows it cannot make the reduction unsound.

How the representative is chosen (the individualisation-refinement scheme
of nauty, small): colour refinement (1-dimensional Weisfeiler-Leman) over the
state seen as a hypergraph whose hyperedges are map entries gives every
element an orbit-invariant colour. Isolated elements (in no entry with another
element) of one colour are interchangeable, so their order is irrelevant. For
the other ties, the first tied class (an invariant choice) is split by
individualising each of its elements in turn and refining again, down to
discrete colourings; the least image over these leaves is canonical. Past
``exact_limit`` leaves only the first element of a class is individualised:
still a member of the orbit (sound), no longer canonical.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import factorial
from typing import Any

from rmpcheck import ir
from rmpcheck.bulk import order_dependent_sorts
from rmpcheck.engines.symmetry_codegen import compile_symmetry
from rmpcheck.interp import Instance, State

# Leaves of the individualisation search for an exact canonical form; past this
# the representative is merely sound.
EXACT_LIMIT = 64

Perm = tuple[tuple[int, ...], ...]  # per reduced sort: element -> new element


def reducible_sorts(inst: Instance, extra: Sequence[ir.Expr] = ()) -> list[ir.SortType]:
    """Sorts of size >= 2 whose elements the semantics cannot tell apart.

    A sort is left out when some expression orders it or does arithmetic on
    it, or when some bulk update's result depends on the order of its
    elements (rmpcheck.bulk; the checker rejects such models, but a model
    built in Python does not pass the checker).
    """
    broken: set[str] = set(order_dependent_sorts(inst.model))
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
        code = compile_symmetry(inst, self.sorts)
        self._own, self._refine, self.apply = code.own, code.refine, code.apply
        self.source = code.source
        self.identity: Perm = tuple(tuple(range(n)) for n in self.sizes)
        # The refinement's signatures list an element's roles in a map in the order the
        # code generator met them, which for a sort at two key positions of one map
        # (a relation) depends on the element: its colours are then not invariant, and
        # the form, though sound, not canonical. canon_exact never claims it there.
        self.equivariant = not any(
            sum(k == s for k in d.type.keys) >= 2
            for d in inst.decls
            if isinstance(d.type, ir.MapType)
            for s in self.sorts
        )
        self._elements = sum(self.sizes)  # colour classes once every element is alone
        # Colour refinement decides the orbits of a coloured forest: on a state whose
        # elements are linked only by functions from one sort to another, forming no
        # cycle, every member of a tied class leads to the same leaf image, and one
        # path of the individualisation search is the canonical form (no branching)
        self.forest = self.equivariant and _forest(inst, self.sorts)

    @property
    def active(self) -> bool:
        return bool(self.sorts)

    # ------------------------------------------------------------ colours

    def own(self, s: State) -> tuple[list[list[Any]], list[list[bool]]]:
        """Each element's own entries (those naming no other element), and which
        elements are isolated: the colours before any refinement."""
        return self._own(s)

    def colours(self, s: State) -> tuple[list[list[int]], list[list[bool]]]:
        """Stable orbit-invariant colours of every element, and which are isolated."""
        own, isolated = self._own(s)
        ranked = [_rank(x) for x in own]
        return self._stable(s, [c for c, _ in ranked], sum(k for _, k in ranked)), isolated

    def _stable(self, s: State, col: list[list[int]], classes: int) -> list[list[int]]:
        """Refine until no class splits (each round can only split classes)."""
        while classes < self._elements:
            ranked = [_rank(x) for x in self._refine(s, *col)]
            now = sum(k for _, k in ranked)
            col = [c for c, _ in ranked]
            if now == classes:
                break
            classes = now
        return col

    # ------------------------------------------------------ representatives

    def canon_perm(self, s: State) -> tuple[State, Perm]:
        """A member of ``s``'s orbit and the permutation that maps ``s`` to it."""
        rep, perm, _ = self._best(s)
        return rep, perm

    def canon_exact(self, s: State) -> tuple[State, bool]:
        """``canon(s)``, and whether it is canonical: the whole search tree was tried
        (at most ``exact_limit`` leaves, no class cut short) over invariant colours,
        and so every member of ``s``'s orbit gets the same representative. (With at
        most ``exact_limit`` leaves in all, no class is ever cut short, in whatever
        order they come.)"""
        if self.forest:
            return self._path(s), True
        if self.equivariant:
            col, isolated = self.colours(s)
            images: list[State] = []
            if self._pruned(s, col, isolated, images, self.exact_limit) <= self.exact_limit:
                return min(images), True
        rep, _, exact = self._best(s)
        return rep, exact and self.equivariant

    def _path(self, s: State) -> State:
        """The leaf image of the individualisation search's first path."""
        col, isolated = self.colours(s)
        while (cell := _target_cell(col, isolated)) is not None:
            si, members = cell
            classes = sum(max(c, default=-1) + 1 for c in col) + 1
            col = self._stable(s, _individualised(col, si, members[0]), classes)
        orders = [sorted(range(n), key=c.__getitem__) for n, c in zip(self.sizes, col, strict=True)]
        return self.apply(s, _perm_of(orders))

    def _pruned(
        self,
        s: State,
        col: list[list[int]],
        isolated: list[list[bool]],
        images: list[State],
        room: int,
    ) -> int:
        """``_search`` with twins pruned: of the members of a class that a swap of two
        of them maps onto each other (an automorphism of s fixing the path so far),
        only the first is tried, its subtree standing for theirs (the swap maps one
        onto the other, leaf images included: colours are invariant). Adds the leaf
        images to ``images``; returns the leaves the whole tree has, or room + 1 once
        past ``room`` (then the whole tree would have been cut short somewhere)."""
        cell = _target_cell(col, isolated)
        if cell is None:
            orders = [
                sorted(range(n), key=c.__getitem__) for n, c in zip(self.sizes, col, strict=True)
            ]
            images.append(self.apply(s, _perm_of(orders)))
            return 1
        si, members = cell
        classes = sum(max(c, default=-1) + 1 for c in col) + 1
        twins: list[list[int]] = []  # [first member, members it stands for]
        for x in members:
            for t in twins:
                if self.apply(s, self.swap(si, t[0], x)) == s:
                    t[1] += 1
                    break
            else:
                twins.append([x, 1])
        total = 0
        for x, k in twins:
            split = _individualised(col, si, x)
            below = (room - total) // k
            total += k * self._pruned(s, self._stable(s, split, classes), isolated, images, below)
            if total > room:
                return room + 1
        return total

    def swap(self, si: int, x: int, y: int) -> Perm:
        """The permutation exchanging elements x and y of the si-th reduced sort."""
        p = list(self.identity[si])
        p[x], p[y] = y, x
        return (*self.identity[:si], tuple(p), *self.identity[si + 1 :])

    def _best(self, s: State) -> tuple[State, Perm, bool]:
        col, isolated = self.colours(s)
        leaves: list[list[list[int]]] = []
        cut: list[bool] = []
        self._search(s, col, isolated, leaves, cut)
        best: tuple[State, Perm] | None = None
        for leaf in leaves:
            perm = _perm_of(
                [sorted(range(n), key=c.__getitem__) for n, c in zip(self.sizes, leaf, strict=True)]
            )
            img = self.apply(s, perm)
            if best is None or img < best[0]:
                best = (img, perm)
        assert best is not None
        return best[0], best[1], not cut and len(leaves) <= self.exact_limit

    def _search(
        self,
        s: State,
        col: list[list[int]],
        isolated: list[list[bool]],
        leaves: list[Any],
        cut: list[bool],
    ) -> None:
        cell = _target_cell(col, isolated)
        if cell is None:
            # ties left are isolated twins: any order gives the same image
            leaves.append([[(c[e], e) for e in range(len(c))] for c in col])
            return
        si, members = cell
        classes = sum(max(c, default=-1) + 1 for c in col) + 1
        # branch on every member while the budget allows; else on the first only
        room = self.exact_limit - len(leaves)
        if len(members) > room:
            cut.append(True)
        for x in members if len(members) <= room else members[:1]:
            split = _individualised(col, si, x)
            self._search(s, self._stable(s, split, classes), isolated, leaves, cut)

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


def _forest(inst: Instance, sorts: Sequence[ir.SortType]) -> bool:
    """Whether every state of ``inst`` is a coloured forest over the reduced elements:
    each entry naming two or more reduced elements is a function's, from one element
    of one sort to an element of another, each sort has at most one such function
    (one entry per element), and the sorts' functions form no cycle."""
    reduced = {s.name for s in sorts}
    out: dict[str, str] = {}
    for d in inst.decls:
        t = d.type
        if not isinstance(t, ir.MapType):
            continue
        keys = [k.name for k in t.keys if isinstance(k, ir.SortType) and k.name in reduced]
        value = t.value.name if isinstance(t.value, ir.SortType) else None
        linked = len(keys) + (value in reduced)
        if linked < 2:
            continue
        other = [k for k in t.keys if not (isinstance(k, ir.SortType) and k.name in reduced)]
        if len(keys) != 1 or value not in reduced or keys[0] == value or keys[0] in out:
            return False
        if any(len(inst.sizes.domain(k).values) != 1 for k in other):
            return False  # several entries per element: several edges
        out[keys[0]] = value
    for start in out:  # each sort has one successor at most: follow it
        seen, x = {start}, out[start]
        while x in out:
            if x in seen:
                return False
            seen.add(x)
            x = out[x]
    return True


def _individualised(col: list[list[int]], si: int, x: int) -> list[list[int]]:
    """``col`` with element x of sort si alone just before the rest of its class
    (ranks stay dense)."""
    split = list(col)
    c = col[si][x]
    split[si] = [v + (v > c or (v == c and e != x)) for e, v in enumerate(col[si])]
    return split


def _target_cell(col: list[list[int]], isolated: list[list[bool]]) -> tuple[int, list[int]] | None:
    """The first class (by sort, then colour) with two or more non-isolated elements."""
    for si, c in enumerate(col):
        if len(set(c)) == len(c):
            continue  # discrete already
        iso = isolated[si]
        classes: dict[int, list[int]] = {}
        for e, v in enumerate(c):
            if not iso[e]:
                classes.setdefault(v, []).append(e)
        tied = [v for v, es in classes.items() if len(es) > 1]
        if tied:
            return si, classes[min(tied)]
    return None


def _rank(sigs: list[Any]) -> tuple[list[int], int]:
    """Dense ranks of the signatures, and how many distinct ones there are."""
    distinct = sorted(set(sigs))
    table = dict(zip(distinct, range(len(distinct)), strict=True))
    return list(map(table.__getitem__, sigs)), len(distinct)


def _perm_of(orders: Sequence[Sequence[int]]) -> Perm:
    """From 'position -> old element' to 'old element -> new element'."""
    out = []
    for order in orders:
        p = [0] * len(order)
        for pos, e in enumerate(order):
            p[e] = pos
        out.append(tuple(p))
    return tuple(out)
