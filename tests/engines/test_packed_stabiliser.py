"""Skipping action instances a state's own symmetry makes redundant (packed/stabiliser.py).

The claim is strong: with the skipping, the symmetric packed search stores
exactly what it stores without it (the same representatives, parents and
instances, in the same order, and the same first violation); only the
number of transitions run drops. These tests compare both searches on the
race (where threads with equal columns are common) and on random models,
whose actions may choose values and run bulk updates; the twin test skips
on a broken neighbour test (threads that merely share a step) and is caught.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from profiles import examples
from race_model import race_obligation
from strategies import ALL_KINDS, models, properties_for
from test_packed import _instance, _packed
from test_symmetry_soundness import bulk_models

from rmpcheck import ir
from rmpcheck.engines.packed import search as search_mod
from rmpcheck.engines.packed import stabiliser as stab_mod
from rmpcheck.engines.packed.run import PackedSpace
from rmpcheck.interp import Instance
from rmpcheck.lang import parse_model, parse_properties
from rmpcheck.lang.pretty import model_to_text
from rmpcheck.monitor import Obligation, compile_obligation


def _both(inst: Instance, ob: Obligation) -> tuple[PackedSpace, PackedSpace] | None:
    """The symmetric packed search with the stabiliser, and without it."""
    pruned = _packed(inst, ob, symmetry=True)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(search_mod, "Stabiliser", lambda canon, instances: None)
        full = _packed(inst, ob, symmetry=True)
    if pruned is None or full is None:
        return None
    return pruned, full


def _same_store(pruned: PackedSpace, full: PackedSpace) -> None:
    a, b = pruned.found, full.found
    assert np.array_equal(a.words, b.words), "other representatives"
    assert np.array_equal(a.parent, b.parent) and np.array_equal(a.via, b.via), "other steps"
    assert (a.hit, a.levels, a.stopped) == (b.hit, b.levels, b.stopped)
    assert a.transitions <= b.transitions


@pytest.mark.parametrize("lock", [True, False])
@pytest.mark.parametrize("sizes", [{"Page": 3, "Thread": 4}, {"Page": 4, "Thread": 5}])
def test_the_race_stores_the_same_with_fewer_transitions(lock, sizes):
    ob = race_obligation(lock=lock)
    both = _both(Instance(ob.system, sizes), ob)
    assert both is not None
    _same_store(*both)
    # threads often share a column (idle, same target): many instances are skipped
    assert both[0].found.transitions < 0.9 * both[1].found.transitions


def test_only_instances_lowered_by_a_swap_of_threads_are_marked():
    ob = race_obligation()
    space = _packed(Instance(ob.system, {"Page": 2, "Thread": 3}), ob, symmetry=True)
    assert space is not None and space.canon is not None
    lay, canon = space.lay, space.canon
    from rmpcheck.engines.packed.step import ground

    instances = ground(lay)
    assert instances is not None
    s = stab_mod.Stabiliser(canon, instances)
    names = [lay.inst.model.actions[g.action].name for g in instances]
    marks = {(n, g.args): xs for n, g, xs in zip(names, instances, s.lowering, strict=True)}
    # translate(t, p): thread t is lowered by the swap of t-1 and t, pages not at all
    assert marks[("translate", (0, 1))] == () and marks[("translate", (2, 1))] == (1,)
    assert marks[("write", (1,))] == (0,)
    assert all(xs == () for (n, _), xs in marks.items() if n == "psc_to_private")


# Choices of threads, one per action and one per page under a bulk update: renaming
# threads renames them too, yet the skipped instance's partner still comes first.
# (``seen`` relates both sorts: no exact keys, so the larger, Thread, is sorted.)
CHOOSING = """\
model choosing
sort Thread
sort Page
enum Step { idle, busy }
state step : Thread -> Step
state mark : Thread -> bool
state owner : Page -> Thread
state seen : Page, Thread -> bool
init { forall t: Thread. step[t] == idle && !mark[t] }
actor a
action a.start(t: Thread) {
  require step[t] == idle
  step[t] := busy
  choose u: Thread where u != t { mark[u] := true }
}
action a.own(p: Page, t: Thread) { require step[t] == busy  owner[p] := t  seen[p, t] := true }
action a.stop(t: Thread) {
  require step[t] == busy
  step[t] := idle
  forall q: Page { choose v: Thread { owner[q] := v } }
}
"""


def test_choices_of_threads_store_the_same():
    model = parse_model(CHOOSING, "choosing.rmp")
    props = parse_properties("properties for choosing\ninvariant t: true\n", model)
    ob = compile_obligation(model, props, "t", use_lemmas=False)
    both = _both(Instance(ob.system, {"Thread": 4, "Page": 2}), ob)
    assert both is not None and both[0].canon.sorted_sort.name == "Thread"
    _same_store(*both)
    assert both[0].found.transitions < both[1].found.transitions


def test_a_stabiliser_that_swaps_unequal_threads_is_caught(monkeypatch):
    """The twin: threads that share only their step are not interchangeable (their
    targets differ), and skipping by that loses orbits."""

    def steps_only(self, batch):
        g = self.groups[0]
        return [
            np.asarray(batch.col(g[x])) == np.asarray(batch.col(g[x + 1]))
            for x in range(self.size - 1)
        ]

    monkeypatch.setattr(stab_mod.Stabiliser, "_neighbours_equal", steps_only)
    ob = race_obligation()
    both = _both(Instance(ob.system, {"Page": 3, "Thread": 4}), ob)
    assert both is not None
    with pytest.raises(AssertionError, match="other representatives"):
        _same_store(*both)


@settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(st.one_of(models(max_state=3, max_actions=2), bulk_models()), st.data())
def test_random_models_store_the_same(model, data):
    props = data.draw(properties_for(model, ALL_KINDS, max_size=2))
    claims = [p.name for p in props.properties if p.kind != "assume"] or ["t"]
    if claims == ["t"]:
        props = ir.PropertySet(model.name, (ir.Property("invariant", "t", ir.BoolLit(True), ()),))
    name = data.draw(st.sampled_from(claims))
    ob = compile_obligation(model, props, name, use_lemmas=False)
    inst = _instance(ob, model)
    note(model_to_text(model))
    both = _both(inst, ob)
    if both is not None:
        _same_store(*both)
        event(f"instances skipped: {both[0].found.transitions < both[1].found.transitions}")
