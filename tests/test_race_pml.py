"""benchmarks/models/race.pml is race.rmp's state space in Promela (benchmarks/bench_spin.py).

Skips without spin and gcc (`apt-get install spin`; .ci/run tries to).
"""

from __future__ import annotations

from pathlib import Path

import bench_scripts
import pytest

ROOT = Path(__file__).resolve().parent.parent


bench_spin = bench_scripts.load("bench_spin")
pytestmark = pytest.mark.skipif(
    bench_spin.missing_tools() is not None, reason=str(bench_spin.missing_tools())
)


def test_spin_and_rmpcheck_store_the_same_states() -> None:
    # compare raises when a size's counts or verdicts differ
    lines = bench_spin.compare([2, 3], 2)
    assert "states agree" in lines[-1]


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
