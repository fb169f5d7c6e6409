"""The vocabularies and step relations of one system, and the two questions of induction.

*Initiation*: does every initial state satisfy a formula? *Consecution*: from
a state satisfying the assumed formulas, can one step of an action reach a
state violating a goal? Both are asked over uninterpreted sorts, so "no" means
no for every size. A query's answer is an :class:`Outcome`; "unknown" (solver
gave up, timeout) is kept distinct from both answers and never read as "holds".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import z3

from rmpcheck import ir
from rmpcheck.monitor import System
from rmpcheck.smt.epr.expr import Reading, encode
from rmpcheck.smt.epr.transition import Transition, initial, transition
from rmpcheck.smt.epr.universe import Universe
from rmpcheck.smt.epr.vocab import free_vocab, range_axioms


@dataclass
class Outcome:
    """``holds`` (unsat), ``fails`` (sat: ``solver`` has the model) or ``unknown``."""

    status: Literal["holds", "fails", "unknown"]
    solver: z3.Solver
    reason: str = ""

    @property
    def model(self) -> z3.ModelRef:
        return self.solver.model()


def new_solver(u: Universe, timeout_ms: int | None) -> z3.Solver:
    """A fresh solver in ``u``'s context (tests replace this to simulate a solver giving up)."""
    s = z3.Solver(ctx=u.ctx)
    if timeout_ms is not None:
        s.set("timeout", timeout_ms)
    return s


def ask(s: z3.Solver, assumptions: Sequence[z3.BoolRef] = ()) -> Outcome:
    r = s.check(*assumptions)
    if r == z3.unsat:
        return Outcome("holds", s)
    if r == z3.sat:
        return Outcome("fails", s)
    return Outcome("unknown", s, s.reason_unknown() or "solver returned unknown")


class Induction:
    """Everything the queries share: the universe, the pre-state, init and each action's step."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.u = u = Universe(system.model)
        self.pre = free_vocab(u, system.state, "")
        here = Reading(self.pre)
        # a reachable state satisfies every state assumption (runs are cut where one fails)
        self.axioms = range_axioms(u, system.state, self.pre)
        self.axioms += [encode(u, a, here) for a in system.state_assumes]
        self.init_vocab, self.init = initial(u, system, self.pre)
        self._cache: dict[tuple[ir.Expr, str | None], z3.BoolRef] = {}
        self.transitions: list[Transition] = [
            transition(u, system, a, self.pre) for a in system.model.actions
        ]

    # ------------------------------------------------------------- readings

    # Houdini asks about the same candidates many times: encode each once per reading.

    def now(self, f: ir.Expr) -> z3.BoolRef:
        key = (f, None)
        if key not in self._cache:
            self._cache[key] = encode(self.u, f, Reading(self.pre))
        return self._cache[key]

    def after(self, f: ir.Expr, tr: Transition) -> z3.BoolRef:
        key = (f, tr.action.full_name)
        if key not in self._cache:
            r = Reading(self.pre, tr.post, tr.action, tr.params)
            self._cache[key] = encode(self.u, ir.prime(f), r)
        return self._cache[key]

    def at_init(self, f: ir.Expr) -> z3.BoolRef:
        key = (f, "")
        if key not in self._cache:
            self._cache[key] = encode(self.u, f, Reading(self.init_vocab))
        return self._cache[key]

    # -------------------------------------------------------------- queries

    def initiation(self, goals: Sequence[ir.Expr], timeout_ms: int | None) -> Outcome:
        """Can an initial state violate one of ``goals``?"""
        s = new_solver(self.u, timeout_ms)
        s.add(*self.axioms_of_model(), self.init)
        s.add(self.u.disj(z3.Not(self.at_init(g)) for g in goals))
        return ask(s)

    def axioms_of_model(self) -> list[z3.BoolRef]:
        """Range axioms of the model's own variables (monitors are defined at init)."""
        return range_axioms(self.u, self.system.model.state, self.pre)

    def step_solver(
        self, assumed: Sequence[ir.Expr], tr: Transition, timeout_ms: int | None
    ) -> z3.Solver:
        """A solver holding: pre-state axioms, ``assumed`` in the pre-state, and the step."""
        s = new_solver(self.u, timeout_ms)
        s.add(*self.axioms)
        s.add(*(self.now(f) for f in assumed))
        s.add(tr.guard)
        return s

    def consecution(
        self,
        assumed: Sequence[ir.Expr],
        goals: Sequence[ir.Expr],
        tr: Transition,
        timeout_ms: int | None,
    ) -> Outcome:
        """Can one ``tr`` step from a state satisfying ``assumed`` violate one of ``goals``?"""
        s = self.step_solver(assumed, tr, timeout_ms)
        s.add(self.u.disj(z3.Not(self.after(g, tr)) for g in goals))
        return ask(s)
