"""Known-answer models (tests/models/*.rmp, benchmarks/models/race.rmp) and their broken twins,
and obligations from model text written in a test.

A broken twin is the same text with one line of the design removed (the
``BROKEN`` edit); the edit must match exactly once, so a change to a model
cannot silently turn a refutation test into a vacuous one.
"""

from __future__ import annotations

from pathlib import Path

from rmpcheck import ir
from rmpcheck.lang import parse_model, parse_properties
from rmpcheck.monitor import Obligation, compile_obligation

ROOT = Path(__file__).resolve().parents[2]
FILES = {
    "peterson": ROOT / "tests" / "models" / "peterson",
    "lock_server": ROOT / "tests" / "models" / "lock_server",
    "two_phase_commit": ROOT / "tests" / "models" / "two_phase_commit",
    "ticket_lock": ROOT / "tests" / "models" / "ticket_lock",
    "race": ROOT / "benchmarks" / "models" / "race",
}

# model -> (text, replacement): the one line whose loss breaks the main claim
BROKEN = {
    "peterson": ("  flag[i] := true\n", ""),
    "lock_server": ("  server_free := false\n", ""),
    "two_phase_commit": ("  require forall m: Node. vote[m] == yes\n", ""),
    "ticket_lock": ("  next_ticket := next_ticket + 1\n", ""),
    "race": ("  require !psc_lock\n  assigned[p] := true\n", "  assigned[p] := true\n"),
}

# the main safety claim of each model
CLAIM = {
    "peterson": "mutex",
    "lock_server": "mutex",
    "two_phase_commit": "agreement",
    "ticket_lock": "mutex",
    "race": "write_only_shared",
}

SMALL = {
    "peterson": {},
    "lock_server": {"Client": 2},
    "two_phase_commit": {"Node": 2},
    "ticket_lock": {"Thread": 2},
    "race": {"Page": 2, "Thread": 2},
}


def load(name: str, broken: bool = False) -> tuple[ir.Model, ir.PropertySet]:
    base = FILES[name]
    text = base.with_suffix(".rmp").read_text()
    if broken:
        old, new = BROKEN[name]
        assert text.count(old) == 1, f"{name}: the broken edit no longer matches"
        text = text.replace(old, new)
    model = parse_model(text, str(base.with_suffix(".rmp")))
    prop_file = base.with_suffix(".prop")
    props = parse_properties(prop_file.read_text(), model, str(prop_file))
    return model, props


def obligation(
    name: str, prop: str | None = None, broken: bool = False, lemmas: bool = True
) -> Obligation:
    """The obligation for ``prop`` (default: the model's main claim)."""
    model, props = load(name, broken)
    return compile_obligation(model, props, prop or CLAIM[name], use_lemmas=lemmas)


def from_text(model_text: str, props_text: str, claim: str, filename: str = "m.rmp") -> Obligation:
    """The obligation for ``claim`` of a model written in a test; ``props_text`` is the
    property file without its ``properties for`` line."""
    model = parse_model(model_text, filename)
    props = parse_properties(f"properties for {model.name}\n{props_text}", model, "p.prop")
    return compile_obligation(model, props, claim)
