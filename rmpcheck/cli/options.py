"""Click parameter types for limits: seconds and megabytes that mean what they say."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from rmpcheck.bounds import memory_problem, timeout_problem

F = TypeVar("F", bound=Callable[..., Any])

# Each claim runs in a process of its own under this address-space limit unless
# --memory says otherwise: enough for every shipped example with room to spare,
# and less than a development machine has, so a runaway search ends as
# "unknown: out of memory" instead of swapping the machine to a halt.
DEFAULT_MEMORY_MB = 4096


class Seconds(click.ParamType):
    """A finite time limit within bounds (``nan`` or ``inf`` would turn the limit off)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, float):
            x = value
        else:
            try:
                x = float(value)
            except (TypeError, ValueError):
                self.fail(f"{value!r} is not a number of seconds", param, ctx)
        why = timeout_problem(x)
        if why is not None:
            self.fail(why, param, ctx)
        return x


class Megabytes(click.ParamType):
    """A memory limit in MB within bounds (a process needs a few hundred to start)."""

    name = "MB"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        if not (text.isascii() and text.isdigit()) or len(text) > 12:
            self.fail(f"{text[:20]!r} is not a whole number of megabytes", param, ctx)
        why = memory_problem(int(text))
        if why is not None:
            self.fail(why, param, ctx)
        return int(text)


SECONDS = Seconds()
MEGABYTES = Megabytes()


def memory_option(help_text: str) -> Callable[[F], F]:
    """``--memory MB``, on by default (DEFAULT_MEMORY_MB)."""
    return click.option(
        "--memory",
        type=MEGABYTES,
        default=DEFAULT_MEMORY_MB,
        show_default=True,
        metavar="MB",
        help=help_text,
    )
