"""Expressions and action instances evaluated over a frontier of packed states.

A value is either a numpy array (one entry per state of the batch) or a
plain Python constant that stands for every state (literals, bound
variables, never-varying fields): constants fold, so an action instance
grounded to its arguments costs only the array operations its guards and
writes really need. The semantics is the interpreter's (interp/codegen.py),
statement by statement: every expression reads the pre-state, a ``require``
under a path condition disables the states where both hold, writes under a
path condition keep the old value elsewhere, the last write wins, an
out-of-range int write disables the step, a ``choose`` takes the value its
instance was grounded with, monitors are updated after the body in order,
and assumptions filter the post-states.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rmpcheck import ir
from rmpcheck.engines.packed.layout import Layout
from rmpcheck.errors import InternalError

Val = Any  # np.ndarray | bool | int


class Batch:
    """Packed states with their fields unpacked on first use."""

    def __init__(self, lay: Layout, words: np.ndarray) -> None:
        self.lay, self.words, self.n = lay, words, len(words)
        self._cols: dict[int, Val] = {}

    def col(self, fi: int) -> Val:
        c = self._cols.get(fi)
        if c is None:
            f = self.lay.fields[fi]
            if f.bits == 0:
                c = f.domain.values[0]
            else:
                idx = (self.words >> np.uint64(f.shift)) & np.uint64(f.mask)
                if isinstance(f.domain.type, ir.BoolType):
                    c = idx.astype(bool)
                else:
                    c = idx.astype(np.int64)
                    if f.domain.offset:
                        c += f.domain.offset
            self._cols[fi] = c
        return c

    def subset(self, keep: np.ndarray) -> Batch:
        return Batch(self.lay, self.words[keep])


def is_const(v: Val) -> bool:
    return not isinstance(v, np.ndarray)


def v_and(a: Val, b: Val) -> Val:
    if is_const(a):
        return b if a else False
    if is_const(b):
        return a if b else False
    return a & b


def v_or(a: Val, b: Val) -> Val:
    if is_const(a):
        return True if a else b
    if is_const(b):
        return True if b else a
    return a | b


def v_not(a: Val) -> Val:
    return (not a) if is_const(a) else ~a


def where(c: Val, a: Val, b: Val) -> Val:
    if is_const(c):
        return a if c else b
    if is_const(a) and is_const(b) and a == b:
        return a
    return np.where(c, a, b)


# numpy's operators act entrywise, and fold on Python constants
_OPS = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge, "+": operator.add, "-": operator.sub,
    "iff": operator.eq,
}  # fmt: skip


@dataclass
class Env:
    """Where an expression is read: pre-state batch, post-state writes (field ->
    value, absent = unchanged), the step's action instance, bound variables."""

    pre: Batch
    post: dict[int, Val] | None = None
    action: ir.Action | None = None
    args: tuple[Any, ...] = ()
    bound: Mapping[ir.BoundVar, Val] | None = None

    def bind(self, pairs: Mapping[ir.BoundVar, Val]) -> Env:
        return Env(self.pre, self.post, self.action, self.args, {**(self.bound or {}), **pairs})

    def field(self, fi: int, primed: bool) -> Val:
        if primed:
            if self.post is None:
                raise InternalError("a primed variable read outside a step")
            if fi in self.post:
                return self.post[fi]
        return self.pre.col(fi)


def flat_key(lay: Layout, t: ir.MapType, keys: Sequence[Val]) -> Val:
    """Row-major entry index of a key tuple (constant when every key is)."""
    out: Val = 0
    for kt, k in zip(t.keys, keys, strict=True):
        d = lay.inst.sizes.domain(kt)
        term = k - d.offset if d.offset else k
        out = out * d.size + (term.astype(np.int64) if not is_const(term) else int(term))
    return out


def ev(e: ir.Expr, env: Env) -> Val:
    """``e``'s value on every state of ``env``'s batch."""
    if isinstance(e, ir.BoolLit):
        return e.value
    if isinstance(e, ir.IntLit):
        return e.value
    if isinstance(e, ir.EnumLit):
        return e.index
    lay = env.pre.lay
    if isinstance(e, ir.StateVar):
        return env.field(lay.by_decl[lay.inst.index[e.name]][0], e.primed)
    if isinstance(e, ir.BoundVar):
        if env.bound is None or e not in env.bound:
            raise InternalError(f"unbound variable {e.name} in a vector evaluation")
        return env.bound[e]
    if isinstance(e, ir.Select):
        return _select(e, env)
    if isinstance(e, ir.Not):
        return v_not(ev(e.arg, env))
    if isinstance(e, ir.BinOp):
        return _binop(e, env)
    if isinstance(e, ir.Ite):
        return where(ev(e.cond, env), ev(e.then, env), ev(e.else_, env))
    if isinstance(e, ir.Quant):
        return _quant(e, env)
    if isinstance(e, ir.ActionIs):
        if env.action is None or env.action.full_name != e.action:
            return False
        out: Val = True
        for a, p in zip(e.args, env.args, strict=True):
            if a is not None:
                out = v_and(out, ev(a, env) == p)
        return out
    raise InternalError(f"cannot evaluate {e!r} over a frontier")


def _binop(e: ir.BinOp, env: Env) -> Val:
    a = ev(e.left, env)
    if e.op == "and":
        return a if is_const(a) and not a else v_and(a, ev(e.right, env))
    if e.op == "or":
        return a if is_const(a) and a else v_or(a, ev(e.right, env))
    if e.op == "implies":
        return True if is_const(a) and not a else v_or(v_not(a), ev(e.right, env))
    f = _OPS.get(e.op)
    if f is None:
        raise InternalError(f"unknown operator {e.op!r}")
    out = f(a, ev(e.right, env))
    return bool(out) if isinstance(out, np.bool_) else out


def _quant(e: ir.Quant, env: Env) -> Val:
    forall = e.kind == "forall"
    out: Val = forall
    for asg in assignments(env.pre.lay, e.vars):
        body = ev(e.body, env.bind(asg))
        out = v_and(out, body) if forall else v_or(out, body)
        if is_const(out) and out != forall:
            return out
    return out


def assignments(lay: Layout, vs: Sequence[ir.BoundVar]) -> Iterator[dict[ir.BoundVar, Val]]:
    doms = [lay.inst.sizes.domain(v.type).values for v in vs]
    for combo in itertools.product(*doms):
        yield dict(zip(vs, combo, strict=True))


def _select(e: ir.Select, env: Env) -> Val:
    t = e.map.type
    assert isinstance(t, ir.MapType)
    lay = env.pre.lay
    fields = lay.by_decl[lay.inst.index[e.map.name]]
    j = flat_key(lay, t, [ev(a, env) for a in e.args])
    if is_const(j):
        return env.field(fields[j], e.map.primed)
    cols = [env.field(fi, e.map.primed) for fi in fields]
    m = np.stack([np.broadcast_to(c, (env.pre.n,)) for c in cols], axis=1)
    return np.take_along_axis(m, j[:, None], axis=1)[:, 0]
