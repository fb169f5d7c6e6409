"""Invariants shared between claims only through a store the caller keeps
(engines/induction/shared): without one, a claim's inference never depends on
what was proved before it in the process."""

from __future__ import annotations

from pathlib import Path

from rmpcheck.engines import inductive
from rmpcheck.engines.base import Options
from rmpcheck.engines.induction import shared
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import compile_obligation

RACE = Path(__file__).parents[2] / "benchmarks" / "models"


def _claim():
    model = load_model(RACE / "race.rmp")
    props = load_properties(RACE / "race_no_lemmas.prop", model)
    return compile_obligation(model, props, "write_only_shared")


def test_a_store_offers_the_first_proof_to_the_next_claim() -> None:
    store = shared.Proved()
    opts = Options(timeout_s=120, extra={"proved": store})
    first = inductive.check(_claim(), {}, opts)
    assert first.verdict == "proved", first.reason
    assert store.recall(_claim().model)
    again = inductive.check(_claim(), {}, opts)
    assert again.verdict == "proved" and again.certificate is not None
    assert again.certificate.rechecked
    assert again.stats["inference"].get("shared", 0) > 0


def test_without_a_store_nothing_carries_over() -> None:
    first = inductive.check(_claim(), {}, Options(timeout_s=120))
    again = inductive.check(_claim(), {}, Options(timeout_s=120))
    assert first.verdict == again.verdict == "proved"
    assert "shared" not in again.stats["inference"]
    assert first.stats["lemmas_inferred"] == again.stats["lemmas_inferred"]
