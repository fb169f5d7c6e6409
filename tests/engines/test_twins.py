"""Successors skipped for a state's twins (engines/twins.py) in the interpreter's search.

The claim: the search stores exactly what it stores without the skipping
(the same representatives, parents, steps and depths, in the same order),
and the transitions it counts are the same. Checked on the race, on the
shipped parametric models and on random models (choices, bulk updates), and
against two broken twins: swaps that are not automorphisms, and a skip that
does not ask whether the representative met was canonical (with the
canonical form cut short so that it is not).
"""

from __future__ import annotations

from itertools import permutations, product

import pytest
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st
from profiles import examples
from race_model import race_obligation
from strategies import models
from test_packed import _instance
from test_packed_canon import _graph
from test_symmetry_soundness import bulk_models

from rmpcheck import ir
from rmpcheck.engines import explicit, twins
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.symmetry import Symmetry
from rmpcheck.interp import Instance
from rmpcheck.lang import parse_model, parse_properties
from rmpcheck.lang.pretty import model_to_text
from rmpcheck.monitor import Obligation, compile_obligation


def _search(inst: Instance, ob: Obligation) -> tuple:
    sp = explicit.explore(inst, ob, Options(), Deadline(None), stop_at_hit=False)
    return sp.states, sp.parent, sp.via, sp.depth, sp.hit, sp.transitions


def _without_twins(inst: Instance, ob: Obligation) -> tuple:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(twins.Twins, "twins", lambda self, s: [])
        return _search(inst, ob)


def _skips(inst: Instance, ob: Obligation) -> int:
    n = [0]
    met = explicit._met

    def counting(*a):
        hit = met(*a)
        n[0] += hit
        return hit

    with pytest.MonkeyPatch.context() as m:
        m.setattr(explicit, "_met", counting)
        _search(inst, ob)
    return n[0]


@pytest.mark.parametrize("lock", [True, False])
@pytest.mark.parametrize("sizes", [{"Page": 3, "Thread": 3}, {"Page": 4, "Thread": 3}])
def test_the_race_stores_the_same(lock, sizes):
    ob = race_obligation(lock=lock)
    inst = Instance(ob.system, sizes)
    assert _search(inst, ob) == _without_twins(inst, ob)
    assert _skips(inst, ob) > 0  # threads and pages with equal entries are common


def test_any_swap_is_safe_to_try():
    """A skip looks the swapped successor up: it is a renaming of the successor, so
    its representative (when met, and canonical) is the successor's, automorphism or
    not. Twins only make the lookup likely to succeed."""
    ob = race_obligation()
    inst = Instance(ob.system, {"Page": 3, "Thread": 3})
    with pytest.MonkeyPatch.context() as m:
        m.setattr(twins.Twins, "twins", lambda self, s: [
            (si, x, y, perm) for si, sw in enumerate(self.swaps) for x, y, perm in sw
        ])  # fmt: skip
        every = _search(inst, ob)
    assert every == _without_twins(inst, ob)


def test_a_skip_needs_a_canonical_representative():
    """With the canonical form cut short after one leaf it is not canonical: on
    directed graphs (ties that are not twins) members of one orbit get different
    representatives, and the search stores some orbits twice. Skipping must then
    stop where the representative met is not canonical, or the search would store
    fewer states than without it."""
    inst, ob = _graph({"Node": 4, "Tag": 2}, pointing=False)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(explicit, "Symmetry", _cut_short)
        plain = _without_twins(inst, ob)
        assert _search(inst, ob) == plain
        m.setattr(explicit, "_met", _met_trusting_every_representative)
        assert len(_search(inst, ob)[0]) < len(plain[0])


def _cut_short(inst, seen):
    from rmpcheck.engines.symmetry import Symmetry

    return Symmetry(inst, seen, exact_limit=1)


def _met_trusting_every_representative(tw, a, args, t, mine, index, cache, exact):
    swap = tw.lowering(a, args, mine)
    if swap is None:
        return False
    u = tw.sym.apply(t, swap)
    return (u if u in index else cache.get(u)) is not None


@settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(st.one_of(models(max_state=3, max_actions=2), bulk_models()))
def test_random_models_store_the_same(model):
    props = ir.PropertySet(model.name, (ir.Property("invariant", "t", ir.BoolLit(True), ()),))
    ob = compile_obligation(model, props, "t", use_lemmas=False)
    inst = _instance(ob, model)
    note(model_to_text(model))
    assert _search(inst, ob) == _without_twins(inst, ob)
    event(f"skipped: {_skips(inst, ob) > 0}")


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(st.one_of(models(max_state=3, max_actions=2), bulk_models()))
def test_a_representative_called_exact_is_the_whole_orbits(model):
    """The skip's premise, against brute force: where canon_exact says so, every
    renaming of the state gets that representative."""
    props = ir.PropertySet(model.name, (ir.Property("invariant", "t", ir.BoolLit(True), ()),))
    ob = compile_obligation(model, props, "t", use_lemmas=False)
    inst = _instance(ob, model)
    sym = Symmetry(inst, (ob.target,))
    assume(sym.active)
    note(model_to_text(model))
    full = explicit.explore(inst, ob, Options(symmetry=False), Deadline(None), stop_at_hit=False)
    perms = list(product(*(permutations(range(n)) for n in sym.sizes)))
    for s in full.states[:: max(1, len(full.states) // 40)]:
        reps = {sym.canon_exact(sym.apply(s, p)) for p in perms}
        exact = {r for r, ok in reps if ok}
        assert len(exact) <= 1 and (not exact or len(reps) == 1), reps
        event(f"exact: {bool(exact)}")


def test_relations_are_never_called_exact():
    """A sort at two key positions of one map: the refinement's colours depend on the
    labels there (the order it lists an element's roles), so no claim of exactness."""
    inst, ob = _graph({"Node": 3, "Tag": 2}, pointing=False)
    sym = Symmetry(inst, (ob.target,))
    assert not sym.equivariant
    full = explicit.explore(inst, ob, Options(symmetry=False), Deadline(None), stop_at_hit=False)
    assert not any(sym.canon_exact(s)[1] for s in full.states)


@pytest.mark.parametrize("sizes", [{"Page": 3, "Thread": 3}, {"Page": 4, "Thread": 2}])
def test_the_pruned_canonical_form_is_the_full_searchs(sizes):
    """canon_exact tries one of each class of twins: where the full search is exact,
    the same representative (the same leaf images, fewer of them)."""
    ob = race_obligation()
    inst = Instance(ob.system, sizes)
    sym = Symmetry(inst, (ob.target,))
    full = explicit.explore(inst, ob, Options(symmetry=False), Deadline(None), stop_at_hit=False)
    for s in full.states:
        rep, _, exact = sym._best(s)
        assert not exact or sym.canon_exact(s) == (rep, True)


# A function on nodes (no relation: the colours are invariant). In a permutation of
# five nodes, a 2-cycle and a 3-cycle, refinement cannot tell the cycles' nodes
# apart: tied, yet no automorphism maps one cycle to the other, so both are tried.
FUNCTIONS = """\
model functions
sort Node
state next : Node -> Node
init { forall n: Node. next[n] == n }
actor a
action a.set(x: Node, y: Node) { next[x] := y }
"""


def test_a_pruning_that_takes_any_pair_for_twins_is_caught():
    """The twin: taking every pair of a class for twins tries one member only, and
    then members of one orbit get different representatives."""
    model = parse_model(FUNCTIONS, "functions.rmp")
    props = parse_properties("properties for functions\ninvariant t: true\n", model)
    ob = compile_obligation(model, props, "t", use_lemmas=False)
    inst = Instance(ob.system, {"Node": 5})
    bijective = [(p,) for p in permutations(range(5))][::4]  # next a permutation
    sym = Symmetry(inst, (ob.target,))
    assert sym.equivariant
    perms = list(product(*(permutations(range(n)) for n in sym.sizes)))

    def split(sym: Symmetry) -> list:
        return [
            s for s in bijective
            if len({sym.canon_exact(sym.apply(s, p))[0] for p in perms}) > 1
        ]  # fmt: skip

    assert split(sym) == []
    with pytest.MonkeyPatch.context() as m:
        m.setattr(Symmetry, "swap", lambda self, si, x, y: self.identity)
        assert split(Symmetry(inst, (ob.target,)))
