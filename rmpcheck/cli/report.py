"""How ``rmpcheck prove`` shows results: a verdict table, traces, certificates, or JSON."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import click

from rmpcheck import ir
from rmpcheck.result import Result
from rmpcheck.trace.model import Trace

# an unknown's reason longer than this is printed below the table, not in it
REASON_IN_TABLE = 40


def verdict_text(r: Result, sizes: Mapping[str, int] | None = None) -> str:
    """'proved for Page=6, Thread=3', 'no violation up to depth 10', 'refuted (trace ...)';
    a trace found at other sizes than ``sizes`` (the table's) says at which."""
    if r.verdict == "unknown" and len(r.reason) > REASON_IN_TABLE:
        return "unknown (reason below)"
    text = r.describe()
    s = r.scope
    if r.trace is not None and s is not None and sizes is not None and dict(s.sizes) != sizes:
        at = ", ".join(f"{k}={v}" for k, v in s.sizes) or "no sorts"
        text = text.replace(r.verdict, f"{r.verdict} at {at}", 1)
    return text


def rows(
    results: Sequence[Result], sizes: Mapping[str, int] | None = None
) -> list[tuple[str, str, str, str, str]]:
    return [
        (r.property, r.kind, verdict_text(r, sizes), r.engine, f"{r.time_s:.2f} s")
        for r in results
    ]


def show(model: ir.Model, sizes: Mapping[str, int], engine: str, results: Sequence[Result]) -> None:
    """Print the table, then each trace and certificate."""
    at = ", ".join(f"{k}={v}" for k, v in sizes.items()) or "no sorts"
    click.echo(f"{model.name} ({at}), engine {engine}\n")
    table = rows(results, dict(sizes))
    head = ("property", "kind", "verdict", "engine", "time")
    if sys.stdout.isatty():
        from rich.console import Console  # only for people at a terminal
        from rich.table import Table

        t = Table(*head, box=None)
        for row in table:
            t.add_row(*row, style=_style(row[2]))
        Console().print(t)
    else:
        widths = [max(len(x) for x in col) for col in zip(head, *table, strict=True)]
        for row in (head, *table):
            click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    for r in results:
        if "budget" in r.stats:
            click.echo(f"\n== {r.property}: {r.stats['budget']}")
        if r.verdict == "unknown" and len(r.reason) > REASON_IN_TABLE:
            click.echo(f"\n== {r.property}: unknown ({r.engine})\n")
            click.echo(textwrap.fill(r.reason, 100, initial_indent="  ", subsequent_indent="  "))
        if r.trace is not None:
            label = "witness" if r.trace.kind == "witness" else "counterexample"
            click.echo(f"\n== {r.property}: {label} ({r.engine})\n")
            if "prefer" in r.stats:
                click.echo(f"--prefer: {r.stats['prefer']}\n")
            click.echo(trace_text(r.trace).rstrip("\n"))
        if r.certificate is not None:
            c = r.certificate
            checked = "re-checked" if c.rechecked else "NOT re-checked"
            click.echo(f"\n== {r.property}: certificate ({c.kind}, {checked})")
            if c.detail:
                click.echo(f"  {c.detail}")
            for f in c.formulas:
                click.echo(f"  {f}")


def _style(verdict: str) -> str:
    if verdict.startswith(("proved", "covered")):
        return "green"
    if verdict.startswith(("refuted", "uncoverable")):
        return "red"
    return "yellow"


def trace_text(trace: Trace) -> str:
    """The trace exporter's text columns."""
    from rmpcheck.trace import text

    return text.render(trace)


def result_dict(r: Result, sizes: Mapping[str, int] | None = None) -> dict[str, Any]:
    """One result as plain JSON values; the trace in ITF with rmpcheck metadata."""
    from rmpcheck.gate.codec import finding_to_json
    from rmpcheck.trace import itf

    scope = None
    if r.scope is not None:
        scope = {"kind": r.scope.kind, "sizes": dict(r.scope.sizes), "depth": r.scope.depth}
    cert = None
    if r.certificate is not None:
        c = r.certificate
        cert = {
            "kind": c.kind,
            "formulas": list(c.formulas),
            "rechecked": c.rechecked,
            "detail": c.detail,
        }
    return {
        "property": r.property,
        "kind": r.kind,
        "verdict": r.verdict,
        "description": verdict_text(r, dict(sizes)) if sizes is not None else verdict_text(r),
        "scope": scope,
        "engine": r.engine,
        "time_s": round(r.time_s, 4),
        "reason": r.reason,
        "stats": _plain(r.stats),
        "certificate": cert,
        "trace": itf.dump(r.trace) if r.trace is not None else None,
        "findings": [finding_to_json(f) for f in r.findings],
    }


def document(
    model: ir.Model,
    props: ir.PropertySet,
    sizes: Mapping[str, int],
    engine: str,
    results: Sequence[Result],
    exit_code: int,
) -> dict[str, Any]:
    return {
        "model": model.name,
        "model_file": model.file,
        "properties_file": props.file,
        "sizes": dict(sizes),
        "engine": engine,
        "results": [result_dict(r, sizes) for r in results],
        "exit_code": exit_code,
    }


def _plain(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset)):
        return [_plain(x) for x in v]
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)
