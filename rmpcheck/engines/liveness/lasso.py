"""Bounded model checking of liveness: the shortest fair lasso up to a depth.

The unrolling init(s0) /\\ T(s0, s1) /\\ ... /\\ T(s_{k-1}, s_k) runs over the
system with the ``pending`` monitor (rmpcheck.liveness.obligation). At each
depth k one query asks for a loop start l < k (an Int) with

- s_k = s_l, every location (monitors and pending included);
- for some value of the claim's variables, pending in every state l..k-1;
- every weakly fair instance disabled in some loop state or taken on some
  loop step, every strongly fair one disabled in all of them or taken.

Depths are tried 1, 2, ..., so the first lasso is a shortest one (in total
steps). Finding none up to the depth is "bounded-safe", never "proved": a
lasso may need more steps. The lasso is replayed and checked by trace/lasso.py.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import z3

from rmpcheck.engines.base import Deadline, Options, instance_scope, sizes_scope, unknown
from rmpcheck.engines.bmc import Unrolling, progress, unknown_reason
from rmpcheck.engines.limits import too_large
from rmpcheck.interp import Instance
from rmpcheck.ir import Expr
from rmpcheck.liveness import LiveObligation
from rmpcheck.liveness.obligation import pending
from rmpcheck.result import Result, Scope
from rmpcheck.smt import solving
from rmpcheck.smt.decode import run_of
from rmpcheck.smt.system import Encoding, encoding
from rmpcheck.smt.terms import Env, formula
from rmpcheck.smt.vocab import Labels, Vocabulary, value
from rmpcheck.trace.lasso import build_lasso

ENGINE = "bmc"


def check(ob: LiveObligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """The shortest fair lasso violating ``ob`` with at most ``opts.depth`` steps."""
    deadline = Deadline(opts.timeout_s)
    big = too_large(ob, sizes)
    if big is not None:
        return unknown(ob, ENGINE, big, deadline)
    system, pend = pending(ob)
    enc = encoding(system, sizes)
    unroll = Unrolling(ob, enc)
    for k in range(1, opts.depth + 1):
        unroll.extend_to(k)
        progress(opts, f"{ENGINE}: lasso of {k} step(s)")
        loop = z3.Int(f"loop@{k}")
        unroll.solver.push()
        try:
            unroll.solver.add(lasso(ob, enc, pend, unroll.states, unroll.steps, loop))
            out = solving.check(unroll.solver, deadline)
            if out.status == "sat":
                assert out.model is not None
                at = out.model.eval(loop, model_completion=True)
                assert isinstance(at, z3.IntNumRef)
                return found(ob, sizes, enc, out.model, unroll, at.as_long(), ENGINE, deadline)
        finally:
            unroll.solver.pop()
        if out.status == "unknown":
            reason = unknown_reason(out, deadline, f"at depth {k}")
            return unknown(ob, ENGINE, reason, deadline, depth=k)
    return Result(
        ob.model.name, ob.prop.name, ob.prop.kind, "bounded-safe", ENGINE,
        scope=Scope("depth", sizes_scope(sizes), opts.depth), time_s=deadline.elapsed(),
        stats={"depth": opts.depth},
    )  # fmt: skip


def found(
    ob: LiveObligation,
    sizes: Mapping[str, int],
    enc: Encoding,
    model: z3.ModelRef,
    unroll: Unrolling,
    loop: int,
    engine: str,
    deadline: Deadline,
) -> Result:
    """The refuted Result of a satisfiable lasso query, replayed on the interpreter."""
    states, actions = run_of(enc, model, unroll.states, unroll.steps)
    inst = Instance(ob.system, sizes)
    trace = build_lasso(inst, ob, states, actions, loop, engine)
    return Result(
        ob.model.name, ob.prop.name, ob.prop.kind, "refuted", engine,
        scope=instance_scope(sizes), trace=trace, time_s=deadline.elapsed(),
        stats={"depth": len(actions)},
    )  # fmt: skip


def lasso(
    ob: LiveObligation,
    enc: Encoding,
    pend: Expr,
    states: Sequence[Vocabulary],
    steps: Sequence[Labels],
    loop: z3.ArithRef,
) -> z3.BoolRef:
    """The unrolling ``states``/``steps`` closes into a fair pending loop from ``loop``."""
    k = len(steps)
    last = states[-1]
    inside = [loop <= j for j in range(k)]
    parts: list[z3.BoolRef] = [loop >= 0, loop < k]
    for j in range(k):
        same = [a == b for a, b in zip(states[j].flat(), last.flat(), strict=True)]
        parts.append(z3.Implies(loop == j, z3.And(same)))
    keep = []
    for values in valuations(enc, ob):
        at = [formula(pend, Env(enc.lay, states[j]).bind(values)) for j in range(k)]
        keep.append(z3.And([z3.Implies(inside[j], at[j]) for j in range(k)]))
    parts.append(z3.Or(keep))
    model = enc.system.model
    for f in ob.fair:
        i = model.actions.index(f.action)
        for args in instances(enc, f.action.params):
            bound = list(zip(f.action.params, args, strict=True))
            off = [
                z3.Not(formula(f.enabled, Env(enc.lay, states[j]).bind(bound))) for j in range(k)
            ]
            took = [
                z3.And(inside[j], steps[j].selector == i, *taken(steps[j], i, args))
                for j in range(k)
            ]
            if f.kind == "strong":
                never = z3.And([z3.Implies(inside[j], off[j]) for j in range(k)])
                parts.append(z3.Or(never, *took))
            else:
                parts.append(z3.Or(*took, *(z3.And(inside[j], off[j]) for j in range(k))))
    return z3.And(parts)


def taken(lab: Labels, i: int, args: Sequence[z3.ExprRef]) -> list[z3.BoolRef]:
    return [c == x for c, x in zip(lab.params[i], args, strict=True)]


def valuations(enc: Encoding, ob: LiveObligation) -> list[list[tuple[Any, z3.ExprRef]]]:
    """Every value of the claim's variables, as Z3 literals bound to them."""
    return [list(zip(ob.params, vals, strict=True)) for vals in instances(enc, ob.params)]


def instances(enc: Encoding, params: Sequence[Any]) -> list[tuple[z3.ExprRef, ...]]:
    """Every tuple of Z3 literals for ``params`` (BoundVars) at the instance's sizes."""
    doms = [[value(p.type, x) for x in enc.sizes.domain(p.type).values] for p in params]
    return list(itertools.product(*doms))
