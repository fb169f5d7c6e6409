"""What every command shares: turning library errors into one clear message and exit 2."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from rmpcheck.errors import InternalError, RmpcheckError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_DIFFERS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


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
