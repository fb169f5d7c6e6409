"""A Z3 model of a parametric query, read back as raw interpreter values.

A model of an EPR query has a finite universe for each sort; its size becomes
the instance size and its elements, in the solver's order, the elements
0..n-1. States come back as the interpreter's raw tuples, so the interpreter
can re-run the step and evaluate any formula on them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import z3

from rmpcheck import ir
from rmpcheck.smt.epr.universe import Universe
from rmpcheck.smt.epr.vocab import Vocab


@dataclass
class Structure:
    """The finite universe of a model: the elements of each sort, in order."""

    model: z3.ModelRef
    elements: dict[str, list[z3.ExprRef]]

    @property
    def sizes(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.elements.items()}


def structure(u: Universe, model: z3.ModelRef) -> Structure:
    elements: dict[str, list[z3.ExprRef]] = {}
    for name, sort in u.sorts.items():
        univ = model.get_universe(sort)
        # a sort no term mentions has no universe: one element is as good as any
        elements[name] = (
            list(univ) if univ is not None and len(univ) else [z3.Const(f"{name}!0", sort)]
        )
    return Structure(model, elements)


def _domain(u: Universe, st: Structure, t: ir.ScalarType) -> list[z3.ExprRef]:
    if isinstance(t, ir.SortType):
        return st.elements[t.name]
    vals = u.finite_values(t)
    if vals is None:
        raise ValueError(f"cannot enumerate {t}")
    return vals


def value(u: Universe, st: Structure, t: ir.ScalarType, term: z3.ExprRef) -> Any:
    """The raw interpreter value of ``term`` (bool, int, enum index, sort element index)."""
    v = st.model.eval(term, model_completion=True)
    if isinstance(t, ir.BoolType) and not (z3.is_true(v) or z3.is_false(v)):
        # Z3 leaves quantifiers it cannot decide in a model unevaluated (a
        # monitor's post-value 'exists x. ...' over a sort): expand them over
        # the model's finite universe, where they have a definite value.
        v = st.model.eval(_expand(st, v), model_completion=True)
    if isinstance(t, ir.BoolType):
        return z3.is_true(v)
    if isinstance(t, ir.IntType):
        return v.as_long()
    if isinstance(t, ir.EnumType):
        return t.members.index(v.decl().name().split(".", 1)[1])
    for i, e in enumerate(st.elements[t.name]):
        if v.eq(e):
            return i
    return 0  # an element outside the universe cannot be read by any formula


def _expand(st: Structure, e: z3.ExprRef) -> z3.ExprRef:
    """``e`` with every quantifier over a sort replaced by its finite instances."""
    if z3.is_quantifier(e):
        q: Any = e
        doms = []
        for i in range(q.num_vars()):
            sort = q.var_sort(i)
            elems = next((v for v in st.elements.values() if v and v[0].sort() == sort), None)
            doms.append(elems if elems is not None else _finite(sort))
        body = _expand(st, q.body())
        # de Bruijn index 0 is the last bound variable
        insts = [z3.substitute_vars(body, *reversed(c)) for c in itertools.product(*doms)]
        return z3.And(insts) if q.is_forall() else z3.Or(insts)
    if z3.is_app(e) and e.num_args():
        return e.decl()(*[_expand(st, c) for c in e.children()])
    return e


def _finite(sort: z3.SortRef) -> list[z3.ExprRef]:
    if sort.kind() == z3.Z3_BOOL_SORT:
        return [z3.BoolVal(False), z3.BoolVal(True)]
    if isinstance(sort, z3.DatatypeSortRef):
        return [sort.constructor(i)() for i in range(sort.num_constructors())]
    raise ValueError(f"cannot enumerate the sort {sort} of a quantified variable")


def state(u: Universe, st: Structure, v: Vocab, decls: Sequence[ir.StateDecl]) -> tuple[Any, ...]:
    """A raw state: each variable read in vocabulary ``v`` at every key, row-major."""
    out: list[Any] = []
    for d in decls:
        if isinstance(d.type, ir.MapType):
            doms = [_domain(u, st, k) for k in d.type.keys]
            vt = d.type.value
            out.append(
                tuple(value(u, st, vt, v.read(d.name, key)) for key in itertools.product(*doms))
            )
        else:
            out.append(value(u, st, d.type, v.read(d.name, ())))
    return tuple(out)
