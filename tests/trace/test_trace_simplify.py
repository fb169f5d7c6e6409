"""fewer_actors: an equally short (or shorter) trace with fewer actors, replayed."""

from __future__ import annotations

import dataclasses

from trace_fixtures import SIZES, obligation

from rmpcheck import ir
from rmpcheck.interp import Instance
from rmpcheck.monitor import Obligation
from rmpcheck.trace.model import Trace
from rmpcheck.trace.replay import build_trace
from rmpcheck.trace.simplify import fewer_actors, shortest_run


def _detour(model: ir.Model) -> tuple[Instance, Obligation, Trace]:
    """write_only_shared refuted with a needless hypervisor reclaim in the middle."""
    ob = obligation(model, "write_only_shared")
    inst = Instance(ob.system, SIZES)
    s = next(iter(inst.initial_states()))
    states, actions = [s], []
    for name, args in [
        ("guest.psc_to_private", (0,)),
        ("hv.reclaim", (0,)),
        ("host.translate", (0, 0)),
        ("host.consult_rmp", (0,)),
        ("guest.psc_to_private", (0,)),
    ]:
        (_, s), = inst.step(s, name, args)
        states.append(s)
        actions.append((name, args))
    return inst, ob, build_trace(inst, ob, states, actions, "bmc")


def test_drops_an_actor_the_bug_does_not_need(model: ir.Model):
    inst, ob, long = _detour(model)
    assert set(long.actors) == {"guest", "hv", "host"}
    short = fewer_actors(inst, ob, dataclasses.replace(long, property_file="race.prop"))
    assert set(short.actors) == {"guest", "host"}
    assert short.length <= long.length
    assert short.engine == "bmc" and short.property_file == "race.prop"
    assert short.meta["simplified"] == "fewer actors: 2 (was 3)"


def test_keeps_a_trace_that_needs_all_its_actors(model: ir.Model, cex: Trace):
    ob = obligation(model, "write_only_shared")
    inst = Instance(ob.system, SIZES)
    assert fewer_actors(inst, ob, cex) is cex


def test_an_exhausted_budget_keeps_the_original(model: ir.Model):
    inst, ob, long = _detour(model)
    assert fewer_actors(inst, ob, long, budget=3) is long


def test_shortest_run_respects_the_actor_restriction(model: ir.Model):
    ob = obligation(model, "write_only_shared")
    inst = Instance(ob.system, SIZES)
    assert shortest_run(inst, ob, 10, actors={"host", "hv"}) is None
    run = shortest_run(inst, ob, 10, actors={"host", "guest"})
    assert run is not None and len(run) == 4
