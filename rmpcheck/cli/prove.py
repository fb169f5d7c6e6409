"""``rmpcheck prove``: prove every claim of a model, or refute it with a trace.

Thin: parse options, call :func:`rmpcheck.api.prove`, print (report.py formats).
"""

from __future__ import annotations

import json
import sys

import click

from rmpcheck.cli.common import EXIT_DIFFERS, EXIT_INTERRUPTED, EXIT_OK, reports_errors
from rmpcheck.cli.gate import GATE_HELP, check_single_mode, gate_options, run_gate_mode
from rmpcheck.cli.options import SECONDS, memory_option
from rmpcheck.cli.sizes import instance_option, resolve, size_option
from rmpcheck.engines.base import DEFAULT_DEPTH
from rmpcheck.engines.registry import ENGINES
from rmpcheck.errors import ConfigError
from rmpcheck.ir import DEADLOCK_CLAIM
from rmpcheck.liveness.deadlock import with_claim
from rmpcheck.result import Result

# verdicts that let `prove MODEL PROPS` exit 0
SETTLED = frozenset({"proved", "covered"})


@click.command(epilog=GATE_HELP)
@click.argument("model_file", metavar="[MODEL]", required=False, type=click.Path(dir_okay=False))
@click.argument("props_file", metavar="[PROPS]", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--property",
    "-p",
    "names",
    multiple=True,
    metavar="NAME",
    help="prove only this claim (repeatable; default: every claim)",
)
@click.option(
    "--engine",
    "-e",
    type=click.Choice(list(ENGINES)),
    default="auto",
    show_default=True,
    help="auto runs bmc, pdr and inductive in parallel processes; a fixed order, not "
    "the first to finish, picks the answer",
)
@size_option
@instance_option
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=DEFAULT_DEPTH,
    show_default=True,
    help="bmc/kind bound (bmc: 'no violation up to depth k' is never a proof)",
)
@click.option(
    "--timeout",
    type=SECONDS,
    default=None,
    metavar="S",
    help="wall-clock seconds per claim, set-up included (none by default; honoured "
    "within 2 s); running out gives 'unknown'",
)
@memory_option(
    "address space of each claim's process (auto: of each engine's); running out gives 'unknown'"
)
@click.option("--no-symmetry", is_flag=True, help="explicit: do not reduce by sort symmetry")
@click.option(
    "--prefer",
    "prefs",
    multiple=True,
    type=click.Choice(["actors", "changes"]),
    help="replace each trace by one no longer with fewer distinct actors, or fewer "
    "distinct state variables changed, when a bounded search finds one; repeatable, "
    "the first given counts most (see docs/traces.md)",
)
@click.option(
    "--prefer-budget",
    type=SECONDS,
    default=5.0,
    show_default=True,
    metavar="S",
    help="seconds per trace for --prefer; when they run out the engine's trace is kept",
)
@click.option(
    "--vacuity",
    type=click.Choice(["check", "off"]),
    default="check",
    show_default=True,
    help="examine every proof: is a premise unreachable, a disjunct never needed, "
    "the claim true by construction? (docs/vacuity.md)",
)
@click.option(
    "--deadlock/--no-deadlock",
    default=True,
    show_default=True,
    help="also check that some action is enabled in every reachable state that is not "
    "terminal (the claim deadlock_free; not added when -p names claims)",
)
@click.option("--json", "as_json", is_flag=True, help="print one JSON document instead")
@gate_options
@reports_errors
def prove(
    model_file: str | None,
    props_file: str | None,
    names: tuple[str, ...],
    engine: str,
    sizes: dict[str, int],
    instance: str | None,
    depth: int,
    timeout: float | None,
    memory: int,
    no_symmetry: bool,
    prefs: tuple[str, ...],
    prefer_budget: float,
    vacuity: str,
    deadlock: bool,
    as_json: bool,
    **gate: object,
) -> None:
    """Prove each claim of PROPS about MODEL, or refute it with a replayed trace.

    Each invariant, always, cover, lemma and liveness claim is checked at the
    instance sizes, and so is deadlock_free (--no-deadlock: not):
    --size and --instance, else the first instance block of PROPS, else of
    MODEL; the inductive engine (in auto, too) proves for every size. Prints
    a table of verdicts with what each covers ("proved for all sizes",
    "proved for Page=6, Thread=3", "no violation up to depth 10", "refuted
    (trace of 5 steps)"), every counterexample and witness, and every proof
    certificate. Each proof is examined (--vacuity check, the default): a
    premise that never holds, a disjunct never needed, or a claim true by
    construction is shown after the verdict, "proved for all sizes (vacuous:
    premise 'host.write(t)' is unreachable)"; the exit code is unchanged.

    --prefer actors / --prefer changes: after the engine answers, look for a
    trace no longer than its own that involves fewer distinct actors, or
    changes fewer distinct state variables (both: the first given counts
    most), within --prefer-budget seconds per trace; the new trace is
    replayed on the interpreter like any other, and the engine's is kept
    when none is better or the budget runs out. Verdicts never change.

    \b
    Exit codes:
      0  every claim is proved or covered
      1  some claim is refuted, uncoverable, only bounded-safe (no violation
         up to a depth is not a proof) or unknown (a limit was hit)
      2  bad input: a file, an option, an unknown property or sort
      3  internal error (never a verdict)
      130  interrupted (Ctrl-C or SIGTERM): the claims that finished are
         printed, the engine processes stopped

    Without MODEL and PROPS, runs the project's configured gate.
    """
    ctx = click.get_current_context()
    if model_file is None:
        sys.exit(run_gate_mode(ctx, names, as_json))
    check_single_mode(ctx)
    if props_file is None:
        raise click.UsageError("missing PROPS: give a property file after the model")
    from rmpcheck import api
    from rmpcheck.cli import report
    from rmpcheck.cli.progress import status_line
    from rmpcheck.engines.base import Options

    model = api.load_model(model_file)
    props = api.load_properties(props_file, model)
    if (deadlock and not names) or DEADLOCK_CLAIM in names:
        props = with_claim(model, props)
    try:
        api.select(props, names or None)
    except ConfigError as e:
        raise click.BadParameter(str(e), param_hint="'--property'") from None
    at = resolve(model, props, sizes, instance)
    status = status_line()
    opts = Options(
        depth=depth,
        timeout_s=timeout,
        memory_mb=memory,
        symmetry=not no_symmetry,
        progress=status,
    )
    formats = _trace_formats(gate)
    try:
        results = api.prove(
            model,
            props,
            property=names or None,
            engine=engine,
            sizes=at,
            options=opts,
            vacuity=vacuity == "check",
            isolate=True,
        )
    except api.Interrupted as stop:
        if status is not None:
            status.clear()
        finished: list[Result] = stop.finished if isinstance(stop.finished, list) else []
        if finished:
            report.show(model, at, engine, finished)
        total = len(api.select(props, names or None))
        click.echo(f"\ninterrupted: {len(finished)} of {total} claim(s) finished", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if status is not None:
        status.clear()
    if prefs:
        from rmpcheck.trace.prefer import prefer_results

        results = prefer_results(model, props, results, prefs, prefer_budget)
    if gate.get("trace_dir"):
        from rmpcheck.cli.common import say_written
        from rmpcheck.trace.export import write_traces

        say_written(write_traces(results, str(gate["trace_dir"]), formats), str(gate["trace_dir"]))
    code = EXIT_OK if all(r.verdict in SETTLED for r in results) else EXIT_DIFFERS
    if as_json:
        doc = report.document(model, props, at, engine, results, code)
        click.echo(json.dumps(doc, indent=2, sort_keys=False))
    else:
        report.show(model, at, engine, results)
    sys.exit(code)


def _trace_formats(gate: dict[str, object]) -> tuple[str, ...]:
    """Parse --trace-format before any proving, so a typo costs no time."""
    from rmpcheck.trace.export import parse_formats

    try:
        return parse_formats(str(gate.get("trace_format") or "json,text"))
    except ConfigError as e:
        raise click.BadParameter(str(e), param_hint="'--trace-format'") from None
