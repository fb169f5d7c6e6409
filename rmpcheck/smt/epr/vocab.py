"""One state vocabulary: how each state variable (and monitor) is read at keys.

A *free* vocabulary declares one uninterpreted function per map (a constant
per scalar): the pre-state of consecution, the state of initiation. A *defined*
vocabulary reads through definitions instead: the post-state of an action is
the pre-state functions updated in place (``post(x) = ite(x == k, v, pre(x))``),
which we substitute at every read rather than assert as quantified equalities,
so the queries gain no quantifier for a frame condition.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import z3

from rmpcheck import ir
from rmpcheck.smt.epr.universe import Universe

Reader = Callable[[Sequence[z3.ExprRef]], z3.ExprRef]


@dataclass
class Vocab:
    """State variable name -> reader from key terms to the value term."""

    name: str
    readers: dict[str, Reader] = field(default_factory=dict)
    # for free vocabularies: the declared functions, read back from Z3 models
    decls: dict[str, z3.FuncDeclRef] = field(default_factory=dict)

    def read(self, var: str, args: Sequence[z3.ExprRef]) -> z3.ExprRef:
        return self.readers[var](args)


def free_vocab(u: Universe, decls: Sequence[ir.StateDecl], suffix: str) -> Vocab:
    """Uninterpreted functions for every state variable, named ``var`` + ``suffix``."""
    v = Vocab(suffix)
    for d in decls:
        if isinstance(d.type, ir.MapType):
            f = z3.Function(
                d.name + suffix, *(u.sort(k) for k in d.type.keys), u.sort(d.type.value)
            )
        else:
            f = z3.Function(d.name + suffix, u.sort(d.type))
        v.decls[d.name] = f
        v.readers[d.name] = _apply(f)
    return v


def _apply(f: z3.FuncDeclRef) -> Reader:
    return lambda args: f(*args)


def range_axioms(u: Universe, decls: Sequence[ir.StateDecl], v: Vocab) -> list[z3.BoolRef]:
    """Every int-valued variable of a free vocabulary stays in its declared range."""
    out = []
    for d in decls:
        t = d.type
        value = t.value if isinstance(t, ir.MapType) else t
        if not isinstance(value, ir.IntType):
            continue
        keys = t.keys if isinstance(t, ir.MapType) else ()
        xs = [u.fresh(f"k{i}", k) for i, k in enumerate(keys)]
        guard = u.conj(u.in_range(k, x) for k, x in zip(keys, xs, strict=True))
        body = u.in_range(value, v.read(d.name, xs))
        out.append(u.forall(xs, z3.Implies(guard, body) if keys else body))
    return out
