"""The interpreter's semantics, checked on hand-made models with known answers."""

from __future__ import annotations

import pytest

from rmpcheck import ir
from rmpcheck.build import (
    BOOL,
    ModelBuilder,
    always,
    assign,
    choose,
    cover,
    did,
    for_each,
    forall,
    historically,
    if_,
    int_range,
    invariant,
    map_of,
    once,
    prev,
    properties,
    require,
    since,
    var,
)
from rmpcheck.errors import ConfigError
from rmpcheck.interp import Instance
from rmpcheck.monitor import compile_obligation


def reachable(inst: Instance) -> set:
    seen = set(inst.initial_states())
    todo = list(seen)
    while todo:
        s = todo.pop()
        for _, t in inst.successors(s):
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def counter_model(hi: int = 3):
    mb = ModelBuilder("counter")
    n = mb.state("n", int_range(0, hi))
    mb.init(n == 0)
    mb.action("env.inc", [], assign(n, n + 1))
    return mb.build(), n


def test_out_of_range_write_disables_the_step():
    model, n = counter_model(3)
    inst = Instance(model, {})
    assert sorted(s[0] for s in reachable(inst)) == [0, 1, 2, 3]
    assert inst.enabled((3,)) == []


def test_simultaneous_assignment_reads_pre_state():
    mb = ModelBuilder("swap")
    a = mb.state("a", BOOL)
    b = mb.state("b", BOOL)
    mb.init(a, ~b)
    mb.action("env.swap", [], assign(a, b), assign(b, a))
    inst = Instance(mb.build(), {})
    (s0,) = inst.initial_states()
    ((_, t),) = inst.successors(s0)
    assert t == (False, True)


def test_later_write_wins_and_require_under_if_guards_only_its_branch():
    mb = ModelBuilder("m")
    page = mb.sort("Page")
    x = mb.state("x", map_of(page, int_range(0, 2)))
    flag = mb.state("flag", BOOL)
    p, q = var("p", page), var("q", page)
    mb.init(forall([p], x[p] == 0), ~flag)
    mb.action(
        "env.set",
        [p, q],
        assign(x[p], 1),
        assign(x[q], 2),
        if_(flag, [require(p == q)]),
    )
    inst = Instance(mb.build(), {"Page": 2})
    (s0,) = inst.initial_states()
    posts = {ai.args: t for ai, t in inst.successors(s0)}
    assert posts[(0, 0)][0] == (2, 0)  # x[p] := 1 then x[q] := 2 with p == q: 2 wins
    assert posts[(0, 1)][0] == (1, 2)
    flagged = ((0, 0), True)
    assert {ai.args for ai in inst.enabled(flagged)} == {(0, 0), (1, 1)}


def test_choose_enumerates_and_disables_when_nothing_fits():
    mb = ModelBuilder("alloc")
    page = mb.sort("Page")
    used = mb.state("used", map_of(page, BOOL))
    p, q = var("p", page), var("q", page)
    mb.init(forall([p], ~used[p]))
    mb.action("host.alloc", [], choose(q, ~used[q], assign(used[q], True)))
    inst = Instance(mb.build(), {"Page": 3})
    states = reachable(inst)
    assert len(states) == 8
    full = ((True, True, True),)
    assert inst.enabled(full) == []
    (s0,) = inst.initial_states()
    assert {ai.choices for ai in inst.enabled(s0)} == {(0,), (1,), (2,)}


def test_choose_under_forall_is_one_choice_per_element():
    mb = ModelBuilder("havoc")
    page = mb.sort("Page")
    bit = mb.state("bit", map_of(page, BOOL))
    p, v = var("p", page), var("v", BOOL)
    mb.init(forall([p], ~bit[p]))
    mb.action("env.havoc", [], for_each([p], choose(v, None, assign(bit[p], v))))
    inst = Instance(mb.build(), {"Page": 2})
    (s0,) = inst.initial_states()
    assert {t for _, t in inst.successors(s0)} == {
        ((a, b),) for a in (False, True) for b in (False, True)
    }


def test_bulk_update_with_condition():
    mb = ModelBuilder("reclaim")
    page = mb.sort("Page")
    owner = mb.sort("Asid")
    assigned = mb.state("assigned", map_of(page, BOOL))
    asid = mb.state("asid", map_of(page, owner))
    p, a = var("p", page), var("a", owner)
    mb.init(forall([p], assigned[p]))
    mb.action(
        "fw.decommission", [a], for_each([p], if_(asid[p] == a, [assign(assigned[p], False)]))
    )
    inst = Instance(mb.build(), {"Page": 3, "Asid": 2})
    s = ((True, True, True), (0, 1, 0))
    post = {ai.args: t for ai, t in inst.successors(s)}
    assert post[(0,)][0] == (False, True, False)
    assert post[(1,)][0] == (True, False, True)


def test_initial_states_unconstrained_variables_take_every_value():
    mb = ModelBuilder("free")
    page = mb.sort("Page")
    mb.state("target", map_of(page, page))
    lock = mb.state("lock", BOOL)
    mb.init(~lock)
    inst = Instance(mb.build(), {"Page": 3})
    assert len(list(inst.initial_states())) == 27


def test_sizes_are_checked():
    model, _ = counter_model()
    with pytest.raises(ConfigError, match="unknown sort"):
        Instance(model, {"Page": 2})
    mb = ModelBuilder("m")
    mb.sort("Page")
    with pytest.raises(ConfigError, match="no size for sort 'Page'"):
        Instance(mb.build(), {})


# ------------------------------------------------------------ past-time monitors


def _lamp():
    """A lamp switched on and off; 'on' history is what the monitors watch."""
    mb = ModelBuilder("lamp")
    on = mb.state("on", BOOL)
    mb.init(~on)
    mb.action("user.switch_on", [], require(~on), assign(on, True))
    mb.action("user.switch_off", [], require(on), assign(on, False))
    return mb.build(), on


def _verdict(model, prop, sizes=None):
    """Explore exhaustively; True iff the claim holds (or the cover is reached)."""
    ob = compile_obligation(model, properties(model.name, prop), prop.name)
    inst = Instance(ob.system, sizes or {})
    hits = [inst.holds(ob.target, s) for s in reachable(inst)]
    return any(hits) if ob.kind == "reach" else all(hits)


def test_once_and_historically_on_states():
    model, on = _lamp()
    assert _verdict(model, invariant("a", (~on).implies(historically(~on)) | once(on)))
    assert not _verdict(model, invariant("b", historically(~on)))
    assert _verdict(model, cover("c", once(on) & ~on))


def test_prev_reads_the_previous_position():
    model, on = _lamp()
    # after switching on, the previous state had the lamp off
    assert _verdict(model, invariant("a", on.implies(prev(~on))))
    # prev is false at the initial state
    assert not _verdict(model, invariant("b", prev(~on) | on))


def test_since_and_action_patterns_in_steps():
    model, on = _lamp()
    off_since_switch = since(~on, did("user.switch_off"))
    assert _verdict(model, always("a", did("user.switch_on").implies(~on)))
    assert not _verdict(model, always("b", did("user.switch_on").implies(on)))
    assert _verdict(model, always("c", did("user.switch_on").implies(on.prime())))
    assert _verdict(model, cover("d", off_since_switch))
    # 'since' needs the anchor: at the start nothing was switched off yet
    assert not _verdict(model, invariant("e", (~on).implies(off_since_switch)))


def test_parameterised_once_tracks_each_element():
    mb = ModelBuilder("race")
    page = mb.sort("Page")
    assigned = mb.state("assigned", map_of(page, BOOL))
    p = var("p", page)
    mb.init(forall([p], ~assigned[p]))
    mb.action("guest.psc_private", [p], assign(assigned[p], True))
    mb.action("host.write", [p])
    model = mb.build()
    guarded = always("g", did("host.write", p).implies(~once(did("guest.psc_private", p))))
    assert not _verdict(model, guarded, {"Page": 2})
    mb2 = ModelBuilder("race2")
    page = mb2.sort("Page")
    assigned = mb2.state("assigned", map_of(page, BOOL))
    mb2.init(forall([p], ~assigned[p]))
    mb2.action("guest.psc_private", [p], assign(assigned[p], True))
    mb2.action("host.write", [p], require(~assigned[p]))
    model2 = mb2.build()
    assert _verdict(model2, guarded, {"Page": 2})


def test_assumptions_restrict_runs():
    model, on = _lamp()
    never_on = properties("lamp", ir.Property("assume", "dark", ir.Not(on.x)), invariant("i", ~on))
    ob = compile_obligation(model, never_on, "i")
    inst = Instance(ob.system, {})
    assert all(inst.holds(ob.target, s) for s in reachable(inst))
