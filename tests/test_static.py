"""The code base stays typed and lint-clean: mypy and ruff run as part of the tests.

They come with the ``[dev]`` extra (README's test command installs it). Without
them these tests skip and say so; under CI (``CI`` set) a missing linter is a
failure instead, so a CI set-up cannot lose the check without anyone noticing.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec(tool) is None:
        why = f"{tool} is not installed: pip install -e '.[test,dev]'"
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(f"{why} (CI must run the linters)")
        pytest.skip(why)
    return subprocess.run(
        [sys.executable, "-m", tool, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_mypy_finds_no_type_errors() -> None:
    r = run("mypy", "rmpcheck")
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_finds_no_lint() -> None:
    r = run("ruff", "check", "rmpcheck", "tests", "benchmarks")
    assert r.returncode == 0, r.stdout + r.stderr
