"""Action instances that a state's own symmetry makes redundant, skipped before they run.

Two elements x, y of the sorted sort P (canon.py) whose columns are equal in
a state s are interchangeable: the transposition (x y) maps s to itself. (A
column holds every entry keyed by the element, and for every location that
can hold a P value whether it holds the element; equal columns leave no
location holding x or y, and swap equal entries.) Renaming commutes with the
semantics (engines/symmetry.py), so the successors of s under an action
instance g and under (x y)g are renamings of each other: one orbit. So the
search skips g at s when the transposition of some neighbours x, x+1 with
equal columns maps g's arguments to earlier ones. (x x+1)g renames g's
hidden choices too, but step.ground runs over the arguments first, so
(x x+1)g comes before g in the ground list whatever its choices.

Nothing is lost, and nothing recorded changes: an instance skipped at s has
an earlier one reaching the same orbit from s, so the least instance reaching
an orbit from s is never skipped. The search records per orbit the least
instance and then the least parent that reach it (search.py): the same with
and without the skipping.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rmpcheck.engines.packed.canon import Canon
from rmpcheck.engines.packed.step import Ground
from rmpcheck.engines.packed.vector import Batch


class Stabiliser:
    """``live(batch)``: per instance, the states it must still run in (None: all)."""

    def __init__(self, canon: Canon, instances: Sequence[Ground]) -> None:
        lay, p = canon.lay, canon.sorted_sort
        assert p is not None
        self.groups, self.pointers, self.size = canon.groups, canon.pointers, canon.size
        dom = lay.inst.sizes.domain(p)
        index = {g: k for k, g in enumerate(instances)}
        # per instance: the neighbours x (swapping x, x+1) that map it earlier
        self.lowering: list[tuple[int, ...]] = []
        for k, g in enumerate(instances):
            action = lay.inst.model.actions[g.action]
            at = [j for j, v in enumerate(action.params) if v.type == p]
            if not at:
                self.lowering.append(())
                continue
            xs = []
            for x in range(self.size - 1):
                swap = {dom.values[x]: dom.values[x + 1], dom.values[x + 1]: dom.values[x]}
                args = tuple(swap.get(a, a) if j in at else a for j, a in enumerate(g.args))
                other = index.get(Ground(g.action, args, g.choices))
                if other is not None and other < k:
                    xs.append(x)
            self.lowering.append(tuple(xs))

    def live(self, batch: Batch) -> list[np.ndarray | None]:
        """Per instance, a mask of the states of ``batch`` where it is not redundant."""
        if not any(self.lowering):
            return [None] * len(self.lowering)
        equal = self._neighbours_equal(batch)
        masks: dict[tuple[int, ...], np.ndarray | None] = {(): None}
        out = []
        for xs in self.lowering:
            m = masks.get(xs)
            if m is None and xs not in masks:
                skip = np.zeros(batch.n, dtype=bool)
                for x in xs:
                    skip |= equal[x]
                m = masks[xs] = ~skip if skip.any() else None
            out.append(m)
        return out

    def _neighbours_equal(self, batch: Batch) -> list[np.ndarray]:
        """Per x, the states where elements x and x+1 have equal columns."""
        n = batch.n
        out = []
        ptrs = [np.asarray(batch.col(fi)) for fi in self.pointers]
        for x in range(self.size - 1):
            eq = np.ones(n, dtype=bool)
            for g in self.groups:
                eq &= np.asarray(batch.col(g[x])) == np.asarray(batch.col(g[x + 1]))
            for c in ptrs:
                eq &= (c != x) & (c != x + 1)
            out.append(eq)
        return out
