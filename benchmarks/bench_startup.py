"""Start-up time of `rmpcheck --help` and `rmpcheck check` (target: --help under 0.3 s).

Run by hand: `python benchmarks/bench_startup.py` or `pytest benchmarks -m bench`.
Reports the median of several runs of each command in fresh processes.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RACE = ROOT / "benchmarks" / "models" / "race.rmp"


def median_seconds(args: list[str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure() -> dict[str, float]:
    exe = [str(Path(sys.executable).with_name("rmpcheck"))]
    return {
        "python -c pass": median_seconds([sys.executable, "-c", "pass"]),
        "rmpcheck --help": median_seconds([*exe, "--help"]),
        "rmpcheck check race.rmp": median_seconds([*exe, "check", str(RACE)]),
    }


@pytest.mark.bench
def test_startup() -> None:
    figures = measure()
    for k, v in figures.items():
        print(f"{k:28} {v * 1000:7.0f} ms")
    assert figures["rmpcheck --help"] < 0.3 + figures["python -c pass"]


if __name__ == "__main__":
    for k, v in measure().items():
        print(f"{k:28} {v * 1000:7.0f} ms")
