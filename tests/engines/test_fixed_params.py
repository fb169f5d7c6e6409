"""Never-written variables as fixed parameters of explicit search (engines/fixed_params),
and initial states enumerated by backtracking rather than bounded by a product."""

from __future__ import annotations

import itertools
from pathlib import Path

from rmpcheck import ir
from rmpcheck.engines import fixed_params
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.explicit import explore
from rmpcheck.engines.symmetry import Symmetry
from rmpcheck.interp import Instance
from rmpcheck.lang import load_model, load_properties, parse_model
from rmpcheck.monitor import compile_obligation

PARAM = Path(__file__).parents[1] / "models" / "parametric"


def _ring(sizes: dict[str, int]):
    m = load_model(PARAM / "ring_leader.rmp")
    ob = compile_obligation(m, load_properties(PARAM / "ring_leader.prop", m), "one_leader")
    return ob, Instance(ob.system, sizes)


def test_never_written_orders_are_parameters():
    m = load_model(PARAM / "ring_leader.rmp")
    names = [m.state[i].name for i in fixed_params.parameters(m)]
    assert names == ["le", "pos"]


def test_one_parameter_value_per_orbit_loses_no_reachable_orbit():
    ob, inst = _ring({"Node": 3})
    full = explore(inst, ob, Options(symmetry=False), Deadline(60), stop_at_hit=False)
    red = explore(inst, ob, Options(symmetry=True), Deadline(60), stop_at_hit=False)
    sym = Symmetry(inst)
    perms = list(itertools.product(*(itertools.permutations(range(n)) for n in sym.sizes)))

    def orbit(s):
        return min(sym.apply(s, p) for p in perms)

    assert {orbit(s) for s in full.states} == {orbit(s) for s in red.states}
    # the two orders of three nodes: 6 x 6 values, 2 up to renaming... far fewer starts
    starts = sum(1 for d in red.depth if d == 0)
    assert starts < sum(1 for d in full.depth if d == 0)


def test_least_filter_keeps_exactly_one_value_per_orbit():
    _, inst = _ring({"Node": 3})
    sym = Symmetry(inst)
    params = fixed_params.parameters(inst.model)
    keep = fixed_params.least_filter(inst, sym.sorts, params[:1])  # le alone
    assert keep is not None
    le = inst.model.state[params[0]]
    axioms = [
        a
        for a in inst.system.state_assumes
        if {x.name for x in ir.walk(a) if isinstance(x, ir.StateVar)} == {"le"}
    ]
    orders = [
        v
        for v in inst.sizes.values_of(le.type)
        if all(inst.holds(a, _with(inst, params[0], v)) for a in axioms)
    ]
    # total orders on three elements: six, all renamings of one another
    assert sum(keep([v]) for v in orders) == 1


def _with(inst: Instance, i: int, v):
    s = [None] * len(inst.decls)
    s[i] = v
    for j, d in enumerate(inst.decls):
        if s[j] is None:
            s[j] = next(iter(inst.sizes.values_of(d.type)))
    return tuple(s)


MANY = """\
model many
sort Page
state owner : Page -> Page
state spare : Page
state mark  : Page -> bool
init {
  forall p: Page. owner[p] == spare
  forall p: Page. mark[p] == (p == spare)
}
actor a
action a.flip(p: Page) { mark[p] := !mark[p] }
"""


def test_initial_states_are_bounded_by_the_search_not_the_product():
    # owner has 6^6 values and mark 2^6: a product over the old limit, but the spare
    # page, enumerated first (fewest values), leaves one value for each
    inst = Instance(parse_model(MANY, "many.rmp"), {"Page": 6})
    assert len(list(inst.initial_states())) == 6


def _ticket(sizes: dict[str, int]):
    m = load_model(PARAM / "ticket.rmp")
    ob = compile_obligation(m, load_properties(PARAM / "ticket.prop", m), "mutex")
    return ob, Instance(ob.system, sizes)


def test_a_total_order_pinned_to_the_canonical_one_loses_no_reachable_orbit():
    # every total order is a renaming of the canonical one: the search that pins it
    # starts from fewer states and reaches the same orbits
    ob, inst = _ticket({"Thread": 2, "Ticket": 3})
    le = fixed_params.Order(inst.model.state.index(_decl(inst, "le")), strict=False)
    assert le.canonical(inst) == tuple(a <= b for a in range(3) for b in range(3))
    pinned = {le.var: le.canonical(inst)}
    every = explore(inst, ob, Options(), Deadline(60), stop_at_hit=False)
    one = explore(inst, ob, Options(), Deadline(60), stop_at_hit=False, pinned=pinned)
    sym = Symmetry(inst)
    perms = list(itertools.product(*(itertools.permutations(range(n)) for n in sym.sizes)))

    def orbit(s):
        return min(sym.apply(s, p) for p in perms)

    assert {orbit(s) for s in every.states} == {orbit(s) for s in one.states}
    # without symmetry reduction the states found are concrete: all with that order
    bare = explore(
        inst, ob, Options(symmetry=False), Deadline(60), stop_at_hit=False, pinned=pinned
    )
    assert all(s[le.var] == pinned[le.var] for s in bare.states)
    assert {orbit(s) for s in bare.states} == {orbit(s) for s in every.states}


def _decl(inst: Instance, name: str):
    return next(d for d in inst.model.state if d.name == name)
