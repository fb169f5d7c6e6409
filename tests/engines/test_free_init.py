"""Initial states up to symmetry for a map init leaves free (engines/free_init.py).

The reduced enumeration must meet every orbit of initial states that the full
one meets (brute force over every permutation), and must fall back to every
value where the rest of the state is not symmetric.
"""

from __future__ import annotations

from itertools import permutations, product

from race_model import race_obligation

from rmpcheck.engines import explicit, free_init
from rmpcheck.engines.symmetry import Symmetry, reducible_sorts
from rmpcheck.interp import Instance
from rmpcheck.lang import parse_model, parse_properties
from rmpcheck.monitor import compile_obligation

# hot and big are free too, and never written: fixed parameters, one value per
# orbit (engines/fixed_params), enumerated with the rest. Where hot differs
# between threads, the rest is not symmetric in Thread and target takes every
# value; big tells pages apart, so no renaming of pages makes up for it.
TWO_FREE = """\
model two_free
sort Page
sort Thread
state owned  : Page -> bool
state target : Thread -> Page
state hot    : Thread -> bool
state big    : Page -> bool
init { forall p: Page. !owned[p] }
actor a
action a.own(p: Page) { owned[p] := true }
action a.move(t: Thread, p: Page) { target[t] := p }
"""


def _orbits(inst: Instance, states) -> set:
    sym = Symmetry(inst)
    perms = [tuple(p) for p in product(*(permutations(range(n)) for n in sym.sizes))]
    return {min(sym.apply(s, p) for p in perms) for s in states}


def test_the_race_starts_from_sorted_targets_and_meets_every_orbit():
    ob = race_obligation()
    inst = Instance(ob.system, {"Page": 3, "Thread": 3})
    every = list(inst.initial_states())
    fewer = list(free_init.initial_states(inst, reducible_sorts(inst)))
    assert len(every) == 27 and len(fewer) == 10  # 3^3 targets; C(5, 3) sorted ones
    assert _orbits(inst, fewer) == _orbits(inst, every)


def _two_free() -> tuple[Instance, list, list]:
    """The instance, every initial state, and those free_init starts from (as explicit
    search calls it: the fixed parameter first)."""
    model = parse_model(TWO_FREE, "two_free.rmp")
    props = parse_properties("properties for two_free\ninvariant t: true\n", model)
    ob = compile_obligation(model, props, "t", use_lemmas=False)
    inst = Instance(ob.system, {"Page": 3, "Thread": 2})
    first, keep = explicit._fixed(inst, Symmetry(inst))
    fewer = list(free_init.initial_states(inst, reducible_sorts(inst), first, keep))
    return inst, list(inst.initial_states()), fewer


def test_an_asymmetric_rest_gets_every_value():
    inst, every, fewer = _two_free()
    assert len(fewer) < len(every)
    assert _orbits(inst, fewer) == _orbits(inst, every)


def test_a_map_init_constrains_is_not_free():
    ob = race_obligation()
    inst = Instance(ob.system, {"Page": 2, "Thread": 2})
    step = [i for i, d in enumerate(inst.model.state) if d.name == "step"][0]
    target = [i for i, d in enumerate(inst.model.state) if d.name == "target"][0]
    assert step in inst.init_reads() and target not in inst.init_reads()
    # without reducible sorts nothing is reduced
    assert len(list(free_init.initial_states(inst, []))) == len(list(inst.initial_states()))


def test_reducing_without_the_symmetry_check_would_lose_orbits(monkeypatch):
    """The twin of the test above: were every rest taken as symmetric, the sorted targets
    would miss the orbits where the hot thread has a page before the other's."""
    monkeypatch.setattr(free_init, "mover", lambda inst, t: lambda v, p: v)
    inst, every, fewer = _two_free()
    assert _orbits(inst, fewer) < _orbits(inst, every)
