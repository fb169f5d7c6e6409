"""``rmpcheck init``: write a starter project (rmpcheck.starter holds what and how)."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from rmpcheck.cli.common import reports_errors


@click.command()
@click.argument("directory", metavar="[DIR]", default=".", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="overwrite the starter's files if they exist")
@reports_errors
def init(directory: str, force: bool) -> None:
    """Start a project in DIR (default: here): a model, claims, a gate, CI.

    \b
    Writes:
      models/toy_rmp.rmp          a two-page toy RMP: the host consults the
                                  RMP, then writes; the guest converts pages
                                  with Page State Changes in between
      properties/toy_rmp.prop     one claim that holds (proved) and one a
                                  real race breaks (refuted, with its trace)
      pyproject.toml              [tool.rmpcheck]: the gate, expecting both
                                  verdicts (appended if the file has none)
      .github/workflows/rmpcheck.yml
                                  CI: runs the gate on every push

    Then `rmpcheck prove` in DIR runs the gate: both verdicts as expected,
    exit 0. Existing files are never overwritten without --force, and a
    [tool.rmpcheck] table init did not write is never replaced (exit 2).
    """
    from rmpcheck import starter

    root = Path(directory)
    writes = starter.write(root, force)
    for w in writes:
        verb = {"create": "wrote", "replace": "replaced", "append": "added [tool.rmpcheck] to"}
        click.echo(f"{verb[w.how]} {(root / w.path).as_posix()}")
    files = f"{starter.MODEL.as_posix()} {starter.PROPERTIES.as_posix()}"
    click.echo("\nnext:")
    if root.resolve() != Path.cwd().resolve():
        click.echo(f"  cd {shlex.quote(directory)}")
    for command, what in (
        ("rmpcheck prove", "the gate: 1 proved, 1 refuted, both as expected"),
        ("rmpcheck prove --show-traces", "the same, with the race that refutes"),
        (f"rmpcheck simulate {files}", "a random run"),
    ):
        click.echo(f"  {command:<30} # {what}")
