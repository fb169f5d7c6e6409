"""``--size Sort=N`` and ``--instance NAME``: shared by prove and simulate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from rmpcheck import ir
from rmpcheck.bounds import MAX_SORT_SIZE, literal_text, too_many_digits
from rmpcheck.errors import ConfigError
from rmpcheck.lang.source import did_you_mean


def _parse(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for text in values:
        name, eq, num = text.partition("=")
        name, num = name.strip(), num.strip()
        if not eq or not name.isidentifier():
            raise click.BadParameter(f"{text!r} is not of the form Sort=N (say Page=3)")
        # digits are checked as text first: int() refuses 5000 of them with a ValueError
        if (num.isascii() and num.isdigit()) and (too_many_digits(num) or int(num) > MAX_SORT_SIZE):
            raise click.BadParameter(
                f"the size of {name} is {literal_text(num)}: at most {MAX_SORT_SIZE:,} "
                "(an instance is for finite search; the inductive engine proves every size)"
            )
        if not (num.isascii() and num.isdigit()) or int(num) < 1:
            raise click.BadParameter(
                f"{literal_text(text)!r}: the size of {name} must be a positive integer, "
                f"got {literal_text(num)!r}"
            )
        out[name] = int(num)
    return out


def size_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    opt = click.option(
        "--size",
        "sizes",
        multiple=True,
        metavar="Sort=N",
        callback=_parse,
        help="size of a sort (repeatable); overrides the instance block for that sort",
    )
    return opt(fn)


def instance_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--instance",
        metavar="NAME",
        default=None,
        help="sizes from this instance block (default: the first one, properties before model)",
    )(fn)


def check_sorts(model: ir.Model, sizes: dict[str, int]) -> None:
    """A click-style --size error for a sort the model does not have."""
    have = [s.name for s in model.sorts]
    for name in sizes:
        if name in have:
            continue
        close = did_you_mean(name, have)
        hint = f"; {close}" if close else ""
        raise click.BadParameter(
            f"model {model.name} has no sort {name!r}{hint} (sorts: {', '.join(have) or 'none'})",
            param_hint="'--size'",
        )


def resolve(
    model: ir.Model, props: ir.PropertySet | None, sizes: dict[str, int], instance: str | None
) -> dict[str, int]:
    """The sizes to use; a bad --instance is reported like a bad option."""
    from rmpcheck.api import resolve_sizes

    check_sorts(model, sizes)
    try:
        return resolve_sizes(model, props, sizes, instance)
    except ConfigError as e:
        hint = "'--instance'" if instance is not None and "instance" in str(e) else "'--size'"
        raise click.BadParameter(str(e), param_hint=hint) from None
