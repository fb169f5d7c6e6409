"""Z3 formulas over a vocabulary (Spacer's invariant) as model text, for certificates.

Constants become their locations (``assigned[Page3]``); any subformula about
a single enum/sort/int location is rewritten as membership in the values
that satisfy it (``step[Thread1] == consulted`` rather than
``Not(step@inv <= 1)``); linear atoms get their terms back on both sides
(``serving < next_ticket``). Operators, enum members and parentheses follow
:mod:`rmpcheck.ir_text`, the rules IR expressions are printed by.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from math import prod

import z3

from rmpcheck import ir
from rmpcheck.interp.values import Sizes
from rmpcheck.ir_text import (
    AND,
    ATOM,
    CMP,
    OPEN,
    SUM,
    UNARY,
    ExprPrinter,
    infix,
    level,
    operands,
    parens,
    scalar,
)
from rmpcheck.smt.terms import literal
from rmpcheck.smt.vocab import Location, value, value_text, z3_sort

# Z3 operators that are operators of the language, by their IR names
_IR_OP = {
    z3.Z3_OP_AND: "and",
    z3.Z3_OP_OR: "or",
    z3.Z3_OP_IMPLIES: "implies",
    z3.Z3_OP_EQ: "==",
    z3.Z3_OP_LE: "<=",
    z3.Z3_OP_LT: "<",
    z3.Z3_OP_GE: ">=",
    z3.Z3_OP_GT: ">",
    z3.Z3_OP_ADD: "+",
    z3.Z3_OP_SUB: "-",
}
# the comparisons, whose arithmetic sides _linear puts back in order
_LINEAR = {k: op for k, op in _IR_OP.items() if level(op) == CMP}


def _joined(op: str, parts: list[str], outer: int) -> str:
    """Comparisons joined by ``and``/``or``: one of them needs no connective's level."""
    return parens(infix(op, parts), level(op) if len(parts) > 1 else CMP, outer)


class _Printer:
    def __init__(
        self, locs: Mapping[str, Location], sizes: Sizes, enums: Iterable[ir.EnumType] | None
    ) -> None:
        self.locs = locs
        self.sizes = sizes
        if enums is None:
            enums = {loc.type for loc in locs.values() if isinstance(loc.type, ir.EnumType)}
        self.names = ExprPrinter(enums)
        self._consts: dict[int, frozenset[str]] = {}

    def is_(self, loc: Location, op: str, v: object) -> str:
        """``loc op v``: the location compared with one of its values."""
        return infix(op, [loc.label, value_text(self.sizes, self.names, loc.type, v)])

    def binary(self, op: str, a: z3.ExprRef, b: z3.ExprRef, outer: int) -> str:
        left, right = operands(op)
        return parens(infix(op, [self.show(a, left), self.show(b, right)]), level(op), outer)

    def consts(self, t: z3.ExprRef) -> frozenset[str]:
        """Names of the location constants in ``t``."""
        got = self._consts.get(t.get_id())
        if got is None:
            if z3.is_const(t) and t.decl().kind() == z3.Z3_OP_UNINTERPRETED:
                got = frozenset([t.decl().name()]) & self.locs.keys()
            else:
                got = frozenset().union(*(self.consts(c) for c in t.children()))
            self._consts[t.get_id()] = got
        return got

    def membership(self, t: z3.BoolRef, name: str, outer: int) -> str:
        """A formula about one finite location as ``x == a``, ``x != b`` or a disjunction."""
        loc = self.locs[name]
        d = self.sizes.domain(loc.type)
        c = z3.Const(name, z3.IntSort())
        ok = [
            v
            for v in d.values
            if z3.is_true(z3.simplify(z3.substitute(t, (c, value(loc.type, v)))))
        ]
        bad = [v for v in d.values if v not in ok]
        if not ok:
            return "false"
        if not bad:
            return "true"
        if len(bad) < len(ok):
            return _joined("and", [self.is_(loc, "!=", v) for v in bad], outer)
        return _joined("or", [self.is_(loc, "==", v) for v in ok], outer)

    def unordered(self, t: z3.ExprRef) -> bool:
        """Does ``t`` order two locations, one an enum or sort (unordered in the model)?"""
        if (
            z3.is_app_of(t, z3.Z3_OP_LE)
            or z3.is_app_of(t, z3.Z3_OP_LT)
            or z3.is_ge(t)
            or z3.is_gt(t)
        ):
            names = self.consts(t)
            finite = (ir.EnumType, ir.SortType)
            return len(names) > 1 and any(isinstance(self.locs[n].type, finite) for n in names)
        return any(self.unordered(c) for c in t.children())

    def point(self, t: z3.BoolRef, names: frozenset[str], outer: int) -> str | None:
        """``t`` as the one assignment where it holds (or fails), if there is one."""
        order = sorted(names)
        locs = [self.locs[n] for n in order]
        doms = [self.sizes.domain(loc.type) for loc in locs]
        if prod(d.size for d in doms) > 64:
            return None
        consts = [z3.Const(n, z3_sort(loc.type)) for n, loc in zip(order, locs, strict=True)]
        holds: list[tuple[int, ...]] = []
        fails: list[tuple[int, ...]] = []
        for combo in itertools.product(*(d.values for d in doms)):
            pairs = [(c, value(loc.type, v)) for c, loc, v in zip(consts, locs, combo, strict=True)]
            (holds if z3.is_true(z3.simplify(z3.substitute(t, *pairs))) else fails).append(combo)

        def cube(combo: tuple[int, ...]) -> str:
            lits = []
            for loc, v in zip(locs, combo, strict=True):
                if isinstance(loc.type, ir.BoolType):
                    lits.append(loc.label if v else f"!{loc.label}")
                else:
                    lits.append(self.is_(loc, "==", v))
            return infix("and", lits)

        if len(holds) == 1:
            return parens(cube(holds[0]), AND, outer)
        if len(fails) == 1:
            return "!" + parens(cube(fails[0]), AND, UNARY)
        return None

    def show(self, t: z3.ExprRef, outer: int = OPEN) -> str:
        lit = literal(t)
        if lit is not None:
            return parens(scalar(lit), UNARY if lit < 0 else ATOM, outer)
        if not z3.is_app(t):
            return str(t)  # a quantifier or bound variable: engines eliminate them first
        if z3.is_const(t) and t.decl().name() in self.locs:
            return self.locs[t.decl().name()].label
        names = self.consts(t)
        if z3.is_bool(t) and len(names) == 1:
            (name,) = names
            if not isinstance(self.locs[name].type, ir.BoolType):
                assert isinstance(t, z3.BoolRef)
                return self.membership(t, name, outer)
        if z3.is_bool(t) and 1 < len(names) <= 3 and self.unordered(t):
            assert isinstance(t, z3.BoolRef)
            pt = self.point(t, names, outer)
            if pt is not None:
                return pt
        k = t.decl().kind()
        kids = t.children()
        if k == z3.Z3_OP_NOT:
            flipped = _negate(kids[0])
            if flipped is not None:
                return self.show(flipped, outer)
            a = kids[0]
            if z3.is_eq(a) and not z3.is_bool(a.children()[0]):
                x, y = a.children()
                lin = _linear(self, "!=", x - y)
                return parens(lin, CMP, outer) if lin else self.binary("!=", x, y, outer)
            return parens("!" + self.show(a, UNARY), UNARY, outer)
        if k == z3.Z3_OP_EQ and z3.is_bool(kids[0]):
            return self.binary("iff", kids[0], kids[1], outer)
        if k in _LINEAR and not z3.is_bool(kids[0]):
            lin = _linear(self, _LINEAR[k], kids[0] - kids[1])
            if lin is not None:
                return parens(lin, CMP, outer)
        if k == z3.Z3_OP_DISTINCT and len(kids) == 2:
            return self.binary("!=", kids[0], kids[1], outer)
        if k in _IR_OP:
            op = _IR_OP[k]
            if op in ("and", "or"):
                # associative, and n-ary in Z3: nested ones need no parentheses
                parts = [self.show(c, level(op)) for c in kids]
            else:
                left, right = operands(op)
                parts = [self.show(kids[0], left), *(self.show(c, right) for c in kids[1:])]
            return parens(infix(op, parts), level(op), outer)
        if k == z3.Z3_OP_MUL:
            # not in the language (Spacer's coefficients): as tight as a sum, operands bare
            return parens(" * ".join(self.show(c, UNARY) for c in kids), SUM, outer)
        if k == z3.Z3_OP_ITE:
            c, a, b = (self.show(x) for x in kids)
            return parens(f"if {c} then {a} else {b}", OPEN, outer)
        return str(t)


_FLIP = {z3.Z3_OP_LE: ">", z3.Z3_OP_LT: ">=", z3.Z3_OP_GE: "<", z3.Z3_OP_GT: "<="}


def _negate(t: z3.ExprRef) -> z3.ExprRef | None:
    """``not t`` as one comparison, when ``t`` is an arithmetic comparison."""
    k = t.decl().kind()
    if k not in _FLIP:
        return None
    a, b = t.children()
    # the unbound methods: an operator would let a literal b turn "a < b" into "b > a"
    ops = {
        ">": z3.ArithRef.__gt__,
        ">=": z3.ArithRef.__ge__,
        "<": z3.ArithRef.__lt__,
        "<=": z3.ArithRef.__le__,
    }
    return ops[_FLIP[k]](a, b)


def _linear(pr: _Printer, op: str, diff: z3.ExprRef) -> str | None:
    """``lhs op rhs`` from ``lhs - rhs`` with every coefficient 1 or -1: the
    positive terms on the left, the negative ones and the constant on the right
    (Spacer writes ``x + -1*y >= 0`` for ``x >= y``)."""
    terms: dict[str, int] = {}
    const = 0

    def add(t: z3.ExprRef, coef: int) -> bool:
        nonlocal const
        lit = literal(t)
        if isinstance(lit, int) and not isinstance(lit, bool):
            const += coef * lit
            return True
        if z3.is_add(t):
            return all(add(c, coef) for c in t.children())
        if z3.is_sub(t):
            first, *rest = t.children()
            return add(first, coef) and all(add(c, -coef) for c in rest)
        if z3.is_mul(t) and len(t.children()) == 2:
            c0 = literal(t.children()[0])
            if isinstance(c0, int) and not isinstance(c0, bool):
                return add(t.children()[1], coef * c0)
            return False
        if z3.is_const(t) and t.decl().name() in pr.locs:
            name = t.decl().name()
            terms[name] = terms.get(name, 0) + coef
            return True
        return False

    if not add(diff, 1) or any(c not in (-1, 0, 1) for c in terms.values()):
        return None
    label = {n: pr.locs[n].label for n in terms}
    left = [label[n] for n, c in terms.items() if c == 1]
    right = [label[n] for n, c in terms.items() if c == -1]
    if not left and not right:
        return None
    if -const:
        right.append(str(-const))
    sides = [infix("+", left) or "0", infix("+", right) or "0"]
    return infix(op, sides).replace("+ -", "- ")


def show_z3(
    t: z3.ExprRef,
    locs: Mapping[str, Location],
    sizes: Sizes,
    enums: Iterable[ir.EnumType] | None = None,
) -> str:
    """``t`` with constants named as in ``locs`` (constant name -> location) read as model
    text; ``enums`` are the model's (by default those of the locations' types)."""
    return _Printer(locs, sizes, enums).show(t)


def conjuncts(t: z3.BoolRef) -> list[z3.BoolRef]:
    """Top-level conjuncts, flattened: one certificate line each."""
    if z3.is_and(t):
        return [c for k in t.children() for c in conjuncts(k)]
    return [] if z3.is_true(t) else [t]


def show_conjuncts(
    t: z3.BoolRef,
    locs: Mapping[str, Location],
    sizes: Sizes,
    enums: Iterable[ir.EnumType] | None = None,
) -> tuple[str, ...]:
    """One line per conjunct of ``t``, leaving out those that only restate the types."""
    pr = _Printer(locs, sizes, enums)
    return tuple(line for line in (pr.show(c) for c in conjuncts(t)) if line != "true")
