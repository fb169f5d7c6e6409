"""Every ```rmp and ```prop example in docs/language.md is a file `rmpcheck check` accepts."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from rmpcheck.cli import cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "language.md"
BLOCK = re.compile(r"^```(rmp|prop)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
NAME = re.compile(r"\A# file: (\S+)\n")


def blocks() -> list[tuple[str, str]]:
    """(file name, text) of every example; a block names its file in a first-line comment."""
    out = []
    for i, m in enumerate(BLOCK.finditer(DOC.read_text())):
        lang, text = m.groups()
        named = NAME.match(text)
        out.append((named.group(1) if named else f"example_{i}.{lang}", text))
    return out


def test_every_example_in_the_language_doc_checks(tmp_path: Path) -> None:
    examples = blocks()
    assert len(examples) >= 6
    for name, text in examples:
        (tmp_path / name).write_text(text)
    files = [str(tmp_path / name) for name, _ in examples]
    result = CliRunner().invoke(cli, ["check", *files])
    assert result.exit_code == 0, result.stderr
    for name, _ in examples:  # each file got its "ok" line
        assert f"{name}: ok:" in result.stdout, name
