"""One explicit search for many claims decides each exactly as a search of its own would.

The gate decides the explicit obligations of one property file at one
instance with one search (engines/explicit_together.py). Every claim's
verdict, scope and trace must be the ones ``explicit.check`` gives that claim
alone: on random models with every kind of claim (monitors renamed apart,
symmetry over all targets at once), on the SNP library, and when the shared
search runs out of time.
"""

from __future__ import annotations

from math import prod
from pathlib import Path

from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from profiles import examples
from strategies import ALL_KINDS, models, properties_for

from rmpcheck import ir
from rmpcheck.engines import explicit
from rmpcheck.engines.base import Options
from rmpcheck.engines.explicit_together import check_together
from rmpcheck.errors import EngineError
from rmpcheck.interp import Instance
from rmpcheck.lang import load_model, load_properties, parse_model, parse_properties
from rmpcheck.liveness import deadlock
from rmpcheck.monitor import compile_obligation
from rmpcheck.result import Result
from rmpcheck.trace import text

ROOT = Path(__file__).resolve().parents[2]


def _same(alone: Result, shared: Result) -> None:
    assert shared.verdict == alone.verdict, (alone.describe(), shared.describe())
    assert shared.scope == alone.scope
    if alone.trace is None:
        assert shared.trace is None
    else:
        assert shared.trace is not None and text.render(shared.trace) == text.render(alone.trace)


def _each_alone(
    model: ir.Model, props: ir.PropertySet, names: list[str], sizes: dict[str, int]
) -> dict[str, Result]:
    return {
        n: explicit.check(compile_obligation(model, props, n), sizes, Options()) for n in names
    }


@st.composite
def cases(draw: st.DrawFn) -> tuple[ir.Model, ir.PropertySet, list[str]]:
    model = draw(models(max_state=3, max_actions=2))
    props = draw(properties_for(model, ALL_KINDS, max_size=3))
    if draw(st.booleans()):
        # the deadlock check too, with or without the model's terminal conditions
        props = deadlock.with_claim(model, props)
    claims = [p.name for p in props.properties if p.kind != "assume"]
    assume(len(claims) >= 2)
    return model, props, claims


@settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(cases())
def test_a_shared_search_decides_each_claim_as_its_own_search_does(case):
    model, props, names = case
    sizes = dict(model.instances[0].sizes)
    ob = compile_obligation(model, props, names[0], use_lemmas=False)
    try:
        inst = Instance(ob.system, sizes)
    except EngineError:
        assume(False)
    assume(prod(inst.sizes.count(d.type) for d in inst.decls) <= 20_000)
    alone = _each_alone(model, props, names, sizes)
    assume(all(r.decisive for r in alone.values()))
    shared = check_together(model, props, names, sizes, Options())
    for n in names:
        note(f"{n}: alone {alone[n].describe()}, shared {shared[n].describe()}")
        _same(alone[n], shared[n])


BROKEN_AND_FIXED = """
model lockless
sort Thread
state holder : Thread -> bool
state lock : bool
init { forall t: Thread. !holder[t]  !lock }
actor cpu
action cpu.enter(t: Thread) { require !holder[t] && GUARD  holder[t] := true  lock := true }
action cpu.leave(t: Thread) { require holder[t]  holder[t] := false  lock := false }
instance two { Thread = 2 }
"""

CLAIMS = """
properties for lockless
invariant mutex: forall t: Thread, u: Thread. holder[t] && holder[u] -> t == u
invariant lock_held: (exists t: Thread. holder[t]) -> lock
cover both: exists t: Thread, u: Thread. t != u && holder[t] && holder[u]
cover one: exists t: Thread. holder[t]
"""


def test_the_shared_search_proves_the_locked_design_and_refutes_the_broken_one() -> None:
    names = ["mutex", "lock_held", "both", "one"]
    got = {}
    for guard in ("!lock", "true"):
        model = parse_model(BROKEN_AND_FIXED.replace("GUARD", guard), "lockless.rmp")
        props = parse_properties(CLAIMS, model, "lockless.prop")
        shared = check_together(model, props, names, {"Thread": 2}, Options())
        for n, r in _each_alone(model, props, names, {"Thread": 2}).items():
            _same(r, shared[n])
        got[guard] = {n: r.verdict for n, r in shared.items()}
    assert got["!lock"] == {"mutex": "proved", "lock_held": "proved", "both": "uncoverable",
                            "one": "covered"}
    # without the lock two threads hold it; lock_held breaks when one of them leaves
    assert got["true"] == {"mutex": "refuted", "lock_held": "refuted", "both": "covered",
                           "one": "covered"}


def test_an_snp_property_file_is_decided_as_claim_by_claim() -> None:
    model = load_model(ROOT / "models" / "rfc2021" / "consult_extable.rmp")
    props = load_properties(ROOT / "properties" / "rfc2021" / "host_safety.prop", model)
    names = [p.name for p in props.properties if p.kind not in ("assume", "lemma")]
    sizes = dict(model.instances[0].sizes)
    shared = check_together(model, props, names, sizes, Options())
    verdicts = {r.verdict for r in shared.values()}
    assert {"proved", "refuted"} <= verdicts  # both kinds of answer come from one search
    for n, r in _each_alone(model, props, names, sizes).items():
        _same(r, shared[n])


def test_a_shared_search_out_of_time_leaves_undecided_claims_unknown() -> None:
    model = load_model(ROOT / "models" / "rfc2021" / "know_and_check.rmp")
    props = load_properties(ROOT / "properties" / "rfc2021" / "host_safety.prop", model)
    names = ["no_host_crash", "no_store_to_assigned"]
    shared = check_together(model, props, names, dict(model.instances[0].sizes),
                            Options(timeout_s=0.05))
    for r in shared.values():
        assert r.verdict == "unknown" and r.certificate is None, r.describe()
