"""benchmarks/bench_protocols.py: its command line (nothing here runs a protocol)."""

from __future__ import annotations

import bench_scripts
import pytest

bench = bench_scripts.load("bench_protocols")


def test_help_prints_usage_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        bench.main(["--help"])
    assert exc.value.code == 0
    assert "usage: bench_protocols.py" in capsys.readouterr().out


def test_an_unknown_protocol_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        bench.main(["no_such_protocol"])
    assert exc.value.code == 2
    assert "no such protocol: no_such_protocol" in capsys.readouterr().err


def test_markdown_of_inductive_only_rows(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    row = bench.Row("firewall", "proved all sizes", 1, 1.0, "-", 0.0, "-", 0.0)
    assert bench.alarms(row) == []
    rows = tmp_path / "rows.json"
    rows.write_text(
        '[{"name": "firewall", "inductive": "proved all sizes", "lemmas": 1,'
        ' "inductive_s": 1.0, "auto": "-", "auto_s": 0.0, "twin": "-", "twin_s": 0.0}]'
    )
    assert bench.main(["--markdown", str(rows)]) == 0
    assert "| firewall |" in capsys.readouterr().out
