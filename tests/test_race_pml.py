"""benchmarks/models/race.pml is race.rmp's state space in Promela (benchmarks/bench_spin.py).

Skips without spin and gcc (`apt-get install spin`; .ci/run tries to).
"""

from __future__ import annotations

from pathlib import Path

import bench_scripts
import pytest

ROOT = Path(__file__).resolve().parent.parent


bench_spin = bench_scripts.load("bench_spin")
needs_spin = pytest.mark.skipif(
    bench_spin.missing_tools() is not None, reason=str(bench_spin.missing_tools())
)


@pytest.mark.parametrize(("page", "thread"), [(2, 2), (3, 2), (3, 3), (4, 2)])
def test_the_closed_form_counts_rmpchecks_states(page: int, thread: int) -> None:
    """bench_spin --proof sizes SPIN's hash table and checks its count by expected_states,
    without an unreduced search of its own: the formula must be the search's count."""
    from rmpcheck.engines import explicit
    from rmpcheck.engines.base import Options

    race = bench_scripts.load("race_case").race
    r = explicit.check(race(), {"Page": page, "Thread": thread}, Options(symmetry=False))
    assert r.stats["states"] == bench_spin.expected_states(page, thread)


@needs_spin
def test_spin_and_rmpcheck_store_the_same_states() -> None:
    # compare raises when a size's counts or verdicts differ
    lines = bench_spin.compare([2, 3], 2)
    assert "states agree" in lines[-1]


@needs_spin
def test_spin_refutes_the_broken_variant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Promela asserts the claim: without psc_to_private's lock check it fails."""
    text = bench_spin.PML.read_text()
    guard = "P < PAGES && !psc_lock ->"
    assert text.count(guard) == 1
    broken = tmp_path / "race_broken.pml"
    broken.write_text(text.replace(guard, "P < PAGES ->"))
    monkeypatch.setattr(bench_spin, "PML", broken)
    run = bench_spin.run_spin(2, 2, str(tmp_path), expected=100)
    assert run.verdict == "refuted"
