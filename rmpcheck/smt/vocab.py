"""The Z3 constants of one step: a state vocabulary, and the labels of the action taken.

A *location* is a scalar state variable or one entry of a map; the layout
lists them for an instance, in ``System.state`` order and, within a map, in
the interpreter's row-major key order. A vocabulary gives every location a
fresh constant for one position of a run; labels record which action fired
at a step and with which arguments, so a trace can be read off a model.
Constants are named after the location (``assigned[Page3]@2``): calling
:func:`vocab` twice with the same tag gives the same constants.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import z3

from rmpcheck import ir
from rmpcheck.errors import InternalError
from rmpcheck.interp.values import Raw, Sizes
from rmpcheck.ir_text import ExprPrinter, scalar, select
from rmpcheck.monitor import System


@dataclass(frozen=True, slots=True)
class Location:
    var: str
    key: tuple[Raw, ...]  # () for a scalar variable
    type: ir.ScalarType  # the value type
    label: str  # how a person reads it: assigned[Page3], step[Thread1], psc_lock


@dataclass(frozen=True, slots=True)
class Layout:
    """Every location of an instance, grouped by state variable.

    ``width`` picks how numbers (bounded ints, enum members, sort elements,
    the action selector) are encoded: None for Z3 Int (what Spacer and the
    readable invariants want), else signed bit-vectors of that width, which
    bmc and kind bit-blast into one SAT problem (smt/width.py).
    """

    system: System
    sizes: Sizes
    slots: Mapping[str, tuple[Location, ...]]
    width: int | None = None

    @property
    def locations(self) -> Iterator[Location]:
        for d in self.system.state:
            yield from self.slots[d.name]


def value_text(sizes: Sizes, names: ExprPrinter, t: ir.ScalarType, raw: Raw) -> str:
    """A raw value in model text: ``true``, ``3``, ``Page0``, or the member as ``names`` has it."""
    if isinstance(t, ir.EnumType):
        return names.member(t, t.members[raw])
    return scalar(sizes.domain(t).show(raw))


def layout(system: System, sizes: Sizes, width: int | None = None) -> Layout:
    slots: dict[str, tuple[Location, ...]] = {}
    names = ExprPrinter(system.model.enums)
    for d in system.state:
        if isinstance(d.type, ir.MapType):
            t = d.type
            locs = []
            for key in sizes.keys(t):
                shown = [value_text(sizes, names, kt, k) for kt, k in zip(t.keys, key, strict=True)]
                locs.append(Location(d.name, key, t.value, select(d.name, shown)))
            slots[d.name] = tuple(locs)
        else:
            assert not isinstance(d.type, ir.MapType)
            slots[d.name] = (Location(d.name, (), d.type, d.name),)
    return Layout(system, sizes, slots, width)


def z3_sort(t: ir.ScalarType, width: int | None = None) -> z3.SortRef:
    if isinstance(t, ir.BoolType):
        return z3.BoolSort()
    return z3.IntSort() if width is None else z3.BitVecSort(width)


def const(name: str, t: ir.ScalarType, width: int | None = None) -> z3.ExprRef:
    return z3.Const(name, z3_sort(t, width))


def number(n: int, width: int | None = None) -> z3.ExprRef:
    """An integer literal in the layout's encoding."""
    if width is None:
        return z3.IntVal(n)
    if not -(1 << (width - 1)) <= n < 1 << (width - 1):
        raise InternalError(f"{n} does not fit the {width}-bit encoding")
    return z3.BitVecVal(n, width)


def value(t: ir.ScalarType, raw: Raw, width: int | None = None) -> z3.ExprRef:
    """A raw interpreter value as a Z3 literal."""
    return z3.BoolVal(bool(raw)) if isinstance(t, ir.BoolType) else number(int(raw), width)


def in_domain(sizes: Sizes, t: ir.ScalarType, x: z3.ExprRef) -> z3.BoolRef:
    """``x`` is a raw value of ``t``: the constraint every Int-encoded constant carries."""
    if isinstance(t, ir.BoolType):
        return z3.BoolVal(True)
    vals = sizes.domain(t).values
    assert isinstance(x, (z3.ArithRef, z3.BitVecRef))  # BitVecRef compares signed
    if len(vals) == 1:
        return x == vals[0]
    return z3.And(x >= vals[0], x <= vals[-1])


@dataclass(frozen=True, slots=True, eq=False)
class Vocabulary:
    """One position of a run: a constant per location, grouped by state variable."""

    tag: str
    values: Mapping[str, tuple[z3.ExprRef, ...]]

    def flat(self) -> list[z3.ExprRef]:
        return [c for cs in self.values.values() for c in cs]


def vocab(lay: Layout, step: int | str) -> Vocabulary:
    """Fresh constants for every location at position ``step``."""
    tag = str(step)
    values = {
        name: tuple(const(f"{loc.label}@{tag}", loc.type, lay.width) for loc in locs)
        for name, locs in lay.slots.items()
    }
    return Vocabulary(tag, values)


def locations_of(lay: Layout, v: Vocabulary) -> dict[str, Location]:
    """The name of each of ``v``'s constants -> its location (to print formulas over ``v``)."""
    return {c.decl().name(): loc for c, loc in zip(v.flat(), lay.locations, strict=True)}


def shown_locations(lay: Layout, v: Vocabulary) -> dict[str, Location]:
    """:func:`locations_of` for printing: a monitor's location is labelled with the
    formula it stands for (``once host.consult_rmp(Thread2)``), not its internal name.
    (The labels of the layout itself also name Z3 constants, so they stay unique.)"""
    names = ExprPrinter(lay.system.model.enums)
    monitors = {m.decl.name: m for m in lay.system.monitors}
    out = locations_of(lay, v)
    for key, loc in out.items():
        m = monitors.get(loc.var)
        if m is None:
            continue
        kts = m.decl.type.keys if isinstance(m.decl.type, ir.MapType) else ()
        # an element as a name that prints as itself (there are no sort literals)
        args = [
            ir.StateVar(value_text(lay.sizes, names, kt, k), kt)
            for kt, k in zip(kts, loc.key, strict=True)
        ]
        text = names.expr(m.shown(args or None))
        out[key] = dataclasses.replace(loc, label=text if m.source is None else f"({text})")
    return out


def state_domain(lay: Layout, v: Vocabulary) -> z3.BoolRef:
    return z3.And(
        [
            in_domain(lay.sizes, loc.type, c)
            for loc, c in zip(lay.locations, v.flat(), strict=True)
            if not isinstance(loc.type, ir.BoolType)
        ]
    )


@dataclass(frozen=True, slots=True, eq=False)
class Labels:
    """Which action fired at a step (``selector`` indexes ``model.actions``) and
    its arguments (one tuple of constants per action, in parameter order)."""

    tag: str
    selector: z3.ExprRef
    params: tuple[tuple[z3.ExprRef, ...], ...]

    def constants(self) -> list[z3.ExprRef]:
        return [self.selector, *(p for ps in self.params for p in ps)]


def labels(lay: Layout, step: int | str) -> Labels:
    tag = str(step)
    params = tuple(
        tuple(const(f"{a.full_name}({p.name})@{tag}", p.type, lay.width) for p in a.params)
        for a in lay.system.model.actions
    )
    selector = const(f"action@{tag}", ir.IntType(0, len(lay.system.model.actions)), lay.width)
    return Labels(tag, selector, params)


def labels_domain(lay: Layout, lab: Labels) -> z3.BoolRef:
    actions = lay.system.model.actions
    parts: list[z3.BoolRef] = [lab.selector >= 0, lab.selector < len(actions)]
    for a, ps in zip(actions, lab.params, strict=True):
        parts += [in_domain(lay.sizes, p.type, c) for p, c in zip(a.params, ps, strict=True)]
    return z3.And(parts)
