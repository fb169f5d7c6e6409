"""The one Trace type every engine produces and every exporter reads.

States hold display values (see interp/values.py): ``Page0``, enum member
names, maps as dicts. Monitor variables are not shown; replay recomputes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Step:
    """One row of a trace. Step 0 is the initial state and has no action."""

    index: int
    action: str | None
    actor: str | None
    role: str | None
    args: dict[str, Any]
    choices: dict[str, Any]
    state: dict[str, Any]
    changed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Trace:
    """A run of the model: a counterexample to a claim, or a witness of a cover."""

    model: str
    property: str
    kind: Literal["counterexample", "witness"]
    sizes: dict[str, int]
    engine: str
    steps: tuple[Step, ...]
    model_file: str = ""
    property_file: str = ""
    summary: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def length(self) -> int:
        """Number of actions (the initial state is not a step)."""
        return len(self.steps) - 1

    @property
    def actors(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for s in self.steps:
            if s.actor is not None:
                seen[s.actor] = None
        return tuple(seen)
