"""Shared fixtures for the gate: a throw-away copy of a small gate project, and the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

FIXTURES = Path(__file__).parent / "fixtures"
DATA = Path(__file__).parent / "data"



@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of fixtures/proj (a locked design and its racy variant) as the working directory."""
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / "proj", root)
    monkeypatch.chdir(root)
    monkeypatch.delenv("CI", raising=False)
    return root


Invoke = Callable[..., Result]


@pytest.fixture
def prove() -> Invoke:
    """``rmpcheck prove ARGS`` in-process; the result has exit_code, stdout and stderr."""
    from rmpcheck.cli import cli

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, ["prove", *args], catch_exceptions=False)

    return run
