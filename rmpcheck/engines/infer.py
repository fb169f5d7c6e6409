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


@dataclass
class Inferred:
    status: Literal["found", "failed", "unknown"]
    lemmas: list[Named] = field(default_factory=list)
    reason: str = ""
    cti: Cti | None = None
    stats: dict[str, Any] = field(default_factory=dict)


class _Houdini:
    def __init__(
        self, ob: Obligation, ind: Induction, goals: Sequence[Named], cands: Sequence[ir.Expr]
    ) -> None:
        self.ob, self.ind, self.goals = ob, ind, list(goals)
        self.cands = list(cands)
        self.active = set(range(len(cands)))
        self.insts: dict[tuple[tuple[str, int], ...], Instance] = {}
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

    def initiation(self, deadline: Deadline) -> str | None:
        """Drop candidates some initial state violates; a reason string if stuck."""
        while self.active:
            out = self.ind.initiation([self.cands[i] for i in self.active], deadline.z3_ms())
            if out.status == "unknown":
                return f"initiation of candidates: {out.reason}"
            if out.status == "holds":
                return None
            st = readback.structure(self.ind.u, out.model)
            s = readback.state(self.ind.u, st, self.ind.init_vocab, self.ob.system.state)
            if not self.drop_false(self.inst(st.sizes), [s]):
                raise InternalError("houdini: an initial state from Z3 violates no candidate")
        return None

    def consecution(self, deadline: Deadline) -> Cti | str | None:
        """Drop until the kept set is inductive; a goal CTI or a reason if that fails."""
        changed = True
        while changed:
            changed = False
            for k, tr in enumerate(self.ind.transitions):
                while True:
                    if deadline.expired():
                        return f"timeout after {deadline.elapsed():.1f} s"
                    got = self._step(k, tr, deadline)
                    if got is None:
                        break
                    if not isinstance(got, bool):
                        return got
                    changed = True
        return None

    def _step(self, k: int, tr: Transition, deadline: Deadline) -> Cti | str | bool | None:
        """One query for action ``tr``: None if it preserves everything kept, True if some
        candidates were dropped, a goal's CTI, or a reason string when stuck."""
        self.rounds += 1
        s = self.solver(k, tr, deadline.z3_ms())
        posts = [z3.Not(self.ind.after(f, tr)) for _, f in self.goals]
        posts += [z3.Not(self.ind.after(self.cands[i], tr)) for i in sorted(self.active)]
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

    def _learn(self, tr: Transition, model: z3.ModelRef) -> Cti | bool:
        u, decls = self.ind.u, self.ob.system.state
        st = readback.structure(u, model)
        pre = readback.state(u, st, self.ind.pre, decls)
        inst = self.inst(st.sizes)
        kept = [f for _, f in self.goals] + [self.cands[i] for i in self.active]
        if not all(inst.holds(f, pre) for f in kept):
            raise InternalError("houdini: a pre-state from Z3 violates a kept formula")
        succ = list(inst.successors(pre))
        for ai, t in succ:
            bad = tuple(n for n, f in self.goals if not inst.holds(f, t))
            if bad:
                return make_cti(inst, self.ob, pre, ai, t, bad)
        if self.drop_false(inst, [t for _, t in succ]):
            return True
        post = readback.state(u, st, tr.post, decls)
        raise InternalError(
            f"houdini: Z3's successor {post} of {tr.action.full_name} does not replay"
        )

    # --------------------------------------------------------- minimising

    def needed(self, deadline: Deadline) -> list[int] | str:
        """Candidates the goals' consecution proofs use, closed under the same question."""
        need: set[int] = set()
        todo: list[ir.Expr] = [f for _, f in self.goals]
        done_cands: set[int] = set()
        while todo:
            f = todo.pop()
            for k, tr in enumerate(self.ind.transitions):
                s = self.solver(k, tr, deadline.z3_ms())
                s.push()
                s.add(z3.Not(self.ind.after(f, tr)))
                out = ask(s, self.assumptions())
                core = s.unsat_core() if out.status == "holds" else []
                s.pop()
                if out.status != "holds":
                    return f"re-deriving the proof of {tr.action.full_name}: {out.reason}"
                for flag in core:
                    i = int(str(flag).split("!")[1])
                    need.add(i)
                    if i not in done_cands:
                        done_cands.add(i)
                        todo.append(self.cands[i])
        return sorted(need)


def infer(
    ob: Obligation,
    ind: Induction,
    goals: Sequence[Named],
    deadline: Deadline,
    sample_sizes: Sequence[int] = candidates.SAMPLE_SIZES,
) -> Inferred:
    """Lemmas that, with ``goals``, make an inductive set (or why none were found)."""
    cands, stats = candidates.generate(ob.system, deadline, sample_sizes)
    h = _Houdini(ob, ind, goals, cands)
    stuck = h.initiation(deadline)
    if stuck is None:
        got = h.consecution(deadline)
    else:
        got = stuck
    stats.update(houdini_queries=h.rounds, kept=len(h.active))
    if isinstance(got, Cti):
        return Inferred(
            "failed", reason="no subset of the candidates is inductive", cti=got, stats=stats
        )
    if isinstance(got, str):
        return Inferred("unknown", reason=got, stats=stats)
    need = h.needed(deadline)
    if isinstance(need, str):
        return Inferred("unknown", reason=need, stats=stats)
    lemmas = [(f"inferred_{n + 1}", cands[i]) for n, i in enumerate(need)]
    stats["used"] = len(lemmas)
    return Inferred("found", lemmas, stats=stats)
