"""Gate mode of ``rmpcheck prove``: no MODEL/PROPS, run the configured matrix.

``prove`` adds :func:`gate_options` to its options and calls :func:`run_gate_mode`
when MODEL is absent; everything else lives in :mod:`rmpcheck.gate`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from rmpcheck.errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])

GATE_HELP = """\b
Gate mode (no MODEL and PROPS): run every (model, property) pair that
[tool.rmpcheck] in pyproject.toml names (or --config FILE), in parallel,
with results cached in .rmpcheck-cache/, and compare each verdict with the
expected one. See docs/ci.md.
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
)
_GATE = ("config", "jobs", "no_cache", "junit", "sarif")


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
            "--no-cache",
            is_flag=True,
            help="gate: ignore cached results (fresh results are still cached)",
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
    """Run the configured gate; return the exit code."""
    from rmpcheck.gate import console, document, junit, sarif
    from rmpcheck.gate.config import find_config, load_config
    from rmpcheck.gate.plan import make_plan
    from rmpcheck.gate.run import GateOptions, run_gate
    from rmpcheck.trace.export import parse_formats, write_traces

    p = ctx.params
    given = _explicit(ctx, _SINGLE)
    if given:
        raise click.UsageError(
            f"{_flags(given)} apply to one MODEL/PROPS pair; the gate takes "
            "engines, sizes and limits from its configuration"
        )
    formats = parse_formats(p["trace_format"])
    config = load_config(Path(p["config"]) if p["config"] else find_config())
    plan = make_plan(config)
    if names:
        known = {j.prop for j in plan.jobs}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ConfigError(f"no configured obligation checks {', '.join(unknown)}")
    options = GateOptions(
        jobs=p["jobs"],
        read_cache=not p["no_cache"],
        select=(lambda j: j.prop in names) if names else None,
    )
    report = run_gate(plan, options, console.progress_for(sys.stderr))
    _write(lambda path: junit.write(report, path), p["junit"])
    _write(lambda path: sarif.write(report, path), p["sarif"])
    if p["trace_dir"]:
        write_traces(
            [o.result for o in report.outcomes if o.result is not None], p["trace_dir"], formats
        )
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(document.document(report), indent=2))
    else:
        console.show(report)
    return report.exit_code


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
    }
    return ", ".join(flags.get(n, "--" + n.replace("_", "-")) for n in names)
