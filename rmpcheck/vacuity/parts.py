"""The automatic covers of a claim: every premise it has and every disjunct it needs.

A proof of ``A -> C`` says nothing about runs where ``A`` never holds, and a
proof of ``D1 || D2`` may never use ``D2``. So, reading the formula from the
top through positive positions only (conjunctions, implication consequents,
disjuncts, ``forall`` bodies, ``if`` branches):

* ``forall xs. B``: the ``xs`` become free variables of every cover below
  (existential there, as a cover's free variables are), then ``B``;
* ``A && B``: both, under the same premises;
* ``A -> C``: cover the premises so far and ``A``; then ``C`` under them
  (``A -> (B -> C)`` covers ``A``, then ``A && B``);
* ``A <-> B`` (and ``==`` of bools): both cases, ``A`` and ``!A``, must occur;
* ``if c then a else b``: both branches, ``c`` and ``!c``; then each branch;
* ``D1 || ... || Dn``: for each i, ``premises && Di && !Dj (j != i)``: the
  disjunct is somewhere the only reason the claim holds; then each ``Di``
  under ``!Dj (j != i)``.

A liveness claim ``forall xs. T ~> G`` has one part, its trigger ``T`` (the
``xs`` free): a proof that every ``T`` is answered says nothing when no run
ever reaches a ``T``. ``eventually G`` and ``always eventually G`` have none.

Everything else (``!``, ``exists``, comparisons, past-time operators, action
patterns) is an atom. A part records the part it refines (``parent``): when
the parent's cover is unreachable, so is the child's, and only the parent is
reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from rmpcheck import ir
from rmpcheck.errors import NO_SPAN, Span
from rmpcheck.ir_text import AND, ExprPrinter

PartKind = Literal["premise", "disjunct"]


@dataclass(frozen=True, slots=True)
class Part:
    """One automatic cover of a claim."""

    kind: PartKind
    text: str  # the premise (all premises so far, conjoined) or the disjunct, as model text
    span: Span  # where the premise or disjunct is written
    body: ir.Expr  # what the cover asks for; its free variables are existential
    free: tuple[ir.BoundVar, ...]
    index: int = 0  # a disjunct's number (1-based) in its disjunction
    parent: int | None = None  # the part this one refines (an index into the same list)


def parts(prop: ir.Property, printer: ExprPrinter | None = None) -> list[Part]:
    """The automatic covers of ``prop``'s formula, outermost first."""
    return _Walker(prop, printer or ExprPrinter(None)).run()


class _Walker:
    def __init__(self, prop: ir.Property, printer: ExprPrinter) -> None:
        self.prop, self.printer = prop, printer
        self.out: list[Part] = []

    def run(self) -> list[Part]:
        t = self.prop.temporal
        if t is not None:
            if t.op == "leads_to" and t.trigger is not None:
                text = self.printer.expr(t.trigger)
                free = self.prop.free + t.params
                self.add("premise", text, t.trigger, (t.trigger,), free, None, self.prop.span)
            return self.out
        self.walk(self.prop.formula, (), self.prop.free, None, self.prop.span)
        return self.out

    def add(
        self,
        kind: PartKind,
        text: str,
        at: ir.Expr,
        body: Sequence[ir.Expr],
        free: tuple[ir.BoundVar, ...],
        parent: int | None,
        near: Span,
        index: int = 0,
    ) -> int:
        cover = ir.conj(body)
        used = ir.free_vars(cover)
        keep = tuple(v for v in free if v in used)
        self.out.append(Part(kind, text, self.span(at, near), cover, keep, index, parent))
        return len(self.out) - 1

    def span(self, e: ir.Expr, near: Span) -> Span:
        """``e``'s span if it is written in the property file (not inlined from a def)."""
        s: Span | None = getattr(e, "span", None)
        if s is None or s.line <= 0 or s.file != near.file:
            return near
        return s

    def premise_text(self, premises: Sequence[ir.Expr]) -> str:
        if len(premises) == 1:
            return self.printer.expr(premises[0])
        return " && ".join(self.printer.expr(p, AND) for p in premises)

    def walk(
        self,
        e: ir.Expr,
        premises: tuple[ir.Expr, ...],
        free: tuple[ir.BoundVar, ...],
        parent: int | None,
        near: Span,
    ) -> None:
        near = self.span(e, near)
        if isinstance(e, ir.Quant) and e.kind == "forall":
            self.walk(e.body, premises, free + e.vars, parent, near)
        elif isinstance(e, ir.BinOp) and e.op == "and":
            self.walk(e.left, premises, free, parent, near)
            self.walk(e.right, premises, free, parent, near)
        elif isinstance(e, ir.BinOp) and e.op == "implies":
            now = (*premises, e.left)
            i = self.add("premise", self.premise_text(now), e.left, now, free, parent, near)
            self.walk(e.right, now, free, i, near)
        elif _is_iff(e):
            assert isinstance(e, ir.BinOp)
            for case in (e.left, _negate(e.left)):
                now = (*premises, case)
                self.add("premise", self.premise_text(now), e.left, now, free, parent, near)
        elif isinstance(e, ir.Ite) and isinstance(e.type, ir.BoolType):
            for case, branch in ((e.cond, e.then), (_negate(e.cond), e.else_)):
                now = (*premises, case)
                i = self.add("premise", self.premise_text(now), e.cond, now, free, parent, near)
                self.walk(branch, now, free, i, near)
        elif isinstance(e, ir.BinOp) and e.op == "or":
            self.disjunction(list(_disjuncts(e)), premises, free, parent, near)

    def disjunction(
        self,
        ds: list[ir.Expr],
        premises: tuple[ir.Expr, ...],
        free: tuple[ir.BoundVar, ...],
        parent: int | None,
        near: Span,
    ) -> None:
        for k, d in enumerate(ds):
            others = tuple(_negate(x) for j, x in enumerate(ds) if j != k)
            text = self.printer.expr(d)
            body = (*premises, d, *others)
            i = self.add("disjunct", text, d, body, free, parent, near, index=k + 1)
            self.walk(d, (*premises, *others), free, i, near)


def _is_iff(e: ir.Expr) -> bool:
    if not isinstance(e, ir.BinOp):
        return False
    return e.op == "iff" or (e.op == "==" and isinstance(ir.expr_type(e.left), ir.BoolType))


def _disjuncts(e: ir.Expr) -> Iterator[ir.Expr]:
    if isinstance(e, ir.BinOp) and e.op == "or":
        yield from _disjuncts(e.left)
        yield from _disjuncts(e.right)
    else:
        yield e


def _negate(e: ir.Expr) -> ir.Expr:
    return e.arg if isinstance(e, ir.Not) else ir.Not(e, getattr(e, "span", NO_SPAN))
