"""Lemma inference: Houdini over sampled candidates, then a small inductive subset.

Houdini keeps the largest subset of the candidates that, together with the
goals (target and user lemmas, which may not be dropped), is inductive:
whenever Z3 finds a state satisfying everything kept whose successor violates
some candidate, that state is read back and re-run on the interpreter, and
every candidate false in any of its successors is dropped (each such
successor is a counterexample to that candidate's induction, so no inductive
subset can contain it). If a goal is violated that way, no subset can help:
the goals' counterexample to induction is returned instead.

The surviving set is then cut down with unsat cores: starting from the goals,
add only the candidates some consecution proof actually used. What comes out
is a proposal; ``engines/inductive`` re-checks it with a fresh solver before
anything is called proved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import z3

from rmpcheck import ir
from rmpcheck.engines import candidates
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.cti import Cti, Named, instance, make_cti
from rmpcheck.errors import InternalError
from rmpcheck.interp import Instance, State
from rmpcheck.monitor import Obligation
from rmpcheck.smt.epr import readback
from rmpcheck.smt.epr.induction import Induction, ask
from rmpcheck.smt.epr.transition import Transition

CHUNK = 24  # candidates per consecution query
QUERY_S = 10.0  # one Houdini query; past it, inference gives up ("unknown")
BUDGET_S = 30.0  # the whole inference, when the caller sets no timeout


def _ms(deadline: Deadline) -> int:
    r = deadline.remaining()
    return int(1000 * (QUERY_S if r is None else min(r, QUERY_S))) or 1


@dataclass
class Inferred:
    status: Literal["found", "failed", "unknown"]
    lemmas: list[Named] = field(default_factory=list)
    reason: str = ""
    cti: Cti | None = None
    stats: dict[str, Any] = field(default_factory=dict)


class _Houdini:
    def __init__(
        self,
        ob: Obligation,
        ind: Induction,
        goals: Sequence[Named],
        cands: Sequence[ir.Expr],
        insts: dict[tuple[tuple[str, int], ...], Instance],
    ) -> None:
        self.ob, self.ind, self.goals = ob, ind, list(goals)
        self.cands = list(cands)
        self.active = set(range(len(cands)))
        self.insts = insts
        self.rounds = 0
        u = ind.u
        self.flags = [z3.Bool(f"cand!{i}", u.ctx) for i in range(len(cands))]
        self.solvers: dict[int, z3.Solver] = {}

    def inst(self, sizes: dict[str, int]) -> Instance:
        key = tuple(sorted(sizes.items()))
        if key not in self.insts:
            self.insts[key] = instance(self.ob, sizes)
        return self.insts[key]

    def solver(self, k: int, tr: Transition, timeout_ms: int | None) -> z3.Solver:
        """Per action: pre-state axioms, goals, ``flag_i -> candidate_i`` and the step."""
        s = self.solvers.get(k)
        if s is None:
            s = self.ind.step_solver([f for _, f in self.goals], tr, timeout_ms)
            s.set("core.minimize", True)
            for flag, c in zip(self.flags, self.cands, strict=True):
                s.add(z3.Implies(flag, self.ind.now(c)))
            self.solvers[k] = s
        elif timeout_ms is not None:
            s.set("timeout", timeout_ms)
        return s

    def assumptions(self) -> list[z3.BoolRef]:
        return [self.flags[i] for i in sorted(self.active)]

    def drop_false(self, inst: Instance, states: Sequence[State]) -> int:
        gone = {i for i in self.active if not all(inst.holds(self.cands[i], t) for t in states)}
        self.active -= gone
        return len(gone)

    # ------------------------------------------------------------ phases

    def chunks(self) -> list[list[int]]:
        """The kept candidates in groups: one disjunction over hundreds of negated
        quantified formulas is much harder for Z3 than a few dozen small ones."""
        act = sorted(self.active)
        return [act[i : i + CHUNK] for i in range(0, len(act), CHUNK)] or [[]]

    def initiation(self, deadline: Deadline) -> str | None:
        """Drop candidates some initial state violates; a reason string if stuck."""
        for chunk in self.chunks():
            while chunk:
                out = self.ind.initiation([self.cands[i] for i in chunk], _ms(deadline))
                if out.status == "unknown":
                    return f"initiation of candidates: {out.reason}"
                if out.status == "holds":
                    break
                st = readback.structure(self.ind.u, out.model)
                s = readback.state(self.ind.u, st, self.ind.init_vocab, self.ob.system.state)
                if not self.drop_false(self.inst(st.sizes), [s]):
                    raise InternalError("houdini: an initial state from Z3 violates no candidate")
                chunk = [i for i in chunk if i in self.active]
        return None

    def consecution(self, deadline: Deadline) -> Cti | str | None:
        """Drop until the kept set is inductive; a goal CTI or a reason if that fails."""
        changed = True
        while changed:
            changed = False
            for k, tr in enumerate(self.ind.transitions):
                for chunk in self.chunks():
                    while True:
                        if deadline.expired():
                            return f"timeout after {deadline.elapsed():.1f} s"
                        got = self._step(k, tr, chunk, deadline)
                        if got is None:
                            break
                        if not isinstance(got, bool):
                            return got
                        changed = True
                        chunk = [i for i in chunk if i in self.active]
        return None

    def _step(
        self, k: int, tr: Transition, chunk: Sequence[int], deadline: Deadline
    ) -> Cti | str | bool | None:
        """One query for action ``tr``: can it break a goal or a candidate of ``chunk``?
        None if not, True if candidates were dropped, a goal's CTI, or why it is stuck."""
        self.rounds += 1
        s = self.solver(k, tr, _ms(deadline))
        posts = [z3.Not(self.ind.after(f, tr)) for _, f in self.goals]
        posts += [z3.Not(self.ind.after(self.cands[i], tr)) for i in chunk]
        s.push()
        s.add(self.ind.u.disj(posts))
        out = ask(s, self.assumptions())
        try:
            if out.status == "holds":
                return None
            if out.status == "unknown":
                return f"consecution of {tr.action.full_name}: {out.reason}"
            return self._learn(tr, out.model)
        finally:
            s.pop()

    def _learn(self, tr: Transition, model: z3.ModelRef) -> Cti | str | bool:
        """Drop what the model's successors violate (True), or a goal's CTI. A model that
        does not check on the interpreter stops inference as "unknown": Houdini's drops are
        sound only for states the interpreter confirms."""
        u, decls = self.ind.u, self.ob.system.state
        st = readback.structure(u, model)
        pre = readback.state(u, st, self.ind.pre, decls)
        inst = self.inst(st.sizes)
        kept = [f for _, f in self.goals] + [self.cands[i] for i in self.active]
        if not all(inst.holds(f, pre) for f in kept):
            return f"a pre-state from the solver ({tr.action.full_name}) does not check"
        succ = list(inst.successors(pre))
        for ai, t in succ:
            bad = tuple(n for n, f in self.goals if not inst.holds(f, t))
            if bad:
                return make_cti(inst, self.ob, pre, ai, t, bad)
        if self.drop_false(inst, [t for _, t in succ]):
            return True
        return f"the solver's successor under {tr.action.full_name} breaks nothing on replay"

    # --------------------------------------------------------- minimising

    def needed(self, deadline: Deadline) -> list[int] | str:
        """A small inductive subset: the candidates the goals' consecution proofs use (unsat
        cores, closed under the same question), then greedily without each longest one."""
        need: set[int] = set()
        todo: list[ir.Expr] = [f for _, f in self.goals]
        while todo:
            f = todo.pop()
            for k, tr in enumerate(self.ind.transitions):
                core = self._core(k, tr, f, self.active, deadline)
                if isinstance(core, str):
                    return core
                for i in core - need:
                    need.add(i)
                    todo.append(self.cands[i])
        for i in sorted(need, key=lambda j: -len(repr(self.cands[j]))):
            rest = need - {i}
            if self._inductive(rest, deadline):
                need = rest
        return sorted(need)

    def _core(
        self, k: int, tr: Transition, f: ir.Expr, using: set[int], deadline: Deadline
    ) -> set[int] | str:
        """The candidates (among ``using``) that one proof of ``f``'s consecution used."""
        s = self.solver(k, tr, _ms(deadline))
        s.push()
        s.add(z3.Not(self.ind.after(f, tr)))
        out = ask(s, [self.flags[i] for i in sorted(using)])
        core = s.unsat_core() if out.status == "holds" else []
        s.pop()
        if out.status != "holds":
            return f"re-deriving the proof of {tr.action.full_name}: {out.status} {out.reason}"
        return {int(str(flag).split("!")[1]) for flag in core}

    def _inductive(self, subset: set[int], deadline: Deadline) -> bool:
        """Are the goals with ``subset`` inductive (consecution; initiation already holds)?"""
        formulas = [f for _, f in self.goals] + [self.cands[i] for i in subset]
        for k, tr in enumerate(self.ind.transitions):
            for f in formulas:
                if not isinstance(self._core(k, tr, f, subset, deadline), set):
                    return False
        return True


def infer(
    ob: Obligation,
    ind: Induction,
    goals: Sequence[Named],
    deadline: Deadline,
    sample_sizes: Sequence[int] = candidates.SAMPLE_SIZES,
) -> Inferred:
    """Lemmas that, with ``goals``, make an inductive set (or why none were found).

    Short clauses first: Houdini over the clauses of at most two literals, and only
    if no subset of those works, over all of them (fewer candidates: easier queries).
    """
    left = deadline.remaining()
    deadline = Deadline(BUDGET_S if left is None else min(left, BUDGET_S))
    cands, stats = candidates.generate(ob.system, deadline, sample_sizes)
    insts: dict[tuple[tuple[str, int], ...], Instance] = {}
    tried = -1
    result = Inferred("failed", reason="no candidate lemmas", stats=stats)
    for limit in (2, candidates.MAX_LITERALS):
        pool = [c.formula for c in cands if c.literals <= limit]
        if len(pool) == tried:
            continue
        tried = len(pool)
        result = _houdini(ob, ind, goals, pool, insts, deadline)
        result.stats = {**stats, **result.stats}
        if result.status != "failed":
            return result
    return result


def _houdini(
    ob: Obligation,
    ind: Induction,
    goals: Sequence[Named],
    pool: Sequence[ir.Expr],
    insts: dict[tuple[tuple[str, int], ...], Instance],
    deadline: Deadline,
) -> Inferred:
    h = _Houdini(ob, ind, goals, pool, insts)
    stuck = h.initiation(deadline)
    got = h.consecution(deadline) if stuck is None else stuck
    stats: dict[str, Any] = {"houdini_pool": len(pool), "houdini_queries": h.rounds}
    stats["kept"] = len(h.active)
    if isinstance(got, Cti):
        reason = f"no subset of the {len(pool)} candidates is inductive"
        return Inferred("failed", reason=reason, cti=got, stats=stats)
    if isinstance(got, str):
        return Inferred("unknown", reason=got, stats=stats)
    need = h.needed(deadline)
    if isinstance(need, str):
        return Inferred("unknown", reason=need, stats=stats)
    lemmas = [(f"inferred_{n + 1}", pool[i]) for n, i in enumerate(need)]
    stats["used"] = len(lemmas)
    return Inferred("found", lemmas, stats=stats)
