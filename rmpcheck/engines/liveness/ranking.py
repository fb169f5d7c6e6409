"""The inductive engine on liveness claims: a proof for every size by rules.py, or unknown.

The search tries, cheapest first: the pending region P itself, then "true"
(which proves always-eventually Q and so P ~> Q); no rank, then ranks that
are one literal about an element of a sort (``active[y]``, ``pc[y] !=
idle``); as helpful steps, one fair action with its parameters bound to the
claim's variables or free, then every fair action at once. The lemmas of the
property file are hypotheses (the proof stands while they do: api.prove and
the gate check them, from ``stats["assumed_lemmas"]``). A proof found is
re-checked from scratch in a fresh Z3 context before it is reported; without
one, the engine searches the requested instance for a lasso (as the safety
engine does before "unknown") and otherwise answers unknown, with why.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import z3

from rmpcheck import ir
from rmpcheck.engines.base import Deadline, Options, unknown
from rmpcheck.engines.liveness import lasso
from rmpcheck.engines.liveness.rules import (
    Conditions,
    Helpful,
    Proof,
    Rank,
    check_all,
)
from rmpcheck.ir import BoolLit, BoundVar, Expr
from rmpcheck.liveness import LiveObligation
from rmpcheck.result import Certificate, Result, Scope
from rmpcheck.smt.epr.induction import Induction
from rmpcheck.smt.epr.transition import Unsupported

ENGINE = "inductive"

# The search's budget when the claim has no timeout, and each query's: as the
# safety engine's lemma inference (docs/inductive.md), seconds per claim.
BUDGET_S = 30.0
QUERY_S = 10.0
# The search of the requested instance before "unknown" (engines/inductive.py's REACH_TIMEOUT_S)
INSTANCE_S = 10.0
# at most this many ways to bind one helpful action's parameters
MAX_BINDINGS = 16


def check(ob: LiveObligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """Proved for all sizes with a re-checked certificate, a lasso at ``sizes``, or unknown."""
    deadline = Deadline(opts.timeout_s)
    stats: dict[str, Any] = {"assumed_lemmas": [n for n, _ in ob.lemmas]}
    try:
        conds = Conditions(Induction(ob.system), ob)
    except Unsupported as e:
        return _instance(ob, sizes, opts, deadline, f"the parametric encoding refuses: {e}", stats)
    budget = Deadline(min(BUDGET_S, deadline.remaining() or BUDGET_S))
    proof, tried = search(conds, ob, budget)
    stats["candidates"] = tried
    if proof is None:
        why = f"no rank and helpful fair steps prove it ({tried} candidate proofs tried)"
        return _instance(ob, sizes, opts, deadline, why, stats)
    failed = recheck(ob, proof, deadline)
    if failed is not None:
        why = f"certificate failed its re-check ({failed})"
        return _instance(ob, sizes, opts, deadline, why, stats)
    return Result(
        ob.model.name, ob.prop.name, ob.prop.kind, "proved", ENGINE,
        scope=Scope("all-sizes"), time_s=deadline.elapsed(), stats=stats,
        certificate=Certificate("ranking", proof.describe(ob), rechecked=True),
    )  # fmt: skip


def search(conds: Conditions, ob: LiveObligation, budget: Deadline) -> tuple[Proof | None, int]:
    """The first candidate proof whose every condition holds, and how many were tried."""
    tried = 0
    lemmas = tuple(ob.lemmas)
    for region in _regions(ob):
        for rank in _ranks(ob):
            base = Proof(region, rank, (), lemmas)
            if budget.expired() or not _holds(conds, conds.persist(base), budget):
                continue
            for helpful in _helpful(ob):
                if budget.expired():
                    return None, tried
                tried += 1
                proof = replace(base, helpful=helpful)
                rest = itertools.chain(
                    [conds.enabled(proof)],
                    *(itertools.chain(conds.helpful(proof, h), conds.stay(proof, h))
                      for h in helpful),
                )  # fmt: skip
                if _holds(conds, rest, budget):
                    return proof, tried
    return None, tried


def recheck(ob: LiveObligation, proof: Proof, deadline: Deadline) -> str | None:
    """Every condition again, in a fresh encoding and a fresh Z3 context."""
    try:
        conds = Conditions(Induction(ob.system), ob)
    except Unsupported as e:
        return str(e)
    return check_all(conds, proof, _ms(deadline))


def _holds(conds: Conditions, conditions: Iterator[Any], budget: Deadline) -> bool:
    for c in conditions:
        s = z3.Solver(ctx=conds.u.ctx)
        s.set("timeout", _ms(budget) or int(QUERY_S * 1000))
        s.add(*c.hyps, z3.Not(c.goal))
        if s.check() != z3.unsat:
            return False
    return True


def _ms(deadline: Deadline) -> int | None:
    left = deadline.remaining()
    return int(min(QUERY_S, left) * 1000) + 1 if left is not None else int(QUERY_S * 1000)


def _regions(ob: LiveObligation) -> list[Expr]:
    true = BoolLit(True)
    if ob.prop.temporal is not None and ob.prop.temporal.op == "leads_to":
        return [ob.trigger, true]
    return [true]


def _ranks(ob: LiveObligation) -> Iterator[Rank | None]:
    """No rank, then one literal about ``y`` of a sort: a bool map at y, an enum map at y
    equal (or not) to a member, a sort-valued map at y equal (or not) to a claim variable."""
    yield None
    for d in ob.model.state:
        t = d.type
        if not isinstance(t, ir.MapType) or len(t.keys) != 1:
            continue
        key = t.keys[0]
        if not isinstance(key, ir.SortType):
            continue
        y = BoundVar(f"{key.name.lower()}_ranked", key)
        read = ir.Select(d.ref(), (y,))
        for lit in _literals(read, t.value, ob.params):
            yield Rank(y, lit)


def _literals(read: Expr, t: ir.ScalarType, params: tuple[BoundVar, ...]) -> Iterator[Expr]:
    if isinstance(t, ir.BoolType):
        yield read
        yield ir.Not(read)
    elif isinstance(t, ir.EnumType):
        for m in t.members:
            for op in ("==", "!="):
                yield ir.BinOp(op, read, ir.EnumLit(t, m), ir.BOOL)
    else:
        for v in params:
            if v.type == t:
                for op in ("==", "!="):
                    yield ir.BinOp(op, read, v, ir.BOOL)


def _helpful(ob: LiveObligation) -> Iterator[tuple[Helpful, ...]]:
    """One fair action, its parameters bound to the claim's variables or free; then all."""
    for f in ob.fair:
        options = [[*(v for v in ob.params if v.type == p.type), None] for p in f.action.params]
        for bound in itertools.islice(itertools.product(*options), MAX_BINDINGS):
            yield (Helpful(f, tuple(bound)),)
    if len(ob.fair) > 1:
        yield tuple(Helpful(f, (None,) * len(f.action.params)) for f in ob.fair)


def _instance(
    ob: LiveObligation,
    sizes: Mapping[str, int],
    opts: Options,
    deadline: Deadline,
    why: str,
    stats: dict[str, Any],
) -> Result:
    """Before "unknown": a lasso at the requested sizes (bmc, briefly) is a refutation."""
    left = deadline.remaining()
    budget = INSTANCE_S if left is None else min(INSTANCE_S, left)
    if budget >= 0.5 and opts.extra.get("reach", True):
        r = lasso.check(ob, sizes, replace(opts, timeout_s=budget, progress=None))
        stats = {**stats, "instance_search": r.describe()}
        if r.verdict == "refuted":
            return replace(r, engine=ENGINE, time_s=deadline.elapsed(), stats=stats)
    return unknown(ob, ENGINE, why, deadline, **stats)
