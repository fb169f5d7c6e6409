"""A state of an instance as one unsigned 64-bit integer.

Every location (a scalar variable, monitors included, or one map entry, in
``System.state`` order and row-major key order) gets a bit field wide enough
for the index of its value in its domain. A state that needs more than 64
bits is not packed: the explicit engine then searches with the interpreter's
tuples (engines/explicit.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rmpcheck import ir
from rmpcheck.interp import Instance, State
from rmpcheck.interp.values import Domain

WORD_BITS = 64


@dataclass(frozen=True, slots=True)
class Field:
    """One location's bits: ``(word >> shift) & mask`` is the index of its value."""

    decl: int  # index into System.state
    entry: int  # row-major entry of a map, 0 for a scalar
    key: tuple[Any, ...]  # the map key's raw values, () for a scalar
    domain: Domain
    shift: int
    bits: int

    @property
    def mask(self) -> int:
        return (1 << self.bits) - 1


@dataclass(frozen=True, slots=True)
class Layout:
    inst: Instance
    fields: tuple[Field, ...]
    by_decl: tuple[tuple[int, ...], ...]  # decl -> indices into fields, row-major
    bits: int

    def pack(self, s: State) -> int:
        out = 0
        for f in self.fields:
            v = s[f.decl]
            raw = v[f.entry] if f.key else v
            out |= f.domain.index(raw) << f.shift
        return out

    def unpack(self, word: int) -> State:
        vals = [f.domain.values[(word >> f.shift) & f.mask] for f in self.fields]
        out: list[Any] = []
        for i, d in enumerate(self.inst.decls):
            idx = self.by_decl[i]
            if isinstance(d.type, ir.MapType):
                out.append(tuple(vals[j] for j in idx))
            else:
                out.append(vals[idx[0]])
        return tuple(out)

    def pack_all(self, states: list[State]) -> np.ndarray:
        return np.array([self.pack(s) for s in states], dtype=np.uint64)


def layout(inst: Instance) -> Layout | None:
    """The bit layout of ``inst``'s states, or None when they need more than 64 bits."""
    fields: list[Field] = []
    by_decl: list[tuple[int, ...]] = []
    shift = 0
    for i, d in enumerate(inst.decls):
        t = d.type
        keys = inst.sizes.keys(t) if isinstance(t, ir.MapType) else [()]
        dom = inst.sizes.domain(t.value if isinstance(t, ir.MapType) else t)
        bits = (dom.size - 1).bit_length()
        mine = []
        for j, key in enumerate(keys):
            mine.append(len(fields))
            fields.append(Field(i, j, tuple(key), dom, shift, bits))
            shift += bits
        by_decl.append(tuple(mine))
    if shift > WORD_BITS:
        return None
    return Layout(inst, tuple(fields), tuple(by_decl), shift)
