"""One representative per symmetry orbit, for a frontier of packed states at once.

The group is the product of the permutation groups of the reducible sorts
(engines/symmetry.py says why renaming elements is sound). The
representative of a state s is the least packed word of

    sortcanon(sigma(s))   over every permutation sigma of the *enumerated* sorts,

where one sort, P, is not enumerated but sorted. Once the other sorts'
labels are fixed, an element p of P is described completely by its
*column*: the values of the entries keyed by p (in a fixed order of their
other keys) and, for every location holding a P value, whether it holds p.
Two elements with equal columns are interchangeable (swapping them leaves
the state unchanged), so relabelling P's elements in the order of their
columns gives the same state for every labelling of P: sortcanon is
invariant under P's permutations, the minimum over sigma under the others',
and the result is a canonical form of the whole orbit, exact, with no
search over P's |P|! labellings. P must not be related to itself (no entry
keyed by two P elements or keyed by P with a P value), and the columns must
fit in 64 bits; the largest such sort is chosen. Without one, or past
ENUM_LIMIT permutations of the rest, the packed search is not used and
symmetry reduction falls back to the interpreter's canonicaliser.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from math import factorial, prod

import numpy as np

from rmpcheck import ir
from rmpcheck.engines.packed.layout import Layout

# Permutations of the enumerated sorts applied to each state: 3! x 3! = 36, or 5!.
ENUM_LIMIT = 120


@dataclass(frozen=True)
class _Sigma:
    src: tuple[int, ...]  # new field -> the old field whose value it takes
    vmaps: tuple[np.ndarray | None, ...]  # new field -> value-index relabelling, if any


class Canon:
    """``canon(words)``: each state's representative (exact: one per orbit)."""

    def __init__(
        self,
        lay: Layout,
        sorted_sort: ir.SortType | None,
        groups: list[list[int]],
        pointers: list[int],
        sigmas: list[_Sigma],
    ) -> None:
        self.lay, self.sorted_sort = lay, sorted_sort
        self.groups, self.pointers, self.sigmas = groups, pointers, sigmas
        self.shifts = [np.uint64(f.shift) for f in lay.fields]
        self.masks = [np.uint64(f.mask) for f in lay.fields]
        self.size = len(groups[0]) if groups else 0
        if sorted_sort is not None:
            self.size = lay.inst.sizes.sizes[sorted_sort.name]

    def __call__(self, words: np.ndarray) -> np.ndarray:
        n = len(words)
        if n == 0:
            return words
        cols = [
            ((words >> s) & m).astype(np.int64)
            for s, m in zip(self.shifts, self.masks, strict=True)
        ]
        best: np.ndarray | None = None
        for sg in self.sigmas:
            moved = [
                cols[j] if vm is None else vm[cols[j]]
                for j, vm in zip(sg.src, sg.vmaps, strict=True)
            ]
            if self.sorted_sort is not None:
                self._sort(moved, n)
            packed = self._pack(moved, n)
            best = packed if best is None else np.minimum(best, packed)
        assert best is not None
        return best

    def _sort(self, cols: list[np.ndarray], n: int) -> None:
        """Relabel the sorted sort's elements in the order of their columns, in place."""
        size = self.size
        sig = np.zeros((n, size), dtype=np.uint64)
        mats = []
        for g in self.groups:
            m = np.stack([cols[fi] for fi in g], axis=1)
            mats.append(m)
            bits = self.lay.fields[g[0]].bits
            sig = (sig << np.uint64(bits)) | m.astype(np.uint64)
        elems = np.arange(size, dtype=np.int64)[None, :]
        for fi in self.pointers:
            sig = (sig << np.uint64(1)) | (cols[fi][:, None] == elems).astype(np.uint64)
        order = np.argsort(sig, axis=1, kind="stable")
        for g, m in zip(self.groups, mats, strict=True):
            moved = np.take_along_axis(m, order, axis=1)
            for k, fi in enumerate(g):
                cols[fi] = moved[:, k]
        if self.pointers:
            rank = np.argsort(order, axis=1, kind="stable")
            for fi in self.pointers:
                cols[fi] = np.take_along_axis(rank, cols[fi][:, None], axis=1)[:, 0]

    def _pack(self, cols: list[np.ndarray], n: int) -> np.ndarray:
        out = np.zeros(n, dtype=np.uint64)
        for c, s, f in zip(cols, self.shifts, self.lay.fields, strict=True):
            if f.bits:
                out |= c.astype(np.uint64) << s
        return out


def canonicaliser(lay: Layout, sorts: Sequence[ir.SortType]) -> Canon | None:
    """The vectorised canonical form for ``sorts``, or None when it does not apply."""
    if not sorts:
        return None
    inst = lay.inst
    size = {s.name: inst.sizes.sizes[s.name] for s in sorts}
    loose = [s for s in sorts if not _self_related(inst.decls, s)]
    pick = max(loose, key=lambda s: size[s.name], default=None)
    rest = [s for s in sorts if s != pick]
    if prod(factorial(size[s.name]) for s in rest) > ENUM_LIMIT:
        return None
    groups: list[list[int]] = []
    pointers: list[int] = []
    if pick is not None:
        groups, pointers = _columns(lay, pick)
        bits = sum(lay.fields[g[0]].bits for g in groups) + len(pointers)
        if bits > 64:
            return None
    sigmas = [_sigma(lay, rest, perms) for perms in _perms(rest, size)]
    return Canon(lay, pick, groups, pointers, sigmas)


def _self_related(decls: Sequence[ir.StateDecl], s: ir.SortType) -> bool:
    for d in decls:
        if isinstance(d.type, ir.MapType):
            n = sum(k == s for k in d.type.keys) + (d.type.value == s)
            if n >= 2:
                return True
    return False


def _columns(lay: Layout, p: ir.SortType) -> tuple[list[list[int]], list[int]]:
    """The fields keyed by ``p``, grouped by their other keys (one field per element),
    and the fields holding a ``p`` value."""
    groups: dict[tuple[int, tuple[object, ...]], list[int]] = {}
    pointers = []
    for fi, f in enumerate(lay.fields):
        d = lay.inst.decls[f.decl]
        if isinstance(d.type, ir.MapType) and p in d.type.keys:
            at = d.type.keys.index(p)
            rest = f.key[:at] + f.key[at + 1 :]
            groups.setdefault((f.decl, rest), []).append(fi)  # row-major: element order
        if f.domain.type == p:
            pointers.append(fi)
    return [g for g in groups.values() if lay.fields[g[0]].bits], pointers


def _perms(
    sorts: Sequence[ir.SortType], size: dict[str, int]
) -> Iterator[dict[str, tuple[int, ...]]]:
    ranges = [itertools.permutations(range(size[s.name])) for s in sorts]
    for combo in itertools.product(*ranges):
        yield dict(zip((s.name for s in sorts), combo, strict=True))


def _sigma(lay: Layout, sorts: Sequence[ir.SortType], perm: dict[str, tuple[int, ...]]) -> _Sigma:
    names = {s.name for s in sorts}
    where = {(f.decl, f.key): fi for fi, f in enumerate(lay.fields)}
    src = [0] * len(lay.fields)
    vmaps: list[np.ndarray | None] = []
    for fi, f in enumerate(lay.fields):
        d = lay.inst.decls[f.decl]
        keys = d.type.keys if isinstance(d.type, ir.MapType) else ()
        moved = tuple(
            perm[k.name][x] if isinstance(k, ir.SortType) and k.name in names else x
            for k, x in zip(keys, f.key, strict=True)
        )
        src[where[(f.decl, moved)]] = fi
    for f in (lay.fields[j] for j in range(len(lay.fields))):
        t = f.domain.type
        vmaps.append(
            np.array(perm[t.name], dtype=np.int64)
            if isinstance(t, ir.SortType) and t.name in names
            else None
        )
    # the value map belongs to the old field's type, which equals the new one's
    return _Sigma(tuple(src), tuple(vmaps[j] for j in src))
