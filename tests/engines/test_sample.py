"""The sample's bitmasks (engines/induction/sample): one bit per (state, valuation of the
template variables), pinned against evaluating every atom at every full valuation."""

from __future__ import annotations

import itertools
from pathlib import Path

from rmpcheck import ir
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.fixed_params import Order
from rmpcheck.engines.induction import sample
from rmpcheck.engines.induction.atoms import atoms, template_vars
from rmpcheck.interp.codegen import Compiler
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import compile_obligation

PARAM = Path(__file__).parents[1] / "models" / "parametric"


def _ticket():
    m = load_model(PARAM / "ticket.rmp")
    return compile_obligation(m, load_properties(PARAM / "ticket.prop", m), "mutex").system


def _direct(system, xs, atom_list, samples):
    """Each atom at each (state, full valuation), the first leftmost: what masks says."""
    out = []
    for a in atom_list:
        text = []
        for inst, states in samples:
            f = Compiler(system, inst.sizes).function(a, list(xs))
            vals = list(itertools.product(*(inst.sizes.domain(x.type).values for x in xs)))
            text += ["1" if f(s, *v) else "0" for s in states for v in vals]
        out.append(int("".join(text), 2))
    return out


def test_masks_spread_each_atom_over_every_valuation_of_the_variables():
    system = _ticket()
    xs = template_vars(system.model)
    atom_list = atoms(system, xs)
    # an atom over one variable, over two, over none: each its own projection
    arity = {len(ir.free_vars(a)) for a in atom_list}
    assert {0, 1, 2} <= arity
    le = Order([d.name for d in system.model.state].index("le"), strict=False)
    plan = [{"Thread": 2, "Ticket": 4}, {"Thread": 3, "Ticket": 2}]
    got = sample.take(system, xs, atom_list, Deadline(60), plan=plan, orders=[le])
    assert [len(states) for _, states in got.states] != [0, 0]
    masks, full = sample.masks(system, xs, atom_list, got.states)
    assert masks == _direct(system, xs, atom_list, got.states)
    width = sum(
        len(s) * (inst.sizes.sizes["Thread"] * inst.sizes.sizes["Ticket"]) ** 2
        for inst, s in got.states
    )
    assert full == (1 << width) - 1


def test_masks_stop_at_the_deadline_rather_than_return_a_partial_row():
    # a row cut short would make a clause look true on states it was never evaluated
    # on: an expired budget gives no masks at all, and take() none; the states it did
    # sample are kept (witness proposals are judged on them)
    system = _ticket()
    xs = template_vars(system.model)
    atom_list = atoms(system, xs)
    le = Order([d.name for d in system.model.state].index("le"), strict=False)
    plan = [{"Thread": 2, "Ticket": 3}]
    got = sample.take(system, xs, atom_list, Deadline(60), plan=plan, orders=[le])
    assert got.full and got.states
    assert sample.masks(system, xs, atom_list, got.states, Deadline(60)) is not None
    assert sample.masks(system, xs, atom_list, got.states, Deadline(0)) is None
    late = sample.take(system, xs, atom_list, Deadline(0), plan=plan, orders=[le])
    assert late.full == 0 and late.masks == []
    assert late.states, "the sampled states are kept"
    for (inst, kept), (_, whole) in zip(late.states, got.states, strict=False):
        assert set(kept) <= set(whole), inst.sizes
