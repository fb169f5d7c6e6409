"""Hypothesis: printing then parsing is the identity on IR, and no text crashes the front end."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profiles import examples
from strategies import model_and_properties, models

from rmpcheck import ir
from rmpcheck.errors import ModelError
from rmpcheck.lang import load_model, parse_model, parse_properties
from rmpcheck.lang.pretty import model_to_text, properties_to_text

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "errors"
RACE_PATH = GOLDEN / "lib" / "race.rmp"
RACE = load_model(RACE_PATH)
RACE_PROPS = """properties for psc_vs_host_io
def quiet: bool = !psc_lock
invariant write_only_shared "doc": forall t: Thread. step[t] == consulted -> !assigned[target[t]]
always checked: host.write(t) -> !assigned[target[t]] && once host.consult_rmp(t)
always grows: count' >= count || prev (count > 0) && (quiet since psc_lock)
cover reach_write: exists t: Thread. step[t] == consulted
assume fair_env: historically quiet
lemma l: once host.translate(_, p) -> if assigned[p] then true else count < 3
instance tiny { Page = 1, Thread = 1 }
"""

FAST = settings(
    max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@FAST
@given(model_and_properties())
def test_print_then_parse_gives_the_same_ir(mp: tuple[ir.Model, ir.PropertySet]) -> None:
    model, props = mp
    parsed = parse_model(model_to_text(model))
    assert parsed == dataclasses.replace(model, file="<string>")
    back = parse_properties(properties_to_text(props, model), parsed)
    assert back == dataclasses.replace(props, file="<string>")
    # without the model, enum members are qualified: still the same IR
    assert parse_properties(properties_to_text(props), parsed) == back


def test_print_then_parse_the_shipped_examples() -> None:
    again = parse_model(model_to_text(RACE), RACE.file)
    assert again == RACE
    assert [d.name for d in again.defs] == ["is_private"]
    props = parse_properties(RACE_PROPS, RACE)
    assert parse_properties(properties_to_text(props, RACE), RACE) == props


# ---------------------------------------------------------------- mutations

_TOKEN = re.compile(
    r"\s+|#[^\n]*|\"[^\"\n]*\"|[A-Za-z_][A-Za-z0-9_]*'?|\d+|:=|<->|->|==|!=|<=|>=|&&|\|\||\.\.|\S"
)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


@st.composite
def _mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few tokens deleted, duplicated or swapped."""
    toks = _tokens(text)
    assert "".join(toks) == text
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(toks) - 1))
        how = draw(st.sampled_from(["delete", "duplicate", "swap"]))
        if how == "delete":
            del toks[i]
        elif how == "duplicate":
            toks.insert(i, toks[i])
        else:
            j = draw(st.integers(0, len(toks) - 1))
            toks[i], toks[j] = toks[j], toks[i]
        if not toks:
            break
    return "".join(toks)


def _only_model_errors(check: object) -> None:
    try:
        check()  # type: ignore[operator]
    except ModelError as e:
        assert e.diagnostics and all(d.span.line >= 1 for d in e.diagnostics)
        str(e)  # rendering must not fail either


@settings(max_examples=examples(300), deadline=None)
@given(st.data())
def test_mutated_model_text_raises_only_model_errors(data: st.DataObject) -> None:
    seed = data.draw(st.sampled_from([RACE_PATH.read_text(), None]))
    if seed is None:
        seed = model_to_text(data.draw(models(max_state=4, max_actions=2)))
    text = data.draw(_mutated(seed))
    _only_model_errors(lambda: parse_model(text, str(GOLDEN / "mutant.rmp")))


@settings(max_examples=examples(200), deadline=None)
@given(st.data())
def test_mutated_property_text_raises_only_model_errors(data: st.DataObject) -> None:
    text = data.draw(_mutated(RACE_PROPS))
    _only_model_errors(lambda: parse_properties(text, RACE))


@settings(max_examples=examples(150), deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_model_errors(text: str) -> None:
    _only_model_errors(lambda: parse_model(text))
    _only_model_errors(lambda: parse_properties(text, RACE))
