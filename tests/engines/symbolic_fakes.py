"""Stand-ins that force the "never proved" paths of the symbolic engines."""

from __future__ import annotations

import z3


class UnknownSolver(z3.Solver):
    """A solver whose every check gives up, as z3 does on a hard query."""

    def __init__(self, logic: str | None = None) -> None:
        super().__init__()

    def check(self, *assumptions: z3.ExprRef) -> z3.CheckSatResult:
        return z3.unknown

    def reason_unknown(self) -> str:
        return "incomplete quantifiers (forced by the test)"


class SatAfter(z3.Solver):
    """Real for the first ``n`` solvers created, then always "sat": a re-check
    that finds the certificate wrong."""

    created = 0
    n = 0

    def __init__(self, logic: str | None = None) -> None:
        super().__init__()
        type(self).created += 1
        self.fake = type(self).created > type(self).n

    def check(self, *assumptions: z3.ExprRef) -> z3.CheckSatResult:
        return z3.sat if self.fake else super().check(*assumptions)

    def model(self) -> z3.ModelRef:
        if not self.fake:
            return super().model()
        empty = z3.Solver()
        empty.check()
        return empty.model()
