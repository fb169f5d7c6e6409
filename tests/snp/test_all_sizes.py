"""The SNP library's proofs for every size, and the proof path they rest on.

Every claim the matrix expects proved (or uncoverable) with scope "all-sizes"
is proved here with the lemmas its design's property files state, and
nothing else: inference is off, so the lemmas as written are the whole
certificate, re-checked by a fresh solver. Today the matrix expects none:
the SNP library of two eras is proved at its instances only (docs/snp.md,
"Proofs for every size", says what inference reaches and what it does not).

The proof path must also fail where it should. tests/snp/oracles holds a
lemma set written by hand for one correct design (a test oracle, never a
proof the gate uses): it proves the claim for every size there, and the same
lemmas do not prove it for a design that has the bug.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from snp_matrix import ROOT, Check, all_sizes_claims, checks, prove_inferred

from rmpcheck.engines import inductive
from rmpcheck.engines.base import Options
from rmpcheck.engines.induction import shared
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import compile_obligation
from rmpcheck.trace.recheck import recheck

CHECKS = checks()
NO_INFERENCE = Options(timeout_s=120, extra={"infer": False})
ORACLES = Path(__file__).parent / "oracles"
RFC = ROOT / "models" / "rfc2021"


def _all_sizes() -> list[tuple[Check, str, Path]]:
    return [(c, n, p) for c in CHECKS for n, p in all_sizes_claims(c)]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("check", "claim", "path"), _all_sizes(), ids=lambda x: getattr(x, "name", str(x))
)
def test_claims_expected_for_all_sizes_are_proved_with_the_written_lemmas(
    check: Check, claim: str, path: Path
) -> None:
    model = load_model(check.model)
    ob = compile_obligation(model, load_properties(path, model), claim)
    r = inductive.check(ob, {}, NO_INFERENCE)
    assert r.verdict == check.expected(claim), (check.name, claim, r.reason)
    assert str(r.scope) == "for all sizes"
    assert r.certificate is not None and r.certificate.rechecked


def test_the_oracle_lemmas_prove_the_correct_design_for_every_size() -> None:
    model = load_model(RFC / "know_and_check.rmp")
    props = load_properties(ORACLES / "know_and_check.prop", model)
    r = inductive.check(compile_obligation(model, props, "no_host_crash"), {}, NO_INFERENCE)
    assert r.verdict == "proved" and str(r.scope) == "for all sizes", r.reason
    assert r.certificate is not None and r.certificate.rechecked


def test_without_its_lemmas_the_claim_is_not_proved() -> None:
    model = load_model(RFC / "know_and_check.rmp")
    shared = load_properties(ROOT / "properties" / "rfc2021" / "host_safety.prop", model)
    r = inductive.check(compile_obligation(model, shared, "no_host_crash"), {}, NO_INFERENCE)
    assert r.verdict == "unknown" and r.reason.startswith("not inductive"), r.describe()


# The correct design of each era: inference proves its every claim for all sizes
INFERRED_FOR_ALL_SIZES = ("know_and_check", "leak_on_invalidate_failure")


@pytest.mark.slow  # about 3 CPU-minutes each: the first claim infers most lemmas (docs/snp.md)
@pytest.mark.parametrize("design", INFERRED_FOR_ALL_SIZES)
def test_inference_proves_every_claim_of_the_correct_design_for_every_size(design: str) -> None:
    # every lemma inferred, no oracle: each claim the gate expects proved (or
    # uncoverable) at the design's instance holds for every size
    check = next(c for c in CHECKS if c.name == design)
    claims = 0
    for claim, r in prove_inferred(check, timeout_s=900):
        assert r.verdict == check.expected(claim), (claim, r.reason)
        assert str(r.scope) == "for all sizes", (claim, r.scope)
        assert r.certificate is not None and r.certificate.rechecked, claim
        assert r.stats["lemmas_given"] == 0, claim
        claims += 1
    assert claims >= 10


@pytest.mark.slow  # about 40 s of CPU: Houdini over the planted formulas, then the search
def test_formulas_shared_from_another_design_cannot_prove_a_broken_one() -> None:
    # The store is keyed by model and trusted by nobody: plant the correct design's
    # hand lemmas (true there, false in the broken design) as if they had been
    # proved for the broken one; its claim must still be refuted, never proved
    good = load_model(RFC / "know_and_check.rmp")
    oracle = load_properties(ORACLES / "know_and_check.prop", good)
    bad = load_model(RFC / "consult_at_translation.rmp")
    props = load_properties(ROOT / "properties" / "rfc2021" / "host_safety.prop", bad)
    store = shared.Proved()
    store.remember(bad, [p.formula for p in oracle.properties if p.kind == "lemma"])
    assert store.recall(bad)
    ob = compile_obligation(bad, props, "no_host_crash")
    opts = Options(timeout_s=900, extra={"proved": store, "reach_s": 300, "instance_s": 300})
    r = inductive.check(ob, dict(bad.instances[0].sizes), opts)
    assert r.verdict == "refuted" and r.certificate is None, r.describe()
    assert recheck(r.trace, bad, props).ok


UPSTREAM = ROOT / "models" / "upstream"


def test_the_upstream_oracle_proves_the_correct_design_for_every_size() -> None:
    # the upstream era's correct design: 14 hand lemmas, three of four literals
    # (inference finds its own set: test_inference_proves_every_claim_...)
    model = load_model(UPSTREAM / "leak_on_invalidate_failure.rmp")
    props = load_properties(ORACLES / "leak_on_invalidate_failure.prop", model)
    ob = compile_obligation(model, props, "no_store_to_assigned")
    r = inductive.check(ob, {}, NO_INFERENCE)
    assert r.verdict == "proved" and str(r.scope) == "for all sizes", r.reason
    assert r.certificate is not None and r.certificate.rechecked


@pytest.mark.parametrize("broken", ["linux", "inplace"])
def test_the_upstream_oracle_does_not_prove_linux(broken: str) -> None:
    # the same lemmas where guest_memfd frees a page whose release failed: its next
    # owner's store is refuted with a trace, the certificate withheld
    model = load_model(UPSTREAM / f"{broken}.rmp")
    props = load_properties(ORACLES / "leak_on_invalidate_failure.prop", model)
    ob = compile_obligation(model, props, "no_store_to_assigned")
    r = inductive.check(ob, dict(model.instances[0].sizes), NO_INFERENCE)
    assert r.verdict == "refuted" and r.certificate is None, r.describe()
    assert r.trace is not None and recheck(r.trace, model, props).ok


@pytest.mark.parametrize("broken", ["consult_at_translation", "no_physmap_split", "recover"])
def test_the_oracle_lemmas_do_not_prove_a_broken_design(broken: str) -> None:
    # the same lemmas, the same claim, a design where a guest can crash the host
    model = load_model(RFC / f"{broken}.rmp")
    props = load_properties(ORACLES / "know_and_check.prop", model)
    r = inductive.check(compile_obligation(model, props, "no_host_crash"), {}, NO_INFERENCE)
    assert r.verdict in ("refuted", "unknown") and r.certificate is None, r.describe()


@pytest.mark.slow  # about 25 s of CPU: inference runs before the instance is searched
def test_the_inductive_engine_refutes_a_broken_design_with_a_replayed_trace() -> None:
    # consult_at_translation: the conversion slips between the consult and the store.
    # The CTI, shrunk to one page, cannot show it (KVM's own pages need more), so the
    # engine searches the instance it was asked about before it answers "unknown"
    model = load_model(RFC / "consult_at_translation.rmp")
    props = load_properties(ROOT / "properties" / "rfc2021" / "host_safety.prop", model)
    ob = compile_obligation(model, props, "no_host_crash")
    sizes = dict(model.instances[0].sizes)
    # budgets wide enough that a busy machine cannot turn the refutation into "unknown"
    wide = Options(timeout_s=900, extra={"reach_s": 300, "instance_s": 300})
    r = inductive.check(ob, sizes, wide)
    assert r.verdict == "refuted" and r.trace is not None and r.certificate is None
    assert recheck(r.trace, model, props).ok
