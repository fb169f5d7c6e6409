"""Engines must agree: explicit (with and without symmetry), bmc, kind and pdr on random models.

Hypothesis draws small well-typed models with properties of every kind
(tests/strategies.py: maps, enums, bounded ints, choose, bulk updates,
assumptions, step properties with past-time operators). The explicit engine
is the reference: it decides every drawn claim exhaustively. Then:

* explicit without symmetry gives the same verdict and a trace of the same length;
* bmc, run to the explicit search's depth (+1 past the diameter when nothing
  was found), finds a violation exactly when explicit does, of the same
  (shortest) length, and otherwise never claims more than bounded safety;
* kind and pdr, whenever they are decisive, agree with explicit;
* every trace from every engine replays on the model from its printed form.

The engines are looked up through the registry, so a new engine that lands
there is one line away from joining.
"""

from __future__ import annotations

from math import prod

from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st
from profiles import examples
from strategies import ALL_KINDS, models, properties_for

from rmpcheck import ir
from rmpcheck.engines import registry
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.explicit import explore
from rmpcheck.errors import EngineError
from rmpcheck.interp import Instance
from rmpcheck.monitor import compile_obligation
from rmpcheck.result import Result
from rmpcheck.trace.recheck import recheck

# Models whose raw state space (before init) is larger than this are skipped:
# the point is many tiny models, not a few big ones.
MAX_RAW_STATES = 20_000
SOLVER_TIMEOUT_S = 20.0
PROVERS = ("kind", "pdr")


def _raw_states(inst: Instance) -> int:
    return prod(inst.sizes.count(d.type) for d in inst.decls)


@st.composite
def cases(draw: st.DrawFn) -> tuple[ir.Model, ir.PropertySet, str]:
    model = draw(models(max_state=3, max_actions=2))
    props = draw(properties_for(model, ALL_KINDS, max_size=2))
    claims = [p.name for p in props.properties if p.kind != "assume"]
    assume(claims)
    return model, props, draw(st.sampled_from(claims))


def _check_trace(r: Result, model: ir.Model, props: ir.PropertySet) -> None:
    if r.trace is None:
        return
    outcome = recheck(r.trace, model, props)
    assert outcome.ok, f"{r.engine}: trace does not replay: {outcome}"


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(cases())
def test_engines_agree_on_random_models(case):
    model, props, name = case
    sizes = dict(model.instances[0].sizes)
    ob = compile_obligation(model, props, name, use_lemmas=False)
    try:
        inst = Instance(ob.system, sizes)
    except EngineError:
        assume(False)
    assume(_raw_states(inst) <= MAX_RAW_STATES)
    note(f"claim {name} ({ob.prop.kind}) at {sizes}")

    space = explore(inst, ob, Options(), Deadline(None))
    reference = registry.run("explicit", ob, sizes, Options())
    assert reference.decisive, reference.describe()
    plain = registry.run("explicit", ob, sizes, Options(symmetry=False))
    assert plain.verdict == reference.verdict
    found = reference.trace is not None
    if found:
        assert plain.trace is not None and plain.trace.length == reference.trace.length
    _check_trace(reference, model, props)
    _check_trace(plain, model, props)

    depth = reference.trace.length if found else space.diameter + 1
    note(f"explicit: {reference.describe()}; bmc depth {depth}")
    event(f"explicit {reference.verdict}")
    bmc = registry.run("bmc", ob, sizes, Options(depth=depth, timeout_s=SOLVER_TIMEOUT_S))
    note(f"bmc: {bmc.describe()}")
    if bmc.verdict != "unknown":
        if found:
            assert bmc.verdict == reference.verdict
            assert bmc.trace is not None and bmc.trace.length == reference.trace.length
        else:
            assert bmc.verdict == "bounded-safe"
    _check_trace(bmc, model, props)

    for engine in PROVERS:
        r = registry.run(engine, ob, sizes, Options(depth=depth + 1, timeout_s=SOLVER_TIMEOUT_S))
        note(f"{engine}: {r.describe()}")
        event(f"{engine} {'decisive' if r.decisive else r.verdict}")
        if r.decisive:
            assert r.verdict == reference.verdict, f"{engine} disagrees with explicit"
        else:
            assert r.verdict in ("unknown", "bounded-safe")
        _check_trace(r, model, props)
