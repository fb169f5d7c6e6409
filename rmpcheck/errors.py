"""One error hierarchy for everything a user can get wrong, each carrying where.

The CLI catches :class:`RmpcheckError` once, prints ``str(err)`` and exits 2.
Nothing below the CLI prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """A range of source text: 1-based line and column of its start, and its end."""

    file: str
    line: int
    col: int
    end_line: int = 0
    end_col: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


NO_SPAN = Span("<builtin>", 0, 0)

# The most characters of a source line a diagnostic shows.
SHOWN_LINE = 160


class RmpcheckError(Exception):
    """Base of every error that is the user's input, not our bug."""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One located message: what is wrong, where, and how it might be fixed."""

    span: Span
    message: str
    hint: str | None = None
    source_line: str | None = None

    def render(self) -> str:
        """Render like rustc/elm: location, message, the line, a caret, the hint."""
        head = f"{self.span}: error: {self.message}"
        lines = [head]
        if self.source_line is not None and self.span.line > 0:
            raw = self.source_line.rstrip("\n")
            text = raw.expandtabs(4)
            gutter = f"{self.span.line:>4} | "
            # columns count a tab as one character; the shown line expands it
            start = len(raw[: self.span.col - 1].expandtabs(4))
            width = 1
            if self.span.end_line == self.span.line and self.span.end_col > self.span.col:
                width = len(raw[: self.span.end_col - 1].expandtabs(4)) - start
            width = max(1, min(width, len(text) - start + 1))
            if len(text) > SHOWN_LINE:
                # a line no one could read whole (a 5000-digit literal): show around the caret
                cut = max(0, start - SHOWN_LINE // 4)
                text = ("..." if cut else "") + text[cut : cut + SHOWN_LINE] + "..."
                start = start - cut + (3 if cut else 0)
                width = min(width, len(text) - 3 - start)
            lines.append(gutter + text)
            lines.append(" " * (len(gutter) + start) + "^" * max(1, width))
        if self.hint:
            lines.append(f"  = hint: {self.hint}")
        return "\n".join(lines)


@dataclass
class ModelError(RmpcheckError):
    """Errors in model or property text; a type check reports all it finds at once."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        Exception.__init__(self, str(self))

    def __str__(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)

    @property
    def first(self) -> Diagnostic:
        return self.diagnostics[0]


class ConfigError(RmpcheckError):
    """A bad or missing configuration, option or file; the message names where."""


class EngineError(RmpcheckError):
    """An engine cannot handle this input (for example, a construct outside EPR)."""


class TraceError(RmpcheckError):
    """A saved trace cannot be loaded or no longer applies to the model."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped a run; ``finished`` holds what had finished by then
    (a list of results, a partial walk: whatever the interrupted call returns)."""

    def __init__(self, finished: object = None) -> None:
        super().__init__("interrupted")
        self.finished = finished


class InternalError(Exception):
    """Our bug: a trace that does not replay, an invariant of the code broken.

    Deliberately not an RmpcheckError: it must never be mistaken for user error
    or for a verdict.
    """
