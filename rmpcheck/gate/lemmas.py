"""A proof that assumed lemmas counts only if those lemmas are proved in the same run.

Engines list the lemmas a proof assumed in ``Result.stats["assumed_lemmas"]``.
Such a proof keeps its verdict only while every one of them is proved, for
the same property file on the same model, at least as broadly: a lemma
proved for the instance supports the dependent proof for that instance only
(its scope is narrowed to it, when the sizes agree), and a lemma that is not
proved turns the dependent into "unknown: depends on unproved lemma X".

Lemmas may lean on each other (each lemma's obligation assumes the others).
We keep the largest set of proofs that is closed under this rule (a greatest
fixpoint): that is sound because engines assume lemmas only as a
strengthening of the induction hypothesis (the pre-state of consecution);
the claims, each initiated and each preserved given all, then form one
inductive invariant together. A cycle through an unproved lemma falls.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

from rmpcheck.gate.plan import Job
from rmpcheck.result import Result, Scope

# what a proof supports: 2 every size, 1 its instance's sizes, 0 nothing
_ALL, _INSTANCE, _NONE = 2, 1, 0
_PROOFS = ("proved", "uncoverable", "bounded-safe")


def assumed_lemmas(result: Result) -> tuple[str, ...]:
    names = result.stats.get("assumed_lemmas") or ()
    if isinstance(names, str):
        names = (names,)
    return tuple(str(n) for n in names)


def _base(r: Result) -> int:
    """What a result supports on its own, before looking at the lemmas it assumed."""
    if r.verdict == "bounded-safe":
        return _INSTANCE  # not a proof, but it too must not rest on unproved lemmas
    if r.verdict not in _PROOFS or r.scope is None:
        return _NONE
    return {"all-sizes": _ALL, "instance": _INSTANCE}.get(r.scope.kind, _NONE)


def settle(jobs: Sequence[Job], results: Mapping[int, Result]) -> dict[int, Result]:
    """``results`` (by index into ``jobs``) with every lemma-dependent proof checked."""
    by_claim: dict[tuple[Path, Path, str], list[int]] = {}
    for i, j in enumerate(jobs):
        by_claim.setdefault((j.model_file, j.props_file, j.prop), []).append(i)
    base = {i: _base(r) for i, r in results.items()}
    level = dict(base)
    dependents = [i for i, r in results.items() if r.verdict in _PROOFS and assumed_lemmas(r)]

    def support(i: int, lemma: str) -> tuple[int, str]:
        job, best, reason = jobs[i], _NONE, f"depends on unproved lemma {lemma}"
        for k in by_claim.get((job.model_file, job.props_file, lemma), []):
            if k not in results or results[k].verdict != "proved":
                continue
            lv = level[k]
            if lv == _INSTANCE and jobs[k].sizes != job.sizes:
                lv = _NONE
                reason = (
                    f"depends on lemma {lemma}, proved only for other sizes "
                    f"({_sizes(jobs[k].sizes)})"
                )
            best = max(best, lv)
        return best, reason

    # levels only fall, so this reaches the greatest fixpoint
    changed = True
    while changed:
        changed = False
        for i in dependents:
            new = min([base[i], *(support(i, x)[0] for x in assumed_lemmas(results[i]))])
            if new < level[i]:
                level[i], changed = new, True

    def _proved_somewhere(job: Job, lemma: str) -> bool:
        ks = by_claim.get((job.model_file, job.props_file, lemma), [])
        return any(k in results and results[k].verdict == "proved" for k in ks)

    out = dict(results)
    for i in dependents:
        r = results[i]
        if level[i] == _NONE:
            failing = [x for x in assumed_lemmas(r) if support(i, x)[0] == _NONE]
            # name the root cause: a lemma not proved at all, before one that fell with us
            failing.sort(key=lambda x: _proved_somewhere(jobs[i], x))
            reason = support(i, failing[0])[1] if failing else "depends on an unproved lemma"
            out[i] = dataclasses.replace(
                r,
                verdict="unknown",
                scope=None,
                reason=reason,
                stats={**r.stats, "downgraded_from": r.verdict},
            )
        elif level[i] < base[i]:
            out[i] = dataclasses.replace(
                r,
                scope=Scope("instance", jobs[i].sizes),
                reason="a lemma it assumed is proved only for this instance",
            )
    return out


def _sizes(sizes: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sizes) or "no sorts"
