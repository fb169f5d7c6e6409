"""What every command shares: turning library errors into one clear message and exit 2."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from rmpcheck.errors import InternalError, RmpcheckError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_DIFFERS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def say_written(paths: list[Path], directory: str) -> None:
    """``--trace-dir``: tell, on stderr (stdout may be JSON), every file written."""
    if not paths:
        click.echo(f"no counterexample or witness to write to {directory}", err=True)
        return
    click.echo(f"wrote {len(paths)} trace file(s) to {directory}:", err=True)
    for p in paths:
        click.echo(f"  {p}", err=True)


def reports_errors(fn: F) -> F:
    """Wrap a command body: user errors print located messages and exit 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RmpcheckError as e:
            click.echo(str(e), err=True)
            sys.exit(EXIT_ERROR)
        except InternalError as e:
            click.echo(f"internal error (please report): {e}", err=True)
            sys.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper  # type: ignore[return-value]
