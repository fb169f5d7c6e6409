"""IR types as Z3 sorts: uninterpreted sorts stay uninterpreted, so no size is fixed.

Enums become Z3 enumeration datatypes (finite, with distinct members), bounded
ints plain Int with range constraints added where values are read or written,
bool is Bool. One Universe owns one Z3 context: the fresh re-check of a
certificate builds a second Universe, so nothing is shared with the first run.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import z3

from rmpcheck import ir

# Quantifiers over finite types (bool, enums, small int ranges) are expanded
# into conjunctions/disjunctions up to this many cases: it keeps the queries in
# the pure EPR shape (quantifiers only over uninterpreted sorts).
EXPAND_LIMIT = 64


class Universe:
    """The Z3 side of a model's types, in a context of its own."""

    def __init__(self, model: ir.Model) -> None:
        self.model = model
        self.ctx = z3.Context()
        self._fresh = itertools.count()
        self.sorts: dict[str, z3.SortRef] = {
            s.name: z3.DeclareSort(s.name, self.ctx) for s in model.sorts
        }
        self.enums: dict[str, tuple[z3.SortRef, list[z3.ExprRef]]] = {}
        for t in model.enums:
            sort, members = z3.EnumSort(t.name, [f"{t.name}.{m}" for m in t.members], ctx=self.ctx)
            self.enums[t.name] = (sort, members)

    # ----------------------------------------------------------------- sorts

    def sort(self, t: ir.ScalarType) -> z3.SortRef:
        if isinstance(t, ir.BoolType):
            return z3.BoolSort(self.ctx)
        if isinstance(t, ir.IntType):
            return z3.IntSort(self.ctx)
        if isinstance(t, ir.EnumType):
            return self.enums[t.name][0]
        return self.sorts[t.name]

    def member(self, t: ir.EnumType, name: str) -> z3.ExprRef:
        return self.enums[t.name][1][t.members.index(name)]

    def finite_values(self, t: ir.ScalarType) -> list[z3.ExprRef] | None:
        """Every value of a finite type, or None for a sort (or a huge int range)."""
        if isinstance(t, ir.BoolType):
            return [self.false, self.true]
        if isinstance(t, ir.EnumType):
            return list(self.enums[t.name][1])
        if isinstance(t, ir.IntType) and t.hi - t.lo < EXPAND_LIMIT:
            return [z3.IntVal(v, self.ctx) for v in range(t.lo, t.hi + 1)]
        return None

    def in_range(self, t: ir.ScalarType, x: z3.ExprRef) -> z3.BoolRef:
        """The implicit constraint of a value of type ``t`` (true except for ints)."""
        if isinstance(t, ir.IntType):
            return z3.And(x >= t.lo, x <= t.hi)
        return self.true

    # ----------------------------------------------------------------- terms

    @property
    def true(self) -> z3.BoolRef:
        return z3.BoolVal(True, self.ctx)

    @property
    def false(self) -> z3.BoolRef:
        return z3.BoolVal(False, self.ctx)

    def fresh(self, base: str, t: ir.ScalarType) -> z3.ExprRef:
        """A constant no other term uses (bound variables, parameters, choices)."""
        return z3.Const(f"{base}!{next(self._fresh)}", self.sort(t))

    def fresh_function(
        self, base: str, keys: Sequence[ir.ScalarType], value: ir.ScalarType
    ) -> z3.FuncDeclRef:
        name = f"{base}!{next(self._fresh)}"
        if not keys:
            return z3.Function(name, self.sort(value))
        return z3.Function(name, *(self.sort(k) for k in keys), self.sort(value))

    def conj(self, parts: Iterable[z3.BoolRef]) -> z3.BoolRef:
        items = list(parts)
        if not items:
            return self.true
        return items[0] if len(items) == 1 else z3.And(*items)

    def disj(self, parts: Iterable[z3.BoolRef]) -> z3.BoolRef:
        items = list(parts)
        if not items:
            return self.false
        return items[0] if len(items) == 1 else z3.Or(*items)

    def forall(self, xs: Sequence[z3.ExprRef], body: z3.BoolRef) -> z3.BoolRef:
        return z3.ForAll(list(xs), body) if xs else body

    def exists(self, xs: Sequence[z3.ExprRef], body: z3.BoolRef) -> z3.BoolRef:
        return z3.Exists(list(xs), body) if xs else body

    def cardinality(self, sort: str, n: int) -> z3.BoolRef:
        """At most ``n`` elements in ``sort`` (used to shrink counterexamples to induction)."""
        s = self.sorts[sort]
        elems = [z3.Const(f"{sort}!card{i}!{next(self._fresh)}", s) for i in range(n)]
        x = z3.Const(f"{sort}!x!{next(self._fresh)}", s)
        return z3.ForAll([x], self.disj([x == e for e in elems]))
