"""What an engine returns: a verdict, exactly what it covers, and its evidence.

"proved" always comes with a Scope saying what was proved: every size, the
instance's sizes, or (never called proved) no violation up to a depth.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Any, Literal

from rmpcheck.trace.model import Trace

Verdict = Literal["proved", "refuted", "covered", "uncoverable", "bounded-safe", "unknown"]

# verdicts that settle a question; "bounded-safe" and "unknown" do not
DECISIVE: frozenset[str] = frozenset({"proved", "refuted", "covered", "uncoverable"})


@dataclass(frozen=True, slots=True)
class Scope:
    kind: Literal["all-sizes", "instance", "depth"]
    sizes: tuple[tuple[str, int], ...] = ()
    depth: int | None = None

    def __str__(self) -> str:
        sizes = ", ".join(f"{k}={v}" for k, v in self.sizes)
        if self.kind == "all-sizes":
            return "for all sizes"
        if self.kind == "instance":
            return f"for {sizes}" if sizes else "for this instance"
        where = f" ({sizes})" if sizes else ""
        return f"no violation up to depth {self.depth}{where}"


@dataclass(frozen=True, slots=True)
class Certificate:
    """Why a proof holds, in model vocabulary, and whether a fresh solver re-checked it."""

    kind: Literal["inductive-invariant", "k-induction", "lemmas", "state-space"]
    formulas: tuple[str, ...]
    rechecked: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    model: str
    property: str
    kind: str
    verdict: Verdict
    engine: str
    scope: Scope | None = None
    trace: Trace | None = None
    certificate: Certificate | None = None
    reason: str = ""
    time_s: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)

    @builtins.property
    def decisive(self) -> bool:
        return self.verdict in DECISIVE

    def describe(self) -> str:
        """One line for people: 'proved for all sizes', 'unknown: timeout after 10 s'."""
        if self.verdict == "unknown":
            return f"unknown: {self.reason}" if self.reason else "unknown"
        if self.verdict in ("proved", "uncoverable", "bounded-safe") and self.scope is not None:
            if self.verdict == "bounded-safe":
                if self.kind == "cover":
                    # nothing is violated by not reaching a cover: say what was searched
                    return str(self.scope).replace("no violation", "not reached", 1)
                return str(self.scope)
            return f"{self.verdict} {self.scope}"
        if self.trace is not None:
            n = self.trace.length
            return f"{self.verdict} (trace of {n} step{'' if n == 1 else 's'})"
        return self.verdict
