"""SARIF 2.1.0 for code-scanning viewers: one result per verdict that differs.

Each result points at the claim's line in its property file; its trace is a
codeFlow whose thread-flow locations point at the source line of each
action taken (in the model, or in the file that model includes), with the
message ``host.write(t=Thread0): step[Thread0]: consulted -> idle``, so a
viewer steps through the race line by line. Obligations that could not run
are tool execution notifications, not results; so is an error that stops the
gate before anything runs (a bad configuration, model or property file:
:func:`failure_document`), with its file, line and column. URIs are relative
to the configuration's directory, the base ``%SRCROOT%`` that
``originalUriBaseIds`` resolves to an absolute ``file:`` URI (the repository
root in the usual layout).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from rmpcheck import __version__, ir
from rmpcheck.errors import Span
from rmpcheck.gate import codec
from rmpcheck.gate.failure import GateFailure
from rmpcheck.gate.judge import Outcome, verdict_matches
from rmpcheck.gate.plan import Plan, relative
from rmpcheck.gate.run import GateReport
from rmpcheck.trace.model import Trace

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
BASE = "%SRCROOT%"
# where a SARIF viewer sends a reader who wants to know what rmpcheck is:
# [project.urls] Homepage of the installed package, else its PyPI page
_PYPI = "https://pypi.org/project/rmpcheck/"

# one rule per kind of claim; ids are stable, so viewers can track alerts over time
RULES: tuple[tuple[str, str, str], ...] = (
    (
        "invariant",
        "An invariant's verdict differs from the expected one",
        "An invariant must hold in every reachable state.",
    ),
    (
        "always",
        "A step property's verdict differs from the expected one",
        "An always property must hold at every step.",
    ),
    (
        "cover",
        "A cover's verdict differs from the expected one",
        "A cover must be reachable (covered) or unreachable (uncoverable), as expected.",
    ),
    (
        "lemma",
        "A lemma's verdict differs from the expected one",
        "A lemma is an auxiliary invariant that proofs may assume; it must itself be proved.",
    ),
    (
        "liveness",
        "A liveness claim's verdict differs from the expected one",
        "A liveness claim must hold on every fair infinite run (docs/language.md, Liveness).",
    ),
    (
        "deadlock",
        "The deadlock check's verdict differs from the expected one",
        "Some action must be enabled in every reachable state that is not terminal.",
    ),
    (
        "vacuity",
        "A proof is vacuous or true by construction, and that is not expected (or no longer so)",
        "A premise that never holds, a disjunct never needed, or a claim that holds whatever "
        "the design's guards makes a proof worth less than it says (docs/vacuity.md).",
    ),
)
_RULE_INDEX = {kind: i for i, (kind, _, _) in enumerate(RULES)}


def rule_id(kind: str) -> str:
    return f"rmpcheck/{kind}"


def document(report: GateReport) -> dict[str, Any]:
    plan = report.plan
    results = [_result(plan, o) for o in report.outcomes if o.status == "mismatch"]
    notes = [
        {
            "level": "error",
            "message": {"text": f"{o.job.name}: {o.note}"},
            "descriptor": {"id": "rmpcheck/obligation-error"},
        }
        for o in report.outcomes
        if o.status == "error"
    ]
    invocation: dict[str, Any] = {
        "executionSuccessful": not report.interrupted and not notes,
        "exitCode": report.exit_code,
    }
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return _log(_run(plan.config.root, invocation, results))


def failure_document(failure: GateFailure) -> dict[str, Any]:
    """The SARIF of a run that stopped before proving anything: no results, and the
    error as a notification located at each place it names."""
    diags = failure.diagnostics or (None,)
    notes = []
    for d in diags:
        note: dict[str, Any] = {
            "level": "error",
            "message": {"text": d.render() if d is not None else failure.message},
            "descriptor": {"id": "rmpcheck/input-error"},
            "properties": {"errorKind": failure.kind},
        }
        if d is not None and d.span.line > 0 and d.span.file not in ("", "<builtin>"):
            uri = relative(Path(d.span.file).resolve(), failure.root)
            note["locations"] = [
                {"physicalLocation": _located(uri, d.span.line, d.span.col, d.span)}
            ]
        notes.append(note)
    invocation = {
        "executionSuccessful": False,
        "exitCode": failure.exit_code,
        "toolExecutionNotifications": notes,
    }
    return _log(_run(failure.root, invocation, []))


def _log(run: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _run(root: Path, invocation: dict[str, Any], results: list[Any]) -> dict[str, Any]:
    """One run: the tool, where relative URIs start, the invocation, the results."""
    return {
        "tool": {
            "driver": {
                "name": "rmpcheck",
                "version": __version__,
                "informationUri": information_uri(),
                "rules": [_rule(k, short, full) for k, short, full in RULES],
            }
        },
        "originalUriBaseIds": {
            BASE: {
                "uri": root.resolve().as_uri().rstrip("/") + "/",
                "description": {"text": "the directory of the gate's configuration"},
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }


def information_uri() -> str:
    from importlib import metadata

    try:
        urls = metadata.metadata("rmpcheck").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:  # running from a source tree
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "documentation") and url.strip():
            return url.strip()
    return _PYPI


def _rule(kind: str, short: str, full: str) -> dict[str, Any]:
    return {
        "id": rule_id(kind),
        "name": f"{kind.capitalize()}VerdictDiffers",
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "defaultConfiguration": {"level": "error"},
        "help": {
            "text": "The gate expected another verdict (see [tool.rmpcheck] in "
            "pyproject.toml); the message says which, and the code flow "
            "steps through the counterexample when there is one."
        },
    }


def _result(plan: Plan, o: Outcome) -> dict[str, Any]:
    job = o.job
    prop = plan.property(job)
    about_findings = verdict_matches(job, o.result)
    rid = rule_id("vacuity" if about_findings else job.kind)
    out: dict[str, Any] = {
        "ruleId": rid,
        "level": "error",
        "message": {"text": f"{job.kind} {job.prop} on model {job.model}: {o.note}"},
        "locations": [
            {
                "physicalLocation": _physical(plan, prop.span, job.props_file),
                "logicalLocations": [
                    {"name": job.prop, "fullyQualifiedName": job.name, "kind": "member"}
                ],
            }
        ],
        "partialFingerprints": {
            "rmpcheckObligation/v1": hashlib.sha256(
                f"{job.model}\0{job.prop}\0{job.instance}".encode()
            ).hexdigest(),
        },
        "properties": {
            "model": job.model,
            "instance": job.instance,
            "sizes": dict(job.sizes),
            "engine": job.engine,
            "expected": job.expect.verdict,
            "expected_vacuous": job.expect.vacuous,
            "expected_by_construction": job.expect.by_construction,
            "got": o.got,
        },
    }
    kind = "vacuity" if about_findings else job.kind
    if kind in _RULE_INDEX:
        out["ruleIndex"] = _RULE_INDEX[kind]
    if o.result is not None and o.result.findings:
        out["properties"]["findings"] = [codec.finding_to_json(f) for f in o.result.findings]
        out["relatedLocations"] = [
            {
                "id": n,
                "physicalLocation": _physical(plan, f.span, job.props_file),
                "message": {"text": f.describe()},
            }
            for n, f in enumerate(o.result.findings)
            if f.span is not None
        ]
    if o.result is not None and o.result.trace is not None:
        out["codeFlows"] = [_code_flow(plan, plan.models[job.model_file], o.result.trace)]
    return out


def _physical(plan: Plan, span: Span, fallback: Path) -> dict[str, Any]:
    if span.line > 0 and span.file not in ("", "<builtin>"):
        return _located(plan.rel(Path(span.file).resolve()), span.line, span.col, span)
    return {"artifactLocation": {"uri": plan.rel(fallback), "uriBaseId": BASE}}


def _located(uri: str, line: int, col: int, span: Span) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": line, "startColumn": max(1, col)}
    if span.end_line >= span.line and span.end_col > 0:
        region["endLine"] = span.end_line
        region["endColumn"] = span.end_col
    return {"artifactLocation": {"uri": uri, "uriBaseId": BASE}, "region": region}


def _code_flow(plan: Plan, model: ir.Model, trace: Trace) -> dict[str, Any]:
    from rmpcheck.trace import layout

    locations = []
    for i, step in enumerate(trace.steps):
        if step.action is None:
            text = "initial state: " + "; ".join(
                layout.summarize(k, v) for k, v in step.state.items()
            )
            span = model.span
        else:
            changes = "; ".join(str(c) for c in layout.changes(trace.steps[i - 1], step))
            text = f"{layout.call(step)}: {changes or 'no change'}"
            choice = layout.choices(step)
            if choice:
                text += f" (chose {choice})"
            try:
                span = model.action(step.action).span
            except KeyError:
                span = model.span
        locations.append(
            {
                "location": {
                    "physicalLocation": _physical(plan, span, Path(model.file)),
                    "message": {"text": text},
                },
                "executionOrder": i,
                "nestingLevel": 0,
            }
        )
    return {
        "message": {"text": trace.summary or f"{trace.kind} of {trace.length} steps"},
        "threadFlows": [{"locations": locations}],
    }


def write(report: GateReport | GateFailure, path: str | Path) -> None:
    doc = failure_document(report) if isinstance(report, GateFailure) else document(report)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
