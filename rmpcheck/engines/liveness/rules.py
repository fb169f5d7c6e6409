"""A proof rule for liveness over every size: helpful fair steps and a shrinking set.

To show ``P ~> Q`` (for every value of the claim's variables) on every fair
run, it suffices to find

- a region ``A`` (P, or true, which proves the stronger ``always eventually
  Q``) that, with Q not holding, is left only for Q;
- a *rank*: a set ``R = {y | r(y)}`` of elements of one sort that no step
  grows while the claim is pending (or no rank at all);
- *helpful* fair action instances ``H`` (parameters bound to the claim's
  variables or free), one of which is enabled whenever the claim is pending,
  which stay enabled until taken unless the rank shrinks or Q holds, and each
  of whose steps shrinks the rank or reaches Q.

In every finite instance R can shrink only finitely often; after the last
time, some helpful instance is enabled and stays enabled until taken (weak
fairness, and so strong, forces it to be), and taking it shrinks R or gives
Q: so Q holds. Without a rank this is Manna and Pnueli's WF1 rule; the rank
makes it a termination argument over sorts ("every active node is
eventually passive or elected"). With the proved lemmas L as hypotheses
(and A standing for A /\\ not Q), the verification conditions are, over
uninterpreted sorts (each is valid for every size):

  persist:  L, A, step          |- Q' \\/ (A' /\\ forall y. r'(y) -> r(y))   (every action)
  enabled:  L, A                |- exists h in H. exists w. enabled_h(w)
  stay:     L, A, enabled_h(w), step, not taken_h(w)
                                |- Q' \\/ shrinks \\/ enabled'_h(w)         (every action)
  helpful:  L, A, step taken_h(w) |- Q' \\/ shrinks                       (h's action)

where shrinks = exists z. r(z) /\\ !r'(z). The deadlocked system's stutter
step is an action like the others.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import z3

from rmpcheck import ir
from rmpcheck.ir import BOOL, BinOp, BoundVar, Expr
from rmpcheck.ir_text import ExprPrinter, binders
from rmpcheck.liveness.obligation import Fair, LiveObligation
from rmpcheck.smt.epr.expr import Reading, encode
from rmpcheck.smt.epr.induction import Induction
from rmpcheck.smt.epr.transition import Transition


@dataclass(frozen=True, slots=True)
class Helpful:
    """A fair action whose instances help: each parameter bound to one of the claim's
    variables, or None (free: any instance)."""

    fair: Fair
    bound: tuple[BoundVar | None, ...]


@dataclass(frozen=True, slots=True)
class Rank:
    """The set ``{var | body}``."""

    var: BoundVar
    body: Expr


@dataclass(frozen=True, slots=True)
class Proof:
    region: Expr  # A: where the claim may be pending (without "not Q")
    rank: Rank | None
    helpful: tuple[Helpful, ...]
    lemmas: tuple[tuple[str, Expr], ...]

    def describe(self, ob: LiveObligation) -> tuple[str, ...]:
        """The certificate in model text."""
        p = ExprPrinter(ob.model.enums)
        out = [f"pending region: {p.expr(self.region)}, until {p.expr(ob.goal)}"]
        if self.rank is not None:
            v = self.rank.var
            out.append(f"rank: {{{binders((v,))} | {p.expr(self.rank.body)}}} never grows")
        for h in self.helpful:
            args = ", ".join(b.name if b else "_" for b in h.bound)
            out.append(f"helpful ({h.fair.kind}ly fair): {h.fair.action.full_name}({args})")
        out += [f"lemma {name}" for name, _ in self.lemmas]
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Condition:
    """One verification condition: valid when ``hyps`` and not ``goal`` are unsatisfiable."""

    name: str
    hyps: tuple[z3.BoolRef, ...]
    goal: z3.BoolRef


class Conditions:
    """The verification conditions of proofs of one obligation, in one Z3 context."""

    def __init__(self, ind: Induction, ob: LiveObligation) -> None:
        self.ind, self.ob, self.u = ind, ob, ind.u
        # the claim's variables: fixed, arbitrary elements (free constants)
        self.env = {v: self.u.fresh(v.name, v.type) for v in ob.params}

    def here(self, e: Expr, extra: dict[BoundVar, z3.ExprRef] | None = None) -> z3.BoolRef:
        r = Reading(self.ind.pre, env={**self.env, **(extra or {})})
        return _bool(encode(self.u, e, r))

    def there(
        self, e: Expr, tr: Transition, extra: dict[BoundVar, z3.ExprRef] | None = None
    ) -> z3.BoolRef:
        """``e`` after ``tr`` (unprimed variables of ``e`` read the post-state)."""
        r = Reading(self.ind.pre, tr.post, tr.action, tr.params, {**self.env, **(extra or {})})
        return _bool(encode(self.u, ir.prime(e), r))

    def step(self, e: Expr, tr: Transition) -> z3.BoolRef:
        """A formula over the step: unprimed reads the pre-state, primed the post-state."""
        r = Reading(self.ind.pre, tr.post, tr.action, tr.params, dict(self.env))
        return _bool(encode(self.u, e, r))

    def all(self, proof: Proof) -> Iterator[Condition]:
        """Every condition of ``proof``, cheapest first."""
        yield from self.persist(proof)
        yield self.enabled(proof)
        for h in proof.helpful:
            yield from self.helpful(proof, h)
            yield from self.stay(proof, h)

    def _base(self, proof: Proof) -> list[z3.BoolRef]:
        pending = ir.conj([proof.region, ir.Not(self.ob.goal)])
        return [*self.ind.axioms, *(self.here(f) for _, f in proof.lemmas), self.here(pending)]

    def persist(self, proof: Proof) -> Iterator[Condition]:
        for tr in self.ind.transitions:
            keep = self.there(proof.region, tr)
            if proof.rank is not None:
                keep = z3.And(keep, self.step(_no_growth(proof.rank), tr))
            goal = z3.Or(self.there(self.ob.goal, tr), keep)
            yield Condition(f"persist {tr.action.full_name}", (*self._base(proof), tr.guard), goal)

    def enabled(self, proof: Proof) -> Condition:
        some = [self.here(_exists_free(h, self._enabled(h))) for h in proof.helpful]
        goal = z3.Or(*some) if some else self.u.false
        return Condition("enabled", tuple(self._base(proof)), goal)

    def helpful(self, proof: Proof, h: Helpful) -> Iterator[Condition]:
        w = self._args(h)
        for tr in self.ind.transitions:
            if tr.action.full_name != h.fair.action.full_name:
                continue
            took = self._took(h, w, tr)
            hyps = (*self._base(proof), tr.guard, took)
            yield Condition(f"helpful {tr.action.full_name}", hyps, self._progress(proof, tr))

    def stay(self, proof: Proof, h: Helpful) -> Iterator[Condition]:
        w = self._args(h)
        bound = dict(zip(h.fair.action.params, w, strict=True))
        on = self.here(h.fair.enabled, bound)
        for tr in self.ind.transitions:
            hyps = (*self._base(proof), on, tr.guard, z3.Not(self._took(h, w, tr)))
            still = self.there(h.fair.enabled, tr, bound)
            goal = z3.Or(self._progress(proof, tr), still)
            yield Condition(f"stays enabled: {tr.action.full_name}", hyps, goal)

    def _progress(self, proof: Proof, tr: Transition) -> z3.BoolRef:
        goal = self.there(self.ob.goal, tr)
        if proof.rank is None:
            return goal
        return z3.Or(goal, self.step(_shrinks(proof.rank), tr))

    def _args(self, h: Helpful) -> list[z3.ExprRef]:
        """The helpful instance's arguments: the claim's variables, or fresh elements."""
        return [
            self.env[b] if b is not None else self.u.fresh(p.name, p.type)
            for p, b in zip(h.fair.action.params, h.bound, strict=True)
        ]

    def _enabled(self, h: Helpful) -> Expr:
        """``h``'s enabledness with its bound parameters replaced by the claim's variables."""
        sub = {p: b for p, b in zip(h.fair.action.params, h.bound, strict=True) if b is not None}
        return ir.substitute(h.fair.enabled, sub)

    def _took(self, h: Helpful, w: Sequence[z3.ExprRef], tr: Transition) -> z3.BoolRef:
        if tr.action.full_name != h.fair.action.full_name:
            return self.u.false
        return self.u.conj(a == b for a, b in zip(tr.params, w, strict=True))


def check_all(conds: Conditions, proof: Proof, timeout_ms: int | None) -> str | None:
    """None when every condition holds, else the name of the first that does not (or
    that the solver could not decide: never read as holding)."""
    for c in conds.all(proof):
        s = z3.Solver(ctx=conds.u.ctx)
        if timeout_ms is not None:
            s.set("timeout", timeout_ms)
        s.add(*c.hyps, z3.Not(c.goal))
        if s.check() != z3.unsat:
            return c.name
    return None


def _exists_free(h: Helpful, body: Expr) -> Expr:
    free = tuple(p for p, b in zip(h.fair.action.params, h.bound, strict=True) if b is None)
    return ir.Quant("exists", free, body) if free else body


def _no_growth(rank: Rank) -> Expr:
    """forall y. r'(y) -> r(y), as a step formula (primes: the post-state)."""
    return ir.Quant("forall", (rank.var,), BinOp("implies", ir.prime(rank.body), rank.body, BOOL))


def _shrinks(rank: Rank) -> Expr:
    """exists y. r(y) /\\ !r'(y)."""
    return ir.Quant("exists", (rank.var,), ir.conj([rank.body, ir.Not(ir.prime(rank.body))]))


def _bool(t: z3.ExprRef) -> z3.BoolRef:
    assert isinstance(t, z3.BoolRef)
    return t

