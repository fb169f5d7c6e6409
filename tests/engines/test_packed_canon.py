"""The packed canonical form (engines/packed/canon.py, invariant.py) against brute force.

canon.py tries only the labellings that sort elements by an orbit-invariant
key, and of tied runs every order but those of isolated twins. These tests
pin it against the definition, with no shortcut of its own: a canonical form
maps every state to a member of its orbit, and every member of an orbit to
the same word. The orbit is computed by applying every permutation of the
reduced sorts (the interpreter's renaming, symmetry_codegen), and the
canonical word compared with the least packed image over them. A canon that
skips the tied orders is caught (the twin test), and the broken race is still
refuted at a size the old canon left to the interpreter.
"""

from __future__ import annotations

import dataclasses
from itertools import permutations, product

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, given, note, settings
from profiles import examples
from race_model import race_obligation
from strategies import models
from test_packed import _instance

from rmpcheck import ir
from rmpcheck.engines import explicit, registry
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.packed import canon as canon_mod
from rmpcheck.engines.packed import layout
from rmpcheck.engines.packed.canon import canonicaliser
from rmpcheck.engines.packed.description import Descriptions
from rmpcheck.engines.packed.invariant import Keys
from rmpcheck.engines.symmetry import Symmetry, reducible_sorts
from rmpcheck.interp import Instance
from rmpcheck.lang import parse_model, parse_properties
from rmpcheck.lang.pretty import model_to_text
from rmpcheck.monitor import Obligation, compile_obligation


def _all_perms(sym: Symmetry) -> list[tuple[tuple[int, ...], ...]]:
    return [tuple(p) for p in product(*(permutations(range(n)) for n in sym.sizes))]


def _check_canonical(inst: Instance, ob: Obligation, states: list) -> int:
    """Asserts canon is a canonical form on ``states``; returns the number of orbits."""
    sorts = reducible_sorts(inst, (ob.target,))
    lay = layout.layout(inst)
    assert lay is not None
    canon = canonicaliser(lay, sorts)
    assert canon is not None
    sym = Symmetry(inst, (ob.target,))
    perms = _all_perms(sym)
    words = lay.pack_all(states)
    reps = canon(words)
    for s, rep in zip(states, reps.tolist(), strict=True):
        orbit = lay.pack_all([sym.apply(s, p) for p in perms])
        assert rep in set(orbit.tolist()), "not a member of the orbit"
        # every member of the orbit gets the same word
        assert set(canon(orbit).tolist()) == {rep}, "not the same word for the whole orbit"
    return len(set(reps.tolist()))


def _brute_orbits(inst: Instance, ob: Obligation, states: list) -> int:
    sym = Symmetry(inst, (ob.target,))
    perms = _all_perms(sym)
    return len({min(sym.apply(s, p) for p in perms) for s in states})


@pytest.mark.parametrize(
    "sizes",
    # pages fewer than, as many as, and more than threads: pages are enumerated in each
    # (their keys exact; test_ties_... below has the hashed keys)
    [{"Page": 2, "Thread": 4}, {"Page": 3, "Thread": 3},
     pytest.param({"Page": 3, "Thread": 4}, marks=pytest.mark.slow),
     pytest.param({"Page": 4, "Thread": 3}, marks=pytest.mark.slow)],
)  # fmt: skip
def test_race_orbits_equal_brute_force(sizes):
    ob = race_obligation()
    inst = Instance(ob.system, sizes)
    full = explicit.explore(inst, ob, Options(symmetry=False), Deadline(None), stop_at_hit=False)
    orbits = _brute_orbits(inst, ob, full.states)
    # one reachable state in ten checked against its whole orbit
    assert _check_canonical(inst, ob, full.states[::10]) <= orbits
    st = explicit.check(ob, sizes, Options()).stats
    assert (st["states"], st.get("packed")) == (orbits, True)


# Directed graphs: one round of refinement gives every node of a cycle the same key,
# yet no two of them are twins (swapping two reverses the cycle), so the canonical
# form must try the tied orders. Node is related to itself, so it is enumerated; Tag
# is sorted, its elements pointing at nodes (a node pointed at is told apart, and so
# are its neighbours) or, with ``pointing=False``, not.
GRAPH = """\
model graph
sort Node
sort Tag
state edge : Node, Node -> bool
state tag  : Tag -> Node
init { forall a: Node, b: Node. !edge[a, b] }
actor g
action g.add(a: Node, b: Node) { require a != b  edge[a, b] := true }
action g.point(t: Tag, n: Node) { tag[t] := n }
"""
UNPOINTED = {"state tag  : Tag -> Node": "state tag  : Tag -> bool",
             "action g.point(t: Tag, n: Node) { tag[t] := n }":
             "action g.point(t: Tag) { tag[t] := !tag[t] }"}  # fmt: skip


def _graph(sizes: dict[str, int], pointing: bool = True) -> tuple[Instance, Obligation]:
    text = GRAPH
    if not pointing:
        for old, new in UNPOINTED.items():
            text = text.replace(old, new)
    model = parse_model(text, "graph.rmp")
    props = parse_properties("properties for graph\ninvariant t: true\n", model)
    ob = compile_obligation(model, props, "t", use_lemmas=False)
    return Instance(ob.system, sizes), ob


@pytest.mark.parametrize(
    ("nodes", "every", "pointing"),
    [(3, 1, False), (4, 41, False), (3, 1, True),
     pytest.param(4, 97, True, marks=pytest.mark.slow)],
)  # fmt: skip
def test_ties_are_tried_where_keys_cannot_tell_elements_apart(nodes, every, pointing):
    inst, ob = _graph({"Node": nodes, "Tag": 2}, pointing)
    full = explicit.explore(inst, ob, Options(symmetry=False), Deadline(None), stop_at_hit=False)
    some = full.states[::every]
    assert _check_canonical(inst, ob, some) == _brute_orbits(inst, ob, some)
    if every == 1:
        st = explicit.check(ob, inst.sizes.sizes, Options()).stats
        assert (st["states"], st.get("packed")) == (_brute_orbits(inst, ob, full.states), True)


def test_a_canon_that_skips_ties_is_caught(monkeypatch):
    """The twin of the test above: trying only the first order of each tied run is
    sound (a member of the orbit) but not canonical, and the brute force says so."""
    first_only = canon_mod._orders.__wrapped__
    monkeypatch.setattr(canon_mod, "_orders", lambda w, t: first_only(w, t)[:1])
    inst, ob = _graph({"Node": 3, "Tag": 2}, pointing=False)
    full = explicit.explore(inst, ob, Options(symmetry=False), Deadline(None), stop_at_hit=False)
    with pytest.raises(AssertionError, match="same word"):
        _check_canonical(inst, ob, full.states)


def _race_canon(sizes: dict[str, int]) -> tuple[Instance, Obligation, object]:
    ob = race_obligation()
    inst = Instance(ob.system, sizes)
    lay = layout.layout(inst)
    assert lay is not None
    return inst, ob, canonicaliser(lay, reducible_sorts(inst, (ob.target,)))


def test_the_race_keys_pages_by_their_exact_descriptions():
    """Pages are pointed at by threads only: their keys are exact, ties are twins."""
    for sizes in ({"Page": 3, "Thread": 4}, {"Page": 4, "Thread": 3}):
        _, _, canon = _race_canon(sizes)
        # with more pages than threads too: threads sorted, so that pages get exact keys
        assert isinstance(canon.keys, Descriptions)  # type: ignore[attr-defined]
        assert canon.sorted_sort.name == "Thread"  # type: ignore[attr-defined]
    # a page keyed by two sorts' elements, or a node related to itself: hashed keys
    inst, _ = _graph({"Node": 3, "Tag": 2})
    lay = layout.layout(inst)
    assert lay is not None
    graph = canonicaliser(lay, reducible_sorts(inst))
    assert graph is not None and isinstance(graph.keys, Keys)


@pytest.mark.parametrize("drop", ["own", "column"])
def test_descriptions_that_leave_something_out_are_caught(drop):
    """The twins of the exact keys: without a page's own entries (assigned), or
    without the steps of the threads that target it, pages that differ get equal
    keys, their orders are not tried, and the form is no longer canonical."""
    inst, ob, canon = _race_canon({"Page": 2, "Thread": 4})
    keys = canon.keys  # type: ignore[attr-defined]
    cut = {"own": ((),) * keys.size} if drop == "own" else {"column": ()}
    broken = dataclasses.replace(keys, **cut)
    full = explicit.explore(inst, ob, Options(symmetry=False), Deadline(None), stop_at_hit=False)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(canon_mod, "descriptions", lambda *a: broken)
        with pytest.raises(AssertionError, match="same word"):
            _check_canonical(inst, ob, full.states)


def test_the_broken_race_is_refuted_with_symmetry_at_a_size_past_the_old_limit():
    """Page=6, Thread=7 was past the packed canon's 120 permutations (6! of the pages):
    now it is packed, and the bug is found at the depth of the unreduced search."""
    ob = race_obligation(lock=False)
    r = registry.run("explicit", ob, {"Page": 6, "Thread": 7}, Options())
    assert r.verdict == "refuted" and r.stats.get("packed") is True
    assert r.trace is not None and r.trace.length == 3


@pytest.mark.slow
def test_the_race_at_six_pages_and_threads_has_the_interpreters_orbit_count():
    # 7038: the interpreter's canonical form's count (60 s, before the packed one applied)
    ok = registry.run("explicit", race_obligation(), {"Page": 6, "Thread": 6}, Options())
    assert ok.verdict == "proved" and ok.stats["states"] == 7038 and ok.stats["packed"]


@settings(
    max_examples=examples(120),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(models(max_state=3, max_actions=2))
def test_packed_canon_is_canonical_on_random_models(model):
    props = ir.PropertySet(model.name, (ir.Property("invariant", "t", ir.BoolLit(True), ()),))
    ob = compile_obligation(model, props, "t", use_lemmas=False)
    inst = _instance(ob, model)
    sorts = reducible_sorts(inst, (ob.target,))
    lay = layout.layout(inst)
    canon = canonicaliser(lay, sorts) if sorts and lay is not None else None
    assume(canon is not None)
    note(model_to_text(model))
    event(f"keys: {type(canon.keys).__name__}")
    full = explicit.explore(inst, ob, Options(symmetry=False), Deadline(None), stop_at_hit=False)
    assert _check_canonical(inst, ob, full.states[:200]) == _brute_orbits(
        inst, ob, full.states[:200]
    )


def test_canon_of_an_empty_frontier():
    ob = race_obligation()
    inst = Instance(ob.system, {"Page": 2, "Thread": 2})
    lay = layout.layout(inst)
    assert lay is not None
    canon = canonicaliser(lay, reducible_sorts(inst))
    assert canon is not None and len(canon(np.empty(0, dtype=np.uint64))) == 0
