"""IR expressions -> Z3 terms over a step's vocabularies.

Quantifiers are expanded over their finite domains, so a bound variable is
usually a literal and a map read ``m[q]`` is the constant for that entry; a
read at a symbolic key (``assigned[target[t]]``) becomes an if-then-else
chain over the keys the key can still take.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import z3

from rmpcheck import ir
from rmpcheck.errors import InternalError
from rmpcheck.interp.values import Raw
from rmpcheck.smt.vocab import Labels, Layout, Vocabulary, number, value


@dataclass(frozen=True, slots=True, eq=False)
class Env:
    """Where an expression is read: the pre-state, the post-state for primed
    variables, the step's labels for action patterns (none outside a step, where
    every pattern is false, as in the interpreter), and bound variables."""

    lay: Layout
    pre: Vocabulary
    post: Vocabulary | None = None
    labels: Labels | None = None
    bound: Mapping[ir.BoundVar, z3.ExprRef] = field(default_factory=dict)

    def bind(self, pairs: Iterable[tuple[ir.BoundVar, z3.ExprRef]]) -> Env:
        return Env(self.lay, self.pre, self.post, self.labels, {**self.bound, **dict(pairs)})


def literal(t: z3.ExprRef) -> Raw | None:
    """The raw value of a literal term, None when the term is symbolic."""
    if z3.is_true(t):
        return True
    if z3.is_false(t):
        return False
    if z3.is_int_value(t):
        assert isinstance(t, z3.IntNumRef)
        return t.as_long()
    if z3.is_bv_value(t):
        assert isinstance(t, z3.BitVecNumRef)
        return t.as_signed_long()
    return None


def assignments(
    env: Env, vs: Sequence[ir.BoundVar]
) -> Iterable[list[tuple[ir.BoundVar, z3.ExprRef]]]:
    """Every assignment of literal values to ``vs`` (the expansion of a quantifier)."""
    doms = [env.lay.sizes.domain(v.type).values for v in vs]
    for combo in itertools.product(*doms):
        yield [(v, value(v.type, x, env.lay.width)) for v, x in zip(vs, combo, strict=True)]


def entries(env: Env, var: ir.StateVar) -> tuple[z3.ExprRef, ...]:
    voc = env.pre
    if var.primed:
        if env.post is None:
            raise InternalError(f"primed {var.name}' read outside a step")
        voc = env.post
    return voc.values[var.name]


def matching(
    env: Env, t: ir.MapType, keys: Sequence[z3.ExprRef]
) -> list[tuple[int, z3.BoolRef | None]]:
    """The entries a key tuple may denote: (row-major index, condition), the
    condition None when the keys are literals and select exactly that entry."""
    out: list[tuple[int, z3.BoolRef | None]] = []
    # keys like `1 - i` with i expanded are literals once folded
    lits = [literal(k) if literal(k) is not None else literal(z3.simplify(k)) for k in keys]
    for j, key in enumerate(env.lay.sizes.keys(t)):
        conds = []
        ok = True
        for kt, k, lit, raw in zip(t.keys, keys, lits, key, strict=True):
            if lit is None:
                conds.append(k == value(kt, raw, env.lay.width))
            elif lit != raw:
                ok = False
                break
        if ok:
            out.append((j, z3.And(conds) if conds else None))
    return out


def select(env: Env, e: ir.Select) -> z3.ExprRef:
    t = e.map.type
    assert isinstance(t, ir.MapType)
    vals = entries(env, e.map)
    cands = matching(env, t, [term(a, env) for a in e.args])
    if not cands:
        raise InternalError(f"{e.map.name}: key out of its domain")
    # the keys always denote some entry (domains are constrained), so the
    # last candidate needs no test
    out = vals[cands[-1][0]]
    for j, cond in reversed(cands[:-1]):
        assert cond is not None
        out = z3.If(cond, vals[j], out)
    return out


def action_is(env: Env, e: ir.ActionIs) -> z3.BoolRef:
    if env.labels is None:
        return z3.BoolVal(False)
    actions = env.lay.system.model.actions
    idx = next((i for i, a in enumerate(actions) if a.full_name == e.action), None)
    if idx is None:
        return z3.BoolVal(False)
    parts = [env.labels.selector == idx]
    for a, p in zip(e.args, env.labels.params[idx], strict=True):
        if a is not None:
            parts.append(term(a, env) == p)
    return z3.And(parts)


_CMP = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
}


def binop(e: ir.BinOp, env: Env) -> z3.ExprRef:
    a, b = term(e.left, env), term(e.right, env)
    if e.op == "and":
        return z3.And(a, b)
    if e.op == "or":
        return z3.Or(a, b)
    if e.op == "implies":
        return z3.Implies(a, b)
    if e.op == "iff":
        return a == b
    f = _CMP.get(e.op)
    if f is None:
        raise InternalError(f"unknown operator {e.op!r}")
    return f(a, b)


def term(e: ir.Expr, env: Env) -> z3.ExprRef:
    """The Z3 term for ``e`` in ``env``."""
    if isinstance(e, ir.BoolLit):
        return z3.BoolVal(e.value)
    if isinstance(e, ir.IntLit):
        return number(e.value, env.lay.width)
    if isinstance(e, ir.EnumLit):
        return number(e.index, env.lay.width)
    if isinstance(e, ir.StateVar):
        if isinstance(e.type, ir.MapType):
            raise InternalError(f"map {e.name} used as a value")
        return entries(env, e)[0]
    if isinstance(e, ir.BoundVar):
        try:
            return env.bound[e]
        except KeyError:
            raise InternalError(f"unbound variable {e.name} in an SMT encoding") from None
    if isinstance(e, ir.Select):
        return select(env, e)
    if isinstance(e, ir.Not):
        return z3.Not(term(e.arg, env))
    if isinstance(e, ir.BinOp):
        return binop(e, env)
    if isinstance(e, ir.Ite):
        return z3.If(term(e.cond, env), term(e.then, env), term(e.else_, env))
    if isinstance(e, ir.Quant):
        bodies = [term(e.body, env.bind(asg)) for asg in assignments(env, e.vars)]
        return z3.And(bodies) if e.kind == "forall" else z3.Or(bodies)
    if isinstance(e, ir.ActionIs):
        return action_is(env, e)
    if isinstance(e, ir.Past):
        raise InternalError("past-time operator reached the SMT encoding uncompiled")
    raise InternalError(f"unknown expression {e!r}")


def formula(e: ir.Expr, env: Env) -> z3.BoolRef:
    t = term(e, env)
    assert isinstance(t, z3.BoolRef)
    return t
