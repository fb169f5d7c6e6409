"""One action instance as a guard and post-state values: symbolic execution of its body.

Every right-hand side reads the pre-state, so executing the body only has
to collect, under the path condition of each statement, (a) guards: the
``require``s, ``choose ... where`` constraints and the implicit range guard of
bounded-int writes (ir.py), and (b) writes, folded in program order so that
the last write to a location wins. A ``forall`` statement is unrolled over its
finite domain in the interpreter's order; a ``choose`` gets a fresh constant
per execution (so one per element under a ``forall``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import z3

from rmpcheck import ir
from rmpcheck.errors import InternalError
from rmpcheck.smt.terms import Env, assignments, formula, matching, term
from rmpcheck.smt.vocab import const, in_domain


@dataclass(frozen=True, slots=True, eq=False)
class ActionStep:
    """An action with its parameters fixed to the labels' constants.

    ``guard`` says the instance is enabled (for the hidden choices in
    ``choices``, each constrained to its type by ``choice_domain``); ``post``
    holds the post-values of the variables the action may write.
    """

    guard: z3.BoolRef
    post: Mapping[str, tuple[z3.ExprRef, ...]]
    choices: tuple[z3.ExprRef, ...]
    choice_domain: z3.BoolRef


@dataclass(eq=False)
class _Run:
    name: str
    tag: str
    guards: list[z3.BoolRef] = field(default_factory=list)
    post: dict[str, list[z3.ExprRef]] = field(default_factory=dict)
    choices: list[z3.ExprRef] = field(default_factory=list)
    domains: list[z3.BoolRef] = field(default_factory=list)


def _and(pc: z3.BoolRef | None, c: z3.BoolRef | None) -> z3.BoolRef | None:
    if pc is None:
        return c
    if c is None:
        return pc
    return z3.And(pc, c)


def _guard(run: _Run, pc: z3.BoolRef | None, c: z3.BoolRef) -> None:
    run.guards.append(c if pc is None else z3.Implies(pc, c))


def encode_action(a: ir.Action, env: Env) -> ActionStep:
    """``a`` with its parameters bound in ``env`` (to the step's labels)."""
    tag = env.labels.tag if env.labels is not None else env.pre.tag
    run = _Run(a.full_name, tag)
    _block(a.body, None, env, run)
    return ActionStep(
        z3.And(run.guards),
        {k: tuple(v) for k, v in run.post.items()},
        tuple(run.choices),
        z3.And(run.domains),
    )


def _block(body: Sequence[ir.Stmt], pc: z3.BoolRef | None, env: Env, run: _Run) -> None:
    for st in body:
        if isinstance(st, ir.Require):
            _guard(run, pc, formula(st.cond, env))
        elif isinstance(st, ir.Assign):
            _assign(st, pc, env, run)
        elif isinstance(st, ir.If):
            c = formula(st.cond, env)
            _block(st.then, _and(pc, c), env, run)
            if st.else_:
                _block(st.else_, _and(pc, z3.Not(c)), env, run)
        elif isinstance(st, ir.ForallStmt):
            for asg in assignments(env, st.vars):
                _block(st.body, pc, env.bind(asg), run)
        elif isinstance(st, ir.Choose):
            name = f"{run.name}.{st.var.name}#{len(run.choices)}@{run.tag}"
            c = const(name, st.var.type, env.lay.width)
            run.choices.append(c)
            run.domains.append(in_domain(env.lay.sizes, st.var.type, c))
            inner = env.bind([(st.var, c)])
            if st.where is not None:
                _guard(run, pc, formula(st.where, inner))
            _block(st.body, pc, inner, run)
        else:
            raise InternalError(f"unknown statement {st!r}")


def _assign(st: ir.Assign, pc: z3.BoolRef | None, env: Env, run: _Run) -> None:
    t = st.target.type
    vt = t.value if isinstance(t, ir.MapType) else t
    val = term(st.value, env)
    src = st.value.type
    if isinstance(vt, ir.IntType) and not (
        isinstance(src, ir.IntType) and vt.lo <= src.lo and src.hi <= vt.hi
    ):
        # an out-of-range write disables the step (the implicit guard of ir.py)
        assert isinstance(val, (z3.ArithRef, z3.BitVecRef))
        _guard(run, pc, z3.And(val >= vt.lo, val <= vt.hi))
    name = st.target.name
    cur = run.post.get(name)
    if cur is None:
        cur = run.post[name] = list(env.pre.values[name])
    if isinstance(t, ir.MapType):
        cands = matching(env, t, [term(k, env) for k in st.indices])
    else:
        cands = [(0, None)]
    for j, cond in cands:
        c = _and(pc, cond)
        cur[j] = val if c is None else z3.If(c, val, cur[j])
