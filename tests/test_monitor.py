"""Monitor compilation: past-time operators become state, step properties become flags."""

from rmpcheck import ir
from rmpcheck.build import (
    BOOL,
    ModelBuilder,
    always,
    assign,
    did,
    invariant,
    map_of,
    once,
    properties,
    require,
    var,
)
from rmpcheck.monitor import compile_obligation


def _race():
    mb = ModelBuilder("race")
    page = mb.sort("Page")
    assigned = mb.state("assigned", map_of(page, BOOL))
    lock = mb.state("lock", BOOL)
    p = var("p", page)
    mb.init(~lock)
    mb.action("guest.private", [p], require(~lock), assign(assigned[p], True))
    mb.action("host.write", [p], require(~assigned[p]))
    return mb.build(), page, assigned


def test_state_invariant_needs_no_monitor():
    model, page, assigned = _race()
    q = var("q", page)
    ob = compile_obligation(model, properties("race", invariant("i", ~assigned[q])), "i")
    assert ob.kind == "safety"
    assert ob.system.monitors == ()
    assert isinstance(ob.target, ir.Quant) and ob.target.kind == "forall"


def test_step_property_with_once_gets_param_monitor_and_ok_flag():
    model, page, assigned = _race()
    q = var("q", page)
    prop = always("w", did("host.write", q).implies(once(did("guest.private", q))))
    ob = compile_obligation(model, properties("race", prop), "w")
    names = [m.decl.name for m in ob.system.monitors]
    assert names == ["__once", "__ok"]
    once_m = ob.system.monitors[0]
    assert once_m.decl.type == ir.MapType((page,), BOOL)
    assert once_m.params == (q.x,)
    # once starts false at position 0 of a step formula and accumulates
    assert once_m.init == ir.BoolLit(False)
    assert ob.target == ob.system.monitors[1].decl.ref()


def test_a_prime_under_a_past_operator_makes_a_step_cover():
    from rmpcheck.build import cover
    from rmpcheck.interp import Instance

    model, page, assigned = _race()
    q = var("q", page)
    c = cover("c", once(assigned[q].prime()))
    ob = compile_obligation(model, properties("race", c), "c")
    # a step formula: the cover becomes a 'hit' flag set by the step
    assert [m.decl.name for m in ob.system.monitors] == ["__once", "__hit"]
    inst = Instance(ob.system, {"Page": 1})
    inits = list(inst.initial_states())
    assert inits and not any(inst.holds(ob.target, s) for s in inits)
    assert all(any(inst.holds(ob.target, t) for _, t in inst.successors(s)) for s in inits)
