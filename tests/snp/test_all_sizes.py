"""The SNP library's invariants, proved for every size by the inductive engine.

Every claim the matrix expects proved (or uncoverable) with scope "all-sizes"
is proved here with the lemmas its variant's property files state, and
nothing else: inference is off, so the lemmas as written (all of them
inferred by benchmarks/snp_lemmas.py, none by hand) are the whole
certificate, re-checked by a fresh solver. The proof path must also fail
where it should: a variant with the bug, given the correct variant's lemmas,
is not proved (the claim is refuted there, with a replayed trace).
"""

from __future__ import annotations

import pytest
from snp_matrix import ROOT, Check, all_sizes_claims, checks

from rmpcheck.api import prove
from rmpcheck.engines import inductive
from rmpcheck.engines.base import Options
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import compile_obligation
from rmpcheck.trace.recheck import recheck

CHECKS = checks()
NO_INFERENCE = Options(timeout_s=120, extra={"infer": False})


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
def test_invariants_proved_for_all_sizes_with_the_written_lemmas(check: Check) -> None:
    claims = all_sizes_claims(check)
    assert claims, check.name
    model = load_model(check.model)
    for claim, path in claims:
        ob = compile_obligation(model, load_properties(path, model), claim)
        r = inductive.check(ob, {}, NO_INFERENCE)
        assert r.verdict == check.expect[claim], (check.name, claim, r.reason)
        assert str(r.scope) == "for all sizes"
        assert r.certificate is not None and r.certificate.rechecked
        assert r.stats["lemmas_inferred"] == 0


def test_every_invariant_a_variant_satisfies_is_expected_for_all_sizes() -> None:
    # issue 7's promise: not one proof of an invariant left at instance scope
    for c in CHECKS:
        model, sets = c.load()
        for props in sets:
            for p in props.properties:
                if p.kind == "invariant" and c.expect.get(p.name) == "proved":
                    assert p.name in {n for n, _ in all_sizes_claims(c)}, (c.name, p.name)


def test_without_its_lemmas_a_claim_is_not_proved() -> None:
    model = load_model(ROOT / "models" / "consult_under_lock.rmp")
    shared = load_properties(ROOT / "properties" / "host_writes.prop", model)
    r = inductive.check(compile_obligation(model, shared, "no_host_crash"), {}, NO_INFERENCE)
    assert r.verdict == "unknown" and r.reason.startswith("not inductive")


@pytest.mark.parametrize(
    ("broken", "file", "claim"),
    [
        ("buggy_free", "free_path.prop", "no_bug_on"),  # frees a VMSA page unreclaimed
        ("blind_write", "host_writes.prop", "no_host_crash"),  # writes without a consult
    ],
)
def test_the_correct_variants_lemmas_do_not_prove_a_broken_one(
    tmp_path, broken: str, file: str, claim: str
) -> None:
    # consult_under_lock's lemmas, stated for the broken variant
    lemmas = (ROOT / "properties" / "consult_under_lock" / file).read_text()
    text = lemmas.replace("properties for consult_under_lock", f"properties for {broken}", 1)
    text = text.replace('include "../', f'include "{ROOT / "properties"}/', 1)
    (tmp_path / file).write_text(text)
    model = load_model(ROOT / "models" / f"{broken}.rmp")
    ob = compile_obligation(model, load_properties(tmp_path / file, model), claim)
    r = inductive.check(ob, {}, NO_INFERENCE)
    assert r.verdict in ("refuted", "unknown") and r.certificate is None, r.reason
    # refuted when bmc at the CTI's sizes finds the bug, else the CTI is the answer
    assert r.trace is not None if r.verdict == "refuted" else r.reason.startswith("not induct")
    # and the claim is in fact false there: a replayed counterexample (the matrix
    # expects this refutation too; here it is the same obligation, lemmas included)
    [refuted] = prove(model, load_properties(tmp_path / file, model), property=claim,
                      engine="explicit", instance="small")
    assert refuted.verdict == "refuted" and refuted.trace is not None


def test_the_inductive_engine_refutes_a_broken_variant_with_a_replayed_trace() -> None:
    # blind_write syncs the GHCB without consulting the RMP: the claim's CTI is a real
    # bug, which the engine confirms by bmc at the CTI's sizes before any inference
    model = load_model(ROOT / "models" / "blind_write.rmp")
    props = load_properties(ROOT / "properties" / "host_writes.prop", model)
    ob = compile_obligation(model, props, "no_host_crash")
    r = inductive.check(ob, {}, Options(timeout_s=60))
    assert r.verdict == "refuted" and r.trace is not None and r.certificate is None
    assert r.scope is not None and r.scope.kind == "instance"
    assert recheck(r.trace, model, props).ok
