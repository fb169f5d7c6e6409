"""Inclusions between relations (engines/induction/inclusion.py).

The relay (tests/models/parametric/relay.rmp) needs a lemma no other family
has: a packet on a link away from its source has taught the link's sender the
way back, ``pending[s, d, x, y] && s != x -> route[x, s]``, four variables of
one sort with an equality that excuses the inclusion. The family must propose
it, every proposal must need each of its literals, and in the broken twin,
which never learns a route, it must not be proposed and the claim must not be
proved. The end-to-end runs (every earlier family tried first) are slow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rmpcheck import ir
from rmpcheck.engines import explicit, inductive
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.induction import inclusion
from rmpcheck.lang import load_model, load_properties
from rmpcheck.lang.pretty import Printer
from rmpcheck.monitor import Obligation, compile_obligation

PARAMETRIC = Path(__file__).resolve().parents[1] / "models" / "parametric"
WAY_BACK = "pending[n1, n2, n3, n4] -> route[n3, n1] || n1 == n3"


def _obligation(model: str) -> Obligation:
    m = load_model(PARAMETRIC / f"{model}.rmp")
    return compile_obligation(m, load_properties(PARAMETRIC / "relay.prop", m), "way_back")


def _proposed(model: str) -> list[str]:
    ob = _obligation(model)
    got = inclusion.inclusions(ob.system, Deadline(60), hint={"Node": 3})
    return [Printer(ob.model.enums).expr(c.formula) for c in got]


def test_the_way_back_is_proposed_and_each_proposal_needs_every_literal():
    shown = _proposed("relay")
    assert any(s.endswith(WAY_BACK) for s in shown), shown
    for s in shown:
        body = s.split(". ", 1)[1]
        # one relation read at distinct variables, then another read or its negation,
        # and at most two equalities of the variables
        assert body.count("==") <= inclusion.MAX_EXCEPTIONS, s
    # the sample's verdict: no proposal says less than another with the same two reads
    bodies = [s.split(". ", 1)[1] for s in shown]
    assert len(bodies) == len(set(bodies))


def test_the_broken_relay_gets_no_way_back():
    assert not any(s.endswith(WAY_BACK) for s in _proposed("relay_broken"))


def test_relations_are_read_at_fresh_variables_shared_between_them():
    m = load_model(PARAMETRIC / "relay.rmp")
    route, pending = (next(d for d in m.state if d.name == n) for n in ("route", "pending"))
    xs = inclusion._fresh(m, pending.type.keys)
    assert [x.name for x in xs] == ["n1", "n2", "n3", "n4"]
    assert inclusion._fresh(m, route.type.keys) == xs[:2]
    reads = inclusion._reads(route, xs)
    assert len(reads) == 16 and all(isinstance(r, ir.Select) for r in reads)


@pytest.mark.slow
def test_the_relay_is_proved_by_it_and_the_broken_one_refuted(monkeypatch: pytest.MonkeyPatch):
    r = inductive.check(_obligation("relay"), {"Node": 3}, Options(timeout_s=120))
    assert r.verdict == "proved" and r.certificate is not None and r.certificate.rechecked
    assert any(f.endswith(WAY_BACK) for f in r.certificate.formulas), r.certificate.formulas
    broken = _obligation("relay_broken")
    assert inductive.check(broken, {"Node": 3}, Options(timeout_s=120)).verdict != "proved"
    assert explicit.check(broken, {"Node": 3}, Options(timeout_s=60)).verdict == "refuted"
    # without the family, nothing else proves the relay
    monkeypatch.setattr(inclusion, "inclusions", lambda *a, **k: [])
    r = inductive.check(_obligation("relay"), {"Node": 3}, Options(timeout_s=120))
    assert r.verdict != "proved"
