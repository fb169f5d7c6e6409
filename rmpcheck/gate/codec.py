"""Results to JSON and back, losslessly, so a cached refutation still has its trace
(in ITF, as every saved trace).

Display values in traces are bools, ints, strings, tuples and dicts whose keys
may be tuples (maps with several keys); JSON has neither tuples nor non-string
keys, so those two are tagged: ``{"#tup": [...]}`` and ``{"#map": [[k, v], ...]}``.
Anything malformed raises :class:`CodecError`; the cache treats that as a miss.
"""

from __future__ import annotations

import json
from typing import Any, get_args

from rmpcheck.errors import Span, TraceError
from rmpcheck.result import (
    Certificate,
    Finding,
    FindingKind,
    FindingStatus,
    Result,
    Scope,
    Verdict,
)
from rmpcheck.trace import itf
from rmpcheck.trace.model import Trace

VERDICTS: tuple[str, ...] = get_args(Verdict)


class CodecError(Exception):
    """A stored result that cannot be read back (corrupt, or from another format)."""


def encode(v: Any) -> Any:
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    if isinstance(v, tuple):
        return {"#tup": [encode(x) for x in v]}
    if isinstance(v, list):
        return [encode(x) for x in v]
    if isinstance(v, dict):
        if all(isinstance(k, str) and not k.startswith("#") for k in v):
            return {k: encode(x) for k, x in v.items()}
        return {"#map": [[encode(k), encode(x)] for k, x in v.items()]}
    return str(v)  # engine statistics may hold odd objects; their text is enough


def decode(v: Any) -> Any:
    if isinstance(v, list):
        return [decode(x) for x in v]
    if isinstance(v, dict):
        if set(v) == {"#tup"}:
            return tuple(decode(x) for x in v["#tup"])
        if set(v) == {"#map"}:
            return {_hashable(decode(k)): decode(x) for k, x in v["#map"]}
        return {k: decode(x) for k, x in v.items()}
    return v


def _hashable(k: Any) -> Any:
    return tuple(_hashable(x) for x in k) if isinstance(k, list) else k


def trace_to_json(t: Trace) -> dict[str, Any]:
    """A trace as the ITF document ``rmpcheck replay`` reads: one format for traces,
    in the cache, in ``--json`` and on disk, so none of them can drop a field."""
    return itf.dump(t)


def trace_from_json(d: dict[str, Any]) -> Trace:
    try:
        return itf.from_dict(d, validate=False)  # ours, just written: structure checks suffice
    except TraceError as e:  # an entry from another version: the cache takes it as a miss
        raise CodecError(str(e)) from None


def result_to_json(r: Result) -> dict[str, Any]:
    return {
        "model": r.model,
        "property": r.property,
        "kind": r.kind,
        "verdict": r.verdict,
        "engine": r.engine,
        "scope": scope_to_json(r.scope),
        "trace": None if r.trace is None else trace_to_json(r.trace),
        "certificate": None
        if r.certificate is None
        else {
            "kind": r.certificate.kind,
            "formulas": list(r.certificate.formulas),
            "rechecked": r.certificate.rechecked,
            "detail": r.certificate.detail,
        },
        "reason": r.reason,
        "time_s": r.time_s,
        "stats": encode(r.stats),
        "findings": [finding_to_json(f) for f in r.findings],
    }


def scope_to_json(sc: Scope | None) -> dict[str, Any] | None:
    if sc is None:
        return None
    return {"kind": sc.kind, "sizes": [list(x) for x in sc.sizes], "depth": sc.depth}


def scope_from_json(sc: Any) -> Scope | None:
    if sc is None:
        return None
    return Scope(sc["kind"], tuple((str(k), int(v)) for k, v in sc["sizes"]), sc["depth"])


def finding_to_json(f: Finding) -> dict[str, Any]:
    """A finding as plain JSON: what was tested, where, and what it gave."""
    span = None
    if f.span is not None:
        s = f.span
        span = {
            "file": s.file,
            "line": s.line,
            "col": s.col,
            "end_line": s.end_line,
            "end_col": s.end_col,
        }
    return {
        "kind": f.kind,
        "status": f.status,
        "part": f.part,
        "index": f.index,
        "span": span,
        "verdict": f.verdict,
        "scope": scope_to_json(f.scope),
        "reason": f.reason,
        "description": f.describe(),
    }


def finding_from_json(d: Any) -> Finding:
    sp = d["span"]
    span = (
        None
        if sp is None
        else Span(
            sp["file"], int(sp["line"]), int(sp["col"]), int(sp["end_line"]), int(sp["end_col"])
        )
    )
    if (
        d["kind"] not in get_args(FindingKind)
        or d["status"] not in get_args(FindingStatus)
        or d["verdict"] not in VERDICTS
    ):
        raise CodecError(f"not a finding: {d!r}")
    return Finding(
        d["kind"],
        d["status"],
        str(d["part"]),
        span,
        int(d["index"]),
        d["verdict"],
        scope_from_json(d["scope"]),
        str(d["reason"]),
    )


def result_from_json(d: Any) -> Result:
    if not isinstance(d, dict) or d.get("verdict") not in VERDICTS:
        raise CodecError("not a stored result")
    try:
        sc, cert, tr = d["scope"], d["certificate"], d["trace"]
        return Result(
            model=d["model"],
            property=d["property"],
            kind=d["kind"],
            verdict=d["verdict"],
            engine=d["engine"],
            scope=scope_from_json(sc),
            trace=None if tr is None else trace_from_json(tr),
            certificate=None
            if cert is None
            else Certificate(
                cert["kind"], tuple(cert["formulas"]), bool(cert["rechecked"]), cert["detail"]
            ),
            reason=d["reason"],
            time_s=float(d["time_s"]),
            stats=decode(d["stats"]),
            findings=tuple(finding_from_json(f) for f in d.get("findings", ())),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise CodecError(f"malformed result: {e!r}") from None


def dumps(r: Result) -> str:
    return json.dumps(result_to_json(r), sort_keys=True)


def loads(text: str) -> Result:
    try:
        return result_from_json(json.loads(text))
    except json.JSONDecodeError as e:
        raise CodecError(f"not JSON: {e}") from None
