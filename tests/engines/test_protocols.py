"""The protocol suite of benchmarks/protocols/: every port parses, cites its
source, is not refuted at its instance, and its broken twin is.

The all-sizes proofs are benchmarks (benchmarks/bench_protocols.py), not
tests; here explicit search at one small instance per protocol checks the
ports themselves: an original refuted there is a wrong port, a twin not
refuted there is a twin that tests nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rmpcheck.engines import explicit, inductive
from rmpcheck.engines.base import Options
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import compile_obligation

SUITE = Path(__file__).resolve().parents[2] / "benchmarks" / "protocols"
NAMES = sorted(p.stem for p in SUITE.glob("*.rmp") if not p.stem.endswith("_broken"))

# Where the model's instance is too large for a quick explicit search of the
# original (learning_switch: a four-place pending relation over Node = 3), a
# smaller one; its twin still needs three nodes to route in a cycle.
ORIGINAL_SIZES = {"learning_switch": {"Node": 2}}


def claim(props: Path) -> str:
    return next(
        line.split()[1].rstrip(":")
        for line in props.read_text().splitlines()
        if line.startswith("invariant ")
    )


def search(model: Path, name: str, sizes: dict[str, int] | None = None):
    m = load_model(model)
    props = SUITE / f"{name}.prop"
    ob = compile_obligation(m, load_properties(props, m), claim(props), use_lemmas=False)
    inst = sizes if sizes is not None else dict(m.instances[0].sizes)
    return explicit.check(ob, inst, Options(timeout_s=60))


def test_the_suite_has_twenty_protocols_each_with_a_twin():
    assert len(NAMES) >= 20
    for name in NAMES:
        assert (SUITE / f"{name}_broken.rmp").is_file(), name
        assert (SUITE / f"{name}.prop").is_file(), name


@pytest.mark.parametrize("name", NAMES)
def test_port_cites_its_source(name):
    head = (SUITE / f"{name}.rmp").read_text()[:1500]
    assert "Ported from" in head and ("/" in head), name


@pytest.mark.parametrize("name", NAMES)
def test_original_is_not_refuted_at_a_small_instance(name):
    r = search(SUITE / f"{name}.rmp", name, ORIGINAL_SIZES.get(name))
    assert r.verdict == "proved", (name, r.verdict, r.reason)


@pytest.mark.parametrize("name", NAMES)
def test_broken_twin_is_refuted_at_a_small_instance(name):
    r = search(SUITE / f"{name}_broken.rmp", name)
    assert r.verdict == "refuted", (name, r.verdict, r.reason)
    assert r.trace is not None


def inductive_no_lemma(model: Path, name: str):
    m = load_model(model)
    props = SUITE / f"{name}.prop"
    ob = compile_obligation(m, load_properties(props, m), claim(props), use_lemmas=False)
    return inductive.check(ob, dict(m.instances[0].sizes), Options(timeout_s=120))


# proved for all sizes with every lemma inferred (and re-checked), each thanks to a shape
# inference reaches on demand: a witness with its action's effects (firewall), existential
# atoms (sharded_kv_no_lost_keys; client_server_db_ae), a third node over a binary
# relation (the consensus protocols), guarded injectivity through a relation
# (ticket_lock), a witness hoisted out of its forall (consensus_epr: one quorum voted
# for every leader), a clause guarded by the order of two epochs over a sample with the
# order pinned (distributed_lock: an older transfer is stale); tens of seconds each
# are slow
PROVED = [
    "firewall",
    "sharded_kv_no_lost_keys",
    pytest.param("consensus_wo_decide", marks=pytest.mark.slow),
    pytest.param("consensus_forall", marks=pytest.mark.slow),
    pytest.param("client_server_db_ae", marks=pytest.mark.slow),
    pytest.param("ticket_lock", marks=pytest.mark.slow),
    pytest.param("consensus_epr", marks=pytest.mark.slow),
    pytest.param("consensus", marks=pytest.mark.slow),
    pytest.param("distributed_lock", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("name", PROVED)
def test_proved_for_all_sizes_with_no_hand_lemma(name):
    r = inductive_no_lemma(SUITE / f"{name}.rmp", name)
    assert r.verdict == "proved", (name, r.reason)
    assert r.scope is not None and r.scope.kind == "all-sizes"
    assert r.certificate is not None and r.certificate.rechecked
    assert r.stats["lemmas_given"] == 0 and r.stats["lemmas_inferred"] >= 1


@pytest.mark.parametrize("name", PROVED)
def test_its_broken_twin_is_not_proved_by_induction(name):
    r = inductive_no_lemma(SUITE / f"{name}_broken.rmp", name)
    assert r.verdict in ("refuted", "unknown"), (name, r.verdict)
