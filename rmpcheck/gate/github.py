"""GitHub Actions without code scanning: workflow annotations and a job summary.

When ``GITHUB_ACTIONS`` is ``true`` the gate prints one ``::error
file=...,line=...::`` workflow command per verdict that differs (at the
claim's line) and per input error (at its line and column), so the pull
request shows them on the diff; and when ``GITHUB_STEP_SUMMARY`` names a
file it appends a Markdown summary to it: the counts, a table of what is not
as expected, and each trace as Markdown (with its Mermaid diagram, which
GitHub draws). Paths are relative to ``GITHUB_WORKSPACE`` (the checkout),
which annotations need.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from rmpcheck.errors import Span
from rmpcheck.gate.failure import GateFailure
from rmpcheck.gate.judge import expectation_text
from rmpcheck.gate.plan import relative
from rmpcheck.gate.run import GateReport


def active(env: Mapping[str, str] = os.environ) -> bool:
    return env.get("GITHUB_ACTIONS", "").lower() == "true"


def commands(result: GateReport | GateFailure, env: Mapping[str, str] = os.environ) -> list[str]:
    """The workflow commands, one per line."""
    base = Path(env.get("GITHUB_WORKSPACE") or Path.cwd())
    if isinstance(result, GateFailure):
        if not result.diagnostics:
            return [_command("rmpcheck: the gate could not run", result.message, None, base)]
        return [_command("rmpcheck: input error", d.message + (f" ({d.hint})" if d.hint else ""),
                         d.span, base) for d in result.diagnostics]
    out = []
    for o in result.outcomes:
        if o.status not in ("mismatch", "error"):
            continue
        span = result.plan.property(o.job).span
        title = f"rmpcheck: {o.job.kind} {o.job.prop} on {o.job.model}"
        what = "differs" if o.status == "mismatch" else "could not run"
        out.append(_command(f"{title} {what}", o.note, span, base))
    return out


def _command(title: str, message: str, span: Span | None, base: Path) -> str:
    props = []
    if span is not None and span.line > 0 and span.file not in ("", "<builtin>"):
        props.append(f"file={_prop(relative(Path(span.file).resolve(), base.resolve()))}")
        props.append(f"line={span.line}")
        if span.col > 0:
            props.append(f"col={span.col}")
    props.append(f"title={_prop(title)}")
    return f"::error {','.join(props)}::{_data(message)}"


def _data(text: str) -> str:
    """A workflow command's message: %, CR and LF escaped (the runner's own rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    """A workflow command's property value: also ':' and ','."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def summary(result: GateReport | GateFailure) -> str:
    """The job summary in Markdown."""
    if isinstance(result, GateFailure):
        return "\n".join([
            "## rmpcheck: the gate could not run (exit 2)", "",
            "```text", result.message.rstrip(), "```", "",
        ])
    from rmpcheck.gate.console import summary as one_line
    from rmpcheck.trace import markdown

    mark = "as expected" if result.exit_code == 0 else f"exit {result.exit_code}"
    out = [f"## rmpcheck: {mark}", "", one_line(result), ""]
    bad = [o for o in result.outcomes if o.status != "ok"]
    if bad:
        out += ["| model | property | expected | got | status |", "|---|---|---|---|---|"]
        for o in bad:
            got = o.got if o.status != "error" else "error"
            expected = expectation_text(o.job.expect)
            out.append(f"| {o.job.model} | {o.job.prop} | {expected} | {got} | {o.status} |")
        out.append("")
    for o in bad:
        if o.result is not None and o.result.trace is not None:
            out += [f"<details><summary>{o.job.name}: {o.note}</summary>", ""]
            out += [markdown.render(o.result.trace), "</details>", ""]
    return "\n".join(out)


def write_summary(result: GateReport | GateFailure, env: Mapping[str, str] = os.environ) -> None:
    """Append to ``$GITHUB_STEP_SUMMARY`` when it is set (GitHub creates the file)."""
    path = env.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(summary(result) + "\n")
