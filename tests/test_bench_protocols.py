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


published = bench_scripts.load("protocols_published")


def test_every_published_figure_names_a_known_protocol_tool_and_table() -> None:
    known = {c.name for c in bench.cases()}
    assert set(published.FIGURES) <= known
    for protocol, by_tool in published.FIGURES.items():
        assert set(by_tool) <= set(published.TOOLS), protocol
        for figures in by_tool.values():
            assert figures, protocol
            for f in figures:
                assert f.source in published.SOURCES
                assert f.benchmark
                if f.solved:
                    assert f.seconds is not None and f.seconds > 0, (protocol, f)
                else:
                    assert f.time == "" and f.outcome, (protocol, f)


def test_a_figure_prints_with_its_table_and_a_missing_one_as_nr() -> None:
    assert published.figure("chord", "DistAI") == "52.8 s [D21]"
    assert published.figure("distributed_lock", "SWISS") == "timeout (6 h) [S21]"
    assert published.figure("paxos", "DistAI") == "timeout (1 wk) [D21]†"
    assert published.figure("ring_leader_election", "SWISS") == "11 s [S21]†"
    assert published.figure("firewall", "DuoAI") == "n/r"
    assert published.figure("chord", "P-FOL-IC3") == "n/r"


def test_markdown_shows_the_published_columns_and_their_legend(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = tmp_path / "rows.json"
    rows.write_text(
        '[{"name": "lock_server", "inductive": "proved all sizes", "lemmas": 1,'
        ' "inductive_s": 0.4, "auto": "-", "auto_s": 0.0, "twin": "-", "twin_s": 0.0}]'
    )
    assert bench.main(["--markdown", str(rows)]) == 0
    out = capsys.readouterr().out
    assert "| 0.8 s [D21] | 1.3 s [D22] | 0.2 s [S21] | n/r |" in out
    for key in published.SOURCES:
        assert f"- [{key}] " in out
