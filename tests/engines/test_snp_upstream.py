"""The upstream Linux SNP host model (a fixture copied from the lead's target): its
crash claim is proved for all sizes with the hand-written lemmas, the oracle that
inference is measured against, and a broken twin (punch-hole forgets a failed
RMPUPDATE) is refuted, never proved, with or without those lemmas."""

from __future__ import annotations

from pathlib import Path

import pytest

from rmpcheck.engines import auto, inductive
from rmpcheck.engines.base import Options
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import compile_obligation

HERE = Path(__file__).resolve().parents[1] / "models" / "snp_upstream"
CLAIM = "crash_needs_failure"


def _ob(model: str, props: str, use_lemmas: bool = True):
    m = load_model(HERE / f"{model}.rmp")
    return compile_obligation(m, load_properties(HERE / f"{props}.prop", m), CLAIM, use_lemmas)


def _sizes(model: str) -> dict[str, int]:
    return dict(load_model(HERE / f"{model}.rmp").instances[0].sizes)


def test_hand_lemmas_prove_the_claim_for_all_sizes():
    ob = _ob("upstream_linux", "upstream_hand_lemmas")
    r = inductive.check(ob, {}, Options(timeout_s=60, extra={"infer": False}))
    assert r.verdict == "proved" and r.scope is not None and r.scope.kind == "all-sizes"
    assert r.certificate is not None and r.certificate.rechecked


def test_the_broken_twin_is_not_proved_by_the_hand_lemmas():
    ob = _ob("upstream_punch_silent", "upstream_hand_lemmas")
    r = inductive.check(ob, {}, Options(timeout_s=60, extra={"infer": False}))
    assert r.verdict != "proved"


@pytest.mark.slow
def test_the_broken_twin_is_refuted():
    ob = _ob("upstream_punch_silent", "upstream_crash", use_lemmas=False)
    r = auto.check(ob, _sizes("upstream_punch_silent"), Options(timeout_s=120))
    assert r.verdict == "refuted" and r.trace is not None


@pytest.mark.bench
@pytest.mark.xfail(strict=True, reason="inference does not yet find the 17-lemma strengthening")
def test_inference_proves_the_claim_without_hand_lemmas():
    ob = _ob("upstream_linux", "upstream_crash", use_lemmas=False)
    r = inductive.check(ob, _sizes("upstream_linux"), Options(timeout_s=600))
    assert r.verdict == "proved", r.reason
