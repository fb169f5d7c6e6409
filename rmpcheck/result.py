"""What an engine returns: a verdict, exactly what it covers, and its evidence.

"proved" always comes with a Scope saying what was proved: every size, the
instance's sizes, or (never called proved) no violation up to a depth.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Any, Literal

from rmpcheck.errors import Span
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

    kind: Literal["inductive-invariant", "k-induction", "lemmas", "state-space", "ranking"]
    formulas: tuple[str, ...]
    rechecked: bool
    detail: str = ""


FindingKind = Literal["initial", "premise", "disjunct", "step", "guard-free"]
FindingStatus = Literal["vacuous", "by-construction", "unknown"]

# How long a premise or disjunct may be in one line of output before it is cut
PART_IN_LINE = 40


@dataclass(frozen=True, slots=True)
class Finding:
    """Why a proof may be worth less than it says (docs/vacuity.md).

    ``premise``/``disjunct``: an automatic cover derived from the claim's
    formula; ``vacuous`` when it is uncoverable (the premise never holds, the
    disjunct is never the only reason the claim holds). ``step``/``guard-free``:
    a test of the whole claim; ``by-construction`` when it passed. ``unknown``:
    the cover or test was not decided (``reason`` says why), so nothing is
    claimed either way. Decided covers that are reachable are not findings.
    """

    kind: FindingKind
    status: FindingStatus
    part: str = ""  # the premise or disjunct in model text; "" for a whole-claim test
    span: Span | None = None  # where that part is written
    index: int = 0  # a disjunct's number (1-based) in its disjunction
    verdict: Verdict = "unknown"  # what the cover or the test gave
    scope: Scope | None = None
    reason: str = ""

    @builtins.property
    def phrase(self) -> str:
        """What was found, without the status word: ``premise 'x' is unreachable``."""
        part = _cut(self.part)
        if self.status == "by-construction":
            if self.kind == "step":
                return "holds on every step from any state"
            return "holds with every guard of every action removed"
        if self.status == "vacuous":
            if self.kind == "initial":
                return "no initial state at these sizes: every claim holds there"
            if self.kind == "premise":
                return f"premise '{part}' is unreachable"
            return f"disjunct {self.index} '{part}' is never needed"
        what = {
            "initial": "whether an initial state exists",
            "premise": f"premise '{part}'",
            "disjunct": f"disjunct {self.index} '{part}'",
            "step": "step restatement",
            "guard-free": "guard-free relaxation",
        }[self.kind]
        return f"{what} undecided" + (f" ({self.reason})" if self.reason else "")

    def describe(self) -> str:
        """``vacuous: premise 'host.write(t)' is unreachable`` and the like."""
        word = {"vacuous": "vacuous", "by-construction": "by construction"}
        return f"{word.get(self.status, 'vacuity unknown')}: {self.phrase}"


def _cut(text: str) -> str:
    return text if len(text) <= PART_IN_LINE else text[: PART_IN_LINE - 4].rstrip() + " ..."


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
    # vacuity and "by construction" of a proof: filled in after proving (rmpcheck.vacuity)
    findings: tuple[Finding, ...] = ()

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
            return f"{self.verdict} {self.scope}{self.findings_text()}"
        if self.trace is not None:
            n = self.trace.length
            return f"{self.verdict} (trace of {n} step{'' if n == 1 else 's'})"
        return self.verdict

    def findings_text(self) -> str:
        """`` (vacuous: ...; by construction: ...)``, or "" without findings."""
        groups = []
        for status, word in (
            ("vacuous", "vacuous"),
            ("by-construction", "by construction"),
            ("unknown", "vacuity unknown"),
        ):
            phrases = [f.phrase for f in self.findings if f.status == status]
            if phrases:
                groups.append(f"{word}: {'; '.join(phrases)}")
        return f" ({'; '.join(groups)})" if groups else ""
