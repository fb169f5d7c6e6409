"""The shipped gate (``rmpcheck prove`` on this repository's [tool.rmpcheck]), cold and warm.

Targets on the 2-core reference machine: under 60 s cold (empty cache), under
5 s warm (every result cached). CPU seconds (all processes) are printed too:
they hardly change when other work shares the machine; wall seconds do. Both
runs are whole ``rmpcheck prove`` processes, start-up included, on a copy of
the configuration, models and property files in a temporary directory, so
the repository's own cache is untouched.

    python benchmarks/bench_gate.py [-j N]
    pytest benchmarks/bench_gate.py -m bench      # the targets as tests
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COLD_TARGET_S = 60.0
WARM_TARGET_S = 5.0


def copy_project(dest: Path) -> Path:
    """The configuration and everything it reads, without the cache."""
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    for d in ("models", "properties"):
        if (ROOT / d).is_dir():
            shutil.copytree(ROOT / d, dest / d)
    return dest


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def prove(project: Path, jobs: int | None) -> tuple[float, float, int, dict]:
    """One ``rmpcheck prove --json`` process: wall and CPU seconds, exit code, the document."""
    args = [sys.executable, "-c", "from rmpcheck.cli import main; main()", "prove", "--json"]
    if jobs:
        args += ["-j", str(jobs)]
    t0, c0 = time.perf_counter(), _children_cpu()
    p = subprocess.run(args, cwd=project, capture_output=True, text=True,
                       env={**os.environ, "CI": "true"})
    wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
    try:
        doc = json.loads(p.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"rmpcheck prove failed ({p.returncode}):\n{p.stderr}") from None
    return wall, cpu, p.returncode, doc


def measure(jobs: int | None = None) -> dict[str, float | int | str]:
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp))
        cold, cold_cpu, code, doc = prove(project, jobs)
        warm, warm_cpu, code2, doc2 = prove(project, jobs)
    s = doc["summary"]
    slowest = sorted(doc["obligations"], key=lambda o: -(o["result"] or {}).get("time_s", 0))
    return {
        "obligations": s["total"],
        "as_expected": s["ok"],
        "cold_s": cold,
        "cold_cpu_s": cold_cpu,
        "warm_s": warm,
        "warm_cpu_s": warm_cpu,
        "load": os.getloadavg()[0],
        "warm_cached": doc2["summary"]["cached"],
        "exit_cold": code,
        "exit_warm": code2,
        "slowest": ", ".join(
            f"{o['model']}::{o['property']} {(o['result'] or {}).get('time_s', 0):.1f} s"
            for o in slowest[:3]
        ),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-j", "--jobs", type=int, default=None)
    m = measure(ap.parse_args().jobs)
    print(f"{m['obligations']} obligations, {m['as_expected']} as expected "
          f"(exit {m['exit_cold']})")
    print(f"cold: {m['cold_s']:.1f} s wall, {m['cold_cpu_s']:.1f} s CPU "
          f"(target < {COLD_TARGET_S:.0f} s wall)")
    print(f"warm: {m['warm_s']:.1f} s wall, {m['warm_cpu_s']:.1f} s CPU, {m['warm_cached']} cached "
          f"(target < {WARM_TARGET_S:.0f} s wall)")
    print(f"load average at the end: {m['load']:.1f} (on a busy machine wall time stretches)")
    print(f"slowest: {m['slowest']}")


@pytest.mark.bench
def test_gate_cold_and_warm() -> None:
    m = measure()
    print(m)
    assert m["exit_cold"] == 0 and m["exit_warm"] == 0
    assert m["warm_cached"] == m["obligations"]
    assert m["cold_s"] < COLD_TARGET_S
    assert m["warm_s"] < WARM_TARGET_S


if __name__ == "__main__":
    main()
