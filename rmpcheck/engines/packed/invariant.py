"""Orbit-invariant keys of sort elements, for a frontier of packed states at once.

canon.py orders the elements of an enumerated sort by these keys, so that
only elements with equal keys (ties) need their orders tried. A key may be
any function of (state, element) that renaming does not change:
``key(pi(s), pi(e)) == key(s, e)`` for every permutation ``pi`` of the
reduced sorts. Then the labellings that sort a state's elements by key are
the same set for the whole orbit, up to the renaming, and the least image
over them is canonical (canon.py gives the argument). Keys are 64-bit
hashes: two elements with different descriptions may, with probability
about 2^-64, get the same key, which only adds a tie to try.

An element's key sums (a multiset, so entries' order does not matter) one
hash per *mention*, that is per location that names it: as a key of a map
entry, with the entry's other, non-reduced key values and its value, or as
the value of a location of its sort (a pointer). One round of refinement
(Weisfeiler-Leman) then adds, per mention, the keys of the other reduced
elements the same location names: a page is told apart by the steps of the
threads that target it. An element is *isolated* when every location that
names it names no other reduced element; two isolated elements with equal
keys have equal descriptions, so swapping them leaves the state as it is,
and their order need not be tried.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from rmpcheck import ir
from rmpcheck.engines.packed.layout import Layout

# splitmix64's finaliser: a cheap bijective mix, so that sums of mixed values
# are good multiset hashes
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> _S30)
    x = x * _M1
    x = x ^ (x >> _S27)
    x = x * _M2
    return x ^ (x >> _S31)


def _h(*parts: object) -> int:
    """A stable 64-bit hash of plain values (Python's hash of str varies per run)."""
    return int.from_bytes(hashlib.blake2b(repr(parts).encode(), digest_size=8).digest(), "little")


@dataclass(frozen=True)
class _Key:
    """A key position of a field naming a reduced element."""

    sort: int
    elem: int
    table: np.ndarray  # value index -> this mention's hash


@dataclass(frozen=True)
class _Field:
    """One location that names reduced elements: by key (fixed) or by value (per state)."""

    index: int  # into Layout.fields
    keys: tuple[_Key, ...]
    value_sort: int | None  # reduced sort of the value, if any
    value_hash: int  # the pointer mention's hash
    pos_hash: tuple[int, ...]  # per mention (keys, then the value): its role for others


class Keys:
    """``keys(cols)``: per reduced sort, each element's key and isolation, per state."""

    def __init__(self, lay: Layout, sorts: list[ir.SortType], wanted: list[int]) -> None:
        """Keys of the elements of ``sorts[i]`` for i in ``wanted``; the others' elements
        are seen only as neighbours."""
        self.sizes = [lay.inst.sizes.sizes[s.name] for s in sorts]
        self.wanted = frozenset(wanted)
        sid = {s.name: i for i, s in enumerate(sorts)}
        self.fields: list[_Field] = []
        for fi, f in enumerate(lay.fields):
            d = lay.inst.decls[f.decl]
            kt = d.type.keys if isinstance(d.type, ir.MapType) else ()
            vt = f.domain.type
            vs = sid.get(vt.name) if isinstance(vt, ir.SortType) else None
            at = [
                (j, sid[k.name])
                for j, k in enumerate(kt)
                if isinstance(k, ir.SortType) and k.name in sid
            ]
            if not at and vs is None:
                continue
            plain = tuple("*" if any(j == a for a, _ in at) else x for j, x in enumerate(f.key))
            keys = []
            for j, si in at:
                e = f.key[j]
                same = tuple(f.key[a] == e for a, s2 in at if s2 == si)
                table = [
                    _h(f.decl, j, plain, same, v if vs is None else (vs == si and v == e))
                    for v in range(f.domain.size)
                ]
                keys.append(_Key(si, e, np.array(table, dtype=np.uint64)))
            roles = [_h(f.decl, "role", j) for j, _ in at] + [_h(f.decl, "role", "value")]
            self.fields.append(
                _Field(fi, tuple(keys), vs, _h(f.decl, "value", plain), tuple(roles))
            )
        # elements named by a location that names another: never isolated
        self.named_with_others = [np.zeros(n, dtype=bool) for n in self.sizes]
        for fd in self.fields:
            if len(fd.keys) + (fd.value_sort is not None) >= 2:
                for k in fd.keys:
                    self.named_with_others[k.sort][k.elem] = True

    def __call__(self, cols: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per reduced sort, (rows x elements) keys and isolation flags (meaningful for
        the wanted sorts only)."""
        rows = len(cols[0]) if cols else 0
        # flat (row-major) arrays: a pointer's element is at row * size + value
        key0 = [np.zeros(rows * n, dtype=np.uint64) for n in self.sizes]
        iso = [np.tile(~m, rows) for m in self.named_with_others]
        at = [np.arange(rows, dtype=np.int64) * n for n in self.sizes]
        contrib: list[list[np.ndarray]] = []  # per field, per mention: round-0 hash
        for fd in self.fields:
            c = cols[fd.index]
            mine = []
            for k in fd.keys:
                h = k.table[c]
                key0[k.sort][k.elem :: self.sizes[k.sort]] += h
                mine.append(h)
            if fd.value_sort is not None:
                where = at[fd.value_sort] + c
                key0[fd.value_sort][where] += np.uint64(fd.value_hash)
                mine.append(np.full(rows, fd.value_hash, dtype=np.uint64))
                if fd.keys:
                    iso[fd.value_sort][where] = False
            contrib.append(mine)
        want = self.wanted
        key1 = [mix(k) if i in want else k for i, k in enumerate(key0)]
        for fd, mine in zip(self.fields, contrib, strict=True):
            if len(mine) < 2 or not want.intersection(
                [k.sort for k in fd.keys] + [fd.value_sort]
            ):
                continue
            c = cols[fd.index]
            # each mention's neighbours: the other elements this location names
            seen = [key0[k.sort][k.elem :: self.sizes[k.sort]] for k in fd.keys]
            if fd.value_sort is not None:
                seen.append(key0[fd.value_sort][at[fd.value_sort] + c])
            # linear in the neighbours' keys: the mix of each contribution below is what
            # makes the sums over entries multiset hashes
            roles = [s * _M1 + np.uint64(r) for s, r in zip(seen, fd.pos_hash, strict=False)]
            total = sum(roles[1:], roles[0])
            for m, k in enumerate(fd.keys):
                if k.sort in want:
                    key1[k.sort][k.elem :: self.sizes[k.sort]] += mix(mine[m] + total - roles[m])
            if fd.value_sort in want:
                key1[fd.value_sort][at[fd.value_sort] + c] += mix(mine[-1] + total - roles[-1])
        shaped = [k.reshape(rows, n) for k, n in zip(key1, self.sizes, strict=True)]
        return shaped, [x.reshape(rows, n) for x, n in zip(iso, self.sizes, strict=True)]
