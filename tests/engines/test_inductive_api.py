"""api.prove with lemmas: lemmas that only hold together are proved together, and a proof
that rests on lemmas stands only while every one of them is proved."""

from __future__ import annotations

import race_text

from rmpcheck import api
from rmpcheck.engines import registry
from rmpcheck.engines.base import Options
from rmpcheck.lang import parse_model, parse_properties
from rmpcheck.result import Result

NO_INFER = Options(timeout_s=60, extra={"infer": False})

# each lemma alone is not inductive: a write drops the lock while a second consulted
# thread still counts on it, and two threads can both consult unless the lock is held
TOGETHER = """properties for race
invariant write_only_shared: forall t: Thread. step[t] == consulted -> !assigned[target[t]]
lemma locked: forall t: Thread. step[t] == consulted -> psc_lock
lemma at_most_one:
  forall a: Thread, b: Thread. step[a] == consulted && step[b] == consulted -> a == b
"""


def _race(props: str, model_text: str = race_text.TEXT):
    model = parse_model(model_text, "race.rmp")
    return model, parse_properties(props, model, "race.prop")


def test_lemmas_that_hold_only_together_are_proved_together():
    model, props = _race(TOGETHER)
    alone = TOGETHER.replace("lemma at_most_one", "invariant at_most_one")
    m2, p2 = _race(alone)
    # alone (the other lemma not available) the lemma is not inductive
    (r,) = api.prove(m2, p2, property="locked", engine="inductive", options=NO_INFER)
    assert r.verdict == "unknown"
    results = {r.property: r for r in api.prove(model, props, engine="inductive", options=NO_INFER)}
    assert {n: r.verdict for n, r in results.items()} == dict.fromkeys(results, "proved")
    assert all(
        str(r.scope) == "for all sizes" and r.certificate.rechecked for r in results.values()
    )


def test_in_the_broken_race_the_lemmas_are_not_proved():
    model, props = _race(TOGETHER, race_text.broken())
    results = {r.property: r for r in api.prove(model, props, engine="inductive", options=NO_INFER)}
    assert results["write_only_shared"].verdict != "proved"
    # the lemmas themselves still hold (the bug is the guest's), but not the claim
    assert results["locked"].verdict == "proved"


def _fake(refute: str):
    """A prover that 'proves' every claim resting on all the lemmas it is given, except
    ``refute``, which it checks honestly."""

    def run(ob, sizes, opts):
        if ob.prop.name == refute:
            return registry.run("explicit", ob, sizes, opts)
        names = [n for n, _ in ob.lemmas]
        stats = {"assumed_lemmas": names}
        verdict = "proved" if names else "unknown"
        return Result(ob.model.name, ob.prop.name, ob.prop.kind, verdict, "fake", stats=stats)

    return run


def test_a_cycle_of_proofs_through_a_false_lemma_falls(monkeypatch):
    wrong = TOGETHER + "lemma never_locked: !psc_lock\n"
    model, props = _race(wrong)
    real = registry.resolve
    monkeypatch.setitem(registry.ENGINES, "fake", f"{__name__}:_unused")
    monkeypatch.setattr(
        registry, "resolve", lambda e: _fake("never_locked") if e == "fake" else real(e)
    )
    results = {
        r.property: r
        for r in api.prove(model, props, engine="fake", sizes={"Page": 2, "Thread": 2})
    }
    assert results["never_locked"].verdict == "refuted"
    # every other proof leaned on never_locked (and on each other): all asked again alone
    for name in ("write_only_shared", "locked", "at_most_one"):
        assert results[name].verdict == "unknown", name
