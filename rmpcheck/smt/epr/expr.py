"""IR expressions to Z3 terms over a pre-state and (optionally) a post-state vocabulary.

Pure: the same expression in the same :class:`Reading` gives the same term.
Quantifiers over sorts stay Z3 quantifiers; over finite types (bool, enums,
small int ranges) they are expanded, so only sorts are ever quantified.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import z3

from rmpcheck import ir
from rmpcheck.errors import InternalError
from rmpcheck.smt.epr.universe import Universe
from rmpcheck.smt.epr.vocab import Vocab


@dataclass(frozen=True)
class Reading:
    """Where an expression is read: which vocabularies, which action, which bound values."""

    pre: Vocab
    post: Vocab | None = None
    # the step's action and its parameter terms; None outside a step (ActionIs is false)
    action: ir.Action | None = None
    params: tuple[z3.ExprRef, ...] = ()
    env: Mapping[ir.BoundVar, z3.ExprRef] = field(default_factory=dict)

    def bind(self, extra: Mapping[ir.BoundVar, z3.ExprRef]) -> Reading:
        return replace(self, env={**self.env, **extra})


# connectives, comparisons and bounded-int arithmetic: z3 functions and overloaded operators
_BINARY = {
    "and": z3.And,
    "or": z3.Or,
    "implies": z3.Implies,
    "iff": operator.eq,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "+": operator.add,
    "-": operator.sub,
}


def encode(u: Universe, e: ir.Expr, r: Reading) -> z3.ExprRef:
    """The Z3 term of ``e`` read in ``r``."""
    if isinstance(e, ir.BoolLit):
        return z3.BoolVal(e.value, u.ctx)
    if isinstance(e, ir.IntLit):
        return z3.IntVal(e.value, u.ctx)
    if isinstance(e, ir.EnumLit):
        return u.member(e.enum, e.member)
    if isinstance(e, ir.StateVar):
        return _vocab(e, r).read(e.name, ())
    if isinstance(e, ir.BoundVar):
        try:
            return r.env[e]
        except KeyError:
            raise InternalError(f"epr: unbound variable {e.name}") from None
    if isinstance(e, ir.Select):
        args = [encode(u, a, r) for a in e.args]
        return _vocab(e.map, r).read(e.map.name, args)
    if isinstance(e, ir.Not):
        return z3.Not(encode(u, e.arg, r))
    if isinstance(e, ir.BinOp):
        return _BINARY[e.op](encode(u, e.left, r), encode(u, e.right, r))
    if isinstance(e, ir.Ite):
        return z3.If(encode(u, e.cond, r), encode(u, e.then, r), encode(u, e.else_, r))
    if isinstance(e, ir.Quant):
        return _quant(u, e, r)
    if isinstance(e, ir.ActionIs):
        return _action_is(u, e, r)
    raise InternalError(f"epr: {type(e).__name__} reached the encoder uncompiled")


def _vocab(v: ir.StateVar, r: Reading) -> Vocab:
    if not v.primed:
        return r.pre
    if r.post is None:
        raise InternalError(f"epr: primed {v.name}' read outside a step")
    return r.post


def _action_is(u: Universe, e: ir.ActionIs, r: Reading) -> z3.ExprRef:
    if r.action is None or r.action.full_name != e.action:
        return u.false
    return u.conj(
        encode(u, a, r) == p for a, p in zip(e.args, r.params, strict=True) if a is not None
    )


def _quant(u: Universe, q: ir.Quant, r: Reading) -> z3.ExprRef:
    """Finite variables are expanded (outermost), sort variables stay quantified."""
    finite = [(v, u.finite_values(v.type)) for v in q.vars]
    expand = [(v, vals) for v, vals in finite if vals is not None]
    keep = [v for v, vals in finite if vals is None]
    join = u.conj if q.kind == "forall" else u.disj
    cases = []
    for combo in itertools.product(*(vals for _, vals in expand)):
        env = {v: x for (v, _), x in zip(expand, combo, strict=True)}
        cases.append(_quantify(u, q.kind, keep, q.body, r.bind(env)))
    return join(cases)


def _quantify(
    u: Universe, kind: str, vs: Sequence[ir.BoundVar], body: ir.Expr, r: Reading
) -> z3.BoolRef:
    xs = [u.fresh(v.name, v.type) for v in vs]
    inner = encode(u, body, r.bind(dict(zip(vs, xs, strict=True))))
    # a huge int range is quantified, guarded by its bounds
    guard = u.conj(u.in_range(v.type, x) for v, x in zip(vs, xs, strict=True))
    if kind == "forall":
        return u.forall(xs, z3.Implies(guard, inner) if not z3.is_true(guard) else inner)
    return u.exists(xs, z3.And(guard, inner) if not z3.is_true(guard) else inner)
