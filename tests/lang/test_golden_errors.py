"""Golden error messages: every malformed input under tests/golden/errors/ and its exact text.

Each case is a top-level ``.rmp`` (loaded as a model), ``.prop`` (checked
against ``lib/race.rmp``), ``.args`` file (a list of paths checked together,
as ``rmpcheck check`` does), ``.toml`` (a gate configuration, as ``rmpcheck
prove --config``) or ``.cmd`` file (a command line, bad options), with the
rendered error in a sibling ``.expected`` file. Files under ``lib/`` are
helpers that cases include. tests/test_malformed.py runs every case through
the CLI: exit 2, a location, no traceback, no hang.

Regenerate after an intended change of wording, then review the diff:
``RMPCHECK_REGEN_GOLDEN=1 python -m pytest tests/lang/test_golden_errors.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rmpcheck.errors import ModelError
from rmpcheck.lang import load_model, load_properties
from rmpcheck.lang.files import check_files

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "errors"
SUFFIXES = {".rmp", ".prop", ".args", ".toml", ".cmd"}
CASES = sorted(p for p in GOLDEN.iterdir() if p.suffix in SUFFIXES)
REGEN = os.environ.get("RMPCHECK_REGEN_GOLDEN") == "1"


def render(case: Path) -> str:
    """The rendered error of one case (paths relative to the corpus directory)."""
    if case.suffix in (".toml", ".cmd"):
        from click.testing import CliRunner

        from rmpcheck.cli import cli

        toml = case.suffix == ".toml"
        args = ["prove", "--config", case.name] if toml else case.read_text().split()
        r = CliRunner().invoke(cli, args, prog_name="rmpcheck")
        return r.output if r.exit_code != 0 else "NO ERROR\n"
    try:
        if case.suffix == ".rmp":
            load_model(case.name)
        elif case.suffix == ".prop":
            load_properties(case.name, load_model("lib/race.rmp"))
        else:
            check_files(case.read_text().split()).raise_if_failed()
    except ModelError as e:
        return str(e) + "\n"
    return "NO ERROR\n"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden_error(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    got = render(case)
    expected = case.with_suffix(".expected")
    if REGEN:
        expected.write_text(got)
        return
    assert expected.exists(), f"no {expected.name}: run with RMPCHECK_REGEN_GOLDEN=1"
    assert got != "NO ERROR\n", f"{case.name} was accepted"
    assert got == expected.read_text()


def test_corpus_is_complete() -> None:
    stems = [c.stem for c in CASES]
    assert len(stems) >= 60
    assert len(set(stems)) == len(stems), "two cases would share one .expected file"
    orphans = {p.stem for p in GOLDEN.glob("*.expected")} - set(stems)
    assert not orphans, f".expected files without a case: {orphans}"
