"""A gate run that ends before any obligation runs: what the reports say about it.

A configuration, model or property file with an error (or an internal error)
ends ``rmpcheck prove`` with exit 2. The JUnit and SARIF files are written
all the same, because CI uploads them exactly then: SARIF holds the error as
a tool execution notification at its file, line and column, JUnit as one
``<error>`` test case.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rmpcheck.errors import Diagnostic, InternalError, RmpcheckError

EXIT_ERROR = 2


@dataclass(frozen=True)
class GateFailure:
    """Why the gate could not run, with where, relative to ``root`` (the project)."""

    kind: str  # the error's class: LocatedConfigError, ModelError, ConfigError, InternalError
    message: str
    diagnostics: tuple[Diagnostic, ...]
    root: Path
    exit_code: int = EXIT_ERROR

    @property
    def headline(self) -> str:
        """The first diagnostic's message, or the first line of the text."""
        if self.diagnostics:
            return self.diagnostics[0].message
        return self.message.splitlines()[0] if self.message else self.kind


def failure_of(err: RmpcheckError | InternalError, root: Path) -> GateFailure:
    text = str(err) if isinstance(err, RmpcheckError) else f"internal error (please report): {err}"
    diags = tuple(getattr(err, "diagnostics", ()) or ())
    return GateFailure(type(err).__name__, text, diags, root)
