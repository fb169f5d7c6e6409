"""Best-of-N timing for the bench scripts: wall clock and process CPU seconds.

CPU time is what a check cost even on a loaded machine (the engines run in
this process), so the scripts report both and their targets use CPU where
the machine is shared.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def best_of(n: int, run: Callable[[], T]) -> tuple[T, float, float]:
    """The last result, and the least wall-clock and CPU seconds over ``n`` (>= 1) runs."""
    assert n >= 1
    wall, cpu = float("inf"), float("inf")
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        out = run()
        wall = min(wall, time.perf_counter() - w)
        cpu = min(cpu, time.process_time() - c)
    return out, wall, cpu
