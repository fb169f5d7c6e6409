"""The code base stays typed and lint-clean: mypy and ruff run as part of the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_mypy_finds_no_type_errors() -> None:
    r = run("mypy", "rmpcheck")
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_finds_no_lint() -> None:
    r = run("ruff", "check", "rmpcheck", "tests", "benchmarks")
    assert r.returncode == 0, r.stdout + r.stderr
