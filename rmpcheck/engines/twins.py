"""Successors a state's own symmetry makes redundant, in the interpreter's search.

Two elements x, y of a reduced sort are *twins* in a state s when swapping
them gives s back. Renaming commutes with the semantics (symmetry.py), so
the successor of s under an action instance g and under the swapped instance
(x y)g are renamings of each other: the same orbit. When (x y)g comes first
in s's successors (its arguments are smaller: the interpreter runs over the
arguments outermost, codegen.expander), the search has just met that orbit,
and the successor of g needs no canonical form: its representative is
already stored. That holds when the representative met was canonical for its
whole orbit (Symmetry.canon_exact); otherwise the successor is taken as
before. So the search stores exactly what it stored without this, in the same
order, and only skips work.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rmpcheck import ir
from rmpcheck.engines.symmetry import Perm, Symmetry
from rmpcheck.interp import Instance, State

Twin = tuple[int, int, int, Perm]  # sort index, x < y, the swap


class Twins:
    """``twins(s)``, and ``lowering(action, args, twins)``: a swap that lowers ``args``."""

    def __init__(self, inst: Instance, sym: Symmetry) -> None:
        self.sym = sym
        index = {s.name: i for i, s in enumerate(sym.sorts)}
        # per action, per reduced sort: the positions of its parameters of that sort
        self.at: list[dict[int, tuple[int, ...]]] = []
        for a in inst.model.actions:
            mine: dict[int, list[int]] = {}
            for j, v in enumerate(a.params):
                if isinstance(v.type, ir.SortType) and v.type.name in index:
                    mine.setdefault(index[v.type.name], []).append(j)
            self.at.append({si: tuple(js) for si, js in mine.items()})
        self.swaps = [
            [(x, y, sym.swap(si, x, y)) for x in range(n) for y in range(x + 1, n)]
            for si, n in enumerate(sym.sizes)
        ]

    def twins(self, s: State) -> list[Twin]:
        """The swaps of two elements of a sort that give ``s`` back (tried only between
        elements whose own entries agree: the cheap part of being twins)."""
        apply = self.sym.apply
        own, _ = self.sym.own(s)
        return [
            (si, x, y, perm)
            for si, swaps in enumerate(self.swaps)
            for x, y, perm in swaps
            if own[si][x] == own[si][y] and apply(s, perm) == s
        ]

    def lowering(self, action: int, args: Sequence[Any], twins: list[Twin]) -> Perm | None:
        """A twin swap that maps ``args`` to smaller arguments (lexicographically)."""
        at = self.at[action]
        for si, x, y, perm in twins:
            for j in at.get(si, ()):
                # the first argument the swap changes decides: y becomes x, smaller
                if args[j] == y:
                    return perm
                if args[j] == x:
                    break
        return None
