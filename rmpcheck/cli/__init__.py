"""The ``rmpcheck`` command line: click commands only, loaded lazily.

Each command lives in its own module and is imported only when it runs, so
``rmpcheck --help`` and ``rmpcheck check`` never import z3.

Exit codes (every command): 0 success / everything as expected; 1 a verdict
differs from what was expected, or a simulation hit a violation; 2 bad input
(a located error in a model, property or configuration file, a missing file,
a bad option); 3 an internal error (never a verdict); 130 interrupted
(SIGINT or SIGTERM: workers stopped, what finished printed).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from rmpcheck import __version__

# command name -> ("module:function", one-line help). The help is kept here so
# that `rmpcheck --help` lists commands without importing any of them.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("rmpcheck.cli.init:init", "Start a project: a model, claims, a gate and CI."),
    "check": ("rmpcheck.cli.check:check", "Parse and type-check model and property files."),
    "list": ("rmpcheck.cli.check:list_cmd", "List models, actors, actions and properties."),
    "simulate": ("rmpcheck.cli.simulate:simulate", "Random walk through a model, checking claims."),
    "prove": ("rmpcheck.cli.prove:prove", "Prove or refute claims; no arguments: run the gate."),
    "cti": ("rmpcheck.cli.cti:cti", "Counterexample to induction, and lemma inference."),
    "replay": ("rmpcheck.cli.trace:replay", "Re-check a saved trace against the current model."),
    "trace": ("rmpcheck.cli.trace:trace", "Show or export a saved trace."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (click's documented pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        entry = COMMANDS.get(name)
        if entry is None:
            return None
        module, _, attr = entry[0].partition(":")
        cmd = getattr(importlib.import_module(module), attr)
        assert isinstance(cmd, click.Command)
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``--version``: rmpcheck's version, and the versions of Z3 and Python it runs on
    (a verdict can depend on the solver: a bug report needs both)."""
    if not value or ctx.resilient_parsing:
        return
    import platform

    from rmpcheck.smt.version import z3_version

    click.echo(f"rmpcheck {__version__}")
    click.echo(f"Z3 {z3_version()}")
    click.echo(f"Python {platform.python_version()}")
    ctx.exit()


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Terms of art (claim, obligation, cover, bounded-safe, certificate, CTI, "
    "EPR, lemma, lasso, ...) are defined in docs/glossary.md.",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=show_version,
    help="Show the versions of rmpcheck, Z3 and Python, and exit.",
)
def cli() -> None:
    """Model-check SEV-SNP Reverse Map Table designs.

    Write a design as a model (.rmp) and its claims as properties (.prop);
    rmpcheck proves each claim, or refutes it with a counterexample trace.

    \b
    Start with:
      rmpcheck init my-project                        # a project of your own
      rmpcheck check models/*.rmp properties/*.prop   # syntax and types
      rmpcheck simulate models/upstream/linux.rmp     # a random run
      rmpcheck prove                                  # the configured gate

    Exit codes: 0 as expected; 1 a verdict differs (or a simulation found a
    violation); 2 bad input (the message names file:line:col); 3 internal
    error; 130 interrupted (Ctrl-C or SIGTERM; what finished is printed);
    141 the output pipe closed early (| head). Shell completion, and the
    rest of the command line: docs/cli.md.
    """


POSIX_ONLY = (
    "rmpcheck runs on Linux and macOS only: it forks a process per obligation and "
    "limits its memory with RLIMIT_AS, which Windows lacks; use WSL"
)


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    if os.name != "posix":
        click.echo(f"error: {POSIX_ONLY}", err=True)
        sys.exit(2)
    try:
        return cli.main(args=argv, prog_name="rmpcheck")
    except BrokenPipeError:  # e.g. `_RMPCHECK_COMPLETE=bash_source rmpcheck | head -1`
        from rmpcheck.cli.common import end_quietly_on_closed_pipe

        end_quietly_on_closed_pipe()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
