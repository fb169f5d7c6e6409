"""The gate's examination of proofs: vacuous? true by construction? (docs/vacuity.md)

One :class:`VacuityJob` per check, model file and instance examines every
invariant, always and lemma of that model whose vacuity setting is "check",
whatever its expected verdict (a claim expected refuted that proves is then
judged with its findings, like any proof). Examining them together lets one
explicit search decide every cover of the model (rmpcheck.vacuity); the job
runs in the gate's parallel runner beside the proofs, under the check's
timeout and memory limit, and its findings are cached by a hash of
everything that can change them (fingerprint.examination_key), unless one
of them is "unknown": those depend on the machine's speed.
"""

from __future__ import annotations

import dataclasses
import json
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rmpcheck import ir
from rmpcheck.errors import RmpcheckError
from rmpcheck.gate import codec
from rmpcheck.gate.fingerprint import examination_key
from rmpcheck.gate.plan import Job
from rmpcheck.result import Finding, Result

# what examining gives: one tuple of findings per member, in the job's order
Findings = tuple[tuple[Finding, ...], ...]


@dataclass(frozen=True, slots=True)
class VacuityJob:
    """Examine the proofs of ``members`` (indices into the plan's jobs): one model, one
    instance."""

    model_file: Path
    model: str
    instance: str
    sizes: tuple[tuple[str, int], ...]
    members: tuple[int, ...]
    fallback: str  # may prove a cover uncoverable when the instance is too large
    timeout: float
    memory_mb: int
    depth: int
    check: int
    key: str

    @property
    def name(self) -> str:
        return f"{self.model}::vacuity[{self.instance or 'no sorts'}]"


def vacuity_jobs(
    jobs: Sequence[Job],
    models: Mapping[Path, ir.Model],
    props: Mapping[tuple[Path, Path], ir.PropertySet],
    among: Sequence[int] | None = None,
) -> tuple[VacuityJob, ...]:
    """One job per (check, model file, instance) with claims to examine (``among`` the
    given job indices, or all), in plan order."""
    groups: dict[tuple[int, Path, tuple[tuple[str, int], ...]], list[int]] = {}
    for i in sorted(range(len(jobs)) if among is None else among):
        j = jobs[i]
        if j.vacuity:
            groups.setdefault((j.check, j.model_file, j.sizes), []).append(i)
    out = []
    for (check, mf, sizes), members in groups.items():
        first = jobs[members[0]]
        # the check's settings: the claims of one check share them unless overridden
        fallback = first.engine if first.engine not in ("bmc", "explicit") else "pdr"
        timeout = max(jobs[i].timeout for i in members)
        memory = max(jobs[i].memory_mb for i in members)
        depth = max(jobs[i].depth for i in members)
        claims = [
            (jobs[i].props_file, props[(jobs[i].props_file, mf)], jobs[i].prop) for i in members
        ]
        options = {"depth": depth, "timeout": timeout, "memory_mb": memory, "fallback": fallback}
        key = examination_key(mf, models[mf], claims, sizes, options)
        out.append(
            VacuityJob(
                mf,
                first.model,
                first.instance,
                sizes,
                tuple(members),
                fallback,
                timeout,
                memory,
                depth,
                check,
                key,
            )
        )
    return tuple(out)


def examine(
    job: VacuityJob,
    model: ir.Model,
    jobs: Sequence[Job],
    props: Mapping[tuple[Path, Path], ir.PropertySet],
) -> Findings:
    """The findings of every member (runs in the job's child process)."""
    from rmpcheck.vacuity import Budget, Claim
    from rmpcheck.vacuity import examine as run

    claims = []
    for i in job.members:
        ps = props[(jobs[i].props_file, job.model_file)]
        claims.append(Claim(ps, ps.get(jobs[i].prop)))
    budget = Budget(timeout_s=job.timeout, depth=job.depth, fallback=job.fallback)
    return tuple(run(model, claims, dict(job.sizes), budget))


def payload(job: VacuityJob, given: Any) -> tuple[str, str]:
    """What the child sends the runner: ("findings", json), or what went wrong."""
    model, jobs, props = given
    start = time.monotonic()
    try:
        return ("findings", dumps(examine(job, model, jobs, props)))
    except MemoryError:
        why = f"memory limit of {job.memory_mb} MB exceeded after {time.monotonic() - start:.1f} s"
        return ("unknown", why)
    except RmpcheckError as e:
        return ("error", str(e))
    except Exception:
        return ("error", "internal error (please report): " + traceback.format_exc())


def undecided(job: VacuityJob, reason: str) -> Findings:
    """Every member's examination unknown, with the reason (a killed or dead child)."""
    one = Finding("premise", "unknown", reason=reason)
    return tuple((one,) for _ in job.members)


def settled(found: Findings) -> bool:
    """Is every finding decided? Only then may the examination be cached."""
    return all(f.status != "unknown" for fs in found for f in fs)


def dumps(found: Findings) -> str:
    return json.dumps(to_json(found), sort_keys=True)


def to_json(found: Findings) -> list[list[dict[str, Any]]]:
    return [[codec.finding_to_json(f) for f in fs] for fs in found]


def loads(text: str) -> Findings:
    try:
        return from_json(json.loads(text))
    except json.JSONDecodeError as e:
        raise codec.CodecError(f"not JSON: {e}") from None


def from_json(doc: Any) -> Findings:
    try:
        return tuple(tuple(codec.finding_from_json(f) for f in fs) for fs in doc)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise codec.CodecError(f"malformed findings: {e!r}") from None


def attach(
    results: Mapping[int, Result], examined: Mapping[int, Findings], vjobs: Sequence[VacuityJob]
) -> dict[int, Result]:
    """``results`` (by job index) with each proof's findings from its examination."""
    out = dict(results)
    for k, vj in enumerate(vjobs):
        found = examined.get(k)
        if found is None:
            continue
        for i, fs in zip(vj.members, found, strict=True):
            r = out.get(i)
            if r is not None and r.verdict == "proved":
                out[i] = dataclasses.replace(r, findings=fs)
    return out
