"""Reports of every gate run, failed ones included: JUnit and SARIF on exit 2,
SARIF's base URIs and tool home, GitHub annotations and the job summary, and
what ``--trace-dir`` writes (and says it wrote)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA, Invoke
from lxml import etree
from test_gate_cli import break_lock, sarif_validator

from rmpcheck.trace import itf


def _junit_valid(path: Path) -> etree._ElementTree:
    doc = etree.parse(str(path))
    etree.XMLSchema(etree.parse(str(DATA / "junit-10.xsd"))).assertValid(doc)
    return doc


def _sarif(path: Path) -> dict:
    doc = json.loads(path.read_text())
    assert list(sarif_validator().iter_errors(doc)) == []
    return doc


def test_a_failing_run_has_a_valid_sarif_with_base_uris_and_home(
    project: Path, prove: Invoke
) -> None:
    break_lock(project)
    out = project / "out" / "gate.sarif"
    assert prove("--sarif", str(out), "--junit", str(project / "out" / "j.xml")).exit_code == 1
    run = _sarif(out)["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == project.resolve().as_uri() + "/"
    assert run["tool"]["driver"]["informationUri"].startswith("https://")
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uriBaseId"]
        for r in run["results"]
        for loc in r["locations"]
    }
    assert uris == {"%SRCROOT%"}
    _junit_valid(project / "out" / "j.xml")


BROKEN = {
    "config syntax": ("pyproject.toml", "[tool.rmpcheck]\n", "[tool.rmpcheck]\nengine = \n"),
    "config meaning": ("pyproject.toml", 'write_checked = "proved"', 'write_chekced = "proved"'),
    "model syntax": ("models/lock.rmp", "require !lock", "require !lock +"),
}


@pytest.mark.parametrize("what", sorted(BROKEN))
def test_an_exit_2_run_still_writes_junit_and_sarif(
    project: Path, prove: Invoke, what: str
) -> None:
    name, old, new = BROKEN[what]
    f = project / name
    assert old in f.read_text()
    f.write_text(f.read_text().replace(old, new, 1))
    sarif, junit = project / "out" / "gate.sarif", project / "out" / "junit.xml"
    r = prove("--sarif", str(sarif), "--junit", str(junit))
    assert r.exit_code == 2, r.output
    run = _sarif(sarif)["runs"][0]
    (inv,) = run["invocations"]
    assert inv["executionSuccessful"] is False and inv["exitCode"] == 2
    note = inv["toolExecutionNotifications"][0]
    where = note["locations"][0]["physicalLocation"]
    assert where["artifactLocation"] == {"uri": name, "uriBaseId": "%SRCROOT%"}
    line = f.read_text().splitlines()[where["region"]["startLine"] - 1]
    assert line.strip(), "the notification points at a real line"
    assert note["message"]["text"].split(": error: ")[1].split("\n")[0] in r.stderr
    assert run["results"] == []
    doc = _junit_valid(junit)
    (case,) = doc.iter("testcase")
    error = case.find("error")
    assert error is not None and error.text and error.get("message") in error.text


def test_an_unknown_property_filter_is_an_exit_2_with_reports(
    project: Path, prove: Invoke
) -> None:
    sarif = project / "gate.sarif"
    r = prove("-p", "nonsense", "--sarif", str(sarif))
    assert r.exit_code == 2
    note = _sarif(sarif)["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]
    assert "no configured obligation checks nonsense" in note["message"]["text"]
    assert "locations" not in note


def test_github_annotations_and_job_summary(
    project: Path, prove: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(project))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    break_lock(project)
    r = prove()
    assert r.exit_code == 1
    (line,) = [ln for ln in r.stdout.splitlines() if ln.startswith("::error")]
    props = (project / "properties" / "write.prop").read_text().splitlines()
    where = dict(kv.split("=", 1) for kv in line[len("::error "):].split("::")[0].split(","))
    assert where["file"] == "properties/write.prop"
    assert props[int(where["line"]) - 1].startswith("invariant write_checked")
    assert "expected proved, got refuted" in line.split("::", 2)[2]
    text = summary.read_text()
    assert "## rmpcheck: exit 1" in text and "| lock | write_checked | proved | refuted |" in text
    assert "```mermaid" in text and "sequenceDiagram" in text

    # an input error: annotated at its line and column, and summarized
    cfg = project / "pyproject.toml"
    cfg.write_text(cfg.read_text().replace('write_checked = "proved"', 'write_chekced = "proved"'))
    r = prove("--json")
    assert r.exit_code == 2
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("::error file=pyproject.toml")]
    assert errors and ",line=" in errors[0]
    assert r.stdout == ""  # --json: the workflow commands went to stderr
    assert "the gate could not run (exit 2)" in summary.read_text()


def test_trace_dir_says_what_it_wrote_with_paths_relative_to_the_project(
    project: Path, prove: Invoke
) -> None:
    r = prove("--trace-dir", "out/traces", "--trace-format", "json")
    assert r.exit_code == 0
    written = [ln.strip() for ln in r.stderr.splitlines() if ln.startswith("  out/traces")]
    assert "wrote 3 trace file(s) to out/traces:" in r.stderr and len(written) == 3
    t = itf.load(project / "out/traces/racy.write_checked.itf.json")
    assert (t.model_file, t.property_file) == ("models/racy.rmp", "properties/write.prop")
