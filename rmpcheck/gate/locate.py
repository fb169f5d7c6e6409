"""Point configuration errors at the TOML text: file:line:col, the line, a caret.

tomllib gives positions only for syntax errors, so for a semantic error (an
unknown key, a bad value) we find the key in the text: the table header that
is the longest prefix of the key's path, then the remaining keys in order
inside that table's lines. A key we cannot find falls back to its table's
header, and that to the first line: always somewhere, never a crash.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rmpcheck.errors import ConfigError, Diagnostic, Span

KeyPath = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def _dotted(header: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in header.split("."))


@dataclass
class TomlText:
    """The text of one TOML file, able to find where a key path was written."""

    path: str
    text: str
    lines: list[str] = field(init=False)
    # (line index, the header's key path with array-of-tables indices filled in)
    headers: list[tuple[int, KeyPath]] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = self.text.splitlines()
        self.headers = []
        arrays: dict[tuple[str, ...], int] = {}  # array-of-tables name -> elements so far
        for i, line in enumerate(self.lines):
            m = _HEADER.match(line)
            if m is None:
                continue
            name = _dotted(m.group(2))
            if m.group(1) == "[[":
                arrays[name] = arrays.get(name, 0) + 1
            # [a.b.c] under [[a.b]] belongs to the latest element of a.b
            resolved: list[str | int] = []
            for n in range(1, len(name) + 1):
                resolved.append(name[n - 1])
                if name[:n] in arrays:
                    resolved.append(arrays[name[:n]] - 1)
            self.headers.append((i, tuple(resolved)))

    def span(self, key: KeyPath) -> Span:
        """Where ``key`` (a path like ("tool", "rmpcheck", "check", 0, "expect")) was written."""
        best: tuple[int, int] | None = None  # (header line index, keys it accounts for)
        for line_no, path in self.headers:
            if key[: len(path)] == path and (best is None or len(path) > best[1]):
                best = (line_no, len(path))
        if best is None:
            return Span(self.path, 1, 1)
        start, consumed = best
        end = next((i for i, _ in self.headers if i > start), len(self.lines))
        rest = [k for k in key[consumed:] if isinstance(k, str)]
        line, col, width = start, 1, 0
        m = _HEADER.match(self.lines[start])
        if m is not None:
            col, width = m.start(2) + 1, len(m.group(2))
        pos = (start + 1, 0)
        for k in rest:
            found = self._find_key(k, pos, end)
            if found is None:
                break
            line, col, width = found
            pos = (line, col - 1 + width)
        return Span(self.path, line + 1, col, line + 1, col + max(width, 1))

    def _find_key(self, key: str, pos: tuple[int, int], end: int) -> tuple[int, int, int] | None:
        """The first ``key =`` or ``key.`` at or after ``pos`` and before line ``end``."""
        pat = re.compile(r"""(?<![\w"'-])(["']?)""" + re.escape(key) + r"\1(?=\s*[=.])")
        line, col = pos
        while line < end:
            m = pat.search(self.lines[line], col)
            if m is not None:
                return line, m.start() + 1, m.end() - m.start()
            line, col = line + 1, 0
        return None

    def source_line(self, line: int) -> str | None:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else None

    def diagnostic(self, key: KeyPath, message: str, hint: str | None = None) -> Diagnostic:
        sp = self.span(key)
        return Diagnostic(sp, message, hint, self.source_line(sp.line))


class ConfigErrors:
    """Collects every problem in a configuration, raised together as one ConfigError."""

    def __init__(self, source: TomlText) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def add(self, key: KeyPath, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(self.source.diagnostic(key, message, hint))

    def raise_if_any(self) -> None:
        if self.diagnostics:
            raise LocatedConfigError(self.diagnostics)


class LocatedConfigError(ConfigError):
    """One or more located problems in a configuration file."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.render() for d in self.diagnostics))


def syntax_error(source: TomlText, err: Exception) -> LocatedConfigError:
    """A tomllib decode error, with the position it names turned into a caret."""
    msg = str(err)
    m = _TOML_POS.search(msg)
    line, col = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
    text = _TOML_POS.sub("", msg).strip()
    sp = Span(source.path, line, col)
    shown = source.source_line(line)
    hint = None
    if shown is not None and shown.count("{") > shown.count("}"):
        hint = ("an inline table { ... } must end on the line it starts on; for a long one "
                "use a table instead, e.g. [tool.rmpcheck.check.expect] with one claim a line")
    return LocatedConfigError([Diagnostic(sp, f"invalid TOML: {text}", hint, shown)])
