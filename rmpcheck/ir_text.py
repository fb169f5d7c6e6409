"""IR expressions as model text: the one set of printing rules.

Everything that shows an expression to a person prints it here or with these
rules: ``lang.pretty`` (whole model and property files), ``trace`` (why a
step is disabled), the engines' certificates, and ``smt.readable`` (Spacer's
invariant over ground locations such as ``assigned[Page3]``). It depends on
``ir`` only, so ``trace`` and ``interp`` may use it (DESIGN.md).

Parsing the output gives back an equal IR (tests/lang/test_roundtrip.py).
Parentheses are added only where precedence needs them; quantifiers and
``if .. then .. else`` (which extend as far right as possible) are
parenthesised whenever they are not a whole formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rmpcheck import ir

# Binding strength: operators of a higher level bind tighter.
OPEN, IFF, IMPLIES, OR, AND, SINCE, CMP, SUM, UNARY, ATOM = range(10)

_SYMBOL = {"and": "&&", "or": "||", "implies": "->", "iff": "<->"}
_LEVEL = {"iff": IFF, "implies": IMPLIES, "or": OR, "and": AND, "+": SUM, "-": SUM}
# (left operand level, right operand level) for each binary level
_OPERANDS = {
    IFF: (IMPLIES, IMPLIES),  # non-associative
    IMPLIES: (OR, IMPLIES),  # right-associative
    OR: (OR, AND),
    AND: (AND, SINCE),
    SINCE: (CMP, CMP),
    CMP: (SUM, SUM),
    SUM: (SUM, UNARY),
}


def symbol(op: str) -> str:
    """How a binary operator is written: ``and`` is ``&&``, ``<=`` is ``<=``."""
    return _SYMBOL.get(op, op)


def level(op: str) -> int:
    """The binding strength of a binary operator (comparisons for any other op)."""
    return _LEVEL.get(op, CMP)


def operands(op: str) -> tuple[int, int]:
    """The levels a binary operator's left and right operands must have to go bare."""
    return _OPERANDS[level(op)]


def parens(text: str, own: int, outer: int) -> str:
    """``text`` (of binding strength ``own``) where ``outer`` is needed."""
    return f"({text})" if own < outer else text


def infix(op: str, parts: Iterable[str]) -> str:
    """Printed operands joined by a binary operator."""
    return f" {symbol(op)} ".join(parts)


def scalar(v: object) -> str:
    """A scalar value as written in a model: ``true``, ``3``, ``idle``, ``Page0``."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def select(name: str, keys: Sequence[str]) -> str:
    """A map read (or one ground location) from printed keys: ``step[Thread0]``."""
    return f"{name}[{', '.join(keys)}]"


def binders(vs: Iterable[ir.BoundVar]) -> str:
    """``t: Thread, p: Page``: parameters and quantified variables with their types."""
    return ", ".join(f"{v.name}: {v.type}" for v in vs)


class ExprPrinter:
    """Prints expressions; ``shared`` are enum members that need ``Enum.member``."""

    def __init__(self, enums: Iterable[ir.EnumType] | None) -> None:
        # Without the model's enums we cannot know which members are ambiguous,
        # so every member is qualified.
        self.qualify_all = enums is None
        seen: dict[str, int] = {}
        for t in enums or ():
            for m in t.members:
                seen[m] = seen.get(m, 0) + 1
        self.shared = {m for m, n in seen.items() if n > 1}

    def member(self, enum: ir.EnumType, member: str) -> str:
        """An enum member, qualified where a bare name would be ambiguous."""
        if self.qualify_all or member in self.shared:
            return f"{enum.name}.{member}"
        return member

    def expr(self, e: ir.Expr, outer: int = OPEN) -> str:
        text, own = self._expr(e)
        return parens(text, own, outer)

    def item(self, e: ir.Expr) -> str:
        """One element of a comma-separated list: a map key, an action argument."""
        return self.expr(e, IFF)

    def lvalue(self, target: ir.StateVar, indices: Sequence[ir.Expr]) -> str:
        """The left side of an assignment: ``x`` or ``m[k]``."""
        return select(target.name, [self.item(k) for k in indices]) if indices else target.name

    def temporal(self, t: ir.Temporal, extra: Sequence[ir.BoundVar] = ()) -> str:
        """A liveness claim's formula: ``forall v: Vcpu. P ~> Q``, ``eventually P``."""
        if t.op == "leads_to":
            assert t.trigger is not None
            body = f"{self.expr(t.trigger, IFF)} ~> {self.expr(t.goal, IFF)}"
        else:
            word = "eventually" if t.op == "eventually" else "always eventually"
            body = f"{word} {self.expr(t.goal)}"
        params = (*extra, *t.params)
        return f"forall {binders(params)}. {body}" if params else body

    def _expr(self, e: ir.Expr) -> tuple[str, int]:
        if isinstance(e, (ir.BoolLit, ir.IntLit)):
            return scalar(e.value), (UNARY if e.value < 0 else ATOM)
        if isinstance(e, ir.EnumLit):
            return self.member(e.enum, e.member), ATOM
        if isinstance(e, ir.StateVar):
            return e.name + ("'" if e.primed else ""), ATOM
        if isinstance(e, ir.BoundVar):
            return e.name, ATOM
        if isinstance(e, ir.Select):
            return select(self.expr(e.map), [self.item(a) for a in e.args]), ATOM
        if isinstance(e, ir.Not):
            return "!" + self.expr(e.arg, UNARY), UNARY
        if isinstance(e, ir.Past):
            if e.op == "since":
                a, b = e.args
                return f"{self.expr(a, CMP)} since {self.expr(b, CMP)}", SINCE
            return f"{e.op} {self.expr(e.args[0], UNARY)}", UNARY
        if isinstance(e, ir.BinOp):
            left, right = operands(e.op)
            return infix(e.op, [self.expr(e.left, left), self.expr(e.right, right)]), level(e.op)
        if isinstance(e, ir.ActionIs):
            args = ", ".join("_" if x is None else self.item(x) for x in e.args)
            return f"{e.action}({args})", ATOM
        if isinstance(e, ir.Ite):
            c, t, f = (self.expr(x) for x in (e.cond, e.then, e.else_))
            return f"if {c} then {t} else {f}", OPEN
        assert isinstance(e, ir.Quant), e
        return f"{e.kind} {binders(e.vars)}. {self.expr(e.body)}", OPEN
