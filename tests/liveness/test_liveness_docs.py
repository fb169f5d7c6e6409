"""docs/liveness.md's examples are what rmpcheck does: its files check, its commands print
what it shows (times aside) and exit as it says."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from rmpcheck.cli import cli

DOC = (Path(__file__).resolve().parents[2] / "docs" / "liveness.md").read_text()
FILES = re.compile(r"^```(?:rmp|prop)\n# file: (\S+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
COMMANDS = re.compile(r"^```(?:console)?\n\$ (rmpcheck .*?)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
EXIT = {"strong.prop": 0, "weak.prop": 1}  # as the prose around each command says


def _times(text: str) -> str:
    return re.sub(r"\d+\.\d+ s\b", "T s", text)


def test_every_command_prints_what_the_doc_shows(tmp_path: Path, monkeypatch) -> None:
    files = FILES.findall(DOC)
    assert {name for name, _ in files} >= {"mutex.rmp", "strong.prop", "weak.prop"}
    for name, text in files:
        (tmp_path / name).write_text(f"# file: {name}\n{text}")
    monkeypatch.chdir(tmp_path)
    commands = COMMANDS.findall(DOC)
    assert len(commands) == len(EXIT)
    for command, shown in commands:
        args = shlex.split(command)[1:]
        r = CliRunner().invoke(cli, args)
        props = next(a for a in args if a.endswith(".prop"))
        assert r.exit_code == EXIT[props], r.output
        got = _times(r.output).splitlines()
        for line in _times(shown).splitlines():
            assert line in got, f"{command}: {line!r} not in\n{r.output}"
