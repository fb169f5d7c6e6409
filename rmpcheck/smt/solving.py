"""Running a Z3 check under an engine's deadline; unknown always carries a reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import z3

from rmpcheck.engines.base import Deadline

Status = Literal["sat", "unsat", "unknown"]


@dataclass(frozen=True, slots=True)
class Outcome:
    status: Status
    reason: str = ""  # why unknown
    model: z3.ModelRef | None = None


def new_solver(logic: str | None = None) -> z3.Solver:
    """Every engine's solvers come from here (tests replace it to force "unknown").

    ``logic="QF_FD"`` is Z3's finite-domain solver: it bit-blasts the
    bit-vector encoding (smt/width.py) into its incremental SAT solver,
    push/pop included.
    """
    return z3.Solver() if logic is None else z3.SolverFor(logic)


def solver_for(width: int | None) -> z3.Solver:
    """The solver for an encoding of that width (smt/vocab.Layout)."""
    return new_solver() if width is None else new_solver("QF_FD")


def check(solver: z3.Solver, deadline: Deadline) -> Outcome:
    """``solver.check()`` with the deadline's remaining time as z3's ``timeout``."""
    if deadline.expired():
        return Outcome("unknown", "timeout")
    ms = deadline.z3_ms()
    if ms is not None:
        solver.set("timeout", ms)
    r = solver.check()
    if r == z3.sat:
        return Outcome("sat", model=solver.model())
    if r == z3.unsat:
        return Outcome("unsat")
    reason = solver.reason_unknown() or "z3 gave no reason"
    if deadline.expired() or reason in ("timeout", "canceled"):
        reason = "timeout"
    return Outcome("unknown", reason)


def valid(claim: z3.BoolRef, *hyps: z3.BoolRef, deadline: Deadline) -> Outcome:
    """Is ``hyps -> claim`` valid? "unsat" means yes (checked on a fresh solver)."""
    s = new_solver()
    s.add(*hyps)
    s.add(z3.Not(claim))
    return check(s, deadline)
