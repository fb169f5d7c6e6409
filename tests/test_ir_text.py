"""The shared printing rules: IR expressions and Spacer's invariants read alike."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import z3

from rmpcheck import ir
from rmpcheck.ir_text import ExprPrinter
from rmpcheck.lang import parse_model, parse_properties
from rmpcheck.monitor import System
from rmpcheck.smt.readable import show_conjuncts
from rmpcheck.smt.system import encoding
from rmpcheck.smt.vocab import locations_of

MODEL = parse_model(
    """model two_enums
sort Page
enum Step { idle, busy }
enum Mode { idle, done }
state step : Page -> Step
state mode : bool -> Mode
state a : bool
state b : bool
state c : bool
"""
)
Values = Mapping[str, tuple[z3.ExprRef, ...]]


def certificate(build: Callable[[Values], z3.BoolRef]) -> tuple[str, ...]:
    """``build(values)`` (a formula over one vocabulary) printed as in a certificate."""
    enc = encoding(System(MODEL), {"Page": 1})
    v = enc.vocab("shown")
    locs = locations_of(enc.lay, v)
    return show_conjuncts(build(v.values), locs, enc.sizes, MODEL.enums)


def formula(text: str) -> ir.Expr:
    props = parse_properties(f"properties for two_enums\ninvariant i: {text}\n", MODEL)
    return props.properties[0].formula


def test_ambiguous_members_are_qualified_in_expressions_and_invariants() -> None:
    f = formula("forall p: Page. step[p] == Step.idle || step[p] == busy")
    assert (
        ExprPrinter(MODEL.enums).expr(f)
        == "forall p: Page. step[p] == Step.idle || step[p] == busy"
    )
    # without the model's enums every member is qualified
    assert (
        ExprPrinter(None).expr(f) == "forall p: Page. step[p] == Step.idle || step[p] == Step.busy"
    )

    def inv(x: Values) -> z3.BoolRef:
        (step,), (mode_false, mode_true) = x["step"], x["mode"]
        return z3.And(step == 0, mode_true != 0, mode_false == 0)

    # ground locations read like map reads, with keys written as in a model (true, not True)
    assert certificate(inv) == (
        "step[Page0] == Step.idle",
        "mode[true] == done",
        "mode[false] == Mode.idle",
    )


def test_invariants_use_the_language_precedence() -> None:
    """The same formula, from the IR and from Z3, prints the same."""

    def inv(x: Values) -> z3.BoolRef:
        (a,), (b,), (c,) = x["a"], x["b"], x["c"]
        return z3.And(
            z3.Implies(a, z3.Implies(b, c)),
            z3.Implies(z3.Implies(a, b), c),
            z3.Or(z3.And(a, b), c),
            z3.Or(z3.And(z3.Or(a, b), z3.Not(z3.And(b, c))), c),
            a == z3.Or(b, c),
        )

    texts = (
        "a -> b -> c",
        "(a -> b) -> c",
        "a && b || c",
        "(a || b) && !(b && c) || c",
        "a <-> b || c",
    )
    printer = ExprPrinter(MODEL.enums)
    assert tuple(printer.expr(formula(t)) for t in texts) == texts
    assert certificate(inv) == texts
