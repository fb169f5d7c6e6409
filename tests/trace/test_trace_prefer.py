"""--prefer on engines' real traces: fewer actors or fewer changed variables, never
longer, replayed; the engine's trace kept when nothing is better or the budget ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from trace_fixtures import SIZES, obligation, race_model, race_properties

from rmpcheck import api, ir
from rmpcheck.errors import ConfigError
from rmpcheck.interp import Instance
from rmpcheck.lang import parse_properties
from rmpcheck.monitor import compile_obligation
from rmpcheck.result import Result
from rmpcheck.trace.model import Trace
from rmpcheck.trace.prefer import prefer_results
from rmpcheck.trace.recheck import recheck
from rmpcheck.trace.simplify import (
    ACTORS,
    CHANGES,
    Budget,
    criteria,
    fewer_changes,
    prefer,
)

ROOT = Path(__file__).resolve().parents[2]
RACE = ROOT / "tests" / "models" / "parametric" / "race.rmp"
# reachable by the host alone in two steps, but breadth-first search meets the
# guest's psc_to_private first: the explicit engine's witness has two actors
BUSY = """\
properties for race
cover busy: (exists t: Thread. step[t] != idle)
  && ((exists p: Page. assigned[p]) || (exists t: Thread. step[t] == consulted))
"""


def changed_vars(t: Trace) -> set[str]:
    return {v for s in t.steps for v in s.changed}


@pytest.fixture(scope="module")
def busy() -> tuple[ir.Model, ir.PropertySet, Result]:
    model = api.load_model(RACE)
    props = parse_properties(BUSY, model, "busy.prop")
    (r,) = api.prove(model, props, engine="explicit")
    assert r.verdict == "covered" and r.trace is not None
    return model, props, r


@pytest.fixture(scope="module")
def page_freed() -> tuple[ir.Model, ir.PropertySet, Result]:
    """An SNP witness: teardown frees a guest page, in nine steps touching eleven
    variables, one of which an equally short run leaves alone."""
    model = api.load_model(ROOT / "models" / "rfc2021" / "ignore_reclaim_failure.rmp")
    props = api.load_properties(ROOT / "properties" / "rfc2021" / "free_path.prop", model)
    (r,) = api.prove(
        model, props, property="guest_page_freed", engine="explicit", instance="small"
    )
    assert r.verdict == "covered" and r.trace is not None
    return model, props, r


def _setup(case: tuple[ir.Model, ir.PropertySet, Result]):
    model, props, r = case
    assert r.trace is not None
    ob = compile_obligation(model, props, r.property, use_lemmas=False)
    return model, props, ob, Instance(ob.system, r.trace.sizes), r.trace


def test_an_engine_trace_with_two_actors_gets_an_equally_short_one_with_one(busy):
    model, props, ob, inst, trace = _setup(busy)
    assert set(trace.actors) == {"guest", "host"}
    out = prefer(inst, ob, trace, (ACTORS,))
    assert out.improved and out.note == "fewer actors: 1 (was 2)"
    assert out.trace.actors == ("host",)
    assert out.trace.length == trace.length
    assert out.trace.engine == "explicit" and out.trace.meta["simplified"] == out.note
    assert recheck(out.trace, model, props).ok


def test_an_snp_witness_changes_fewer_variables(page_freed):
    model, props, ob, inst, trace = _setup(page_freed)
    before = changed_vars(trace)
    new = fewer_changes(inst, ob, trace)
    assert new.length == trace.length
    assert len(changed_vars(new)) < len(before)
    note = f"fewer changed variables: {len(changed_vars(new))} (was {len(before)})"
    assert new.meta["simplified"] == note
    assert recheck(new, model, props).ok


def test_lexicographic_preferences_never_give_back_the_first(page_freed):
    _, _, ob, inst, trace = _setup(page_freed)
    both = prefer(inst, ob, trace, (ACTORS, CHANGES)).trace
    assert len(both.actors) <= len(trace.actors)
    assert both.length <= trace.length
    assert len(changed_vars(both)) < len(changed_vars(trace))


def test_a_trace_that_changes_the_fewest_variables_is_kept(cex: Trace):
    # the race fixture: translate, consult (step, checked), psc (assigned): all three needed
    ob = obligation(race_model(), "write_only_shared")
    inst = Instance(ob.system, SIZES)
    out = prefer(inst, ob, cex, (CHANGES,))
    assert out.trace is cex and not out.improved
    assert "no better one" in out.note


def test_an_exhausted_budget_keeps_the_engine_trace(page_freed):
    _, _, ob, inst, trace = _setup(page_freed)
    out = prefer(inst, ob, trace, (CHANGES,), Budget(5))
    assert out.trace is trace and "budget ran out" in out.note
    assert fewer_changes(inst, ob, trace, budget=5) is trace


def test_the_time_budget_ends_the_search():
    b = Budget(10**9, seconds=0.0)
    assert not all(b.spend() for _ in range(5000))


def test_prefer_results_replaces_traces_and_says_why(busy):
    model, props, r = busy
    (new,) = prefer_results(model, props, [r], ["actors"])
    assert new.trace is not None and new.trace.actors == ("host",)
    assert new.verdict == r.verdict and new.stats["prefer"] == "fewer actors: 1 (was 2)"
    (same,) = prefer_results(model, props, [r], [])
    assert same is r


def test_a_cti_is_not_a_run_and_keeps_its_trace(cti: Trace):
    model = race_model()
    r = Result(model.name, cti.property, "invariant", "unknown", "inductive", trace=cti)
    (out,) = prefer_results(model, race_properties(model), [r], ["actors", "changes"])
    assert out.trace is cti and "induction" in out.stats["prefer"]


def test_unknown_preferences_are_refused():
    with pytest.raises(ConfigError, match="cannot prefer 'colours'"):
        criteria(["colours"])
    assert criteria(["changes", "actors", "changes"]) == (CHANGES, ACTORS)


WIDE = """\
model wide
sort Page
state m : Page -> 0..9
actor a
action a.clear(p: Page) { m[p] := 0 }
"""


def test_an_instance_too_big_for_the_interpreter_keeps_the_engine_trace():
    from rmpcheck.lang import parse_model
    from rmpcheck.trace.model import Step

    model = parse_model(WIDE, "wide.rmp")
    props = parse_properties(
        "properties for wide\ninvariant nonzero: forall p: Page. m[p] != 0\n", model, "w.prop"
    )
    # 10^8 candidate initial states: the interpreter refuses to enumerate them
    start = Step(0, None, None, None, {}, {}, {"m": {}}, ())
    clear = Step(1, "a.clear", "a", "a", {"p": "Page0"}, {}, {"m": {}}, ("m",))
    trace = Trace("wide", "nonzero", "counterexample", {"Page": 8}, "bmc", (start, clear))
    r = Result("wide", "nonzero", "invariant", "refuted", "bmc", trace=trace)
    (out,) = prefer_results(model, props, [r], ["changes"])
    assert out.trace is trace
    assert "constrain init or use a symbolic engine" in out.stats["prefer"]
