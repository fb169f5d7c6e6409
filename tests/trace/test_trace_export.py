"""The format registry, write_traces for ``prove --trace-dir``, and ``rmpcheck trace``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rmpcheck.cli import cli
from rmpcheck.errors import ConfigError
from rmpcheck.result import Result
from rmpcheck.trace import itf
from rmpcheck.trace.export import FORMATS, parse_formats, render, write_traces
from rmpcheck.trace.model import Trace


def test_parse_formats():
    assert parse_formats("json, text,md,json") == ("json", "text", "md")
    assert parse_formats(["markdown", "txt", "itf"]) == ("md", "text", "json")
    with pytest.raises(ConfigError, match="unknown trace format 'pdf'"):
        parse_formats("json,pdf")
    with pytest.raises(ConfigError, match="no trace format"):
        parse_formats(" , ")


def test_write_traces_from_results_and_traces(cex: Trace, witness: Trace, tmp_path: Path):
    proved = Result("psc_vs_host_io", "other", "invariant", "proved", "kind")
    refuted = Result("psc_vs_host_io", cex.property, "invariant", "refuted", "bmc", trace=cex)
    paths = write_traces([proved, refuted, witness], tmp_path / "out", "json,text,md,html,dot")
    names = sorted(p.name for p in paths)
    assert names == sorted(
        f"race.psc_vs_host_io.{prop}.{ext}"
        for prop in ("write_only_shared", "reach_write")
        for ext in ("itf.json", "txt", "md", "html", "dot")
    )
    assert itf.load(tmp_path / "out" / "race.psc_vs_host_io.write_only_shared.itf.json") == cex


def test_every_format_renders_every_trace(cex: Trace, witness: Trace):
    for fmt in FORMATS:
        for t in (cex, witness):
            assert t.property in render(t, fmt)


def test_trace_show_and_export(step_cex: Trace, tmp_path: Path):
    src = tmp_path / "t.json"
    itf.save(step_cex, src)
    runner = CliRunner()
    shown = runner.invoke(cli, ["trace", "show", str(src)])
    assert shown.exit_code == 0 and "| write(t=Thread0)" in shown.output
    everything = runner.invoke(cli, ["trace", "show", str(src), "--show", "all"])
    assert everything.output.count("psc_lock") > shown.output.count("psc_lock")
    for fmt in ("md", "html", "dot", "json"):
        out = tmp_path / f"out.{fmt}"
        res = runner.invoke(cli, ["trace", "export", str(src), "--format", fmt, "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert out.read_text() == render(step_cex, fmt)
    meta = json.loads((tmp_path / "out.json").read_text())["#meta"]
    assert json.loads(meta["rmpcheck"])["model"] == "psc_vs_host_io"


def test_trace_commands_report_bad_input_without_traceback(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"vars": []}')
    runner = CliRunner()
    for args in (["show", str(bad)], ["export", str(bad), "-f", "md", "-o", str(tmp_path / "x")]):
        res = runner.invoke(cli, ["trace", *args])
        assert res.exit_code == 2
        assert "bad.json" in res.output and "Traceback" not in res.output
    res = runner.invoke(cli, ["trace", "show", str(bad), "--format", "pdf"])
    assert res.exit_code == 2


def test_trace_file_names_cannot_collide(tmp_path: Path, cex: Trace) -> None:
    import dataclasses

    from rmpcheck.trace.export import write_traces

    a = dataclasses.replace(cex, model_file="a/race.rmp")
    b = dataclasses.replace(cex, model_file="b/race.rmp")
    c = dataclasses.replace(cex, model_file="other.rmp")
    names = sorted(p.name for p in write_traces([a, b, c], tmp_path, "json"))
    assert len(set(names)) == 3
    assert names[0] == "other.psc_vs_host_io.write_only_shared.itf.json"
    assert all(n.startswith("race.psc_vs_host_io.write_only_shared-") for n in names[1:])
