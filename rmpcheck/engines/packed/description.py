"""Exact keys for an enumerated sort that only the sorted sort points at.

canon.py orders an enumerated sort S by orbit-invariant keys and tries every
order of a run of tied keys: hashed keys (invariant.py) may tie elements that
are not interchangeable, so a tie proves nothing. Where the model has this
shape, a key can instead be an element's whole description, exactly:

* S and the sorted sort P are the only reduced sorts;
* every location keyed by S is keyed by it alone among the reduced sorts and
  holds a value of neither (its *own* entries: ``assigned : Page -> bool``);
* every location holding an S value is the entry of one P element in a single
  map ``P -> S`` (its *pointer*: ``target : Thread -> Page``).

The description of x in S is then its own entries and the multiset, over the
P elements that point at x, of their columns (canon.py) without the pointer.
It is orbit-invariant (renaming P permutes the multiset, renaming S moves x
with its entries and pointers). And two elements x, y with equal
descriptions are *twins*: swapping x and y, then each P element pointing at
x with one pointing at y that has the same column, gives the state back.
So a run of equal keys needs no order tried: every order gives the same image.

The multiset is kept as counts, one field of ``bit_length(|P|)`` bits per
possible column, so the description is one exact word when the counts and
the own entries fit 64 bits; past that, the hashed keys are used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rmpcheck import ir
from rmpcheck.engines.packed.layout import WORD_BITS, Layout


@dataclass(frozen=True)
class Descriptions:
    """``keys(cols)``: the enumerated sort's exact keys, shaped as invariant.Keys's."""

    sort: int  # index of S among the reduced sorts
    nsorts: int
    size: int  # |S|
    own: tuple[tuple[tuple[int, int], ...], ...]  # per element of S: (field, shift)
    pointer: tuple[int, ...]  # per element of P: the field holding its S value
    column: tuple[tuple[tuple[int, ...], int], ...]  # pointer-free column: (group, shift)
    pointed: tuple[tuple[int, int], ...]  # fields holding P values: (field, shift)
    count_bits: int
    own_shift: int

    def __call__(self, cols: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
        rows = len(cols[0])
        counts = np.zeros(rows * self.size, dtype=np.uint64)
        at = np.arange(rows, dtype=np.int64) * self.size
        cb = np.uint64(self.count_bits)
        for t, pf in enumerate(self.pointer):
            col = np.zeros(rows, dtype=np.uint64)
            for g, sh in self.column:
                col |= cols[g[t]].astype(np.uint64) << np.uint64(sh)
            for fi, sh in self.pointed:
                col |= (cols[fi] == t).astype(np.uint64) << np.uint64(sh)
            # one more P element with this column points at its S element
            counts[at + cols[pf]] += np.uint64(1) << (col * cb)
        keys = counts.reshape(rows, self.size)
        for x, fields in enumerate(self.own):
            for fi, sh in fields:
                keys[:, x] |= cols[fi].astype(np.uint64) << np.uint64(self.own_shift + sh)
        out = [np.zeros((rows, 0), dtype=np.uint64)] * self.nsorts
        twins = [np.zeros((rows, 0), dtype=bool)] * self.nsorts
        out[self.sort] = keys
        twins[self.sort] = np.ones((rows, self.size), dtype=bool)  # equal keys: twins
        return out, twins


def descriptions(
    lay: Layout,
    sorts: Sequence[ir.SortType],
    p: ir.SortType | None,
    groups: list[list[int]],
    pointers: list[int],
) -> Descriptions | None:
    """Exact keys for the one enumerated sort, or None where the model has not the shape."""
    rest = [s for s in sorts if s != p]
    if p is None or len(rest) != 1:
        return None
    (s,) = rest
    inst = lay.inst
    reduced = set(sorts)
    pointer_decl = None
    for i, d in enumerate(inst.decls):
        keys = d.type.keys if isinstance(d.type, ir.MapType) else ()
        value = d.type.value if isinstance(d.type, ir.MapType) else d.type
        if value == s:
            if keys != (p,) or pointer_decl is not None:
                return None
            pointer_decl = i
        elif s in keys and (value in reduced or sum(k in reduced for k in keys) != 1):
            return None
    n, size = inst.sizes.sizes[p.name], inst.sizes.sizes[s.name]
    pointer = lay.by_decl[pointer_decl] if pointer_decl is not None else ()
    column, at = [], 0
    for g in groups:
        if lay.fields[g[0]].decl != pointer_decl:
            column.append((tuple(g), at))
            at += lay.fields[g[0]].bits
    pointed = [(fi, at + k) for k, fi in enumerate(pointers)]
    column_bits = at + len(pointers)
    count_bits = n.bit_length()
    own: list[list[tuple[int, int]]] = [[] for _ in range(size)]
    width = [0] * size
    for fi, f in enumerate(lay.fields):
        d = inst.decls[f.decl]
        if isinstance(d.type, ir.MapType) and s in d.type.keys and f.bits:
            x = f.key[d.type.keys.index(s)]
            own[x].append((fi, width[x]))
            width[x] += f.bits
    own_shift = count_bits << column_bits if pointer else 0
    if not pointer:
        count_bits = 0
    if own_shift + max(width, default=0) > WORD_BITS:
        return None
    return Descriptions(
        sorts.index(s),
        len(sorts),
        size,
        tuple(tuple(o) for o in own),
        tuple(pointer),
        tuple(column),
        tuple(pointed),
        count_bits,
        own_shift,
    )
