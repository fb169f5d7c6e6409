"""Initial states up to symmetry when init leaves a map over a sort free.

race.rmp's ``target : Thread -> Page`` has no initial condition: its
|Page|^|Thread| values (60 million at Page=6, Thread=10) are all initial, and
enumerating them one by one cost more than the symmetry-reduced search they
start (a handful of orbits). Here one such map is pinned while the other
variables are enumerated, and then, where the rest of the state is the same
for every element of the map's key sort T (every permutation of T leaves it
unchanged), only the map's values whose rows along T are in non-decreasing
order are added: C(|rows| + |T| - 1, |T|) instead of |rows|^|T|.

Why no orbit is lost: let (b, m) be an initial state, b the other variables.
Some permutation pi of T sorts m's rows; pi leaves b unchanged, so
pi(b, m) = (b, pi(m)) is in the orbit of (b, m), and it is initial (renaming
maps initial states to initial states, engines/symmetry.py), so ``complete``
accepts it. The search keeps one state per orbit, so it explores the same
orbits as from every initial state. Where b is not symmetric in T, every
value of the map is added, as without this module. The map must be keyed by
T once and not hold T values (else pi would change more than its rows), and
neither init nor an assumption over the model's variables may read it (so
pinning it decides nothing about b).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from math import comb

from rmpcheck import ir
from rmpcheck.engines.fixed_params import mover
from rmpcheck.errors import EngineError
from rmpcheck.interp import Instance, State
from rmpcheck.interp.instance import MAX_INIT_CANDIDATES
from rmpcheck.interp.values import Raw

# Past this many distinct rows a map is left to the ordinary enumeration.
MAX_ROWS = 4096


@dataclass(frozen=True)
class _Free:
    var: int  # index into model.state
    sort: str  # T
    values: list[Raw]  # the map's values with rows in non-decreasing order


def initial_states(
    inst: Instance,
    sorts: Sequence[ir.SortType],
    first: Sequence[int] = (),
    keep_first: Callable[[Sequence[Raw]], bool] | None = None,
    pinned: Mapping[int, Raw] | None = None,
) -> Iterator[State]:
    """At least one initial state of every orbit of initial states under ``sorts``
    (``pinned`` variables take only the value given: Instance.initial_states)."""
    pinned = dict(pinned or {})
    free = _free_map(inst, sorts, [*first, *pinned])
    if free is None:
        yield from inst.initial_states(first, keep_first, pinned)
        return
    n = len(inst.model.state)
    others = [i for i in range(n) if i != free.var]
    moves = [mover(inst, inst.model.state[i].type) for i in others]
    size = inst.sizes.sizes[free.sort]
    swaps = [_swap(size, k) for k in range(size - 1)]  # they generate every permutation
    everything: list[Raw] | None = None
    for s in inst.initial_states(first, keep_first, {**pinned, free.var: free.values[0]}):
        model = list(s[:n])
        symmetric = all(
            mv(model[i], {free.sort: p}) == model[i]
            for p in swaps
            for i, mv in zip(others, moves, strict=True)
        )
        if symmetric:
            values = free.values
        else:
            if everything is None:
                everything = _every_value(inst, free.var)
            values = everything
        for v in values:
            model[free.var] = v
            t = inst.complete(model)
            if t is not None:
                yield t


def _every_value(inst: Instance, i: int) -> list[Raw]:
    d = inst.model.state[i]
    if inst.sizes.count(d.type) > MAX_INIT_CANDIDATES:
        # what the ordinary enumeration says of it too
        raise EngineError(
            f"{inst.model.name}: init leaves {inst.sizes.count(d.type):,} values for {d.name};"
            " constrain init or use a symbolic engine (bmc, kind, pdr)"
        )
    return list(inst.sizes.values_of(d.type))


def _swap(size: int, k: int) -> tuple[int, ...]:
    p = list(range(size))
    p[k], p[k + 1] = p[k + 1], p[k]
    return tuple(p)


def _free_map(inst: Instance, sorts: Sequence[ir.SortType], first: Sequence[int]) -> _Free | None:
    """The free map that saves the most (the most values), if any."""
    reduced = {s.name for s in sorts}
    read = inst.init_reads()
    best: tuple[int, int, ir.SortType] | None = None
    for i, d in enumerate(inst.model.state):
        t = d.type
        if i in read or i in first or not isinstance(t, ir.MapType):
            continue
        for k in t.keys:
            if not isinstance(k, ir.SortType) or k.name not in reduced:
                continue
            if t.keys.count(k) != 1 or t.value == k:
                continue
            count = inst.sizes.count(t)
            if best is None or count > best[0]:
                best = (count, i, k)
    if best is None:
        return None
    _, i, k = best
    values = _sorted_rows(inst, i, k)
    return _Free(i, k.name, values) if values is not None else None


def _sorted_rows(inst: Instance, i: int, k: ir.SortType) -> list[Raw] | None:
    """The values of map ``i`` whose rows along sort ``k`` are non-decreasing."""
    t = inst.model.state[i].type
    assert isinstance(t, ir.MapType)
    at = t.keys.index(k)
    keys = inst.sizes.keys(t)
    size = inst.sizes.sizes[k.name]
    where: list[list[int]] = [[] for _ in range(size)]  # element -> its entries, key order
    for pos, key in enumerate(keys):
        where[key[at]].append(pos)
    dom = inst.sizes.domain(t.value).values
    width = len(where[0])
    if len(dom) ** width > MAX_ROWS:
        return None
    rows = list(itertools.product(dom, repeat=width))
    if comb(len(rows) + size - 1, size) >= len(rows) ** size:
        return None  # nothing to save
    out = []
    for pick in itertools.combinations_with_replacement(range(len(rows)), size):
        v: list[Raw] = [None] * len(keys)
        for x, r in enumerate(pick):
            for pos, val in zip(where[x], rows[r], strict=True):
                v[pos] = val
        out.append(tuple(v))
    return out
