"""The ``rmpcheck`` command line: click commands only, loaded lazily.

Each command lives in its own module and is imported only when it runs, so
``rmpcheck --help`` and ``rmpcheck check`` never import z3.

Exit codes (every command): 0 success / everything as expected; 1 a verdict
differs from what was expected, or a simulation hit a violation; 2 bad input
(a located error in a model, property or configuration file, a missing file,
a bad option) or an internal error; 130 interrupted.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import click

from rmpcheck import __version__

# command name -> "module:function"; add a command by adding a line here
COMMANDS: dict[str, str] = {
    "check": "rmpcheck.cli.check:check",
    "list": "rmpcheck.cli.check:list_cmd",
    "simulate": "rmpcheck.cli.simulate:simulate",
    "prove": "rmpcheck.cli.prove:prove",
    "cti": "rmpcheck.cli.cti:cti",
    "replay": "rmpcheck.cli.trace:replay",
    "trace": "rmpcheck.cli.trace:trace",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (click's documented pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._importable(name))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name == module:
                return None  # command not built yet
            raise
        cmd = getattr(mod, attr)
        assert isinstance(cmd, click.Command)
        return cmd

    def _importable(self, name: str) -> bool:
        module = COMMANDS[name].partition(":")[0]
        return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rmpcheck")
def cli() -> None:
    """Model-check SEV-SNP Reverse Map Table designs.

    Write a design as a model (.rmp) and its claims as properties (.prop);
    rmpcheck proves each claim, or refutes it with a counterexample trace.

    \b
    Start with:
      rmpcheck check models/*.rmp properties/*.prop   # syntax and types
      rmpcheck simulate models/snp_base.rmp           # a random run
      rmpcheck prove                                  # the configured gate

    Exit codes: 0 as expected; 1 a verdict differs (or a simulation found a
    violation); 2 bad input or internal error; 130 interrupted.
    """


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    return cli.main(args=argv, prog_name="rmpcheck")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
