"""Never-written state as fixed parameters of an explicit search.

A variable no action writes (an order ``le``, a quorum membership, which
granule a page lies in) keeps its initial value for the whole run: it is a
parameter of the system, not state. Enumerating initial states as the
product of every variable's values makes the search pay for each parameter
value times every other choice, most of them renamings of one another (the
ring orders of four nodes are 24 values but one up to renaming). Here the
parameters are enumerated first and only their least value per orbit of
sort permutations is kept: every initial state is then a renaming of one
that is enumerated, since renaming maps initial states to initial states
(engines/symmetry says why), and the search keeps one state per orbit
anyway. So the explored orbits are the same, with far fewer initial states.

A never-written relation the assumptions make a total order (``le : Epoch,
Epoch -> bool``) has n! values at n elements but one orbit: every value is a
renaming of the canonical order of the elements (:class:`Order`). Pinned to
that value (explicit.explore's ``pinned``), the search needs no enumeration of
orders at all, and sizes where there are too many to enumerate come in reach.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rmpcheck import ir
from rmpcheck.interp import Instance
from rmpcheck.interp.values import Raw

# Past this many permutations of the sorts, every parameter value is kept: still
# sound (no initial state is lost), only no longer reduced.
MAX_PERMUTATIONS = 40_320  # 8!, or 4! x 4! x 4! ...

Perm = dict[str, tuple[int, ...]]


@dataclass(frozen=True)
class Order:
    """A never-written relation ``r : S, S -> bool`` that every state assumed is a total
    order on ``S`` (``strict``: irreflexive, else reflexive): which the caller shows."""

    var: int  # index in model.state
    strict: bool

    def canonical(self, inst: Instance) -> Raw:
        """The order of the elements by their number: every other is a renaming of it."""
        t = inst.model.state[self.var].type
        assert isinstance(t, ir.MapType)
        if self.strict:
            return tuple(a < b for a, b in inst.sizes.keys(t))
        return tuple(a <= b for a, b in inst.sizes.keys(t))


def written(model: ir.Model) -> set[str]:
    """The state variables some action assigns."""
    return {
        st.target.name
        for a in model.actions
        for st in ir.walk_stmts(a.body)
        if isinstance(st, ir.Assign)
    }


def parameters(model: ir.Model) -> list[int]:
    """Indices (in ``model.state``) of the variables no action writes."""
    w = written(model)
    return [i for i, d in enumerate(model.state) if d.name not in w]


def least_filter(
    inst: Instance, sorts: Sequence[ir.SortType], params: Sequence[int]
) -> Callable[[Sequence[Raw]], bool] | None:
    """A test, on the parameters' values (in ``params`` order), that keeps the least
    value of each orbit under permutations of ``sorts``; None when no reduction
    applies (no parameter mentions a sort, or too many permutations to try)."""
    decls = [inst.model.state[i] for i in params]
    names = {s.name for s in sorts}
    mentioned = {
        t.name for d in decls for t in scalar_types(d.type) if isinstance(t, ir.SortType)
    } & names
    if not mentioned:
        return None
    sizes = {n: inst.sizes.sizes[n] for n in sorted(mentioned)}
    count = 1
    for n in sizes.values():
        for k in range(2, n + 1):
            count *= k
    if count > MAX_PERMUTATIONS:
        return None
    perms: list[Perm] = [
        dict(zip(sizes, p, strict=True))
        for p in itertools.product(*(itertools.permutations(range(n)) for n in sizes.values()))
    ]
    perms = perms[1:]  # the identity never gives a smaller image
    movers = [mover(inst, d.type) for d in decls]

    def keep(values: Sequence[Raw]) -> bool:
        own = tuple(values)
        for p in perms:
            if tuple(m(v, p) for m, v in zip(movers, own, strict=True)) < own:
                return False
        return True

    return keep


def scalar_types(t: ir.Type) -> list[ir.ScalarType]:
    """The key and value types of a map, or the type itself."""
    return [*t.keys, t.value] if isinstance(t, ir.MapType) else [t]


def mover(inst: Instance, t: ir.Type) -> Callable[[Raw, Perm], Raw]:
    """How a permutation renames a raw value of type ``t``."""

    def scalar(st: ir.ScalarType) -> Callable[[Raw, Perm], Raw]:
        if isinstance(st, ir.SortType):
            name = st.name
            return lambda v, p: p[name][v] if name in p else v
        return lambda v, p: v

    if not isinstance(t, ir.MapType):
        return scalar(t)
    keys = inst.sizes.keys(t)
    where = {k: i for i, k in enumerate(keys)}
    key_movers = [scalar(k) for k in t.keys]
    value_mover = scalar(t.value)

    def move(v: Raw, p: Perm) -> Raw:
        out: list[Raw] = [None] * len(keys)
        for k, x in zip(keys, v, strict=True):
            moved = tuple(m(e, p) for m, e in zip(key_movers, k, strict=True))
            out[where[moved]] = value_mover(x, p)
        return tuple(out)

    return move
