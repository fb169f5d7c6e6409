"""The invariant-inference protocol suite: proofs for all sizes with no hand lemma.

    python benchmarks/bench_protocols.py            # every protocol and broken twin
    python benchmarks/bench_protocols.py lock_server consensus

For each protocol of benchmarks/protocols/ (ported from the public suites; each
model file names its source) the inductive engine runs with no lemma given, so
every lemma in a proof was inferred, and re-checked by a fresh solver; then
``auto`` runs on the broken twin, which must be refuted. Prints one row per
protocol: verdict, lemmas inferred, seconds, the twin's verdict, and where the
published tools' figures for it are (paper and table).
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rmpcheck.engines import auto, inductive  # noqa: E402
from rmpcheck.engines.base import Options  # noqa: E402
from rmpcheck.lang import load_model, load_properties  # noqa: E402
from rmpcheck.monitor import compile_obligation  # noqa: E402

HERE = Path(__file__).resolve().parent / "protocols"
TESTS = ROOT / "tests" / "models" / "parametric"
PROVE_S = 120.0
REFUTE_S = 60.0

# Where the published figures for a protocol are. DistAI: Yao et al., OSDI'21,
# Table 2; DuoAI: Yao et al., OSDI'22, Table 2; SWISS: Hance et al., NSDI'21,
# Table 1; P-FOL-IC3: Koenig et al., PLDI'22, Table 1. The figures themselves
# are not transcribed here (see docs/inductive.md).
PUBLISHED = "DistAI T2, DuoAI T2, SWISS T1, P-FOL-IC3 T1"


@dataclass(frozen=True)
class Case:
    name: str
    model: Path
    broken: Path
    props: Path
    claim: str


def cases() -> list[Case]:
    out = []
    for m in sorted(HERE.glob("*.rmp")):
        if m.stem.endswith("_broken"):
            continue
        props = HERE / f"{m.stem}.prop"
        claim = next(
            line.split()[1].rstrip(":")
            for line in props.read_text().splitlines()
            if line.startswith("invariant ")
        )
        out.append(Case(m.stem, m, HERE / f"{m.stem}_broken.rmp", props, claim))
    # the classic protocols kept with the engine's tests
    for name, claim in (
        ("ticket", "mutex"),
        ("ring_leader", "one_leader"),
        ("voting", "agreement"),
    ):
        out.append(
            Case(
                name,
                TESTS / f"{name}.rmp",
                TESTS / f"{name}_broken.rmp",
                TESTS / f"{name}.prop",
                claim,
            )
        )
    return out


def run(case: Case) -> tuple[str, int, float, str, float]:
    m = load_model(case.model)
    ob = compile_obligation(m, load_properties(case.props, m), case.claim, use_lemmas=False)
    hint = dict(m.instances[0].sizes) if m.instances else {}
    start = time.perf_counter()
    r = inductive.check(ob, hint, Options(timeout_s=PROVE_S))
    took = time.perf_counter() - start
    lemmas = int(r.stats.get("lemmas_inferred", 0))
    verdict = r.verdict + (
        " all sizes" if r.scope is not None and r.scope.kind == "all-sizes" else ""
    )
    bm = load_model(case.broken)
    bob = compile_obligation(bm, load_properties(case.props, bm), case.claim, use_lemmas=False)
    start = time.perf_counter()
    b = auto.check(bob, hint, Options(timeout_s=REFUTE_S))
    return verdict, lemmas, took, b.verdict, time.perf_counter() - start


def main(argv: list[str]) -> int:
    chosen = [c for c in cases() if not argv or c.name in argv]
    rows = []
    head = f"{'protocol':22} {'verdict':22} {'lemmas':>6} {'s':>7}  {'broken twin':14} {'s':>6}"
    print(head + "  published")
    for c in chosen:
        v, n, s, bv, bs = run(c)
        rows.append((c.name, v, n, s, bv, bs))
        print(f"{c.name:22} {v:22} {n:6} {s:7.1f}  {bv:14} {bs:6.1f}  {PUBLISHED}", flush=True)
    proved = [r for r in rows if r[1] == "proved all sizes"]
    refuted = [r for r in rows if r[4] == "refuted"]
    secs = [r[3] for r in rows]
    n = len(rows)
    print(
        f"\nproved for all sizes: {len(proved)}/{n}; twins refuted: {len(refuted)}/{n};"
        f" median {statistics.median(secs):.1f} s, max {max(secs):.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
