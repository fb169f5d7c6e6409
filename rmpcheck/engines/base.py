"""What every engine takes: an obligation, sizes, and options; and the limits it honours.

Engines return :class:`rmpcheck.result.Result` values and never print; progress
goes through the optional callback. A limit that is hit yields "unknown" with
the reason, never a guess.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rmpcheck.monitor import Obligation
from rmpcheck.result import Result, Scope, Verdict

Progress = Callable[[str], None]

DEFAULT_DEPTH = 10

# the kinds one explicit search decides together (engines/explicit_together): a state
# or step predicate watched in every state; the deadlock check is one (some action
# enabled, or a terminal state)
SHARED_KINDS = ("invariant", "always", "cover", "deadlock")


@dataclass(frozen=True, slots=True)
class Options:
    # bmc/kind bound; bmc never calls anything below it "proved". Ten steps reach every
    # counterexample of the shipped models (the longest takes 6) and finish in seconds
    # per claim on them (race, Page=6, Thread=3: bmc 2 s, kind 2 s); 30 took 10 minutes.
    depth: int = DEFAULT_DEPTH
    timeout_s: float | None = None  # wall clock per obligation
    memory_mb: int | None = None  # enforced by the process that runs the engine (auto, gate)
    symmetry: bool = True  # explicit: canonical representatives under sort permutations
    seed: int = 0
    progress: Progress | None = field(default=None, compare=False)
    extra: Mapping[str, Any] = field(default_factory=dict)


class Deadline:
    """Wall-clock budget shared by the phases of one engine run."""

    def __init__(self, timeout_s: float | None) -> None:
        self.start = time.monotonic()
        self.end = None if timeout_s is None else self.start + timeout_s

    def remaining(self) -> float | None:
        return None if self.end is None else max(0.0, self.end - time.monotonic())

    def expired(self) -> bool:
        return self.end is not None and time.monotonic() >= self.end

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def z3_ms(self) -> int | None:
        """The remaining budget as a z3 ``timeout`` parameter (milliseconds, at least 1)."""
        r = self.remaining()
        return None if r is None else max(1, int(r * 1000))


def sizes_scope(sizes: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(sizes.items()))


def unknown(ob: Obligation, engine: str, reason: str, deadline: Deadline, **stats: Any) -> Result:
    return Result(
        ob.model.name,
        ob.prop.name,
        ob.prop.kind,
        "unknown",
        engine,
        reason=reason,
        time_s=deadline.elapsed(),
        stats=dict(stats),
    )


def verdict_for(ob: Obligation, violated: bool) -> Verdict:
    """A found trace means refuted (safety) or covered (reach); none means the other."""
    if ob.kind == "reach":
        return "covered" if violated else "uncoverable"
    return "refuted" if violated else "proved"


def instance_scope(sizes: Mapping[str, int]) -> Scope:
    return Scope("instance", sizes_scope(sizes))
