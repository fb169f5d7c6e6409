"""One entry point for every trace format, and the files ``rmpcheck prove --trace-dir`` writes.

``render(trace, "md")`` gives text in any format; ``write_traces(results,
directory, "json,text")`` writes ``<stem>.<property>.<ext>`` for every result
that carries a trace, where ``<stem>`` is the model file's name without
``.rmp`` (and the model's name after it, when that differs): two model files
that define one model name, or one claim checked at two instances, never
write to one file (see :func:`file_names`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
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
    """``<stem>.<property>.<ext>`` (``<stem>.<model>.<property>.<ext>`` when the model
    file's stem is not the model's name), anything unsafe in a file name replaced."""
    return f"{_base(trace)}.{FORMATS[format_name(fmt)][0]}"


def _base(trace: Trace) -> str:
    stem = Path(trace.model_file).name.removesuffix(".rmp") if trace.model_file else ""
    parts = [stem] if stem else []
    if trace.model and trace.model != stem:
        parts.append(trace.model)
    return ".".join(_safe(p) for p in [*parts, trace.property or trace.kind])


def file_names(traces: Sequence[Trace]) -> list[str]:
    """A base name per trace, unique within the batch: where two traces would share
    one, each gets a short hash of what sets it apart (its files and sizes)."""
    bases = [_base(t) for t in traces]
    seen = Counter(bases)
    out = []
    for t, b in zip(traces, bases, strict=True):
        if seen[b] > 1:
            what = f"{t.model_file}\0{t.property_file}\0{sorted(t.sizes.items())}\0{t.engine}"
            b += "-" + hashlib.sha256(what.encode()).hexdigest()[:8]
        out.append(b)
    return out


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
    traces = [
        t
        for item in results_or_traces
        if (t := item if isinstance(item, Trace) else getattr(item, "trace", None)) is not None
    ]
    for trace, base in zip(traces, file_names(traces), strict=True):
        for f in fmts:
            path = out_dir / f"{base}.{FORMATS[f][0]}"
            try:
                path.write_text(render(trace, f, show), encoding="utf-8")
            except OSError as e:
                raise ConfigError(f"{path}: cannot write the trace: {e}") from None
            written.append(path)
    return written


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "_"
