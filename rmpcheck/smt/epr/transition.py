"""An action as a transition formula: guard plus post-state definitions; and the initial states.

Semantics follow ir.py exactly. Every right-hand side reads the pre-state.
Writes are folded in program order, so the last write wins: for a map ``m``,
``m'(x) = ite(cond_n(x), v_n(x), ... ite(cond_1(x), v_1(x), m(x)))``. A write
under ``forall q`` whose index is ``q`` itself (``m[q] := v(q)``) reads as
``cond(x) = pc(x)``, value ``v(x)``: each element writes its own entry. Where
some forall variables are not fixed by the index (``forall q. if c(q) { flag
:= true }``), a Skolem *witness* function picks a writer, constrained to pick
one whenever one exists. That is exact only when every writer writes the same
value and no other write competes; otherwise the result would depend on the
order of elements, which no sort-generic encoding can express, and we refuse
with :class:`Unsupported` rather than guess.

``require`` (and a ``choose ... where``) under ``if``/``forall`` guards only
the executions taking that path: ``forall q. pc(q) -> cond(q)``. A choice
under ``forall`` is a Skolem function of the forall variables (each element
chooses). Writes of bounded ints add the implicit range guard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import z3

from rmpcheck import ir
from rmpcheck.errors import Span
from rmpcheck.monitor import System
from rmpcheck.smt.epr.expr import Reading, encode
from rmpcheck.smt.epr.universe import Universe
from rmpcheck.smt.epr.vocab import Reader, Vocab


class Unsupported(Exception):
    """A construct the parametric encoding cannot express exactly (with where it is)."""

    def __init__(self, message: str, span: Span) -> None:
        super().__init__(f"{message} ({span})")
        self.span = span


@dataclass(frozen=True)
class SkolemUse:
    """A function the encoding introduced: it adds sort edges to the EPR check."""

    what: str
    keys: tuple[ir.ScalarType, ...]
    value: ir.ScalarType
    span: Span


@dataclass
class Transition:
    action: ir.Action
    params: tuple[z3.ExprRef, ...]
    guard: z3.BoolRef
    post: Vocab
    skolems: list[SkolemUse] = field(default_factory=list)


# the enclosing forall variables of a statement, with their types
Over = tuple[tuple[z3.ExprRef, ir.ScalarType], ...]


@dataclass
class _Write:
    var: str
    over: tuple[z3.ExprRef, ...]
    over_types: tuple[ir.ScalarType, ...]
    pc: z3.BoolRef
    indices: tuple[z3.ExprRef, ...]
    value: z3.ExprRef
    span: Span


@dataclass
class _Walk:
    u: Universe
    guards: list[z3.BoolRef] = field(default_factory=list)
    writes: list[_Write] = field(default_factory=list)
    skolems: list[SkolemUse] = field(default_factory=list)

    def require(self, over: Sequence[z3.ExprRef], pc: z3.BoolRef, cond: z3.BoolRef) -> None:
        body = cond if z3.is_true(pc) else z3.Implies(pc, cond)
        self.guards.append(self.u.forall(over, body))

    def block(self, body: Sequence[ir.Stmt], r: Reading, pc: z3.BoolRef, over: Over) -> None:
        u, xs = self.u, [x for x, _ in over]
        for st in body:
            if isinstance(st, ir.Require):
                self.require(xs, pc, encode(u, st.cond, r))
            elif isinstance(st, ir.Assign):
                self.assign(st, r, pc, over)
            elif isinstance(st, ir.If):
                c = encode(u, st.cond, r)
                self.block(st.then, r, _and(pc, c), over)
                self.block(st.else_, r, _and(pc, z3.Not(c)), over)
            elif isinstance(st, ir.ForallStmt):
                new = tuple((u.fresh(v.name, v.type), v.type) for v in st.vars)
                rng = u.conj(u.in_range(t, x) for x, t in new)
                env = {v: x for v, (x, _) in zip(st.vars, new, strict=True)}
                self.block(st.body, r.bind(env), _and(pc, rng), over + new)
            else:
                assert isinstance(st, ir.Choose), st
                self.choose(st, r, pc, over)

    def assign(self, st: ir.Assign, r: Reading, pc: z3.BoolRef, over: Over) -> None:
        u = self.u
        value = encode(u, st.value, r)
        t = st.target.type
        vt = t.value if isinstance(t, ir.MapType) else t
        if isinstance(vt, ir.IntType):
            self.require([x for x, _ in over], pc, u.in_range(vt, value))
        idx = tuple(encode(u, i, r) for i in st.indices)
        self.writes.append(
            _Write(
                st.target.name,
                tuple(x for x, _ in over),
                tuple(t for _, t in over),
                pc,
                idx,
                value,
                st.span,
            )
        )

    def choose(self, st: ir.Choose, r: Reading, pc: z3.BoolRef, over: Over) -> None:
        u = self.u
        if not over:
            c = u.fresh(st.var.name, st.var.type)
        else:
            keys = tuple(t for _, t in over)
            f = u.fresh_function(st.var.name, keys, st.var.type)
            c = f(*(x for x, _ in over))
            self.skolems.append(SkolemUse(f"choose {st.var.name}", keys, st.var.type, st.span))
        inner = r.bind({st.var: c})
        cond = u.in_range(st.var.type, c)
        if st.where is not None:
            cond = _and(cond, encode(u, st.where, inner))
        self.require([x for x, _ in over], pc, cond)
        self.block(st.body, inner, pc, over)


def _and(a: z3.BoolRef, b: z3.BoolRef) -> z3.BoolRef:
    if z3.is_true(a):
        return b
    if z3.is_true(b):
        return a
    return z3.And(a, b)


def _mentions(t: z3.ExprRef, consts: Sequence[z3.ExprRef]) -> bool:
    todo, seen = [t], set()
    ids = {c.get_id() for c in consts}
    while todo:
        x = todo.pop()
        if x.get_id() in seen:
            continue
        seen.add(x.get_id())
        if x.get_id() in ids:
            return True
        todo.extend(x.children())
    return False


# ------------------------------------------------------------ post-state


@dataclass
class _Placed:
    """One write, placed: which forall variables its indices name, and the witnesses."""

    w: _Write
    fixed: dict[int, int]  # index position -> position of the forall variable it names
    rest: list[int]  # forall variables no index names
    witnesses: list[z3.FuncDeclRef]

    def _raw(self, args: Sequence[z3.ExprRef]) -> z3.BoolRef:
        """The path condition and the index equations no forall variable settles."""
        w = self.w
        eqs = [
            idx == a
            for pos, (idx, a) in enumerate(zip(w.indices, args, strict=True))
            if pos not in self.fixed
        ]
        return _and(w.pc, z3.And(*eqs)) if eqs else w.pc

    def _subst(
        self, args: Sequence[z3.ExprRef], witnesses: bool
    ) -> list[tuple[z3.ExprRef, z3.ExprRef]]:
        w = self.w
        out = [(w.over[j], args[pos]) for pos, j in self.fixed.items()]
        if witnesses:
            out += [(w.over[j], f(*args)) for j, f in zip(self.rest, self.witnesses, strict=True)]
        return out

    def applies(self, args: Sequence[z3.ExprRef]) -> z3.BoolRef:
        """Does some element write entry ``args``? (the rest variables still free)"""
        s = self._subst(args, witnesses=False)
        raw = self._raw(args)
        return z3.substitute(raw, *s) if s else raw

    def at(self, args: Sequence[z3.ExprRef]) -> tuple[z3.BoolRef, z3.ExprRef]:
        """Whether entry ``args`` is written, and its new value."""
        s = self._subst(args, witnesses=True)
        raw = self._raw(args)
        if not s:
            return raw, self.w.value
        return z3.substitute(raw, *s), z3.substitute(self.w.value, *s)


def _place(u: Universe, d: ir.StateDecl, w: _Write, walk: _Walk) -> _Placed:
    keys = d.type.keys if isinstance(d.type, ir.MapType) else ()
    fixed: dict[int, int] = {}
    for pos, idx in enumerate(w.indices):
        for j, x in enumerate(w.over):
            if j not in fixed.values() and idx.eq(x):
                fixed[pos] = j
                break
    rest = [j for j in range(len(w.over)) if j not in fixed.values()]
    placed = _Placed(w, fixed, rest, [])
    if not rest:
        return placed
    rest_consts = [w.over[j] for j in rest]
    rivals = [
        o
        for o in walk.writes
        if o is not w and o.var == w.var and any(x.eq(c) for x in o.over for c in rest_consts)
    ]
    if rivals or _mentions(w.value, rest_consts):
        raise Unsupported(
            f"{d.name} is written by several elements of a forall in one step; the result "
            "depends on the order of the elements, which a proof for all sizes cannot fix",
            w.span,
        )
    for j in rest:
        placed.witnesses.append(u.fresh_function(f"writer_{d.name}", keys, w.over_types[j]))
        walk.skolems.append(SkolemUse(f"writer of {d.name}", keys, w.over_types[j], w.span))
    # the witness picks a writer whenever some element writes the entry
    ks = [u.fresh("k", k) for k in keys]
    applies = placed.applies(ks)
    picked = z3.substitute(
        applies, *[(w.over[j], f(*ks)) for j, f in zip(rest, placed.witnesses, strict=True)]
    )
    walk.guards.append(u.forall(ks + rest_consts, z3.Implies(applies, picked)))
    return placed


def _updated(pre: Vocab, name: str, placed: list[_Placed]) -> Reader:
    """Last write wins: fold the writes of ``name`` in program order over the pre-state."""

    def read(args: Sequence[z3.ExprRef]) -> z3.ExprRef:
        val = pre.read(name, args)
        for p in placed:
            cond, value = p.at(args)
            val = value if z3.is_true(cond) else z3.If(cond, value, val)
        return val

    return read


def _defined(u: Universe, params: Sequence[ir.BoundVar], expr: ir.Expr, r: Reading) -> Reader:
    """A monitor read through its definition (its init or next expression)."""

    def read(args: Sequence[z3.ExprRef]) -> z3.ExprRef:
        return encode(u, expr, r.bind(dict(zip(params, args, strict=True))))

    return read


def transition(u: Universe, system: System, action: ir.Action, pre: Vocab) -> Transition:
    """The step relation of one action from ``pre``: its guard and post-state vocabulary."""
    params = tuple(u.fresh(p.name, p.type) for p in action.params)
    r = Reading(pre, None, action, params, dict(zip(action.params, params, strict=True)))
    walk = _Walk(u)
    for p, x in zip(action.params, params, strict=True):
        walk.require([], u.true, u.in_range(p.type, x))
    walk.block(action.body, r, u.true, ())
    post = Vocab(f"after {action.full_name}")
    for d in system.model.state:
        mine = [w for w in walk.writes if w.var == d.name]
        if mine:
            placed = [_place(u, d, w, walk) for w in mine]
            post.readers[d.name] = _updated(pre, d.name, placed)
        else:
            post.readers[d.name] = pre.readers[d.name]
    rpost = Reading(pre, post, action, params, r.env)
    for m in system.monitors:
        post.readers[m.decl.name] = _defined(u, m.params, m.next, rpost)
    guards = list(walk.guards)
    guards += [encode(u, ir.prime(a), rpost) for a in system.state_assumes]
    guards += [encode(u, a, rpost) for a in system.step_assumes]
    return Transition(action, params, u.conj(guards), post, walk.skolems)


def initial(u: Universe, system: System, pre: Vocab) -> tuple[Vocab, z3.BoolRef]:
    """The initial-state vocabulary (monitors defined by their init) and the init formula."""
    v = Vocab("init", dict(pre.readers), dict(pre.decls))
    r = Reading(v)
    for m in system.monitors:
        v.readers[m.decl.name] = _defined(u, m.params, m.init, r)
    parts = [encode(u, e, r) for e in system.model.init]
    parts += [encode(u, a, r) for a in system.state_assumes]
    return v, u.conj(parts)
