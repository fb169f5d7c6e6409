"""The race model of DESIGN.md as text (tests/models/parametric/race.rmp), and edits of it.

For tests that write their own model files or vary the model: one copy of
the text, so a fix to the model reaches all of them.
"""

from __future__ import annotations

from pathlib import Path

PATH = Path(__file__).resolve().parent / "models" / "parametric" / "race.rmp"
TEXT = PATH.read_text()
# what the broken design leaves out: the guest honours the lock
LOCK_CHECK = "  require !psc_lock\n  assigned[p] := true\n"


def edited(old: str, new: str) -> str:
    """The text with ``old`` replaced; ``old`` must occur exactly once, so that a
    change to the model cannot silently turn the edit into a no-op."""
    assert TEXT.count(old) == 1, f"{PATH.name} no longer contains {old!r} exactly once"
    return TEXT.replace(old, new)


def broken() -> str:
    """The race with the guest ignoring the lock: a host write can hit a private page."""
    return edited(LOCK_CHECK, "  assigned[p] := true\n")
