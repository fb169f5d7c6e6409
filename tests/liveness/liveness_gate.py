"""A gate project made of tests/models/liveness files, run in-process."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

MODELS = Path(__file__).resolve().parent.parent / "models" / "liveness"

HEADER = '[tool.rmpcheck]\nengine = "explicit"\ntimeout = 60\n\n'


def run_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: Sequence[str], checks: str
) -> Result:
    """The gate over copies of ``files`` with these ``[[tool.rmpcheck.check]]`` tables,
    in ``tmp_path`` (the working directory from then on), traces under ``traces/``."""
    from rmpcheck.cli import cli

    for name in files:
        (tmp_path / name).write_text((MODELS / name).read_text())
    (tmp_path / "pyproject.toml").write_text(HEADER + checks)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    return CliRunner().invoke(cli, ["prove", "--no-cache", "--trace-dir", "traces"])
