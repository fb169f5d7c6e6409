"""Gate mode of ``rmpcheck prove``: no MODEL/PROPS, run the configured matrix.

``prove`` adds :func:`gate_options` to its options and calls :func:`run_gate_mode`
when MODEL is absent; everything else lives in :mod:`rmpcheck.gate`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from rmpcheck.cli.common import say_written
from rmpcheck.errors import ConfigError

if TYPE_CHECKING:
    from rmpcheck.gate.failure import GateFailure
    from rmpcheck.gate.plan import Plan
    from rmpcheck.gate.run import GateReport

F = TypeVar("F", bound=Callable[..., Any])

# the defaults are rmpcheck.gate.settings.DEFAULTS (importing it here would load the
# whole gate for --help); tests/cli/test_help_defaults.py keeps the two in step
GATE_HELP = """\b
Gate mode (no MODEL and PROPS): run every (model, property) pair that
[tool.rmpcheck] in pyproject.toml names (or --config FILE), in parallel,
with results cached in .rmpcheck-cache/, and compare each verdict with the
expected one. See docs/ci.md. Unless the configuration says otherwise:
engine auto, timeout 60 s, memory_mb 2048 and depth 30 for each
obligation, and vacuity check.
\b
Gate exit codes:
  0    every verdict is as expected
  1    some verdict differs (in either direction: a proof that breaks, a
       known-bad variant that suddenly proves, an expected proof that
       times out)
  2    bad configuration or input (located: file:line:col)
  3    internal error: an obligation crashed or could not be started
  130  interrupted (Ctrl-C or SIGTERM): finished results are printed
       and cached
"""

# options that only make sense for one MODEL/PROPS pair, and only for the gate
_SINGLE = (
    "engine",
    "sizes",
    "instance",
    "depth",
    "timeout",
    "memory",
    "no_symmetry",
    "prefs",
    "prefer_budget",
    "vacuity",
    "deadlock",
)
_GATE = (
    "config",
    "jobs",
    "no_cache",
    "junit",
    "sarif",
    "write_expectations",
    "show_traces",
    "verbose",
    "scheduler",
)


def gate_options(f: F) -> F:
    """The gate's options, for ``rmpcheck prove``."""
    opts = [
        click.option(
            "--config",
            type=click.Path(dir_okay=False),
            default=None,
            metavar="FILE",
            help="gate: the configuration [default: the nearest pyproject.toml]",
        ),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=1),
            default=None,
            metavar="N",
            help="gate: obligations in parallel [default: one per CPU]",
        ),
        click.option(
            "--scheduler",
            default=None,
            metavar="ADDRESS",
            help="gate: run the obligations on this Dask cluster (tcp://HOST:PORT; "
            "needs rmpcheck[cluster]) [default: the configuration's scheduler, else here]",
        ),
        click.option(
            "--no-cache",
            is_flag=True,
            help="gate: ignore cached results (fresh results are still cached)",
        ),
        click.option(
            "--write-expectations",
            is_flag=True,
            help="gate: record the verdicts the claims get now as their expected verdicts "
            "in the configuration (covers as covered or uncoverable; comments and the "
            "rest kept), then run the gate on it",
        ),
        click.option(
            "--junit",
            type=click.Path(dir_okay=False),
            default=None,
            metavar="FILE",
            help="gate: write JUnit XML, one testcase per obligation",
        ),
        click.option(
            "--sarif",
            type=click.Path(dir_okay=False),
            default=None,
            metavar="FILE",
            help="gate: write SARIF 2.1.0, one result per verdict that differs",
        ),
        click.option(
            "--show-traces",
            is_flag=True,
            help="gate: also print the trace of every refutation that is expected "
            "(those not as expected are always printed)",
        ),
        click.option(
            "--verbose",
            "-v",
            is_flag=True,
            help="gate: also print the table of every obligation, a row each (wide)",
        ),
        click.option(
            "--trace-dir",
            type=click.Path(file_okay=False),
            default=None,
            metavar="DIR",
            help="write every counterexample and witness here",
        ),
        click.option(
            "--trace-format",
            default="json,text",
            show_default=True,
            metavar="FORMATS",
            help="json,text,md,html,dot for --trace-dir",
        ),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def check_single_mode(ctx: click.Context) -> None:
    """With MODEL and PROPS, the gate's options are a mistake: say so."""
    given = _explicit(ctx, _GATE)
    if given:
        raise click.UsageError(
            f"{_flags(given)} only apply to the gate (rmpcheck prove without MODEL and PROPS)"
        )


def run_gate_mode(ctx: click.Context, names: tuple[str, ...], as_json: bool) -> int:
    """Run the configured gate; return the exit code. Whatever happens, the JUnit
    and SARIF files asked for are written (CI uploads them after a failure)."""
    from rmpcheck.gate import console, document
    from rmpcheck.gate.run import GateOptions, run_gate
    from rmpcheck.trace.export import write_traces

    p = ctx.params
    given = _explicit(ctx, _SINGLE)
    if given:
        raise click.UsageError(
            f"{_flags(given)} apply to one MODEL/PROPS pair; the gate takes "
            "engines, sizes and limits from its configuration"
        )
    writing = bool(p["write_expectations"])
    plan, formats = _plan_or_report(p, names, as_json, recording=writing)
    options = GateOptions(
        jobs=p["jobs"],
        read_cache=not p["no_cache"],
        select=(lambda j: j.prop in names) if names else None,
        scheduler=p["scheduler"],
    )
    report = run_gate(plan, options, console.progress_for(sys.stderr))
    if writing and not report.interrupted:
        _record(report, as_json)
        # the gate on what was written: from the cache, but for the examination of
        # proofs that were not expected before
        plan, formats = _plan_or_report(p, names, as_json)
        report = run_gate(plan, options, console.progress_for(sys.stderr))
    _reports(p, report, as_json)
    trace_files: dict[int, Path] = {}
    if p["trace_dir"]:
        with_trace = [i for i, o in enumerate(report.outcomes) if o.result is not None]
        written = write_traces(
            [report.outcomes[i].result for i in with_trace], p["trace_dir"], formats
        )
        say_written(written, p["trace_dir"])
        trace_files = _text_files(report, with_trace, written, formats)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(document.document(report), indent=2))
    else:
        console.show(report, None, p["verbose"], p["show_traces"], trace_files)
    return report.exit_code


def _text_files(
    report: GateReport, with_trace: list[int], written: list[Path], formats: tuple[str, ...]
) -> dict[int, Path]:
    """Each outcome's trace file (the text one, if written) among ``written``, which holds
    len(formats) files for each outcome of ``with_trace`` that has a trace, in order."""
    pick = formats.index("text") if "text" in formats else 0
    out: dict[int, Path] = {}
    k = 0
    for i in with_trace:
        result = report.outcomes[i].result
        if result is not None and result.trace is not None:
            out[i] = written[k * len(formats) + pick]
            k += 1
    return out


def _record(report: GateReport, as_json: bool) -> None:
    """--write-expectations: write the verdicts of ``report`` into its configuration,
    and say what changed and what was left (on stderr under --json)."""
    from rmpcheck.gate.record import record

    rec = record(report)
    name = rec.path.name
    if rec.changes:
        try:
            rec.path.write_text(rec.text, encoding="utf-8")
        except OSError as e:
            raise ConfigError(f"{rec.path}: cannot write: {e.strerror or e}") from None
        click.echo(f"recorded {len(rec.changes)} expected verdict(s) in {name}:", err=as_json)
        for c in rec.changes:
            models = report.plan.config.checks[c.check].models
            where = report.plan.rel(models[0]) + (", ..." if len(models) > 1 else "")
            was = "had none" if c.was is None else f"was {c.was}"
            click.echo(
                f'  check #{c.check + 1} ({where}): {c.claim} = "{c.verdict}" ({was})',
                err=as_json,
            )
    elif not rec.left:
        click.echo(f"{name}: every verdict is already the expected one", err=as_json)
    else:
        click.echo(f"{name}: no verdict to record", err=as_json)
    if rec.left:
        click.echo("left to you (edit these by hand):", err=as_json)
        for who, why in rec.left:
            click.echo(f"  {who}: {why}", err=as_json)
    click.echo("", err=as_json)


def _plan_or_report(
    p: dict[str, Any], names: tuple[str, ...], as_json: bool, recording: bool = False
) -> tuple[Plan, tuple[str, ...]]:
    """Load the configuration and plan the obligations; on an error (exit 2), write
    the reports that say so before reports_errors prints it. ``recording``: claims
    may lack expectations (--write-expectations writes them)."""
    from rmpcheck.errors import InternalError, RmpcheckError
    from rmpcheck.gate.config import find_config, load_config
    from rmpcheck.gate.failure import failure_of
    from rmpcheck.gate.plan import make_plan
    from rmpcheck.trace.export import parse_formats

    root = Path(p["config"]).resolve().parent if p["config"] else Path.cwd()
    try:
        formats = parse_formats(p["trace_format"])
        path = Path(p["config"]) if p["config"] else find_config()
        root = path.resolve().parent
        plan = make_plan(load_config(path, recording), recording)
        if names:
            known = {j.prop for j in plan.jobs}
            unknown = [n for n in names if n not in known]
            if unknown:
                raise ConfigError(f"no configured obligation checks {', '.join(unknown)}")
    except (RmpcheckError, InternalError) as e:
        _reports(p, failure_of(e, root), as_json)
        raise
    return plan, formats


def _reports(p: dict[str, Any], result: GateReport | GateFailure, as_json: bool) -> None:
    """JUnit, SARIF, and on GitHub Actions the annotations and the job summary."""
    from rmpcheck.gate import github, junit, sarif

    _write(lambda path: junit.write(result, path), p["junit"])
    _write(lambda path: sarif.write(result, path), p["sarif"])
    if github.active():
        for line in github.commands(result):
            click.echo(line, err=as_json)  # --json keeps stdout one JSON document
        github.write_summary(result)


def _write(writer: Callable[[str], None], path: str | None) -> None:
    if path is None:
        return
    try:
        writer(path)
    except OSError as e:
        raise ConfigError(f"{path}: cannot write: {e.strerror or e}") from None


def _explicit(ctx: click.Context, names: tuple[str, ...]) -> list[str]:
    out = []
    for name in names:
        if name not in ctx.params:
            continue
        src = ctx.get_parameter_source(name)
        if src is not None and src.name not in ("DEFAULT", "DEFAULT_MAP"):
            out.append(name)
    return out


def _flags(names: list[str]) -> str:
    flags = {
        "sizes": "--size",
        "no_symmetry": "--no-symmetry",
        "prefs": "--prefer",
        "trace_dir": "--trace-dir",
        "trace_format": "--trace-format",
        "no_cache": "--no-cache",
        "deadlock": "--deadlock/--no-deadlock",
    }
    return ", ".join(flags.get(n, "--" + n.replace("_", "-")) for n in names)
