"""One column per actor instance: ``actor host : host per Thread``, its default, and
the "CPU 0 | CPU 1" picture every view draws from it."""

from __future__ import annotations

import pytest
from trace_fixtures import DATA, check_golden

from rmpcheck.errors import ModelError
from rmpcheck.lang import load_model, parse_model
from rmpcheck.lang.pretty import model_to_text
from rmpcheck.trace import layout, markdown, text
from rmpcheck.trace.lanes import lane_param, lane_sort
from rmpcheck.trace.model import Trace

BASE = """model m
sort Page
sort {ctx}
state a : Page -> bool
init {{ forall p: Page. !a[p] }}
actor host{per}
action host.x(p: Page, t: {ctx}) {{ a[p] := true }}
action host.y(t: {ctx}) {{ a[p] := false }}
"""


def model(ctx: str = "Thread", per: str = "") -> str:
    return BASE.format(ctx=ctx, per=per).replace("a[p] := false", "require true")


@pytest.mark.parametrize(
    ("ctx", "per", "sort"),
    [
        ("Thread", "", "Thread"),          # the default: an execution context
        ("HostThread", "", "HostThread"),
        ("Vcpu", "", "Vcpu"),
        ("Gpa", "", ""),                   # a guest frame is no context
        ("Gpa", " per Gpa", "Gpa"),        # unless the model says so
        ("Thread", " per Page", "Page"),   # per wins over the default
    ],
)
def test_which_sort_an_actors_instances_are(ctx: str, per: str, sort: str) -> None:
    m = parse_model(model(ctx, per), "m.rmp")
    assert lane_sort(m, "host") == sort
    x = m.action("host.x")
    assert lane_param(m, x) == {"": "", "Page": "p"}.get(sort, "t")


def test_an_action_without_the_sort_is_drawn_under_the_bare_actor() -> None:
    m = parse_model(model("Thread", " per Page"), "m.rmp")
    assert lane_param(m, m.action("host.y")) == ""


def test_per_names_a_declared_sort() -> None:
    with pytest.raises(ModelError) as err:
        parse_model(model("Thread", " per Thred"), "m.rmp")
    d = err.value.first
    assert "unknown sort 'Thred' after per" in d.message and d.hint and "Thread" in d.hint
    assert d.span.line == 6


def test_per_survives_the_pretty_printer() -> None:
    m = load_model(DATA / "put_page.rmp")
    again = parse_model(model_to_text(m), m.file)
    assert again.actor("host").per == "Thread" and again == m


def test_the_race_in_two_columns(lanes: Trace) -> None:
    assert [c.name for c in layout.columns(lanes)] == ["host[Thread0]", "host[Thread1]"]
    out = text.render(lanes)
    header = out.splitlines()[3]
    assert header.index("host[Thread0]") < header.index("| host[Thread1]")
    bar = header.index("|")
    for step in lanes.steps[1:]:
        row = next(ln for ln in out.splitlines() if ln.startswith(f" {step.index}  "))
        assert (row.index(layout.call(step, False).split("(")[0]) > bar) == (step.lane == "Thread1")
    assert out.rstrip().endswith("for p=Page0: freed[Page0] = false")
    check_golden("lanes.changed.txt", out)
    check_golden("lanes.changed.md", markdown.render(lanes))


def test_thread10_comes_after_thread2() -> None:
    assert layout.natural("Thread10") > layout.natural("Thread2")
