"""The inductive engine agrees with explicit search on random models, and never crashes.

A proof for all sizes covers the instance explicit search decides, so whenever
the inductive engine is decisive its verdict must be explicit's. Its
counterexamples to induction are cross-checked on the interpreter inside the
engine (a disagreement is an InternalError, which fails this test); its
refutations (length 0, or bmc's from a reachable CTI) hold at the sizes they
name, where explicit must agree, and are replayed like every trace.
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st
from profiles import examples
from test_differential import cases  # the same random models and claims

from rmpcheck.engines import inductive, registry
from rmpcheck.engines.base import Options
from rmpcheck.errors import EngineError
from rmpcheck.interp import Instance
from rmpcheck.monitor import compile_obligation
from rmpcheck.trace.recheck import recheck

MAX_RAW_STATES = 20_000


@settings(
    max_examples=examples(80),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(cases(), st.booleans())
def test_inductive_agrees_with_explicit(case, infer):
    model, props, name = case
    sizes = dict(model.instances[0].sizes)
    ob = compile_obligation(model, props, name, use_lemmas=False)
    try:
        inst = Instance(ob.system, sizes)
    except EngineError:
        assume(False)
    raw = 1
    for d in inst.decls:
        raw *= inst.sizes.count(d.type)
    assume(raw <= MAX_RAW_STATES)
    r = inductive.check(ob, {}, Options(timeout_s=5, extra={"infer": infer}))
    note(f"inductive: {r.describe()} {r.reason}")
    event(f"inductive {r.verdict}")
    if not r.decisive:
        assert r.verdict == "unknown" and r.certificate is None
        return
    if r.verdict in ("refuted", "covered"):
        # a real bug found from a CTI holds at the CTI's sizes, not necessarily at ours
        assert r.scope is not None and r.scope.kind == "instance"
        sizes = {**sizes, **dict(r.scope.sizes)}
    reference = registry.run("explicit", ob, sizes, Options())
    note(f"explicit: {reference.describe()}")
    assert r.verdict == reference.verdict, "inductive disagrees with explicit"
    if r.verdict in ("proved", "uncoverable"):
        assert r.certificate is not None and r.certificate.rechecked
    if r.trace is not None:
        assert recheck(r.trace, model, props).ok
