"""JUnit XML: one testcase per obligation, so any CI shows the gate as tests.

classname is the model, name the property (with the instance appended when
one model checks a property at several instances). A verdict that differs
from the expected one (an unexpected "unknown" included) is a <failure>
whose body is the trace as text columns (type "findings-differ" when the
verdict is right but the proof's findings are not the expected ones); an
obligation that could not run is an <error>; one cut off by an interrupt is
<skipped>. A proof's findings are lines of its <system-out>. A run stopped
before anything ran (a bad configuration, model or property file) is one suite
``rmpcheck`` with one ``<error>`` test case, ``configuration``, whose body is
the located error (:func:`failure_document`). Valid against the widely used
Jenkins junit-10.xsd (tests/gate/data).
"""

from __future__ import annotations

import socket
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from rmpcheck.gate.failure import GateFailure
from rmpcheck.gate.judge import Outcome, verdict_matches
from rmpcheck.gate.run import GateReport


def _secs(t: float) -> str:
    return f"{t:.3f}"


def _case_names(outcomes: tuple[Outcome, ...]) -> list[str]:
    seen = Counter((o.job.model, o.job.prop) for o in outcomes)
    return [
        o.job.prop if seen[(o.job.model, o.job.prop)] == 1 else f"{o.job.prop}[{o.job.instance}]"
        for o in outcomes
    ]


def _body(o: Outcome) -> str:
    from rmpcheck.gate.console import details

    return details(o)


def document(report: GateReport) -> ET.Element:
    names = _case_names(report.outcomes)
    suites: dict[str, ET.Element] = {}
    counts: dict[str, Counter[str]] = {}
    times: dict[str, float] = {}
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    root = ET.Element("testsuites", name="rmpcheck")
    for o, name in zip(report.outcomes, names, strict=True):
        suite = suites.get(o.job.model)
        if suite is None:
            suite = suites[o.job.model] = ET.SubElement(
                root,
                "testsuite",
                name=o.job.model,
                timestamp=stamp,
                hostname=socket.gethostname(),
                file=report.plan.rel(o.job.model_file),
            )
            counts[o.job.model] = Counter()
        t = o.result.time_s if o.result is not None else o.wall_s
        times[o.job.model] = times.get(o.job.model, 0.0) + t
        case = ET.SubElement(suite, "testcase", classname=o.job.model, name=name, time=_secs(t))
        c = counts[o.job.model]
        c["tests"] += 1
        if o.status == "mismatch":
            c["failures"] += 1
            kind = "findings-differ" if verdict_matches(o.job, o.result) else "verdict-differs"
            f = ET.SubElement(case, "failure", message=o.note, type=kind)
            f.text = _body(o)
        elif o.status == "error":
            c["errors"] += 1
            e = ET.SubElement(
                case, "error", message=o.note.splitlines()[0] if o.note else "error", type="error"
            )
            e.text = o.note
        elif o.status == "not-run":
            c["skipped"] += 1
            ET.SubElement(case, "skipped", message="not run: the gate was interrupted")
        out = ET.SubElement(case, "system-out")
        out.text = _summary_line(o)
    for model, suite in suites.items():
        c = counts[model]
        for k in ("tests", "failures", "errors", "skipped"):
            suite.set(k, str(c[k]))
        suite.set("time", _secs(times[model]))
    total = sum(counts.values(), Counter())
    for k in ("tests", "failures", "errors"):
        root.set(k, str(total[k]))
    root.set("time", _secs(report.wall_s))
    return root


def _summary_line(o: Outcome) -> str:
    j = o.job
    sizes = ", ".join(f"{k}={v}" for k, v in j.sizes) or "no sorts"
    got = o.result.describe() if o.result is not None else o.got
    cached = " (cached)" if o.cached else ""
    lines = [
        f"{j.kind} {j.prop} on {j.model} [{j.instance or 'no instance'}: {sizes}] "
        f"with {j.engine}: expected {j.expect.verdict}, got {got}{cached}"
    ]
    for f in o.result.findings if o.result is not None else ():
        # one line per finding: the schema has no properties per test case
        what = f"{f.status} {f.kind}" + (f" '{f.part}'" if f.part else "")
        where = f" at {f.span}" if f.span is not None else ""
        lines.append(f"finding: {what}{where} ({f.verdict}){' ' + f.reason if f.reason else ''}")
    return "\n".join(lines) + "\n"


def failure_document(failure: GateFailure) -> ET.Element:
    """One suite, one test case that errored: the error, located, as its body."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    root = ET.Element("testsuites", name="rmpcheck", tests="1", failures="0", errors="1")
    suite = ET.SubElement(
        root, "testsuite", name="rmpcheck", tests="1", failures="0", errors="1", skipped="0",
        time="0.000", timestamp=stamp, hostname=socket.gethostname(),
    )
    case = ET.SubElement(
        suite, "testcase", classname="rmpcheck", name="configuration", time="0.000"
    )
    e = ET.SubElement(case, "error", message=failure.headline, type=failure.kind)
    e.text = failure.message
    root.set("time", "0.000")
    return root


def write(report: GateReport | GateFailure, path: str | Path) -> None:
    doc = failure_document(report) if isinstance(report, GateFailure) else document(report)
    tree = ET.ElementTree(doc)
    ET.indent(tree)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tree.write(path, encoding="utf-8", xml_declaration=True)
