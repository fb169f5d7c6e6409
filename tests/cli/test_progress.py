"""Progress goes to stderr only when it is a terminal: one status line, redrawn in place."""

from __future__ import annotations

import io

from rmpcheck.cli import progress
from rmpcheck.engines import registry
from rmpcheck.engines.base import Options


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_status_line_without_a_terminal() -> None:
    assert progress.status_line(io.StringIO()) is None


def test_the_engines_report_depth_states_and_lemmas(monkeypatch) -> None:
    import race_text

    from rmpcheck.lang import parse_model, parse_properties
    from rmpcheck.monitor import compile_obligation

    model = parse_model(race_text.TEXT, "race.rmp")
    claim = "invariant w: forall t: Thread. step[t] == consulted -> !assigned[target[t]]"
    props = parse_properties(f"properties for {model.name}\n{claim}\n", model, "race.prop")
    ob = compile_obligation(model, props, "w")
    monkeypatch.setattr(progress, "MIN_INTERVAL_S", 0.0)
    seen = Terminal()
    line = progress.status_line(seen)
    assert line is not None
    for engine in ("bmc", "kind", "pdr", "inductive"):
        registry.run(engine, ob, {"Page": 2, "Thread": 2}, Options(depth=3, progress=line))
    text = seen.getvalue()
    assert "\r\x1b[Kbmc: depth 3" in text
    assert "kind: induction step with k = 1" in text and "pdr: running Spacer" in text
    assert "inductive: inferring lemmas" in text and "lemma(s)" in text
    line.clear()
    assert seen.getvalue().endswith("\r\x1b[K")
