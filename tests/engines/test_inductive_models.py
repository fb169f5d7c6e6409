"""Classic parametric benchmarks: each proved for all sizes, each broken twin refuted.

The twins matter as much as the proofs: the same engine must refute a broken
variant (it confirms its CTI by bmc), and the CTI must be shown reachable
(by bmc at the CTI's sizes, or explicit search if bmc is not built).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rmpcheck.engines import inductive
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.induction import cti, cti_reach
from rmpcheck.interp import Instance
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import compile_obligation

HERE = Path(__file__).resolve().parents[1] / "models" / "parametric"

# (model, its broken twin, property file, claim, lemmas the .prop gives)
CASES = [
    ("race", "race_broken", "race", "write_only_shared", 0),
    ("client_server", "client_server_broken", "client_server", "mutex", 0),
    ("ticket", "ticket_broken", "ticket", "mutex", 3),
    ("ring_leader", "ring_leader_broken", "ring_leader", "one_leader", 3),
    ("voting", "voting_broken", "voting", "agreement", 3),
]


def obligation(model: str, props: str, claim: str, use_lemmas: bool = True):
    m = load_model(HERE / f"{model}.rmp")
    ps = load_properties(HERE / f"{props}.prop", m)
    return compile_obligation(m, ps, claim, use_lemmas=use_lemmas)


@pytest.mark.parametrize(("model", "broken", "props", "claim", "given"), CASES)
def test_proved_for_all_sizes_with_rechecked_lemmas(model, broken, props, claim, given):
    ob = obligation(model, props, claim)
    assert len(ob.lemmas) == given
    r = inductive.check(ob, {}, Options(timeout_s=120))
    assert r.verdict == "proved", r.reason
    assert str(r.scope) == "for all sizes"
    cert = r.certificate
    assert cert is not None and cert.kind == "lemmas" and cert.rechecked
    # the certificate is the claim and every lemma used, in model syntax
    assert len(cert.formulas) == 1 + given + r.stats["lemmas_inferred"]
    assert r.stats["epr"], r.stats["fragment"]


@pytest.mark.parametrize(("model", "broken", "props", "claim", "given"), CASES)
def test_broken_twin_has_a_reachable_cti(model, broken, props, claim, given):
    ob = obligation(broken, props, claim)
    # the engine checks its CTI by bmc at the CTI's sizes before any inference: the
    # broken twin is refuted by the engine itself, with a replayed trace
    r = inductive.check(ob, {}, Options(timeout_s=120))
    assert r.verdict == "refuted" and r.certificate is None, r.reason
    assert r.trace is not None and r.trace.property == claim and "cti" in r.stats
    assert r.scope is not None and r.scope.kind == "instance"
    # without that check, the CTI alone: unknown, never proved
    r = inductive.check(ob, {}, Options(timeout_s=120, extra={"infer": False, "reach": False}))
    assert r.verdict == "unknown" and r.reason.startswith("not inductive")
    found = cti.find(ob, Deadline(60))
    assert isinstance(found, cti.Cti)
    # the CTI is a real step of the model: pre satisfies everything, post breaks something
    inst = Instance(ob.system, found.sizes)
    assert any(t == found.post for _, t in inst.step(found.pre, found.step.action, found.step.args))
    assert found.violated and found.trace.length == 1
    reach = cti_reach.reachability(ob, found, Options(depth=12, timeout_s=120))
    assert reach.status == "reachable", reach.detail
    assert reach.trace is not None and reach.trace.kind == "counterexample"
    assert reach.trace.property == claim


def test_inference_finds_the_race_lemmas_without_help():
    ob = obligation("race", "race", "write_only_shared")
    r = inductive.check(ob, {}, Options(timeout_s=120))
    assert r.verdict == "proved"
    text = " ".join(r.stats["inferred"])
    # at most one consulted thread, and a consulted thread holds the psc_lock
    assert "psc_lock" in text and "t1 == t2" in text


# the classic models whose hand lemmas inference now finds by itself
INFERRED = [
    # two threads past idle never hold one ticket: a clause over two threads (of four or
    # five literals, made for a CTI: engines/induction/generalize)
    ("ticket", "mutex", "t1 == t2"),
    # a decided value had a quorum voting for it: the forall-exists witness template
    ("voting", "agreement", "exists q: Quorum"),
    # no message passed a larger id (Chang-Roberts): three nodes, the unwritten ring order
    # (15-25 s of inference: in .ci/run's slow group, not the contributor's loop)
    pytest.param("ring_leader", "one_leader", "n3: Node. pending[", marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("model", "claim", "needed"), INFERRED)
def test_inference_finds_the_hand_lemmas_without_help(model, claim, needed):
    ob = obligation(model, model, claim, use_lemmas=False)
    assert not ob.lemmas
    r = inductive.check(ob, {}, Options(timeout_s=120))
    assert r.verdict == "proved", r.reason
    assert str(r.scope) == "for all sizes"
    cert = r.certificate
    assert cert is not None and cert.kind == "lemmas" and cert.rechecked
    assert len(cert.formulas) == 1 + r.stats["lemmas_inferred"]
    assert needed in " ".join(r.stats["inferred"])


@pytest.mark.parametrize(("model", "claim", "needed"), INFERRED)
def test_inference_does_not_prove_the_broken_twin(model, claim, needed):
    # without bmc's look at the CTI, inference runs on the broken twin: its templates
    # must find nothing inductive, since the claim is false there
    ob = obligation(f"{model}_broken", model, claim, use_lemmas=False)
    r = inductive.check(ob, {}, Options(timeout_s=120, extra={"reach": False}))
    assert r.verdict == "unknown" and r.certificate is None, r.reason
    assert r.stats["cti"]["violated"] == [claim]


def test_ticket_lemmas_alone_give_a_cti_not_a_proof():
    ob = obligation("ticket", "ticket", "mutex", use_lemmas=False)
    r = inductive.check(ob, {}, Options(timeout_s=60, extra={"infer": False}))
    assert r.verdict == "unknown"
    assert r.stats["cti"]["violated"] == ["mutex"]


@pytest.mark.skipif(
    "bmc" not in __import__("rmpcheck.engines.registry", fromlist=["ENGINES"]).ENGINES,
    reason="bmc engine not registered",
)
def test_race_twin_cti_is_confirmed_by_bmc():
    ob = obligation("race_broken", "race", "write_only_shared")
    found = cti.find(ob, Deadline(60))
    assert isinstance(found, cti.Cti) and found.sizes == {"Page": 1, "Thread": 1}
    reach = cti_reach.reachability(ob, found, Options(depth=10, timeout_s=60))
    assert reach.engine == "bmc" and reach.status == "reachable"
    assert [s.action for s in reach.trace.steps[1:]] == [
        "host.translate",
        "host.consult_rmp",
        "guest.psc_to_private",
    ]


def test_unbroken_race_cti_is_unreachable_at_its_sizes():
    ob = obligation("race", "race", "write_only_shared")
    found = cti.find(ob, Deadline(60))
    assert isinstance(found, cti.Cti)
    reach = cti_reach.reachability(ob, found, Options(depth=10, timeout_s=60))
    assert reach.status == "unreachable" and reach.trace is None
