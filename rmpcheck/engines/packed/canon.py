"""One representative per symmetry orbit, for a frontier of packed states at once.

The group is the product of the permutation groups of the reducible sorts
(engines/symmetry.py says why renaming elements is sound). One sort, P, is
*sorted*: once the other sorts' labels are fixed, an element p of P is
described completely by its *column* (the values of the entries keyed by p,
in a fixed order of their other keys, and for every location holding a P
value, whether it holds p). Two elements with equal columns are
interchangeable, so relabelling P's elements in the order of their columns
(sortcanon) gives the same state for every labelling of P. P must not be
related to itself (no entry keyed by two P elements or keyed by P with a P
value), and the columns must fit in 64 bits; the largest such sort is chosen.

The other sorts are *enumerated*, but not over all their permutations: each
element gets an orbit-invariant key (invariant.py; description.py where an
exact key fits a word), and only the labellings that sort the elements by key
are tried, that is every order of each run of tied keys (twins excepted:
their order changes nothing). The
representative of s is the least packed word of sortcanon(sigma(s)) over the
labellings sigma in A(s), the key-sorting ones. It is canonical: renaming s
by pi renames the keys with it, so A(pi(s)) = A(s) . pi^-1 (for the
enumerated sorts' part of pi; keys do not see the other sorts' labels), and
sortcanon absorbs P's part; the minimum ranges over the same images. Most
states have no ties, and cost one image instead of one per permutation.
Past TIE_LIMIT possible orders of the enumerated sorts the packed search is
not used, and symmetry reduction falls back to the interpreter's
canonicaliser; with exact keys no order is tried, and the sorted sort is
chosen so that the other gets them where it can.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from math import factorial, prod

import numpy as np

from rmpcheck import ir
from rmpcheck.engines.packed.description import Descriptions, descriptions
from rmpcheck.engines.packed.invariant import Keys
from rmpcheck.engines.packed.layout import Layout

# Orders of the enumerated sorts one state may need tried (all its elements tied):
# 8!, or 4! x 4! x 4! ... Tied runs are rare, so the typical cost is one image.
TIE_LIMIT = 40_320

# States canonicalised per array pass: bounds the temporaries (a column per field).
BATCH = 1 << 18


@dataclass(frozen=True)
class _Block:
    """A variable's entries that name an enumerated sort, as one array per state."""

    fields: tuple[int, ...]  # row-major
    dims: tuple[int, ...]  # the map's key sizes, () for a scalar
    axes: tuple[int, ...]  # key positions of the sort
    value: bool  # whether the values are the sort's elements


class Canon:
    """``canon(words)``: each state's representative (exact: one per orbit)."""

    def __init__(
        self,
        lay: Layout,
        sorted_sort: ir.SortType | None,
        groups: list[list[int]],
        pointers: list[int],
        sorts: Sequence[ir.SortType],
    ) -> None:
        self.lay, self.sorted_sort = lay, sorted_sort
        self.groups, self.pointers = groups, pointers
        self.shifts = [np.uint64(f.shift) for f in lay.fields]
        self.masks = [np.uint64(f.mask) for f in lay.fields]
        self.size = lay.inst.sizes.sizes[sorted_sort.name] if sorted_sort is not None else 0
        # enumerated sorts: index among ``sorts``, and the blocks each relabels
        self.enum = [i for i, s in enumerate(sorts) if s != sorted_sort]
        self.keys: Keys | Descriptions = descriptions(
            lay, sorts, sorted_sort, groups, pointers
        ) or Keys(lay, list(sorts), self.enum)
        self.blocks = [_blocks(lay, sorts[i]) for i in self.enum]
        self.widths = [lay.inst.sizes.sizes[sorts[i].name] for i in self.enum]

    def __call__(self, words: np.ndarray) -> np.ndarray:
        if len(words) <= BATCH:
            return self._canon(words)
        return np.concatenate(
            [self._canon(words[i : i + BATCH]) for i in range(0, len(words), BATCH)]
        )

    def _canon(self, words: np.ndarray) -> np.ndarray:
        n = len(words)
        if n == 0:
            return words
        cols = [
            ((words >> s) & m).astype(np.int64)
            for s, m in zip(self.shifts, self.masks, strict=True)
        ]
        if not self.enum:
            return self._image(cols, [], n)
        # per element, its key and whether an equal key makes it a twin of its neighbour
        keys, twin = self.keys(cols)
        bases, pattern, at = [], np.zeros(n, dtype=np.uint64), 0
        for si, w in zip(self.enum, self.widths, strict=True):
            base = np.argsort(keys[si], axis=1, kind="stable")
            ks = np.take_along_axis(keys[si], base, axis=1)
            alone = np.take_along_axis(twin[si], base, axis=1)
            # a tie between neighbours in key order, unless they are twins
            tie = (ks[:, 1:] == ks[:, :-1]) & ~(alone[:, 1:] & alone[:, :-1])
            for b in range(w - 1):
                pattern |= tie[:, b].astype(np.uint64) << np.uint64(at + b)
            at += w - 1
            bases.append(base)
        best = self._image(cols, bases, n)
        # every other key-sorting order of the states with ties, in few array passes
        for r, moved in self._tied(pattern, bases):
            np.minimum.at(best, r, self._image([c[r] for c in cols], moved, len(r)))
        return best

    def _tied(
        self, pattern: np.ndarray, bases: list[np.ndarray]
    ) -> Iterator[tuple[np.ndarray, list[np.ndarray]]]:
        """Batches of at most BATCH (state, order) pairs: each state with ties, repeated
        once per order of its tied runs but the identity, and per enumerated sort that
        order (rows x width: new label -> old element)."""
        some = np.flatnonzero(pattern)
        tied, which = np.unique(pattern[some], return_inverse=True)
        for k, pat in enumerate(tied.tolist()):
            mine = some[which == k]
            per = [_orders(w, _bits(pat, a, w)) for a, w in self._offsets()]
            combos = np.array(list(itertools.product(*(range(len(p)) for p in per)))[1:])
            if not len(combos):
                continue
            # bounded memory even where a state has thousands of tied orders
            step = max(1, BATCH // len(combos))
            for c0 in range(0, len(combos), BATCH):
                picks = combos[c0 : c0 + BATCH]
                for r0 in range(0, len(mine), step):
                    rows = mine[r0 : r0 + step]
                    r = np.repeat(rows, len(picks))
                    moved = [
                        np.take_along_axis(b[r], np.tile(p[picks[:, si]], (len(rows), 1)), axis=1)
                        for si, (b, p) in enumerate(zip(bases, per, strict=True))
                    ]
                    yield r, moved

    def _offsets(self) -> list[tuple[int, int]]:
        out, at = [], 0
        for w in self.widths:
            out.append((at, w))
            at += w - 1
        return out

    def _image(self, cols: list[np.ndarray], orders: list[np.ndarray], n: int) -> np.ndarray:
        """The packed words of the states relabelled: each enumerated sort by its order
        (per state, new label -> old element), then the sorted sort by its columns."""
        cols = list(cols)  # relabelling replaces columns: the caller's stay as they were
        for blocks, inv in zip(self.blocks, orders, strict=True):
            perm = np.empty_like(inv)
            np.put_along_axis(perm, inv, np.arange(inv.shape[1])[None, :], axis=1)
            _relabel(cols, blocks, inv, perm, n)
        if self.sorted_sort is not None:
            self._sort(cols, n)
        return self._pack(cols, n)

    def _sort(self, cols: list[np.ndarray], n: int) -> None:
        """Relabel the sorted sort's elements in the order of their columns, in place."""
        size = self.size
        sig = np.zeros((n, size), dtype=np.uint64)
        for g in self.groups:
            sig <<= np.uint64(self.lay.fields[g[0]].bits)
            for k, fi in enumerate(g):
                sig[:, k] |= cols[fi].astype(np.uint64)
        if not self.pointers:
            # the signatures hold every entry keyed by the sort: sorted, they are the
            # relabelled entries (equal signatures are equal columns)
            sig.sort(axis=1)
            shift = 0
            for g in reversed(self.groups):
                bits = self.lay.fields[g[0]].bits
                vals = ((sig >> np.uint64(shift)) & np.uint64((1 << bits) - 1)).astype(np.int64)
                for k, fi in enumerate(g):
                    cols[fi] = vals[:, k]
                shift += bits
            return
        mats = [np.stack([cols[fi] for fi in g], axis=1) for g in self.groups]
        elems = np.arange(size, dtype=np.int64)[None, :]
        for fi in self.pointers:
            sig = (sig << np.uint64(1)) | (cols[fi][:, None] == elems).astype(np.uint64)
        order = np.argsort(sig, axis=1, kind="stable")
        for g, m in zip(self.groups, mats, strict=True):
            moved = np.take_along_axis(m, order, axis=1)
            for k, fi in enumerate(g):
                cols[fi] = moved[:, k]
        rank = np.argsort(order, axis=1, kind="stable")
        for fi in self.pointers:
            cols[fi] = np.take_along_axis(rank, cols[fi][:, None], axis=1)[:, 0]

    def _pack(self, cols: list[np.ndarray], n: int) -> np.ndarray:
        out = np.zeros(n, dtype=np.uint64)
        for c, s, f in zip(cols, self.shifts, self.lay.fields, strict=True):
            if f.bits:
                out |= c.astype(np.uint64) << s
        return out


def _relabel(
    cols: list[np.ndarray], blocks: list[_Block], inv: np.ndarray, perm: np.ndarray, n: int
) -> None:
    """Rename one sort's elements per state, in place: the entry at new label x is the
    old entry at ``inv[x]``, and a value e becomes ``perm[e]``."""
    for b in blocks:
        if not b.dims:
            (fi,) = b.fields
            cols[fi] = np.take_along_axis(perm, cols[fi][:, None], axis=1)[:, 0]
            continue
        arr = np.stack([cols[fi] for fi in b.fields], axis=1).reshape(n, *b.dims)
        for a in b.axes:
            shape = [n] + [1] * len(b.dims)
            shape[a + 1] = b.dims[a]
            arr = np.take_along_axis(arr, inv.reshape(shape), axis=a + 1)
        flat = arr.reshape(n, -1)
        if b.value:
            flat = np.take_along_axis(perm, flat, axis=1)
        for k, fi in enumerate(b.fields):
            cols[fi] = flat[:, k]


def _blocks(lay: Layout, s: ir.SortType) -> list[_Block]:
    out = []
    for d, idx in zip(lay.inst.decls, lay.by_decl, strict=True):
        t = d.type
        keys = t.keys if isinstance(t, ir.MapType) else ()
        value = (t.value if isinstance(t, ir.MapType) else t) == s
        axes = tuple(j for j, k in enumerate(keys) if k == s)
        if axes or value:
            dims = tuple(lay.inst.sizes.domain(k).size for k in keys)
            out.append(_Block(tuple(idx), dims, axes, value))
    return out


def _bits(pattern: int, at: int, width: int) -> int:
    return (pattern >> at) & ((1 << (width - 1)) - 1)


@cache
def _orders(width: int, ties: int) -> np.ndarray:
    """Every order of positions 0..width-1 that keeps each run of ties (bit b: positions
    b and b+1 tie) in its place, the identity first."""
    runs, start = [], 0
    for b in range(width - 1):
        if not (ties >> b) & 1:
            runs.append(range(start, b + 1))
            start = b + 1
    runs.append(range(start, width))
    out = [
        [x for p in parts for x in p]
        for parts in itertools.product(*(itertools.permutations(r) for r in runs))
    ]
    return np.array(out, dtype=np.intp)


def canonicaliser(lay: Layout, sorts: Sequence[ir.SortType]) -> Canon | None:
    """The vectorised canonical form for ``sorts``, or None when it does not apply."""
    if not sorts:
        return None
    inst = lay.inst
    size = {s.name: inst.sizes.sizes[s.name] for s in sorts}
    loose = [s for s in sorts if not _self_related(inst.decls, s)]
    # the largest sort sorted; but a sort whose other gets exact keys first (then no
    # tied order is ever tried, whatever the other sort's size)
    for cand in sorted(loose, key=lambda s: -size[s.name]):
        columns = _fitting_columns(lay, cand)
        if columns is not None and descriptions(lay, sorts, cand, *columns) is not None:
            return Canon(lay, cand, *columns, sorts)
    pick = max(loose, key=lambda s: size[s.name], default=None)
    rest = [s for s in sorts if s != pick]
    if prod(factorial(size[s.name]) for s in rest) > TIE_LIMIT:
        return None
    columns = _fitting_columns(lay, pick) if pick is not None else ([], [])
    if columns is None:
        return None
    return Canon(lay, pick, *columns, sorts)


def _fitting_columns(lay: Layout, pick: ir.SortType) -> tuple[list[list[int]], list[int]] | None:
    """``_columns`` of ``pick``, or None when a column needs more than 64 bits."""
    groups, pointers = _columns(lay, pick)
    bits = sum(lay.fields[g[0]].bits for g in groups) + len(pointers)
    return (groups, pointers) if bits <= 64 else None


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
