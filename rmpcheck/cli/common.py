"""What every command shares: one clear message per failure, and an exit code that says whose.

Exit codes: 0 success; 1 a verdict differs (or a simulation found a
violation); 2 bad input (a located error in a file, a bad option); 3 an
internal error (our bug, or the machine failed us: never a verdict); 130
interrupted (SIGINT or SIGTERM; what finished is printed first); 141 the
output pipe closed early (``| head``): the command ends quietly.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from rmpcheck.errors import InternalError, RmpcheckError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_DIFFERS, EXIT_ERROR, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
# the reader of our output went away (`rmpcheck ... | head -1`): what a shell reports
# for a process that SIGPIPE ends (128 + 13), though we end quietly instead
EXIT_PIPE = 141

# set to 1 to see the traceback of an internal error (for a bug report)
DEBUG_ENV = "RMPCHECK_DEBUG"


def internal_error(e: BaseException) -> None:
    """Say that this is our bug, in one line (the traceback only on request)."""
    what = str(e) if isinstance(e, InternalError) else f"{type(e).__name__}: {e}"
    click.echo(f"internal error (please report it, with the command): {what}", err=True)
    if os.environ.get(DEBUG_ENV) == "1":
        click.echo("".join(traceback.format_exception(e)), err=True)
    else:
        click.echo(f"  (set {DEBUG_ENV}=1 for the traceback)", err=True)


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM stops a command the way Ctrl-C does (KeyboardInterrupt), so that worker
    processes are stopped and finished results printed, instead of dying mid-write."""

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        old = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def say_written(paths: list[Path], directory: str) -> None:
    """``--trace-dir``: tell, on stderr (stdout may be JSON), every file written."""
    if not paths:
        click.echo(f"no counterexample or witness to write to {directory}", err=True)
        return
    click.echo(f"wrote {len(paths)} trace file(s) to {directory}:", err=True)
    for p in paths:
        click.echo(f"  {p}", err=True)


def end_quietly_on_closed_pipe() -> None:
    """The reader of stdout (or stderr) is gone: point both at /dev/null, so that
    neither this message-less exit nor the interpreter's final flush can fail
    again with a BrokenPipeError traceback, and exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):  # not a real file (a test runner's buffer)
            pass
    sys.exit(EXIT_PIPE)


def reports_errors(fn: F) -> F:
    """Wrap a command body: bad input exits 2 with its located message, our bug exits 3,
    an interrupt exits 130; never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with terminate_as_interrupt():
                return fn(*args, **kwargs)
        except RmpcheckError as e:
            click.echo(str(e), err=True)
            sys.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # raised where a write failed, so the gate's workers were stopped on the way
            end_quietly_on_closed_pipe()
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click reports these itself (a usage error exits 2)
        except MemoryError:
            click.echo("out of memory: give the command more memory, or smaller sizes", err=True)
            sys.exit(EXIT_INTERNAL)
        except (InternalError, Exception) as e:
            internal_error(e)
            sys.exit(EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]
