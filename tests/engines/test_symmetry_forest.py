"""The forest shortcut of the canonical form (engines/symmetry.py, ``Symmetry.forest``).

On a state whose elements are linked only by functions from one sort to
another, with no cycle among the sorts, ``canon_exact`` follows one path of
the individualisation search instead of branching on every member of a tied
class. These tests pin that against the definition, with no shortcut of
their own: the representative is a member of the state's orbit, every member
of an orbit gets the same one, and two orbits never share one (the orbit is
computed by applying every permutation of the reduced sorts). Models with a
relation, a cycle of functions or two functions out of one sort must not be
taken for forests: there one path is not canonical (the cycle test shows a
state where it is not).
"""

from __future__ import annotations

import random
from itertools import permutations, product

import pytest
from race_model import race_obligation

from rmpcheck.engines.symmetry import Symmetry
from rmpcheck.interp import Instance
from rmpcheck.lang import parse_model
from rmpcheck.monitor import System

CHAIN = """\
model chain
sort Thread
sort Page
sort Frame
enum Step { idle, busy }
state step   : Thread -> Step
state target : Thread -> Page
state home   : Page -> Frame
state dirty  : Page -> bool
state free   : Frame -> bool
state last   : Page
init { forall t: Thread. step[t] == idle }
actor a
action a.go(t: Thread, p: Page) { target[t] := p  step[t] := busy }
instance small { Thread = 3, Page = 3, Frame = 2 }
"""

# two functions out of Thread: threads and pages can form a cycle
TWO_OUT = CHAIN.replace("state dirty  : Page -> bool", "state source : Thread -> Page")
# a relation between two sorts is a bipartite graph, not a forest
RELATION = CHAIN.replace("state dirty  : Page -> bool", "state maps : Thread, Page -> bool")
# Page -> Frame and Frame -> Page: a cycle of sorts
CYCLE = """\
model cycle
sort Page
sort Frame
state home  : Page -> Frame
state back  : Frame -> Page
state dirty : Page -> bool
init { forall p: Page. !dirty[p] }
actor a
action a.touch(p: Page) { dirty[p] := true }
instance small { Page = 3, Frame = 2 }
"""


def _instance(text: str, sizes: dict[str, int]) -> Instance:
    return Instance(System(parse_model(text, "forest.rmp")), sizes)


def _random_state(inst: Instance, rng: random.Random) -> tuple:
    out = []
    for d in inst.decls:
        if hasattr(d.type, "keys"):
            vals = inst.sizes.domain(d.type.value).values
            out.append(tuple(rng.choice(vals) for _ in inst.sizes.keys(d.type)))
        else:
            out.append(rng.choice(inst.sizes.domain(d.type).values))
    return tuple(out)


def _orbit(sym: Symmetry, s: tuple) -> set[tuple]:
    perms = product(*(permutations(range(n)) for n in sym.sizes))
    return {sym.apply(s, tuple(p)) for p in perms}


def _check(inst: Instance, states: list[tuple]) -> int:
    """Asserts canon_exact is a canonical form over ``states``; returns the orbits."""
    sym = Symmetry(inst)
    assert sym.forest
    by_orbit: dict[tuple, tuple] = {}  # least member -> representative
    for s in states:
        orbit = _orbit(sym, s)
        rep, exact = sym.canon_exact(s)
        assert exact
        assert rep in orbit, "not a member of the orbit"
        key = min(orbit)
        assert by_orbit.setdefault(key, rep) == rep, "two members, two representatives"
        # a renamed copy of s gets the same representative
        perm = tuple(tuple(random.Random(len(by_orbit)).sample(range(n), n)) for n in sym.sizes)
        assert sym.canon_exact(sym.apply(s, perm))[0] == rep
    assert len(set(by_orbit.values())) == len(by_orbit), "two orbits, one representative"
    return len(by_orbit)


@pytest.mark.parametrize(
    "sizes",
    [
        {"Thread": 3, "Page": 3, "Frame": 2},
        {"Thread": 4, "Page": 2, "Frame": 2},
        {"Thread": 2, "Page": 4, "Frame": 3},
    ],
)
def test_one_path_is_canonical_on_a_chain_of_functions(sizes):
    inst = _instance(CHAIN, sizes)
    rng = random.Random(sum(sizes.values()))
    states = [_random_state(inst, rng) for _ in range(150)]
    # each state's renamings too, so that orbits have several members in the list
    sym = Symmetry(inst)
    states += [sym.apply(s, sym.swap(0, 0, 1)) for s in states[:50]]
    assert _check(inst, states) > 20


def test_one_path_is_canonical_on_the_race_reachable_states():
    from rmpcheck.engines.base import Deadline, Options
    from rmpcheck.engines.explicit import explore

    ob = race_obligation(lock=False)
    inst = Instance(ob.system, {"Page": 3, "Thread": 3})
    space = explore(inst, ob, Options(symmetry=False), Deadline(None), stop_at_hit=False)
    assert _check(inst, space.states[::3]) > 30


@pytest.mark.parametrize("text", [TWO_OUT, RELATION, CYCLE], ids=["two-out", "relation", "cycle"])
def test_other_shapes_are_not_taken_for_forests(text):
    sizes = {"Thread": 3, "Page": 3, "Frame": 2}
    model_sorts = {x.name for x in parse_model(text, "forest.rmp").sorts}
    inst = _instance(text, {k: v for k, v in sizes.items() if k in model_sorts})
    assert not Symmetry(inst).forest


def test_one_path_is_not_canonical_on_a_cycle():
    """Why the shortcut needs a forest: with Page -> Frame and Frame -> Page, a state
    made of a 4-cycle and an 8-cycle has every page in one colour class but in two
    orbits, so the first path's image depends on which page comes first; the full
    search gives one representative whatever the renaming."""
    inst = _instance(CYCLE, {"Page": 6, "Frame": 6})
    sym = Symmetry(inst)
    names = [d.name for d in inst.decls]
    s = list(_random_state(inst, random.Random(1)))
    s[names.index("home")] = (0, 1, 2, 3, 4, 5)  # page i -> frame i
    # frame -> page: 0 -> 1 -> 0 (pages 0, 1 and frames 0, 1: a 4-cycle) and
    # 2 -> 3 -> 4 -> 5 -> 2 (the other eight elements: an 8-cycle)
    s[names.index("back")] = (1, 0, 3, 4, 5, 2)
    s[names.index("dirty")] = (False,) * 6
    s = tuple(s)
    # move the 8-cycle's pages first: a renaming of the same state
    rotate = (4, 5, 0, 1, 2, 3)
    orbit = [s, sym.apply(s, (rotate, rotate))]
    assert len({sym._path(x) for x in orbit}) > 1
    assert len({sym.canon_exact(x)[0] for x in orbit}) == 1
