"""The automatic covers of a claim's formula (rmpcheck.vacuity.parts), on hand-written claims."""

from __future__ import annotations

from rmpcheck import ir
from rmpcheck.ir_text import ExprPrinter
from rmpcheck.lang import parse_model, parse_properties
from rmpcheck.monitor import context_of
from rmpcheck.vacuity.parts import Part, parts

MODEL = parse_model(
    """
model m
sort Page
sort Thread
enum Step { idle, busy }
state a : Page -> bool
state b : Page -> bool
state step : Thread -> Step
state lock : bool
init { forall p: Page. !a[p] && !b[p]  forall t: Thread. step[t] == idle  !lock }
actor host
action host.set(p: Page) { require !lock  a[p] := true }
action host.mark(p: Page) { if a[p] { b[p] := true } }
action host.go(t: Thread) { step[t] := busy  lock := true }
""",
    "m.rmp",
)
PRINT = ExprPrinter(MODEL.enums)


def claim(text: str) -> ir.Property:
    props = parse_properties(f"properties for m\n{text}\n", MODEL, "m.prop")
    return props.properties[0]


def split(text: str) -> list[Part]:
    return parts(claim(text), PRINT)


def shown(ps: list[Part]) -> list[tuple[str, str, str, int | None]]:
    """(kind, text, cover body, parent) of each part, as model text."""
    return [(p.kind, p.text, PRINT.expr(p.body), p.parent) for p in ps]


def test_an_implication_covers_its_premise() -> None:
    ps = split("invariant i: forall p: Page. b[p] -> a[p]")
    assert shown(ps) == [("premise", "b[p]", "b[p]", None)]
    assert [v.name for v in ps[0].free] == ["p"]  # the forall's variable, existential now


def test_a_nested_implication_covers_each_premise_conjoined() -> None:
    ps = split("invariant i: forall p: Page. lock -> b[p] -> a[p]")
    assert shown(ps) == [
        ("premise", "lock", "lock", None),
        ("premise", "lock && b[p]", "lock && b[p]", 0),
    ]
    # the outer premise mentions no p: its cover has no variable
    assert ps[0].free == () and [v.name for v in ps[1].free] == ["p"]


def test_a_disjunction_in_the_consequent_covers_each_disjunct_alone() -> None:
    ps = split("invariant i: forall p: Page. b[p] -> a[p] || lock")
    assert shown(ps) == [
        ("premise", "b[p]", "b[p]", None),
        ("disjunct", "a[p]", "b[p] && a[p] && !lock", 0),
        ("disjunct", "lock", "b[p] && lock && !a[p]", 0),
    ]
    assert [p.index for p in ps] == [0, 1, 2]


def test_a_conjunction_of_implications_covers_both_premises() -> None:
    ps = split(
        "invariant i: (forall p: Page. b[p] -> a[p]) && (lock -> exists t: Thread. step[t] == busy)"
    )
    assert [(p.kind, p.text, p.parent) for p in ps] == [
        ("premise", "b[p]", None),
        ("premise", "lock", None),
    ]


def test_atoms_and_negative_positions_are_not_split() -> None:
    # a disjunction under a negation, or in a premise, or under exists, is not positive
    assert split("invariant i: forall p: Page. !(lock || a[p])") == []
    ps = split("invariant i: forall p: Page. (a[p] || b[p]) -> !lock || a[p]")
    assert [p.text for p in ps] == ["a[p] || b[p]", "!lock", "a[p]"]
    assert split("invariant i: exists p: Page. a[p] || b[p]") == []


def test_an_equivalence_needs_both_of_its_cases() -> None:
    ps = split("always s: lock' == (lock || host.go(_))")
    assert [(p.text, PRINT.expr(p.body)) for p in ps] == [("lock'", "lock'"), ("!lock'", "!lock'")]


def test_if_then_else_covers_both_branches() -> None:
    ps = split("invariant i: forall p: Page. if a[p] then b[p] || lock else !b[p]")
    assert [(p.kind, p.text, p.parent) for p in ps] == [
        ("premise", "a[p]", None),
        ("disjunct", "b[p]", 0),
        ("disjunct", "lock", 0),
        ("premise", "!a[p]", None),
    ]


def test_step_formulas_keep_patterns_primes_and_the_step_context() -> None:
    prop = claim("always w: host.set(p) -> a'[p] || b[p]")
    ps = parts(prop, PRINT)
    assert [PRINT.expr(p.body) for p in ps] == [
        "host.set(p)",
        "host.set(p) && a'[p] && !b[p]",
        "host.set(p) && b[p] && !a'[p]",
    ]
    assert [v.name for v in ps[0].free] == ["p"]  # the pattern's implicit variable
    assert context_of(prop) == "step"


def test_past_time_operators_are_atoms_of_a_disjunction() -> None:
    ps = split("always w: host.mark(p) -> !a[p] || (!host.go(_) since host.set(p))")
    assert [p.text for p in ps] == [
        "host.mark(p)",
        "!a[p]",
        "!host.go(_) since host.set(p)",
    ]
    assert ir.has(ps[2].body, ir.Past) and ir.has(ps[1].body, ir.Past)


def test_parts_point_at_their_text_in_the_property_file() -> None:
    (premise,) = split("invariant i: forall p: Page. b[p] -> a[p]")
    assert (premise.span.file, premise.span.line, premise.span.col) == ("m.prop", 2, 30)


def test_a_claim_without_premises_or_disjunctions_has_no_parts() -> None:
    assert split("invariant i: forall p: Page. !b[p] && !lock") == []
