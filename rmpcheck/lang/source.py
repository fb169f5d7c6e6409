"""Reading source files and collecting located diagnostics.

A load reports every error it finds at once, so errors are collected in a
:class:`Reporter` and raised together as one :class:`ModelError` at the end.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from rmpcheck.bounds import UnreadableFile, read_file
from rmpcheck.errors import Diagnostic, ModelError, Span

__all__ = ["Reporter", "UnreadableFile", "did_you_mean", "read_text"]


def read_text(path: str) -> str:
    """The file's text, or :class:`UnreadableFile` saying why not (bounds.read_file: only
    regular files, of at most bounds.MAX_FILE_BYTES)."""
    data = read_file(path)
    if b"\0" in data:
        raise UnreadableFile(f"{path} is a binary file, not model or property text")
    try:
        return data.decode("utf-8-sig")  # an editor's byte-order mark is not text
    except UnicodeDecodeError as e:
        raise UnreadableFile(f"{path} is not UTF-8 text (bad byte at offset {e.start})") from None


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest candidate, if any is close enough to be a typo."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


class Reporter:
    """Collects diagnostics of one load, attaching the source line each points at."""

    def __init__(self) -> None:
        self.lines: dict[str, list[str]] = {}
        self.file_order: dict[str, int] = {}
        self.diagnostics: list[Diagnostic] = []

    def add_source(self, path: str, text: str) -> None:
        self.lines[path] = text.splitlines()
        self.file_order.setdefault(path, len(self.file_order))

    def source_line(self, span: Span) -> str | None:
        lines = self.lines.get(span.file)
        if lines is None or not 0 < span.line <= len(lines):
            return None
        return lines[span.line - 1]

    def error(self, span: Span, message: str, hint: str | None = None) -> None:
        d = Diagnostic(span, message, hint, self.source_line(span))
        if d not in self.diagnostics:  # a def used twice must not say it twice
            self.diagnostics.append(d)

    def file_error(self, path: str, message: str) -> None:
        """An error about a whole file, located at its first character."""
        self.diagnostics.append(Diagnostic(Span(path, 1, 1), message))

    @property
    def failed(self) -> bool:
        return bool(self.diagnostics)

    def raise_if_failed(self) -> None:
        if not self.diagnostics:
            return

        # Report in reading order: by file (as first read), then by position.
        def key(d: Diagnostic) -> tuple[int, int, int]:
            s = d.span
            return (self.file_order.get(s.file, len(self.file_order)), s.line, s.col)

        raise ModelError(sorted(self.diagnostics, key=key))
