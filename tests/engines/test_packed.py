"""The packed search (engines/packed) against the interpreter's search (engines/explicit).

The interpreter is the reference semantics; the packed search must find the
same state space. On random models (tests/strategies.py, plus the bulk-write
models of test_symmetry_soundness):

* without symmetry, exactly the same set of reachable states, the same
  diameter, and the same first violation depth;
* with symmetry, the same number of orbits (both canonical forms are exact on
  these sizes), and the orbit closure of the packed representatives is the
  full state space, so no state is lost;
* the engine's verdicts through the registry equal the interpreter path's, and
  every trace replays.
"""

from __future__ import annotations

from itertools import permutations, product
from math import prod

import pytest
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st
from profiles import examples
from strategies import ALL_KINDS, models, properties_for
from test_symmetry_soundness import bulk_models

from rmpcheck import ir
from rmpcheck.engines import explicit, registry
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.packed import run
from rmpcheck.engines.symmetry import Symmetry, reducible_sorts
from rmpcheck.errors import EngineError
from rmpcheck.interp import Instance
from rmpcheck.lang.pretty import model_to_text
from rmpcheck.monitor import Obligation, compile_obligation
from rmpcheck.trace.recheck import recheck

MAX_RAW_STATES = 20_000
UNPACKED = Options(extra={"explicit.packed": False})


def _packed(inst: Instance, ob: Obligation, symmetry: bool) -> run.PackedSpace | None:
    sorts = reducible_sorts(inst, (ob.target,)) if symmetry else []
    sym = Symmetry(inst, (ob.target,)) if sorts else None

    def initial() -> list:
        first, keep = explicit._fixed(inst, sym)
        return list(inst.initial_states(first, keep))

    return run.explore(inst, ob, Options(), Deadline(None), sorts, initial)


def _instance(ob: Obligation, model: ir.Model) -> Instance:
    try:
        inst = Instance(ob.system, dict(model.instances[0].sizes))
    except EngineError:
        assume(False)
    assume(prod(inst.sizes.count(d.type) for d in inst.decls) <= MAX_RAW_STATES)
    return inst


def _orbit_closure(sym: Symmetry, reps: list) -> set:
    perms = list(product(*(permutations(range(n)) for n in sym.sizes)))
    return {sym.apply(s, tuple(p)) for s in reps for p in perms}


def _same_space(inst: Instance, ob: Obligation) -> None:
    full = explicit.explore(inst, ob, Options(symmetry=False), Deadline(None), stop_at_hit=False)
    assert not full.stopped
    plain = _packed(inst, ob, symmetry=False)
    if plain is None:
        event("packed: does not apply")
        return
    f = plain.found
    f_states = {plain.lay.unpack(int(w)) for w in f.words}
    # the packed search stops at its first hit: compare against the prefix up to it
    if f.hit is None:
        assert f_states == set(full.states)
        assert f.diameter == full.diameter
    else:
        assert full.hit is not None
        assert f.depth_of(f.hit) == full.depth[full.hit]
        assert f_states <= set(full.states)
    reduced = explicit.explore(inst, ob, Options(), Deadline(None), stop_at_hit=False)
    sym_space = _packed(inst, ob, symmetry=True)
    if reduced.symmetry is None or sym_space is None:
        return
    event("symmetry active")
    g = sym_space.found
    reps = [sym_space.lay.unpack(int(w)) for w in g.words]
    assert len(set(g.words.tolist())) == len(reps)
    if g.hit is None:
        assert len(reps) == len(reduced.states)
        assert _orbit_closure(reduced.symmetry, reps) == set(full.states)
    else:
        assert full.hit is not None and g.depth_of(g.hit) == full.depth[full.hit]


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(models(max_state=3, max_actions=2), st.data())
def test_packed_search_finds_the_interpreters_state_space(model, data):
    props = data.draw(properties_for(model, ALL_KINDS, max_size=2))
    claims = [p.name for p in props.properties if p.kind != "assume"]
    assume(claims)
    name = data.draw(st.sampled_from(claims))
    ob = compile_obligation(model, props, name, use_lemmas=False)
    inst = _instance(ob, model)
    note(model_to_text(model))
    note(f"claim {name} ({ob.prop.kind})")
    _same_space(inst, ob)
    for symmetry in (True, False):
        packed = registry.run("explicit", ob, inst.sizes.sizes, Options(symmetry=symmetry))
        ref = registry.run(
            "explicit", ob, inst.sizes.sizes, Options(symmetry=symmetry, extra=UNPACKED.extra)
        )
        event(f"packed: {packed.stats.get('packed', False)}")
        assert packed.verdict == ref.verdict
        assert (packed.trace is None) == (ref.trace is None)
        if packed.trace is not None and ref.trace is not None:
            assert packed.trace.length == ref.trace.length
            assert recheck(packed.trace, model, props).ok


@settings(
    max_examples=examples(120),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(bulk_models())
def test_packed_search_loses_no_state_of_models_with_bulk_writes(model):
    props = ir.PropertySet(model.name, (ir.Property("invariant", "t", ir.BoolLit(True), ()),))
    ob = compile_obligation(model, props, "t", use_lemmas=False)
    inst = _instance(ob, model)
    note(model_to_text(model))
    _same_space(inst, ob)


@pytest.mark.parametrize("symmetry", [True, False])
def test_the_race_model_packed_and_unpacked(symmetry):
    from race_model import race_obligation

    ob = race_obligation()
    sizes = {"Page": 3, "Thread": 2}
    a = registry.run("explicit", ob, sizes, Options(symmetry=symmetry))
    b = registry.run("explicit", ob, sizes, Options(symmetry=symmetry, extra=UNPACKED.extra))
    assert a.stats.get("packed") is True
    assert (a.verdict, a.stats["states"]) == (b.verdict, b.stats["states"])
