"""Inference's first try on a small sample (engines/induction/infer.py, ``_small_first``).

Where the instance the user checks is larger than the templates need, a
sample with every sort cut to one element more than the templates have
variables for it comes first, and Houdini over its short clauses. Only a
proof counts: on the broken race the same phase proves nothing, the engine
still refutes it, and a phase given no time falls through to the full
sample, which proves the correct race as before.
"""

from __future__ import annotations

import pytest
from race_model import race_obligation

from rmpcheck.engines import inductive
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.induction import infer as infer_mod
from rmpcheck.engines.induction import past, sample
from rmpcheck.engines.induction.cti import goals_of
from rmpcheck.smt.epr.induction import Induction

LARGE = {"Page": 6, "Thread": 3}  # more pages than the templates' two variables need


@pytest.fixture
def unhurried(monkeypatch: pytest.MonkeyPatch) -> None:
    """The phase's whole budget, not 2 s: whether it proves must not depend on the load
    (it takes about 0.1 s, but a loaded machine can stretch that past 2 s)."""
    monkeypatch.setattr(infer_mod, "SMALL_MAX_S", 60.0)
    monkeypatch.setattr(infer_mod, "SMALL_SHARE", 1.0)


def _small_first(lock: bool):
    ob = race_obligation(lock=lock)
    return infer_mod._small_first(
        ob,
        Induction(ob.system),
        goals_of(ob),
        (),
        Deadline(60),
        sample.SAMPLE_SIZES,
        LARGE,
        past.sources(ob),
        {},
    )


def test_the_small_sample_proves_the_race_and_nothing_on_the_broken_one(unhurried: None):
    got = _small_first(lock=True)
    assert got is not None and got.status == "found"
    assert got.stats["small_first"] == {"Page": 3, "Thread": 3}
    assert got.lemmas  # the claim alone is not inductive
    assert _small_first(lock=False) is None


def test_the_engine_proves_with_it_and_refutes_the_broken_race(unhurried: None):
    r = inductive.check(race_obligation(), LARGE, Options(timeout_s=60))
    assert r.verdict == "proved" and r.certificate.rechecked
    assert r.stats["inference"]["small_first"] == {"Page": 3, "Thread": 3}
    broken = inductive.check(race_obligation(lock=False), LARGE, Options(timeout_s=60))
    assert broken.verdict == "refuted"


def test_an_instance_within_the_cap_skips_it():
    r = inductive.check(race_obligation(), {"Page": 3, "Thread": 2}, Options(timeout_s=60))
    assert r.verdict == "proved"
    assert "small_first" not in r.stats["inference"]


def test_given_no_time_it_falls_through_to_the_full_sample(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(infer_mod, "SMALL_MAX_S", 0.0)
    sample._SAMPLED.clear()
    r = inductive.check(race_obligation(), LARGE, Options(timeout_s=60))
    assert r.verdict == "proved" and r.certificate.rechecked
    assert "small_first" not in r.stats["inference"]
    assert r.stats["inference"]["sampled_states"] > 300  # the 6-page sample's orbits
