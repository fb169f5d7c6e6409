"""Liveness engines agree on random models: explicit, bmc, pdr, kind and inductive.

Hypothesis draws small models (tests/strategies.py) and one liveness claim
about each: ``eventually Q``, ``always eventually Q`` or ``P ~> Q``, where P
and Q may read the post-state, name actions (a pattern's variable is then the
claim's variable) and use past-time operators, with random weak and strong
fairness on some actions. The explicit engine is the reference: it decides
every claim on the instance. Then

* bmc, run to the length of explicit's lasso, finds a lasso no longer than it
  exactly when explicit finds one, and otherwise claims only bounded safety;
* pdr and kind (through the liveness-to-safety reduction), when decisive,
  agree with explicit; the inductive engine never proves what explicit
  refutes, and a lasso it reports is at the instance explicit refutes;
* every lasso replays on the model (rmpcheck replay's check: the loop closes,
  stays pending and is fair), and its ITF document sets ``loop``.

The enabledness formula that fairness, deadlock and stuttering rest on is held
to the interpreter on every reachable state of random models.
"""

from __future__ import annotations

import itertools
from math import prod

from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st
from profiles import examples
from strategies import Ctx, exprs, models

from rmpcheck import ir
from rmpcheck.engines import registry
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.explicit import explore
from rmpcheck.errors import EngineError
from rmpcheck.interp import Instance
from rmpcheck.liveness import compile_liveness
from rmpcheck.liveness.enabled import enabled, enabled_any
from rmpcheck.monitor import Obligation, System
from rmpcheck.result import Result
from rmpcheck.trace import itf
from rmpcheck.trace.recheck import recheck

MAX_RAW_STATES = 4_000
SOLVER_TIMEOUT_S = 20.0


@st.composite
def claims(draw: st.DrawFn) -> tuple[ir.Model, ir.PropertySet]:
    model = draw(models(max_state=3, max_actions=2))
    ctx = Ctx(
        list(model.sorts), list(model.enums), list(model.state),
        counter=[10_000], actions=list(model.actions), in_property=True, implicit=[],
    )  # fmt: skip
    op = draw(st.sampled_from(["eventually", "always_eventually", "leads_to"]))
    goal = draw(exprs(ctx, ir.BOOL, 2))
    trigger = draw(exprs(ctx, ir.BOOL, 2)) if op == "leads_to" else None
    free = tuple(sorted(ctx.implicit, key=lambda v: v.name))
    temporal = ir.Temporal(op, goal, trigger)
    prop = ir.Property("liveness", "live", goal, free, temporal=temporal)
    fair = tuple(
        ir.Fairness(draw(st.sampled_from(["weak", "strong"])), a.full_name)
        for a in model.actions
        if draw(st.booleans())
    )
    return model, ir.PropertySet(model.name, (prop,), fairness=fair)


def _raw_states(inst: Instance) -> int:
    return prod(inst.sizes.count(d.type) for d in inst.decls)


def _check_trace(r: Result, model: ir.Model, props: ir.PropertySet) -> None:
    if r.trace is None:
        return
    assert r.trace.loop is not None, f"{r.engine}: a liveness counterexample without a loop"
    assert itf.dump(r.trace)["loop"] == r.trace.loop
    outcome = recheck(r.trace, model, props)
    assert outcome.ok, f"{r.engine}: lasso does not replay: {outcome}"


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(claims())
def test_liveness_engines_agree_on_random_models(case):
    model, props = case
    sizes = dict(model.instances[0].sizes)
    ob = compile_liveness(model, props, "live", use_lemmas=False)
    try:
        inst = Instance(ob.system, sizes)
    except EngineError:
        assume(False)
    assume(_raw_states(inst) <= MAX_RAW_STATES)
    note(f"{ob.prop.temporal} with fairness {props.fairness} at {sizes}")

    reference = registry.run("explicit", ob, sizes, Options())
    assert reference.decisive, reference.describe()
    event(f"explicit {reference.verdict}")
    _check_trace(reference, model, props)
    found = reference.trace is not None

    depth = reference.trace.length if reference.trace is not None else 4
    bmc = registry.run("bmc", ob, sizes, Options(depth=depth, timeout_s=SOLVER_TIMEOUT_S))
    note(f"explicit: {reference.describe()}; bmc to depth {depth}: {bmc.describe()}")
    if bmc.verdict != "unknown":
        assert bmc.verdict == ("refuted" if found else "bounded-safe")
        if found:
            assert bmc.trace is not None and bmc.trace.length <= depth
    _check_trace(bmc, model, props)

    for engine in ("pdr", "kind", "inductive"):
        r = registry.run(engine, ob, sizes, Options(depth=depth, timeout_s=SOLVER_TIMEOUT_S))
        note(f"{engine}: {r.describe()}")
        event(f"{engine} {'decisive' if r.decisive else r.verdict}")
        if r.decisive:
            assert r.verdict == reference.verdict, f"{engine} disagrees with explicit"
        _check_trace(r, model, props)


@settings(max_examples=examples(150), deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])  # fmt: skip
@given(models(max_state=3, max_actions=3))
def test_enabledness_formulas_match_the_interpreter(model):
    sizes = dict(model.instances[0].sizes)
    try:
        inst = Instance(System(model), sizes)
    except EngineError:
        assume(False)
    assume(_raw_states(inst) <= MAX_RAW_STATES)
    whole = Obligation(System(model), ir.Property("invariant", "t", ir.BoolLit(True)), "safety",
                       ir.BoolLit(True))  # fmt: skip
    space = explore(inst, whole, Options(symmetry=False), Deadline(None), stop_at_hit=False)
    anything = inst.predicate(enabled_any(model))
    tests = [(a, inst.function(enabled(a), a.params)) for a in model.actions]
    for s in space.states:
        succ = {(ai.action, ai.args) for ai, _ in inst.successors(s)}
        assert bool(anything(s)) == bool(succ)
        for a, test in tests:
            domains = [inst.sizes.domain(p.type).values for p in a.params]
            for args in itertools.product(*domains):
                assert bool(test(s, *args)) == ((a.full_name, args) in succ), (a.full_name, args)
