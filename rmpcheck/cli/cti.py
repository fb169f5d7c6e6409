"""``rmpcheck cti``: why a claim is not inductive, whether that is a bug, and what lemma is missing.

Thin: load, call engines/induction/cti, cti_reach, inductive; print. z3 is imported only
when the command runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace

import click

from rmpcheck.cli.common import EXIT_DIFFERS, EXIT_OK, reports_errors
from rmpcheck.cli.options import SECONDS, memory_option
from rmpcheck.errors import ConfigError

Echo = Callable[[str], None]


@click.command()
@click.argument("model_file", metavar="MODEL", type=click.Path(dir_okay=False))
@click.argument("props_file", metavar="PROPS", type=click.Path(dir_okay=False))
@click.option("--property", "-p", "name", required=True, metavar="NAME", help="the claim")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="bmc bound when asking whether the CTI is reachable",
)
@click.option("--no-lemmas", is_flag=True, help="ignore the lemmas of PROPS")
@click.option("--infer", is_flag=True, help="look for the missing lemmas (Houdini)")
@click.option(
    "--write",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    metavar="FILE",
    help="with --infer: write the inferred lemmas to FILE as a .prop file for review",
)
@click.option("--timeout", type=SECONDS, default=None, metavar="S", help="seconds in all")
@memory_option("address space of the process that does the work")
@reports_errors
def cti(
    model_file: str,
    props_file: str,
    name: str,
    depth: int,
    no_lemmas: bool,
    infer: bool,
    out: str | None,
    timeout: float | None,
    memory: int,
) -> None:
    """Show a counterexample to induction (CTI) for claim NAME and say whether it is reachable.

    The claim and the lemmas of PROPS are checked for induction over every
    size. If they are inductive, the claim is proved for all sizes. If not, a
    CTI is printed: a state satisfying all of them (not necessarily
    reachable; step 0 of the diagram is that state) and a step that breaks
    one. Then bmc, at the CTI's sizes, decides whether it is a real bug (a
    trace is printed) or unreachable (a lemma must exclude it; --infer looks
    for one, --write saves what it finds as a .prop file).

    \b
    Exit codes:
      0  the claim is proved for all sizes (with the lemmas, or inferred ones)
      1  a CTI remains (reachable or not), or the solver gave up
      2  bad input
      3  internal error
      130  interrupted (Ctrl-C or SIGTERM)
    """
    from rmpcheck import api
    from rmpcheck.cli.progress import status_line
    from rmpcheck.engines import sandbox
    from rmpcheck.engines.base import Options
    from rmpcheck.engines.induction.past import merged
    from rmpcheck.monitor import compile_obligation

    if out is not None and not infer:
        raise click.BadParameter("--write needs --infer", param_hint="'--write'")
    model = api.load_model(model_file)
    props = api.load_properties(props_file, model)
    try:
        prop = props.get(name)
    except KeyError:
        raise ConfigError(f"{props_file}: no property {name!r}") from None
    if prop.kind == "assume":
        raise ConfigError(f"{name} is an assumption, not a claim")
    if prop.kind == "liveness":
        raise ConfigError(
            f"{name} is a liveness claim: it has no counterexample to induction; "
            "rmpcheck prove -e inductive tries to prove it for every size"
        )
    # one variable per past-time formula, so the CTI's states are the engine's
    ob = merged(compile_obligation(model, props, name, use_lemmas=not no_lemmas))
    status = status_line()
    opts = Options(depth=depth, timeout_s=timeout, memory_mb=memory, progress=status)
    # in a process of its own: the timeout and memory limit hold, and Ctrl-C stops it
    got = sandbox.call(
        lambda echo: _investigate(ob, props, opts, infer, out, echo), timeout, memory, _say(status)
    )
    if status is not None:
        status.clear()
    if isinstance(got, sandbox.Stopped):
        click.echo(f"unknown: {got.reason}")
        sys.exit(EXIT_DIFFERS)
    sys.exit(got)


def _say(status: object) -> Callable[[object], None]:
    """Print a line the investigation sends, over the status line if there is one."""

    def say(text: object) -> None:
        if status is not None:
            status.clear()  # type: ignore[attr-defined]
        click.echo(str(text))

    return say


def _investigate(
    ob: object, props: object, opts: object, infer: bool, out: str | None, echo: Echo
) -> int:
    """Find a CTI and say whether it is reachable, or prove the claim; the exit code.
    The time limit holds for the whole, from the first instruction (engines.limits)."""
    from rmpcheck.engines.base import Options
    from rmpcheck.engines.limits import OutOfTime, wall_clock

    assert isinstance(opts, Options)
    try:
        with wall_clock(opts.timeout_s):
            return _phases(ob, props, opts, infer, out, echo)
    except OutOfTime:
        echo(f"unknown: timeout after {opts.timeout_s:g} s")
        return EXIT_DIFFERS


def _phases(
    ob: object, props: object, opts: object, infer: bool, out: str | None, echo: Echo
) -> int:
    from rmpcheck.engines.base import Deadline, Options
    from rmpcheck.engines.induction import cti as ctis
    from rmpcheck.monitor import Obligation
    from rmpcheck.smt.epr.transition import Unsupported

    assert isinstance(ob, Obligation) and isinstance(opts, Options)
    deadline = Deadline(opts.timeout_s)
    lemmas = f"{len(ob.lemmas)} lemma(s)"
    _progress(opts, "cti: checking initiation and consecution")
    try:
        found = ctis.find(ob, deadline)
    except Unsupported as e:
        raise ConfigError(f"the parametric encoding cannot express this model: {e}") from None
    for note in ctis.outside_epr(ob):
        echo(f"note: outside the decidable EPR fragment: {note}\n")
    opts = replace(opts, timeout_s=deadline.remaining())  # every phase shares the deadline
    if found is None or infer:
        return _prove(ob, props, opts, infer, out, lemmas, echo)
    if isinstance(found, ctis.Stuck):
        echo(f"unknown: {found.reason}")
        return EXIT_DIFFERS
    if isinstance(found, ctis.BadInit):
        sizes = ", ".join(f"{k}={v}" for k, v in sorted(found.sizes.items()))
        echo(f"an initial state ({sizes}) violates {', '.join(found.violated)}: a real bug")
        return EXIT_DIFFERS
    _show_cti(ob, found, opts, lemmas, echo)
    return EXIT_DIFFERS


def _progress(opts: object, message: str) -> None:
    say = getattr(opts, "progress", None)
    if say is not None:
        say(message)


def _show_cti(ob: object, found: object, opts: object, lemmas: str, echo: Echo) -> None:
    from rmpcheck.engines.base import Options
    from rmpcheck.engines.induction.cti import Cti
    from rmpcheck.engines.induction.cti_reach import reachability
    from rmpcheck.monitor import Obligation
    from rmpcheck.trace.text import render

    assert isinstance(ob, Obligation) and isinstance(found, Cti) and isinstance(opts, Options)
    echo(f"{ob.prop.kind} {ob.prop.name} with {lemmas} is not inductive.\n")
    echo(render(found.trace))
    echo("(step 0 is any state satisfying the claim and every lemma, not an initial state)\n")
    sizes = ", ".join(f"{k}={v}" for k, v in sorted(found.sizes.items()))
    _progress(opts, f"cti: is it reachable at {sizes}?")
    r = reachability(ob, found, opts)
    if r.status == "reachable":
        echo(f"reachable: {r.detail} -- a real bug:\n")
        assert r.trace is not None
        echo(render(r.trace))
    elif r.status == "unreachable":
        echo(f"{r.detail}\n=> a lemma must exclude this state; try --infer")
    else:
        echo(f"unknown whether reachable: {r.detail}")


def _prove(
    ob: object,
    props: object,
    opts: object,
    infer: bool,
    out: str | None,
    lemmas: str,
    echo: Echo,
) -> int:
    from rmpcheck import ir
    from rmpcheck.engines import inductive
    from rmpcheck.engines.base import Options
    from rmpcheck.monitor import Obligation

    assert isinstance(ob, Obligation) and isinstance(opts, Options)
    assert isinstance(props, ir.PropertySet)
    # the model's default instance is the sample inference filters candidates with
    hint = _default_sizes(ob.model, props)
    r = inductive.check(
        ob,
        hint,
        Options(timeout_s=opts.timeout_s, progress=opts.progress, extra={"infer": infer}),
    )
    if r.verdict not in ("proved", "uncoverable"):
        echo(r.describe())
        return EXIT_DIFFERS
    inferred = r.stats.get("inferred", [])
    echo(f"{ob.prop.name}: {r.describe()} (certificate re-checked by a fresh solver)")
    assert r.certificate is not None
    for f in r.certificate.formulas:
        echo(f"  {f}")
    if infer:
        echo(f"\n{len(inferred)} lemma(s) inferred beyond the {lemmas} given")
    if out is not None:
        _write(ob, props, inferred, out)
        echo(f"written to {out}")
    return EXIT_OK


def _default_sizes(model: object, props: object) -> dict[str, int]:
    from rmpcheck import api, ir

    assert isinstance(model, ir.Model) and isinstance(props, ir.PropertySet)
    try:
        return api.resolve_sizes(model, props)
    except ConfigError:
        return {}  # no instance to start from: inference samples uniform sizes only


def _write(ob: object, props: object, inferred: list[str], out: str) -> None:
    """The new lemmas, numbered under the claim they were inferred for
    (``CLAIM_lemma_N``, past the names the set already has). Into PROPS itself
    they are appended (its text and comments stay); any other FILE gets the
    whole property set plus the lemmas, so ``prove MODEL FILE`` works as is. A
    lemma the set already states in the same words is not written twice."""
    import itertools
    import os

    from rmpcheck import ir
    from rmpcheck.lang import load_properties
    from rmpcheck.lang.pretty import Printer, properties_to_text
    from rmpcheck.monitor import Obligation

    assert isinstance(ob, Obligation) and isinstance(props, ir.PropertySet)
    printer = Printer(ob.model.enums)
    have = {printer.expr(p.formula) for p in props.properties if p.kind == "lemma"}
    taken = {p.name for p in props.properties}
    # named after their claim, so a table or a gate matrix says whose lemma each is
    fresh = (f"{ob.prop.name}_lemma_{i}" for i in itertools.count(1))
    names = (n for n in fresh if n not in taken)
    new = [(next(names), f) for f in dict.fromkeys(inferred) if f not in have]
    block = ["", f"# inferred for {ob.prop.name} on {ob.model.name} by rmpcheck cti --infer"]
    block += [f"lemma {n}: {f}" for n, f in new]
    same = props.file and os.path.exists(out) and os.path.samefile(out, props.file)
    if same:
        with open(out, encoding="utf-8") as fh:
            text = fh.read().rstrip("\n").split("\n")
    else:
        text = properties_to_text(props, ob.model).rstrip("\n").split("\n")
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(text + (block if new else [])) + "\n")
    # what we write must read back, to the very formulas printed
    back = load_properties(out, ob.model)
    for n, f in new:
        if printer.expr(back.get(n).formula) != f:
            raise ConfigError(f"{out}: lemma {n} does not read back as written: {f}")
