"""``rmpcheck simulate``: a random run of a model, checking its claims on the way."""

from __future__ import annotations

import sys

import click

from rmpcheck.cli.common import EXIT_DIFFERS, EXIT_INTERRUPTED, EXIT_OK, reports_errors
from rmpcheck.cli.sizes import instance_option, resolve, size_option


@click.command()
@click.argument("model_file", metavar="MODEL", type=click.Path(dir_okay=False))
@click.argument("props_file", metavar="[PROPS]", required=False, type=click.Path(dir_okay=False))
@click.option("--steps", type=click.IntRange(min=0), default=20, show_default=True)
@click.option(
    "--seed",
    type=int,
    default=None,
    metavar="N",
    help="repeat the walk printed with 'seed: N' [default: a fresh random seed, printed]",
)
@size_option
@instance_option
@reports_errors
def simulate(
    model_file: str,
    props_file: str | None,
    steps: int,
    seed: int | None,
    sizes: dict[str, int],
    instance: str | None,
) -> None:
    """Take a random walk through MODEL and print it.

    Each run draws a fresh seed and prints it first (seed: N); --seed N
    takes the same walk again, step for step.

    With PROPS, every claim is checked at each state: the walk stops at the
    first violated invariant, always or lemma and prints its counterexample;
    covers reached on the way are listed. Exit 0 when nothing was violated
    (including a walk that stopped at a deadlock), 1 at a violation, 2 on bad
    input, 3 on an internal error, 130 when interrupted (Ctrl-C or SIGTERM: the
    walk so far is printed, up to its first 1000 steps).
    """
    from rmpcheck.errors import Interrupted
    from rmpcheck.lang import load_model, load_properties
    from rmpcheck.simulation import Walk, fresh_seed, walk

    model = load_model(model_file)
    props = load_properties(props_file, model) if props_file else None
    at = resolve(model, props, sizes, instance)
    if seed is None:
        seed = fresh_seed()
    click.echo(f"seed: {seed}")
    try:
        w = walk(model, props, at, steps, seed)
    except Interrupted as stop:
        assert isinstance(stop.finished, Walk)
        _show(stop.finished)
        shown = f" (the first {stop.finished.trace.length} shown)"
        more = shown if stop.finished.trace.length < stop.finished.steps else ""
        click.echo(f"interrupted after {stop.finished.steps} step(s){more}", err=True)
        sys.exit(EXIT_INTERRUPTED)
    _show(w)
    sys.exit(EXIT_DIFFERS if w.violated else EXIT_OK)


def _show(w: object) -> None:
    from rmpcheck.cli.report import trace_text
    from rmpcheck.simulation import Walk

    assert isinstance(w, Walk)
    click.echo(trace_text(w.trace).rstrip("\n"))
    for name, step in w.covered.items():
        click.echo(f"cover {name} reached at step {step}")
    if w.ended == "deadlock":
        click.echo(f"deadlock: no action is enabled after step {w.trace.length}")
