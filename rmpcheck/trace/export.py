"""One entry point for every trace format, and the files ``rmpcheck prove --trace-dir`` writes.

``render(trace, "md")`` gives text in any format; ``write_traces(results,
directory, "json,text")`` writes ``<model>.<property>.<ext>`` for every result
that carries a trace.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from rmpcheck.errors import ConfigError
from rmpcheck.trace import dot, html, itf, markdown, text
from rmpcheck.trace.model import Trace

Show = Literal["changed", "all"]

# format name -> (file extension, renderer)
FORMATS: dict[str, tuple[str, Callable[[Trace, Show], str]]] = {
    "json": ("itf.json", lambda t, show: itf.dumps(t)),
    "text": ("txt", lambda t, show: text.render(t, show)),
    "md": ("md", lambda t, show: markdown.render(t, show)),
    "html": ("html", lambda t, show: html.render(t)),
    "dot": ("dot", lambda t, show: dot.render(t, show)),
}
ALIASES = {"txt": "text", "markdown": "md", "itf": "json", "gv": "dot", "svg": "html"}


def format_name(name: str) -> str:
    """A canonical format name; ConfigError naming the choices for an unknown one."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in FORMATS:
        raise ConfigError(
            f"unknown trace format {name!r} (choose from {', '.join(FORMATS)})"
        )
    return key


def parse_formats(spec: str | Sequence[str]) -> tuple[str, ...]:
    """``"json,text"`` (or a list) to canonical names, in order, without repeats."""
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    out: dict[str, None] = {}
    for p in parts:
        if p.strip():
            out[format_name(p)] = None
    if not out:
        raise ConfigError("no trace format given (choose from " + ", ".join(FORMATS) + ")")
    return tuple(out)


def render(trace: Trace, fmt: str, show: Show = "changed") -> str:
    """The trace in one format, as text."""
    return FORMATS[format_name(fmt)][1](trace, show)


def file_name(trace: Trace, fmt: str) -> str:
    """``<model>.<property>.<ext>``, with anything unsafe in a file name replaced."""
    ext = FORMATS[format_name(fmt)][0]
    return f"{_safe(trace.model)}.{_safe(trace.property)}.{ext}"


def write_traces(
    results_or_traces: Iterable[Any],
    directory: str | Path,
    formats: str | Sequence[str] = ("json", "text"),
    show: Show = "changed",
) -> list[Path]:
    """Write every trace (a Trace, or anything with a ``trace`` attribute such as a
    Result; those without a trace are skipped) in every format; returns the paths."""
    fmts = parse_formats(formats)
    out_dir = Path(directory)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ConfigError(f"{out_dir}: cannot create the trace directory: {e}") from None
    written: list[Path] = []
    for item in results_or_traces:
        trace = item if isinstance(item, Trace) else getattr(item, "trace", None)
        if trace is None:
            continue
        for f in fmts:
            path = out_dir / file_name(trace, f)
            try:
                path.write_text(render(trace, f, show), encoding="utf-8")
            except OSError as e:
                raise ConfigError(f"{path}: cannot write the trace: {e}") from None
            written.append(path)
    return written


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "_"
