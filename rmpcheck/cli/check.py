"""``rmpcheck check`` and ``rmpcheck list``: syntax and types only, no solver (no z3 import)."""

from __future__ import annotations

import sys
from collections import Counter

import click

from rmpcheck import ir
from rmpcheck.cli.common import reports_errors
from rmpcheck.lang.files import Checked, check_files
from rmpcheck.lang.pretty import binders, sizes_text

_FILES = click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))


def _plural(n: int, noun: str) -> str:
    if n == 1:
        return f"{n} {noun}"
    return f"{n} {noun[:-1]}ies" if noun.endswith("y") else f"{n} {noun}s"


def model_summary(m: ir.Model) -> str:
    parts = [
        _plural(len(m.sorts), "sort"),
        _plural(len(m.enums), "enum"),
        _plural(len(m.state), "state variable"),
        _plural(len(m.actions), "action"),
        _plural(len(m.instances), "instance"),
    ]
    return f"{m.file}: ok: model {m.name}, {', '.join(parts)}"


def properties_summary(p: ir.PropertySet) -> str:
    kinds = Counter(x.kind for x in p.properties)
    detail = ", ".join(f"{n} {k}" for k, n in kinds.items())
    head = f"{p.file}: ok: {_plural(len(p.properties), 'property')} for {p.model}"
    return head + (f" ({detail})" if detail else "")


@click.command()
@_FILES
@reports_errors
def check(files: tuple[str, ...]) -> None:
    """Check model (.rmp) and property (.prop) files for syntax and type errors.

    Each property file is checked against the model file on the same command
    line that its 'properties for NAME' names (or the only one given). Prints
    one line per good file; every error goes to stderr and the exit code is 2
    (3 for an internal error, 130 when interrupted).
    """
    result = check_files(list(files))
    for m in result.models:
        click.echo(model_summary(m))
    for p in result.properties:
        click.echo(properties_summary(p))
    result.raise_if_failed()


def listing(result: Checked) -> list[tuple[str, str, str]]:
    """Rows (kind, name, detail) describing every checked file."""
    rows: list[tuple[str, str, str]] = []
    for m in result.models:
        rows.append(("model", m.name, f"{m.file}" + (f": {m.doc}" if m.doc else "")))
        rows += [("sort", s.name, "") for s in m.sorts]
        rows += [("enum", t.name, "{ " + ", ".join(t.members) + " }") for t in m.enums]
        rows += [("state", d.name, str(d.type)) for d in m.state]
        rows += [("actor", a.name, f"role {a.role}" if a.role else "") for a in m.actors]
        rows += [
            ("action", a.full_name, f"({binders(a.params)})" + (f" {a.doc}" if a.doc else ""))
            for a in m.actions
        ]
        rows += [("instance", i.name, sizes_text(i.sizes)) for i in m.instances]
    for ps in result.properties:
        rows.append(("properties", ps.model, ps.file))
        for p in ps.properties:
            free = f"for all {binders(p.free)}" if p.free else ""
            if p.free and p.kind == "cover":
                free = f"for some {binders(p.free)}"
            rows.append((p.kind, p.name, "; ".join(x for x in (p.doc, free) if x)))
        rows += [("instance", i.name, sizes_text(i.sizes)) for i in ps.instances]
    return rows


@click.command("list")
@_FILES
@reports_errors
def list_cmd(files: tuple[str, ...]) -> None:
    """List what model and property files declare: sorts, actors, actions, properties, instances."""
    result = check_files(list(files))
    result.raise_if_failed()
    rows = listing(result)
    if sys.stdout.isatty():
        from rich.console import Console  # only for people at a terminal
        from rich.table import Table

        table = Table("kind", "name", "detail", box=None)
        for row in rows:
            table.add_row(*row)
        Console().print(table)
        return
    width = max((len(k) for k, _, _ in rows), default=0)
    for kind, name, detail in rows:
        click.echo(f"{kind:<{width}}  {name}" + (f"  {detail}" if detail else ""))
