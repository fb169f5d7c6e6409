"""The race benchmark's obligations (benchmarks/models/race.rmp), shared by the bench scripts.

The broken variant is the same text without ``require !psc_lock`` in
guest.psc_to_private: the guest may then make a page private while a host
thread that found it shared is about to write it.
"""

from __future__ import annotations

from pathlib import Path

from rmpcheck.lang import parse_model, parse_properties
from rmpcheck.monitor import Obligation, compile_obligation

RACE = Path(__file__).resolve().parent / "models" / "race"
SIZES = {"Page": 6, "Thread": 3}
LOCK_CHECK = "  require !psc_lock\n  assigned[p] := true\n"


def race(broken: bool = False, prop: str = "write_only_shared", lemmas: bool = False) -> Obligation:
    text = RACE.with_suffix(".rmp").read_text()
    if broken:
        assert text.count(LOCK_CHECK) == 1, "race.rmp no longer has the lock check to remove"
        text = text.replace(LOCK_CHECK, "  assigned[p] := true\n")
    model = parse_model(text, str(RACE.with_suffix(".rmp")))
    props = parse_properties(RACE.with_suffix(".prop").read_text(), model)
    return compile_obligation(model, props, prop, use_lemmas=lemmas)
