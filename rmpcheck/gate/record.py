"""``rmpcheck prove --write-expectations``: the verdicts a gate run got, as its expectations.

Each claim that ran is expected to give what it gave (a cover "covered" or
"uncoverable"), in the configuration's own text (:mod:`expect_text`), except
where a verdict cannot stand as an expectation: "unknown" (a limit was hit:
raise it, do not expect it), an obligation that failed to run, a claim that
gives different verdicts on the models of one check, and a proof that differs
only in scope or in its vacuity findings (those need a person: a scope or a
reason). Those are listed, untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rmpcheck.gate.expect_text import set_verdicts
from rmpcheck.gate.plan import expectation_for
from rmpcheck.gate.run import GateReport

_FINDINGS = "its scope or vacuity findings are not what is expected (the gate says why)"


@dataclass(frozen=True, slots=True)
class Change:
    check: int
    claim: str
    verdict: str
    was: str | None  # None: the claim had no expectation


@dataclass(frozen=True)
class Recording:
    """What recording would write: the new text, the changes in it, and what it left."""

    path: Path
    text: str
    changes: tuple[Change, ...]
    left: tuple[tuple[str, str], ...] = field(default=())  # (obligation, why not recorded)


def record(report: GateReport) -> Recording:
    """The configuration's text with the verdicts of ``report`` as its expectations."""
    config = report.plan.config
    got: dict[tuple[int, str], set[str]] = {}
    was: dict[tuple[int, str], str | None] = {}
    left: list[tuple[str, str]] = []
    for o in report.outcomes:
        j, r = o.job, o.result
        if r is None:
            left.append((j.name, f"no verdict ({o.note or o.status})"))
            continue
        if r.verdict == "unknown":
            reason = f": {r.reason}" if r.reason else ""
            left.append((j.name, f"unknown{reason} (raise the limit; an unknown is not expected)"))
            continue
        # its own entry, or the pattern's; None: the claim had none (the plan made one up)
        current = expectation_for(config.checks[j.check].expect, j.prop)
        if o.status == "mismatch" and r.verdict == j.expect.verdict:
            # the verdict is right, its scope or findings are not: a person says why (the
            # gate's report, which follows, says what); a claim with none gets the verdict
            done = "" if current is not None else f"{r.verdict} recorded, but "
            left.append((j.name, f"{done}{_FINDINGS}"))
            if current is not None:
                continue
        key = (j.check, j.prop)
        got.setdefault(key, set()).add(r.verdict)
        was[key] = current.verdict if current is not None else None
    changes: list[Change] = []
    for (check, claim), verdicts in got.items():
        if len(verdicts) > 1:
            left.append(
                (
                    claim,
                    f"check #{check + 1} gives {' and '.join(sorted(verdicts))} on its "
                    "models (one expectation cannot say both: split the check)",
                )
            )
            continue
        (verdict,) = verdicts
        if verdict != was[(check, claim)]:
            changes.append(Change(check, claim, verdict, was[(check, claim)]))
    edits: dict[int, dict[str, str]] = {}
    for c in changes:
        edits.setdefault(c.check, {})[c.claim] = c.verdict
    text = config.source.text
    if edits:
        text = set_verdicts(text, config.prefix, edits)
    return Recording(config.path, text, tuple(changes), tuple(left))
