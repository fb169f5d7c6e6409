"""benchmarks/measured.py: README's Measured table, its rows' files and commands, its rewriting.

Nothing here times anything: ``measure`` is replaced where main() would run a row.
"""

from __future__ import annotations

import re
from pathlib import Path

import bench_scripts
import pytest

from rmpcheck.engines.base import DEFAULT_DEPTH
from rmpcheck.gate.settings import DEFAULTS

ROOT = Path(__file__).resolve().parent.parent


measured = bench_scripts.load("measured")
README = (ROOT / "README.md").read_text()


def test_every_row_names_files_and_a_claim_that_exist_and_a_command_that_parses() -> None:
    assert measured.check_rows(README) == []


def test_check_finds_a_missing_file_a_missing_claim_and_a_bad_option() -> None:
    row = measured.ROWS_BY_KEY["race_pdr"]
    bad = [
        measured.Row("a", "x", row.command, row.figure, "benchmarks/models/nope.rmp", row.props),
        measured.Row("b", "x", row.command, row.figure, row.model, row.props, "no_such_claim"),
        measured.Row("c", "x", ("rmpcheck", "prove", "--no-such-option"), row.figure),
    ]
    saved = measured.ROWS
    try:
        measured.ROWS = tuple(bad)
        problems = measured.check_rows(README)
    finally:
        measured.ROWS = saved
    assert any(p.startswith("a: no benchmarks/models/nope.rmp") for p in problems)
    assert any(p.startswith("b:") and "no claim no_such_claim" in p for p in problems)
    assert any(p.startswith("c:") and "--no-such-option" in p for p in problems)
    # and the table no longer matches the rows
    assert any("has a row no longer in measured.py" in p for p in problems)


def test_the_table_round_trips_through_parse() -> None:
    figures = {r.key: (f"figure of {r.key} | with a bar", "2026-01-02") for r in measured.ROWS}
    table = measured.render(figures, "a machine")
    parsed = measured.parse_rows(table)
    assert parsed == {r.command_text: figures[r.key] for r in measured.ROWS}
    for row in measured.ROWS:  # each row names its model, claim and command
        line = next(x for x in table.splitlines() if f"`{row.command_text}`" in x)
        assert row.model in line and row.claim in line


def test_rewriting_touches_only_the_text_between_the_markers() -> None:
    text = f"# T\n\nbefore\n{measured.BEGIN}\nold\n{measured.END}\nafter\n"
    out = measured.replace_table(text, "\nnew\n")
    assert out == f"# T\n\nbefore\n{measured.BEGIN}\nnew\n{measured.END}\nafter\n"
    for broken in ("no markers", f"{measured.END}{measured.BEGIN}", measured.BEGIN * 2):
        with pytest.raises(ValueError, match="measured:begin"):
            measured.replace_table(broken, "x")


def test_a_run_rewrites_the_rows_it_ran_and_keeps_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = tmp_path / "README.md"
    figures = {r.key: (f"old {r.key}", "2020-01-01") for r in measured.ROWS}
    readme.write_text(
        f"intro\n{measured.BEGIN}{measured.render(figures, 'then')}{measured.END}\nrest\n"
    )
    ran: list[str] = []

    def fake(row):
        ran.append(row.key)
        return f"new {row.key}"

    monkeypatch.setattr(measured, "README", readme)
    monkeypatch.setattr(measured, "measure", fake)
    assert measured.main(["--only", "race_pdr,gate"]) == 0
    assert ran == ["race_pdr", "gate"]
    after = measured.parse_rows(measured.table_of(readme.read_text()))
    by_key = {r.key: after[r.command_text] for r in measured.ROWS}
    assert by_key["race_pdr"][0] == "new race_pdr" and by_key["race_pdr"][1] != "2020-01-01"
    assert by_key["ticket"] == ("old ticket", "2020-01-01")
    assert readme.read_text().startswith("intro\n") and readme.read_text().endswith("rest\n")
    # by default every row but the expensive ones; --skip leaves rows out
    ran.clear()
    assert measured.main(["--skip", "ticket"]) == 0
    expensive = {r.key for r in measured.ROWS if r.expensive}
    assert expensive and not expensive & set(ran) and "ticket" not in ran
    assert set(ran) == {r.key for r in measured.ROWS} - expensive - {"ticket"}
    with pytest.raises(SystemExit, match="no row nope"):
        measured.main(["--only", "nope"])


def test_the_stated_default_depths_are_the_tools() -> None:
    """README and docs/ci.md state the defaults the CLI and the gate use."""
    cli = re.search(r"bmc and kind search to depth (\d+) unless told\s+otherwise", README)
    assert cli is not None and int(cli.group(1)) == DEFAULT_DEPTH
    gate = re.search(r"in the gate the default `depth` is (\d+)", README)
    assert gate is not None and int(gate.group(1)) == DEFAULTS.depth
    ci = re.search(r"the gate's default is (\d+)", (ROOT / "docs" / "ci.md").read_text())
    assert ci is not None and int(ci.group(1)) == DEFAULTS.depth
