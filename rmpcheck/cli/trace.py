"""``rmpcheck replay`` and ``rmpcheck trace show|export``: saved traces, read and re-checked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import click

from rmpcheck.cli.common import EXIT_DIFFERS, EXIT_OK, reports_errors
from rmpcheck.errors import ConfigError

_FORMATS = click.Choice(["text", "md", "html", "dot", "json"], case_sensitive=False)
_SHOW = click.Choice(["changed", "all"], case_sensitive=False)
_TRACE = click.argument("trace_file", metavar="TRACE", type=click.Path(dir_okay=False))


@click.command()
@_TRACE
@click.argument("model_file", metavar="MODEL", type=click.Path(dir_okay=False))
@click.argument("props_file", metavar="[PROPS]", required=False, type=click.Path(dir_okay=False))
@reports_errors
def replay(trace_file: str, model_file: str, props_file: str | None) -> None:
    """Re-run a saved trace (ITF JSON) on MODEL, as it is now.

    Every step must still be an enabled action reaching the recorded state.
    With PROPS, the trace's property must also still be violated (or its
    cover reached) at the end. Exit 0 when it replays; 1 with the first step
    that no longer applies and why; 2 on unreadable input; 3 on an internal
    error; 130 when interrupted.
    """
    from rmpcheck.lang import load_model, load_properties
    from rmpcheck.trace import itf
    from rmpcheck.trace.recheck import recheck

    trace = itf.load(trace_file)
    model = load_model(model_file)
    props = load_properties(props_file, model) if props_file else None
    outcome = recheck(trace, model, props)
    click.echo(f"{trace_file}: {outcome}")
    sys.exit(EXIT_OK if outcome.ok else EXIT_DIFFERS)


@click.group()
def trace() -> None:
    """Show or convert saved traces (ITF JSON written by rmpcheck prove)."""


@trace.command()
@_TRACE
@click.option("--format", "-f", "fmt", type=_FORMATS, default="text", show_default=True)
@click.option("--show", type=_SHOW, default="changed", show_default=True,
              help="list only the values each step changed, or the whole state")
@reports_errors
def show(trace_file: str, fmt: str, show: str) -> None:
    """Print a saved trace: text columns per actor, markdown, html, dot or json."""
    from rmpcheck.trace import itf
    from rmpcheck.trace.export import Show, render

    click.echo(render(itf.load(trace_file), fmt, cast(Show, show)), nl=False)


@trace.command()
@_TRACE
@click.option("--format", "-f", "fmt", type=_FORMATS, required=True)
@click.option("--output", "-o", "out", type=click.Path(dir_okay=False), required=True,
              help="file to write ('-' for standard output)")
@click.option("--show", type=_SHOW, default="changed", show_default=True)
@reports_errors
def export(trace_file: str, fmt: str, out: str, show: str) -> None:
    """Convert a saved trace to another format and write it to a file."""
    from rmpcheck.trace import itf
    from rmpcheck.trace.export import Show, render

    text = render(itf.load(trace_file), fmt, cast(Show, show))
    if out == "-":
        click.echo(text, nl=False)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{out}: cannot write: {e}") from None
    click.echo(f"wrote {out}", err=True)
