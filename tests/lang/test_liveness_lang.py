"""Liveness claims, fairness and terminal declarations: what the checker makes of them.

Misuses are golden error cases (tests/golden/errors/liveness_*); here the IR.
"""

from __future__ import annotations

from rmpcheck import ir
from rmpcheck.lang import parse_model, parse_properties
from rmpcheck.lang.pretty import model_to_text, properties_to_text

MODEL = """
model m
sort P
state x : P -> bool
state y : bool
init { !y }
actor a
actor b
action a.go(p: P) { x[p] := true }
action a.stop { require y }
action b.flip { y := !y }
fair a.go
strong_fair b
terminal: y
instance small { P = 2 }
"""

PROPS = """
properties for m
liveness each: forall p: P. !x[p] ~> x[p]
liveness some: eventually exists p: P. x[p]
liveness often: always eventually y
liveness step: a.go(p) ~> x'[p] && once a.go(p)
fair a
terminal: forall p: P. x[p]
"""


def _load() -> tuple[ir.Model, ir.PropertySet]:
    model = parse_model(MODEL, "m.rmp")
    return model, parse_properties(PROPS, model, "m.prop")


def test_shapes_params_and_free_variables() -> None:
    _, props = _load()
    each, some, often, step = props.properties
    assert all(p.kind == "liveness" for p in props.properties)
    assert each.temporal is not None and each.temporal.op == "leads_to"
    assert [v.name for v in each.temporal.params] == ["p"] and each.free == ()
    assert some.temporal is not None and some.temporal.op == "eventually"
    assert some.temporal.trigger is None and isinstance(some.formula, ir.Quant)
    assert often.temporal is not None and often.temporal.op == "always_eventually"
    # an action pattern's variable is free (for all p), as in an always claim
    assert step.temporal is not None and [v.name for v in step.free] == ["p"]
    assert step.temporal.params == ()


def test_fairness_is_per_action_and_actor_wide_declarations_expand() -> None:
    model, props = _load()
    assert [(f.kind, f.action) for f in model.fairness] == [
        ("weak", "a.go"),
        ("strong", "b.flip"),
    ]
    assert [(f.kind, f.action) for f in props.fairness] == [
        ("weak", "a.go"),
        ("weak", "a.stop"),
    ]
    assert len(model.terminal) == 1 and len(props.terminal) == 1


def test_printing_and_parsing_give_the_same_ir() -> None:
    model, props = _load()
    assert parse_model(model_to_text(model), "m.rmp") == model
    assert parse_properties(properties_to_text(props, model), model, "m.prop") == props


def test_temporal_words_are_reserved() -> None:
    from rmpcheck.errors import ModelError

    for word in ("eventually", "liveness", "fair", "strong_fair", "terminal"):
        try:
            parse_model(f"model m\nstate {word} : bool\n", "m.rmp")
        except ModelError as e:
            assert "reserved word" in str(e)
        else:  # pragma: no cover - the assertion message says what went wrong
            raise AssertionError(f"{word} was accepted as a name")
