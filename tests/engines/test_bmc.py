"""bmc: shortest counterexamples and witnesses; bounded-safe, never proved; unknown, with why."""

from __future__ import annotations

import pytest
from known_models import FILES, ROOT, SMALL, from_text, obligation
from symbolic_fakes import UnknownSolver

from rmpcheck.engines import bmc, explicit
from rmpcheck.engines.base import Options
from rmpcheck.engines.bmc import finite_encoding
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import compile_obligation
from rmpcheck.smt import solving


@pytest.mark.parametrize("name", sorted(FILES))
def test_refutes_each_broken_variant_with_a_shortest_replayed_trace(name: str) -> None:
    ob = obligation(name, broken=True)
    r = bmc.check(ob, SMALL[name], Options(depth=10))
    assert r.verdict == "refuted", r.reason
    assert r.trace is not None and r.trace.kind == "counterexample"
    # build_trace replayed it; explicit BFS says how short it can be
    bfs = explicit.check(ob, SMALL[name], Options())
    assert bfs.trace is not None
    assert r.trace.length == bfs.trace.length == r.stats["depth"]


@pytest.mark.parametrize("name", sorted(FILES))
def test_correct_models_are_only_bounded_safe(name: str) -> None:
    r = bmc.check(obligation(name), SMALL[name], Options(depth=5))
    assert r.verdict == "bounded-safe"
    assert r.scope is not None and r.scope.kind == "depth" and r.scope.depth == 5
    assert dict(r.scope.sizes) == SMALL[name]
    assert r.certificate is None


def test_cover_gets_a_shortest_witness_and_progress_per_depth() -> None:
    seen: list[str] = []
    ob = obligation("peterson", "both_waiting")
    r = bmc.check(ob, {}, Options(depth=10, progress=seen.append))
    assert r.verdict == "covered"
    assert r.trace is not None and r.trace.kind == "witness" and r.trace.length == 4
    assert seen == [f"bmc: depth {k}" for k in range(5)]


def test_unreachable_cover_is_bounded_safe_not_uncoverable() -> None:
    ob = obligation("peterson", "both_critical")
    r = bmc.check(ob, {}, Options(depth=6))
    assert r.verdict == "bounded-safe" and r.scope is not None and r.scope.depth == 6


def test_cover_of_broken_model_is_covered() -> None:
    ob = obligation("peterson", "both_critical", broken=True)
    r = bmc.check(ob, {}, Options(depth=10))
    assert r.verdict == "covered" and r.trace is not None


def test_timeout_gives_unknown() -> None:
    ob = obligation("race")
    r = bmc.check(ob, {"Page": 6, "Thread": 3}, Options(depth=40, timeout_s=0.05))
    assert r.verdict == "unknown"
    assert "timeout" in r.reason


def test_solver_unknown_gives_unknown_with_z3_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solving, "new_solver", UnknownSolver)
    r = bmc.check(obligation("race", broken=True), SMALL["race"], Options(depth=5))
    assert r.verdict == "unknown"
    assert "forced by the test" in r.reason and "depth 0" in r.reason


SWING = """model swing "two counters stepping through negative and positive values"
state x : -5..4
state y : -5..4
init { x == 4  y == -5 }
actor env
action env.down { x := x - 3 }
action env.up { y := y + x - (0 - 4) }
"""


@pytest.mark.parametrize("claim", ["low", "sum", "wide", "skips"])
def test_bit_vector_encoding_agrees_with_explicit_search_on_signed_arithmetic(claim: str) -> None:
    # bmc and kind bit-blast (smt/width.py): negative ranges, differences and
    # out-of-range writes (which disable a step) must mean what they do over Int
    props = (
        "invariant low: x > -5\n"
        "invariant sum: x + y != 0 - 9\n"
        "invariant wide: y - x < 2147483647 - 2147483640\n"
        "invariant skips: x != 3 && x != 0 - 1\n"
    )
    ob = from_text(SWING, props, claim)
    r = bmc.check(ob, {}, Options(depth=12))
    bfs = explicit.check(ob, {}, Options())
    assert (r.verdict, bfs.verdict) in [("refuted", "refuted"), ("bounded-safe", "proved")]
    if r.trace is not None:
        assert bfs.trace is not None and r.trace.length == bfs.trace.length
    width = finite_encoding(ob, {}).lay.width
    assert width == (32 if claim == "wide" else 5)  # 2**31 - 1; else y + x - (0 - 4) <= 12


# models whose actions choose hidden values (constants named per step) and read
# monitors, beside the known ones
CHOOSING = ROOT / "tests" / "models" / "features"


@pytest.mark.parametrize("name", [*sorted(FILES), "features"])
def test_a_renamed_step_is_the_step_built_afresh(name: str) -> None:
    """Unrolling renames its first transition for every later step: the very term
    (Z3's structural identity) that building the step again would give."""
    if name == "features":
        model = load_model(CHOOSING.with_suffix(".rmp"))
        props = load_properties(CHOOSING.with_suffix(".prop"), model)
        ob = compile_obligation(model, props, "reclaim_after_assign")
        sizes = {s.name: 2 for s in model.sorts}
    else:
        ob, sizes = obligation(name), SMALL[name]
    enc = finite_encoding(ob, sizes)
    u = bmc.Unrolling(ob, enc)
    u.extend_to(4)
    assert u._first is not None and u._first.aux
    for k in range(1, 4):
        v, w, lab = u.states[k], u.states[k + 1], u.steps[k]
        assert u._trans(v, w, lab).eq(enc.trans(v, w, lab).formula), k
