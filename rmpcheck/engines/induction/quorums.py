"""Atoms that say a quorum guard can no longer hold: what Paxos's proof rests on.

An action guarded by ``forall m. member[m, q] -> vote[m, r, v]`` (a decision
needs a quorum's votes), where ``member`` is never written, asks of a whole
quorum. Safety in such protocols is argued by *choosability*: once a higher
round proposed another value, no quorum can any longer all vote ``v`` in
``r``, because each has a member that left ``r`` without voting ``v``:

    !le[r2, r1] && proposal[r2, v2] && v1 != v2 ->
        exists n. member[n, q] && left_rnd[n, r1] && !vote[n, r1, v1]

No clause template reaches that ``exists``. This module reads its atom off the
model: for each such quorum guard, ``exists m. member[m, q] && !vote[m, r, v]``
(some member has not done it), and, per action that sets ``vote[n, r, v]``,
the same with each of that action's own requirements on ``n`` broken
(``cast_vote`` requires ``!left_rnd[n, r]``: the member cannot do it any
more). The atoms go into the ordered family's table (engines/induction/ordered)
at every choice of its variables, and clauses over them are searched and
judged like any other; a clause whose ``exists`` would Skolemise a function
closing a cycle of sorts is dropped by the caller (infer._decidable).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from rmpcheck import ir
from rmpcheck.engines import fixed_params
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.fixed_params import Order
from rmpcheck.engines.induction import candidates, ordered, sample
from rmpcheck.engines.induction.candidates import Candidate
from rmpcheck.engines.induction.witness import conjuncts
from rmpcheck.monitor import System

# the sample's (state, valuation) bits: as many as the clause templates get
SAMPLE_BITS = sample.MAX_SAMPLE_BITS


@dataclass(frozen=True)
class Shape:
    """``exists member. body`` with free variables ``params`` (the quorum's and those of
    the guarded relation's other indices), instantiated at the templates' variables."""

    atom: ir.Expr
    params: tuple[ir.BoundVar, ...]
    member: ir.BoundVar  # the exists' variable


def clauses(
    system: System,
    orders: Sequence[Order],
    deadline: Deadline,
    hint: Mapping[str, int] | None = None,
) -> list[Candidate]:
    """The ordered family's guarded clauses (``x1`` strictly below ``x2`` -> two or three
    literals) that read a quorum-guard atom, over a sample of their own.

    The members' sort gets no template variable (its elements only appear inside the
    atoms' ``exists``): a (state, valuation) bit per round, value and quorum choice,
    not per node too, so that the same bits hold ten times the states, and the sample
    reaches quorums that all voted. Empty when the model has no quorum guard."""
    found = shapes(system.model)
    if not found or not orders:
        return []
    members = {s.member.type for s in found}
    xs = [x for x in candidates.template_vars(system.model) if x.type not in members]
    atom_list = [
        a
        for a in candidates.atoms(system, xs)
        if not any(isinstance(x, ir.BoundVar) and x.type in members for x in ir.walk(a))
    ]
    own = instances(found, xs)
    at = ordered.plan(system.model, orders, hint)
    table = candidates.sampled_table(
        system,
        xs,
        [*atom_list, *own],
        deadline,
        plan=at,
        orders=orders,
        bits=SAMPLE_BITS,
        runs=True,
    )
    if table is None or deadline.expired():
        return []
    return ordered.guarded(table, system.model, orders, deadline, must=set(own))


def shapes(model: ir.Model) -> list[Shape]:
    """The model's quorum-guard atoms, each once."""
    fixed = set(fixed_params.parameters(model))
    never = {model.state[i].name for i in fixed}
    out: list[Shape] = []
    for act in model.actions:
        for st in act.body:
            if not isinstance(st, ir.Require):
                continue
            for c in conjuncts(st.cond):
                for s in _from_guard(model, c, never):
                    if s.atom not in {o.atom for o in out}:
                        out.append(s)
    return out


def instances(found: Sequence[Shape], xs: Sequence[ir.BoundVar]) -> list[ir.Expr]:
    """Each shape at every choice of template variables of the right sorts for its
    parameters (two rounds, two values and two quorums: eight atoms a shape)."""
    out: list[ir.Expr] = []
    for s in found:
        choices = [[x for x in xs if x.type == p.type] for p in s.params]
        if any(not c for c in choices):
            continue
        for pick in itertools.product(*choices):
            a = ir.substitute(s.atom, dict(zip(s.params, pick, strict=True)))
            if a not in out:
                out.append(a)
    return out


def _from_guard(model: ir.Model, c: ir.Expr, never: set[str]) -> Iterator[Shape]:
    """``forall m. M[m, q] -> A[.., m, ..]`` with ``M`` never written and ``A`` a written
    bool relation: some member did not do ``A``, and per action setting ``A``, some
    member cannot do it any more."""
    if not (isinstance(c, ir.Quant) and c.kind == "forall" and len(c.vars) == 1):
        return
    m = c.vars[0]
    imp = c.body
    if not (isinstance(imp, ir.BinOp) and imp.op == "implies"):
        return
    mem, act_on = imp.left, imp.right
    if not (_read_of(mem, never) and _read_of(act_on, None)):
        return
    assert isinstance(mem, ir.Select) and isinstance(act_on, ir.Select)
    if act_on.map.name in never or m not in act_on.args or m not in mem.args:
        return
    if not all(isinstance(k, ir.BoundVar) for k in (*mem.args, *act_on.args)):
        return
    params = tuple(sorted((ir.free_vars(mem) | ir.free_vars(act_on)) - {m}, key=lambda v: v.name))
    if not params:
        return
    not_done = ir.Not(act_on)
    yield Shape(ir.Quant("exists", (m,), ir.conj([mem, not_done])), params, m)
    for blocked in _blockers(model, act_on, m):
        body = ir.conj([mem, not_done, blocked])
        yield Shape(ir.Quant("exists", (m,), body), params, m)


def _blockers(model: ir.Model, target: ir.Select, m: ir.BoundVar) -> Iterator[ir.Expr]:
    """Per action that sets ``target``'s relation to true at its parameters, each of
    its top-level requirements on the parameter in ``m``'s place, negated and read at
    ``target``'s indices: what keeps that member from doing it."""
    name = target.map.name
    for act in model.actions:
        for st in act.body:
            if not (
                isinstance(st, ir.Assign)
                and st.target.name == name
                and st.value == ir.BoolLit(True)
                and len(st.indices) == len(target.args)
                and all(isinstance(k, ir.BoundVar) and k in act.params for k in st.indices)
                and len(set(st.indices)) == len(st.indices)
            ):
                continue
            env: dict[ir.BoundVar, ir.Expr] = {}
            for k, a in zip(st.indices, target.args, strict=True):
                assert isinstance(k, ir.BoundVar)
                env[k] = a
            who = st.indices[target.args.index(m)]
            for req in act.body:
                if not isinstance(req, ir.Require):
                    continue
                for c in conjuncts(req.cond):
                    free = ir.free_vars(c)
                    if who in free and free <= set(env) and not _reads(c, name):
                        yield _negate(ir.substitute(c, env))


def _read_of(e: ir.Expr, names: set[str] | None) -> bool:
    """A read of a bool state relation (one named in ``names``, if given)."""
    return (
        isinstance(e, ir.Select)
        and isinstance(e.map, ir.StateVar)
        and isinstance(e.map.type, ir.MapType)
        and isinstance(e.map.type.value, ir.BoolType)
        and (names is None or e.map.name in names)
    )


def _reads(e: ir.Expr, name: str) -> bool:
    return any(isinstance(x, ir.StateVar) and x.name == name for x in ir.walk(e))


def _negate(e: ir.Expr) -> ir.Expr:
    if isinstance(e, ir.Not):
        return e.arg
    if isinstance(e, ir.BinOp) and e.op in ("==", "!="):
        return ir.BinOp("!=" if e.op == "==" else "==", e.left, e.right, ir.BOOL)
    return ir.Not(e)
