"""Every malformed input of the corpus (tests/golden/errors), through the CLI as a user runs
it: exit 2, a location (``file:line:col``, or the option at fault), no traceback, and an
answer within seconds (huge literals and ranges, ``include "/dev/zero"``, bad sizes, bad
gate configurations included)."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from rmpcheck.cli import cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "errors"
SUFFIXES = {".rmp", ".prop", ".args", ".toml", ".cmd"}
CASES = sorted(p for p in GOLDEN.iterdir() if p.suffix in SUFFIXES)
HANG_S = 30  # an answer takes well under a second; this only catches a hang

LOCATED = re.compile(r"^\S+:\d+:\d+: error: |Invalid value for '--[a-z-]+'", re.M)


def command(case: Path) -> list[str]:
    if case.suffix == ".rmp":
        return ["check", case.name]
    if case.suffix == ".prop":
        return ["check", "lib/race.rmp", case.name]
    if case.suffix == ".args":
        return ["check", *case.read_text().split()]
    if case.suffix == ".toml":
        return ["prove", "--config", case.name]
    return case.read_text().split()


class Hang(Exception):
    pass


def _hang(signum: int, frame: object) -> None:
    raise Hang


def test_the_corpus_is_large() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_a_malformed_input_is_a_located_exit_2(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    old = signal.signal(signal.SIGALRM, _hang)
    signal.setitimer(signal.ITIMER_REAL, HANG_S)
    try:
        r = CliRunner().invoke(cli, command(case), prog_name="rmpcheck")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert not isinstance(r.exception, Hang), f"{case.name} did not answer in {HANG_S} s"
    assert r.exit_code == 2, r.output
    assert LOCATED.search(r.output), r.output
    assert "Traceback" not in r.output
