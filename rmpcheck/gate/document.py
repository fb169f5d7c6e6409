"""The gate as one JSON document (``rmpcheck prove --json``), for scripts and dashboards.

Every obligation with what was asked (model, property, instance, engine,
limits, expectation, cache key) and what came back (status, verdict, scope,
reason, certificate, findings, and the trace in ITF with rmpcheck metadata);
then every examination of proofs (docs/vacuity.md) that ran or was cached.
"""

from __future__ import annotations

import json
from typing import Any

from rmpcheck import __version__
from rmpcheck.gate import codec
from rmpcheck.gate.judge import Outcome
from rmpcheck.gate.run import Examined, GateReport

FORMAT = 1


def document(report: GateReport) -> dict[str, Any]:
    plan = report.plan
    return {
        "format": FORMAT,
        "rmpcheck": __version__,
        "config": str(plan.config.path),
        "exit_code": report.exit_code,
        "interrupted": report.interrupted,
        "wall_s": round(report.wall_s, 3),
        "summary": {
            "total": len(report.outcomes),
            "ok": report.count("ok"),
            "mismatch": report.count("mismatch"),
            "error": report.count("error"),
            "not_run": report.count("not-run"),
            "cached": sum(1 for o in report.outcomes if o.cached),
        },
        "obligations": [_obligation(report, o) for o in report.outcomes],
        "examinations": [_examination(report, e) for e in report.examined],
    }


def _examination(report: GateReport, e: Examined) -> dict[str, Any]:
    """One examination of proofs (docs/vacuity.md): which, and how it went."""
    j = e.job
    jobs = report.plan.jobs
    return {
        "model": j.model,
        "model_file": report.plan.rel(j.model_file),
        "instance": j.instance,
        "sizes": dict(j.sizes),
        "claims": [
            {"property": jobs[i].prop, "property_file": report.plan.rel(jobs[i].props_file)}
            for i in j.members
        ],
        "fallback_engine": j.fallback,
        "limits": {"timeout_s": j.timeout, "memory_mb": j.memory_mb, "depth": j.depth},
        "cached": e.cached,
        "wall_s": round(e.wall_s, 3),
        "error": e.error,
        "key": j.key,
    }


def _obligation(report: GateReport, o: Outcome) -> dict[str, Any]:
    j = o.job
    plan = report.plan
    return {
        "model": j.model,
        "model_file": plan.rel(j.model_file),
        "property": j.prop,
        "property_file": plan.rel(j.props_file),
        "kind": j.kind,
        "instance": j.instance,
        "sizes": dict(j.sizes),
        "engine": j.engine,
        "limits": {"timeout_s": j.timeout, "memory_mb": j.memory_mb, "depth": j.depth},
        "expected": {
            "verdict": j.expect.verdict,
            "scope": j.expect.scope,
            "vacuous": j.expect.vacuous,
            "by_construction": j.expect.by_construction,
        },
        "examined": j.vacuity,
        "status": o.status,
        "note": o.note,
        "cached": o.cached,
        "key": j.key,
        "result": None if o.result is None else _result(o),
    }


def _result(o: Outcome) -> dict[str, Any]:
    from rmpcheck.trace import itf

    assert o.result is not None
    doc = codec.result_to_json(o.result)
    doc["stats"] = _plain(o.result.stats)
    doc["description"] = o.result.describe()
    doc["trace"] = None if o.result.trace is None else itf.dump(o.result.trace)
    return doc


def _plain(v: Any) -> Any:
    """Statistics as plain JSON (sets become sorted lists, odd objects their text)."""
    try:
        return json.loads(json.dumps(v, default=_fallback))
    except (TypeError, ValueError):  # keys JSON cannot have: the cache's tagged form
        return codec.encode(v)


def _fallback(o: Any) -> Any:
    return sorted(o, key=repr) if isinstance(o, (set, frozenset)) else str(o)
