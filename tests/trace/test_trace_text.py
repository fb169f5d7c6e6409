"""Text columns and Markdown: golden files, width, role order, determinism."""

from __future__ import annotations

import dataclasses

import pytest
from trace_fixtures import check_golden

from rmpcheck.trace import layout, markdown, text
from rmpcheck.trace.model import Trace

CASES = [
    ("cex", "changed"),
    ("step_cex", "changed"),
    ("witness", "changed"),
    ("big_cex", "changed"),
    ("big_cex", "all"),
]


@pytest.mark.parametrize(("name", "show"), CASES)
def test_text_golden(request: pytest.FixtureRequest, name: str, show: text.Show):
    trace = request.getfixturevalue(name)
    check_golden(f"{name}.{show}.txt", text.render(trace, show))


@pytest.mark.parametrize(("name", "show"), CASES)
def test_markdown_golden(request: pytest.FixtureRequest, name: str, show: text.Show):
    trace = request.getfixturevalue(name)
    check_golden(f"{name}.{show}.md", markdown.render(trace, show))


@pytest.mark.parametrize("name", ["cex", "big_cex"])
@pytest.mark.parametrize("width", [100, 72, 50])
def test_text_fits_the_width_and_has_no_trailing_blanks(request, name, width):
    trace = request.getfixturevalue(name)
    for show in ("changed", "all"):
        out = text.render(trace, show, width=width)
        for line in out.splitlines():
            assert len(line) <= width, line
            assert line == line.rstrip()


def test_text_is_deterministic(big_cex: Trace):
    assert text.render(big_cex) == text.render(dataclasses.replace(big_cex))


def test_changed_only_hides_unchanged_variables(big_cex: Trace):
    changed = text.render(big_cex, "changed")
    full = text.render(big_cex, "all")
    # psc_lock never changes: shown once in the initial state, and after every step with "all"
    assert changed.count("psc_lock") == 1
    assert full.count("psc_lock") == 1 + big_cex.length


def test_guest_column_comes_first_even_when_the_host_acts_first(cex: Trace):
    assert cex.steps[1].actor == "host"
    assert [c.actor for c in layout.columns(cex)] == ["guest", "host"]
    header = text.render(cex).splitlines()[3]
    assert header.index("guest") < header.index("host")


def test_each_action_sits_in_its_actors_column(cex: Trace):
    lines = text.render(cex).splitlines()
    bar = lines[3].index("|")
    translate = next(ln for ln in lines if "translate(" in ln)
    psc = next(ln for ln in lines if "psc_to_private(" in ln)
    assert translate.index("translate(") > bar
    assert psc.index("psc_to_private(") < bar


@pytest.mark.parametrize(
    ("role", "rank"),
    [
        ("guest", 0), ("vcpu", 0), ("hypervisor", 1), ("hv", 1), ("host_thread", 2),
        ("host", 2), ("firmware", 3), ("psp", 3), ("device", 4), ("iommu", 4), ("auditor", 5),
    ],
)
def test_role_order(role: str, rank: int):
    assert layout.role_rank(role) == rank


def test_long_calls_wrap_inside_their_column(cex: Trace):
    long = dataclasses.replace(
        cex.steps[1], args={f"argument_{i}": f"Thread{i}" for i in range(12)}
    )
    trace = dataclasses.replace(cex, steps=(cex.steps[0], long, *cex.steps[2:]))
    out = text.render(trace)
    lines = out.splitlines()
    bar = lines[3].index("|")
    cont = [ln for ln in lines if "argument_" in ln]
    assert len(cont) > 2
    assert all(ln[bar] == "|" for ln in cont)
    assert all(len(ln) <= 100 for ln in lines)


def test_markdown_cells_escape_pipes(cex: Trace):
    weird = dataclasses.replace(cex, summary="a | b")
    head = markdown.render(weird).splitlines()[0]
    assert "a \\| b" in head


def _five_actor_trace(cex: Trace) -> Trace:
    """cex's states under five actors, listed device first, with long names and args."""
    roles = [("iommu", "device"), ("fw", "firmware"), ("host", "host_thread"),
             ("kvm", "hypervisor"), ("guest", "guest")]
    steps = [cex.steps[0]]
    base = cex.steps[1]
    for i, (actor, role) in enumerate(roles, start=1):
        steps.append(dataclasses.replace(
            base, index=i, actor=actor, role=role,
            action=f"{actor}.handle_page_state_change_request_{i}",
            args={"gpa": f"Gpa{i}", "operation": "psc_to_private_with_validation", "n": i},
        ))
    return dataclasses.replace(cex, steps=tuple(steps))


def test_five_columns_in_role_order_fit_and_lose_nothing(cex: Trace):
    trace = _five_actor_trace(cex)
    out = text.render(trace)
    lines = out.splitlines()
    assert all(len(ln) <= 100 for ln in lines)
    header = lines[3]
    order = [header.index(a) for a in ("guest", "kvm", "host", "fw", "iommu")]
    assert order == sorted(order)
    # each call, read back from its column, is complete (wrapped, never elided)
    bars = [i for i, ch in enumerate(lines[4]) if ch == "|"]
    edges = [4, *(b + 2 for b in bars), 10**6]
    for step in trace.steps[1:]:
        col = [c.actor for c in layout.columns(trace)].index(step.actor or "")
        start = next(j for j, ln in enumerate(lines) if ln[:3].strip() == str(step.index))
        cell = []
        for ln in lines[start:]:
            if ln[:3].strip() not in ("", str(step.index)) or "|" not in ln:
                break
            cell.append(ln[edges[col] : edges[col + 1] - 3])
        joined = "".join(c.strip() for c in cell).replace(" ", "")
        assert joined == layout.call(step, with_actor=False).replace(" ", ""), joined
