"""The three-variable templates (engines/triples): only where three elements relate."""

from __future__ import annotations

from pathlib import Path

from rmpcheck.engines.induction import triples
from rmpcheck.engines.induction.candidates import template_vars
from rmpcheck.lang import load_model

HERE = Path(__file__).resolve().parents[1] / "models" / "parametric"


def test_a_third_variable_only_for_a_sort_three_elements_of_are_related():
    # the ring's btw(a, b, c) relates three nodes; the ticket lock's order only two
    assert triples._ternary_sorts(load_model(HERE / "ring_leader.rmp")) == ["Node"]
    assert triples._ternary_sorts(load_model(HERE / "ticket.rmp")) == []


def test_defs_are_applied_to_distinct_variables_and_inlined():
    m = load_model(HERE / "ring_leader.rmp")
    xs = [x for x in template_vars(m, 3) if x.type.name == "Node"]
    got = triples._def_atoms(m, xs)
    # before, next (two nodes: 3 * 2 each) and btw (three nodes: 3!)
    assert len(got) == 6 + 6 + 6
    assert all("btw" not in repr(a) for a in got)  # inlined: a lemma needs no def
