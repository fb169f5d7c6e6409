"""Concrete values on a finite instance, and how they read to a person.

Raw values, used everywhere inside the interpreter and engines: bool for
bool; int for bounded ints; the member's index for an enum; 0..n-1 for the
elements of a sort of size n. A map is a tuple over every key tuple in
row-major order (first key outermost). A state is a tuple with one raw value
per state variable, in the order of ``System.state``.

Display values, used in traces: a sort element reads ``Page0``, an enum
member by its name, a map as a dict from key (a tuple when there are several
keys) to display value.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rmpcheck import ir
from rmpcheck.errors import ConfigError

Raw = Any
State = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Domain:
    """The finite set of raw values of a scalar type, with its offset for indexing."""

    type: ir.ScalarType
    values: tuple[Raw, ...]
    offset: int  # raw value minus offset is the index, for ints; 0 otherwise

    @property
    def size(self) -> int:
        return len(self.values)

    def index(self, v: Raw) -> int:
        return int(v) - self.offset

    def show(self, v: Raw) -> Any:
        t = self.type
        if isinstance(t, ir.SortType):
            return f"{t.name}{v}"
        if isinstance(t, ir.EnumType):
            return t.members[v]
        return v

    def read(self, shown: Any) -> Raw:
        """The inverse of :meth:`show`; raises ValueError for a value outside the domain."""
        t = self.type
        if isinstance(t, ir.SortType):
            if isinstance(shown, str) and shown.startswith(t.name):
                v = int(shown[len(t.name) :])
                if 0 <= v < self.size:
                    return v
            raise ValueError(f"{shown!r} is not an element of {t.name}")
        if isinstance(t, ir.EnumType):
            if shown in t.members:
                return t.members.index(shown)
            raise ValueError(f"{shown!r} is not a member of {t.name}")
        if isinstance(t, ir.BoolType):
            if isinstance(shown, bool):
                return shown
            raise ValueError(f"{shown!r} is not a bool")
        if isinstance(shown, int) and not isinstance(shown, bool) and shown in self.values:
            return shown
        raise ValueError(f"{shown!r} is not in {t}")


class Sizes:
    """The sizes of an instance, checked against the model's sorts."""

    def __init__(self, model: ir.Model, sizes: Mapping[str, int]) -> None:
        names = {s.name for s in model.sorts}
        unknown = sorted(set(sizes) - names)
        if unknown:
            have = ", ".join(sorted(names)) or "none"
            raise ConfigError(f"unknown sort {unknown[0]!r} in sizes (the model has: {have})")
        missing = sorted(names - set(sizes))
        if missing:
            raise ConfigError(
                f"no size for sort {missing[0]!r}: give one with --size {missing[0]}=N "
                "or an instance block"
            )
        for k, v in sizes.items():
            if v < 1:
                raise ConfigError(f"size of {k} must be at least 1, got {v}")
        self.sizes = dict(sizes)
        self._cache: dict[ir.ScalarType, Domain] = {}

    def domain(self, t: ir.ScalarType) -> Domain:
        d = self._cache.get(t)
        if d is None:
            d = self._cache[t] = _make_domain(t, self.sizes)
        return d

    def keys(self, t: ir.MapType) -> list[tuple[Raw, ...]]:
        """Every key tuple of a map type, in row-major order."""
        return list(itertools.product(*(self.domain(k).values for k in t.keys)))

    def values_of(self, t: ir.Type) -> Iterator[Raw]:
        """Every raw value of a type (for a map: every tuple of entries)."""
        if isinstance(t, ir.MapType):
            n = len(self.keys(t))
            yield from itertools.product(self.domain(t.value).values, repeat=n)
        else:
            yield from self.domain(t).values

    def count(self, t: ir.Type) -> int:
        if isinstance(t, ir.MapType):
            return self.domain(t.value).size ** len(self.keys(t))
        return self.domain(t).size

    def show(self, t: ir.Type, v: Raw) -> Any:
        if isinstance(t, ir.MapType):
            out: dict[Any, Any] = {}
            vd = self.domain(t.value)
            for key, x in zip(self.keys(t), v, strict=True):
                shown = tuple(self.domain(kt).show(k) for kt, k in zip(t.keys, key, strict=True))
                out[shown[0] if len(shown) == 1 else shown] = vd.show(x)
            return out
        return self.domain(t).show(v)

    def read(self, t: ir.Type, shown: Any) -> Raw:
        if isinstance(t, ir.MapType):
            if not isinstance(shown, Mapping):
                raise ValueError(f"expected a map for {t}")
            vd = self.domain(t.value)
            out = []
            for key in self.keys(t):
                k = tuple(self.domain(kt).show(x) for kt, x in zip(t.keys, key, strict=True))
                look = k[0] if len(k) == 1 else k
                if look not in shown:
                    raise ValueError(f"map for {t} has no entry for {look!r}")
                out.append(vd.read(shown[look]))
            return tuple(out)
        return self.domain(t).read(shown)


def _make_domain(t: ir.ScalarType, sizes: Mapping[str, int]) -> Domain:
    if isinstance(t, ir.BoolType):
        return Domain(t, (False, True), 0)
    if isinstance(t, ir.IntType):
        return Domain(t, tuple(range(t.lo, t.hi + 1)), t.lo)
    if isinstance(t, ir.EnumType):
        return Domain(t, tuple(range(len(t.members))), 0)
    return Domain(t, tuple(range(sizes[t.name])), 0)


def show_state(sizes: Sizes, decls: Sequence[ir.StateDecl], s: State) -> dict[str, Any]:
    return {d.name: sizes.show(d.type, v) for d, v in zip(decls, s, strict=True)}
