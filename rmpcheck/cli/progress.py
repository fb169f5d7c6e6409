"""Progress of a long run on one status line of stderr, for a person at a terminal.

Engines report through ``Options.progress`` ("bmc: depth 7", "explicit:
120,000 states, depth 9", "inductive: 4 lemma(s) inferred"); this prints the
latest message over the previous one, at most a few times a second, and only
when stderr is a terminal (a log or a CI run gets no control characters).
It runs in whatever process calls it: the engine processes inherit it
(forked), and write to the same terminal.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

# Redrawing more often than this only flickers.
MIN_INTERVAL_S = 0.2


class StatusLine:
    """A callable for ``Options.progress``: ``status("bmc: depth 7")``."""

    def __init__(self, stream: TextIO, prefix: str = "") -> None:
        self.stream, self.prefix = stream, prefix
        self.last = 0.0
        self.shown = False

    def __call__(self, message: str) -> None:
        now = time.monotonic()
        if now - self.last < MIN_INTERVAL_S:
            return
        self.last = now
        width = 100
        text = (self.prefix + message)[:width]
        self.stream.write("\r\x1b[K" + text)
        self.stream.flush()
        self.shown = True

    def for_claim(self, name: str) -> StatusLine:
        """The same line, each message prefixed with the claim it is about."""
        return StatusLine(self.stream, f"{name}: ")

    def clear(self) -> None:
        """Erase the line (before the results are printed)."""
        self.stream.write("\r\x1b[K")
        self.stream.flush()


def status_line(stream: TextIO | None = None) -> StatusLine | None:
    """A status line on ``stream`` (stderr), or None when it is not a terminal."""
    s = stream if stream is not None else sys.stderr
    try:
        return StatusLine(s) if s.isatty() else None
    except (AttributeError, ValueError):
        return None
