"""Compare what an engine gave with what the configuration expects.

The verdict must be exactly the expected one, in either direction: a known-bad
variant that suddenly proves fails the gate just like a proof that breaks,
and a proof that degrades to "unknown" or to "bounded-safe" fails too. A
proof (or an uncoverable cover) must also have at least the expected scope:
"all-sizes" is only met by a proof for all sizes; "instance" (the default) by
a proof for the instance or for all sizes.

A proof the gate examined (docs/vacuity.md) must also be exactly as vacuous
and as "by construction" as its expectation says: a finding nobody expected
differs, and so does an expected one that is gone (the expectation is stale).
A finding left undecided differs only where one was expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rmpcheck.gate.plan import Job
from rmpcheck.gate.settings import Expectation
from rmpcheck.result import Result, Scope

Status = Literal["ok", "mismatch", "error", "not-run"]

_RANK = {"depth": 0, "instance": 1, "all-sizes": 2}


@dataclass(frozen=True, slots=True)
class Outcome:
    """One obligation's line in every report."""

    job: Job
    status: Status
    result: Result | None = None
    cached: bool = False
    note: str = ""  # why it differs, what went wrong, or why it did not run
    wall_s: float = 0.0

    @property
    def got(self) -> str:
        if self.status == "not-run":
            return "not run"
        if self.result is None:
            return "error"
        return self.result.verdict + self.result.findings_text()

    @property
    def scope(self) -> str:
        r = self.result
        return "" if r is None or r.scope is None else scope_text(r.scope)


def scope_text(s: Scope) -> str:
    if s.kind == "all-sizes":
        return "all sizes"
    if s.kind == "instance":
        return "instance"
    return f"depth {s.depth}"


def expectation_text(e: Expectation) -> str:
    if e.scope == "all-sizes":
        return f"{e.verdict} (all sizes)"
    return e.verdict


def judge(
    job: Job, result: Result | None, error: str = "", examined: bool = True
) -> tuple[Status, str]:
    """The status of one obligation, and the note that explains it; the findings count
    only if the proof was ``examined`` (its examination may not have run yet)."""
    if error:
        return "error", error
    if result is None:
        return "not-run", "not run"
    exp = job.expect
    got = result.describe()
    if result.verdict != exp.verdict:
        return "mismatch", f"expected {expectation_text(exp)}, got {got}"
    if exp.verdict in ("proved", "uncoverable"):
        if result.scope is None:
            return "mismatch", f"expected {expectation_text(exp)}, got {got} with no scope"
        if _RANK[result.scope.kind] < _RANK[exp.scope]:
            return "mismatch", f"expected {expectation_text(exp)}, got {got}"
    if job.vacuity and examined and result.verdict == "proved":
        problems = findings_differ(exp, result)
        if problems:
            return "mismatch", f"got {got}: {'; '.join(problems)}"
    return "ok", got


def verdict_matches(job: Job, result: Result | None) -> bool:
    """Is the verdict (and its scope) the expected one, whatever the findings?"""
    if result is None or result.verdict != job.expect.verdict:
        return False
    if job.expect.verdict not in ("proved", "uncoverable"):
        return True
    return result.scope is not None and _RANK[result.scope.kind] >= _RANK[job.expect.scope]


def findings_differ(exp: Expectation, result: Result) -> list[str]:
    """What is wrong with a proof's findings, given the expectation; [] if nothing."""
    out = []
    statuses = {f.status for f in result.findings}
    for status, why, key in (
        ("vacuous", exp.vacuous, "vacuous"),
        ("by-construction", exp.by_construction, "by_construction"),
    ):
        word = status.replace("-", " ")
        if status in statuses and why is None:
            out.append(
                f"a {word} proof is not expected (fix the claim, or say why with "
                f'{key} = "..." in its expectation)'
            )
        elif why is not None and status not in statuses:
            if "unknown" in statuses:
                out.append(f"expected {word} ({why}), but the examination was undecided")
            else:
                out.append(f"expected {word} ({why}), but it no longer is: drop {key} = ...")
    return out
