"""``rmpcheck prove`` in gate mode on a small project, end to end with the explicit engine.

The project: ``lock`` (the host consults the RMP under a lock: write_checked
proves) and ``racy`` (includes lock and drops the lock: write_checked is
refuted), both with a cover that is reached.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import DATA, Invoke
from lxml import etree

LOCK_BUG = "action guest.assign(p: Page) {\n  require !lock\n"
LOCK_FIXED_RACY = """override action host.consult(t: Thread, p: Page) {
  require step[t] == idle && !assigned[p]
"""


def run_json(prove: Invoke, *args: str) -> tuple[int, dict[str, Any]]:
    r = prove("--json", *args)
    return r.exit_code, json.loads(r.stdout)


def by_name(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{o['model']}::{o['property']}": o for o in doc["obligations"]}


def break_lock(root: Path) -> None:
    """The guest may assign a page while the host holds the lock: the proof must break."""
    p = root / "models" / "lock.rmp"
    p.write_text(p.read_text().replace(LOCK_BUG, "action guest.assign(p: Page) {\n"))


def fix_racy(root: Path) -> None:
    """The racy variant takes the lock after all: the known bug is gone."""
    p = root / "models" / "racy.rmp"
    fixed = LOCK_FIXED_RACY.replace("!assigned[p]\n", "!assigned[p] && !lock\n  lock := true\n")
    p.write_text(p.read_text().replace(LOCK_FIXED_RACY, fixed))


def test_all_as_expected_exits_0(project: Path, prove: Invoke) -> None:
    r = prove()
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "4 obligations: 4 as expected (0 from the cache)" in r.stdout
    lines = r.stdout.splitlines()
    # one row per design, then the refutation the configuration expects
    assert [ln.split() for ln in lines[:3]] == [
        ["design", "obligations", "as", "expected", "unexpected"],
        ["lock", "2", "2", "0"],
        ["racy", "2", "2", "0"],
    ]
    assert "  racy::write_checked  (2 steps)" in lines
    # --verbose: first the table of every obligation, as before
    v = prove("--verbose")
    lines = v.stdout.splitlines()
    assert lines[0].split() == ["model", "property", "expected", "got", "scope", "engine",
                                "time", "cached"]
    assert any(ln.split()[:4] == ["racy", "write_checked", "refuted", "refuted"] for ln in lines)
    # plain progress (not a terminal): one line per obligation on stderr
    assert r.stderr.count("] ok ") == 4


def test_a_broken_proof_fails_with_its_trace(project: Path, prove: Invoke) -> None:
    break_lock(project)
    r = prove()
    assert r.exit_code == 1
    assert "== lock::write_checked [small, explicit]: expected proved, got refuted" in r.stdout
    assert "assign(p=Page0)" in r.stdout  # the trace, as text columns
    assert "DIFFERS" in r.stderr


def test_a_known_bad_variant_that_proves_fails(project: Path, prove: Invoke) -> None:
    fix_racy(project)
    code, doc = run_json(prove)
    assert code == 1
    racy = by_name(doc)["racy::write_checked"]
    assert racy["status"] == "mismatch"
    assert racy["note"].startswith("expected refuted, got proved")
    assert doc["summary"] == {"total": 4, "ok": 3, "mismatch": 1, "error": 0, "not_run": 0,
                              "cached": 0}


def test_a_refutation_that_becomes_unknown_fails(
    project: Path, prove: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rmpcheck.gate import runner

    monkeypatch.setattr(runner, "GRACE_S", 0.3)
    cfg = project / "pyproject.toml"
    # an instance far too big to explore in 10 ms: the engine gives up or is stopped
    cfg.write_text(cfg.read_text().replace(
        'write_checked = "refuted"',
        'write_checked = { verdict = "refuted", timeout = 0.01, '
        'instance = { Page = 7, Thread = 6 } }',
    ))
    code, doc = run_json(prove)
    racy = by_name(doc)["racy::write_checked"]
    assert racy["result"] is not None, racy["note"]
    assert racy["result"]["verdict"] == "unknown"
    assert racy["status"] == "mismatch" and code == 1
    # the other obligations are unaffected, and an unknown is not cached
    assert by_name(doc)["racy::host_writes"]["status"] == "ok"
    _, again = run_json(prove)
    assert by_name(again)["racy::write_checked"]["cached"] is False

def test_cache_hits_and_what_an_edit_invalidates(project: Path, prove: Invoke) -> None:
    code, first = run_json(prove)
    assert code == 0 and first["summary"]["cached"] == 0
    code, second = run_json(prove)
    assert code == 0 and second["summary"]["cached"] == 4
    # a cached refutation still carries its trace
    racy = by_name(second)["racy::write_checked"]["result"]
    assert racy["trace"] is not None and racy["trace"]["states"]

    # racy.rmp is read only by racy's obligations
    racy_file = project / "models" / "racy.rmp"
    racy_file.write_text(racy_file.read_text() + "\n# a comment is an edit too\n")
    _, third = run_json(prove)
    cached = {k: o["cached"] for k, o in by_name(third).items()}
    assert cached == {"lock::write_checked": True, "lock::host_writes": True,
                      "racy::write_checked": False, "racy::host_writes": False}

    # racy includes lock.rmp: editing it re-runs everything
    lock_file = project / "models" / "lock.rmp"
    lock_file.write_text(lock_file.read_text() + "\n# and this\n")
    _, fourth = run_json(prove)
    assert fourth["summary"]["cached"] == 0


def test_no_cache_reads_nothing_but_still_writes(project: Path, prove: Invoke) -> None:
    run_json(prove)
    _, doc = run_json(prove, "--no-cache")
    assert doc["summary"]["cached"] == 0
    entries = list((project / ".rmpcheck-cache").glob("*/*.json"))
    assert len(entries) == 4
    _, again = run_json(prove)
    assert again["summary"]["cached"] == 4


def test_a_corrupt_cache_entry_is_rerun_and_repaired(project: Path, prove: Invoke) -> None:
    _, doc = run_json(prove)
    key = by_name(doc)["lock::write_checked"]["key"]
    entry = project / ".rmpcheck-cache" / key[:2] / f"{key}.json"
    entry.write_text('{"key": "' + key + '", "result": {"verdict": "proved", "trunc')
    code, again = run_json(prove)
    assert code == 0
    assert by_name(again)["lock::write_checked"]["cached"] is False
    assert json.loads(entry.read_text())["result"]["verdict"] == "proved"


def test_junit_is_valid_and_carries_the_trace(project: Path, prove: Invoke) -> None:
    break_lock(project)
    out = project / "out" / "junit.xml"
    assert prove("--junit", str(out)).exit_code == 1
    schema = etree.XMLSchema(etree.parse(str(DATA / "junit-10.xsd")))
    doc = etree.parse(str(out))
    schema.assertValid(doc)
    cases = {(c.get("classname"), c.get("name")): c for c in doc.iter("testcase")}
    assert len(cases) == 4
    failure = cases[("lock", "write_checked")].find("failure")
    assert failure is not None
    assert failure.get("message", "").startswith("expected proved, got refuted")
    assert "assign(p=Page0)" in (failure.text or "")
    assert cases[("lock", "host_writes")].find("failure") is None
    # the schema is not vacuous: a testcase without a name is rejected
    del cases[("lock", "host_writes")].attrib["name"]
    assert not schema.validate(doc)


def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def test_sarif_is_valid_and_steps_through_the_trace(project: Path, prove: Invoke) -> None:
    break_lock(project)
    out = project / "out" / "gate.sarif"
    assert prove("--sarif", str(out)).exit_code == 1
    doc = json.loads(out.read_text())
    validator = sarif_validator()
    assert list(validator.iter_errors(doc)) == []
    (result,) = doc["runs"][0]["results"]
    assert result["ruleId"] == "rmpcheck/invariant" and result["level"] == "error"
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "properties/write.prop"
    prop_lines = (project / "properties" / "write.prop").read_text().splitlines()
    assert prop_lines[loc["region"]["startLine"] - 1].startswith("invariant write_checked")
    steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
    messages = [s["location"]["message"]["text"] for s in steps]
    assert messages[0].startswith("initial state: ")
    assert any(m.startswith("guest.assign(p=Page0): assigned[Page0]: false -> true")
               for m in messages)
    # each action step points at that action's line in the model
    model_lines = (project / "models" / "lock.rmp").read_text().splitlines()
    for s in steps[1:]:
        where = s["location"]["physicalLocation"]
        assert where["artifactLocation"]["uri"] == "models/lock.rmp"
        call = s["location"]["message"]["text"].split("(")[0].split(".")[1]
        assert f"action {s['location']['message']['text'].split('.')[0]}.{call}(" in \
            model_lines[where["region"]["startLine"] - 1]
    # the schema is not vacuous: a result without a message is rejected
    del result["message"]
    assert list(validator.iter_errors(doc))


def test_sarif_with_nothing_to_report_is_valid(project: Path, prove: Invoke) -> None:
    out = project / "gate.sarif"
    assert prove("--sarif", str(out)).exit_code == 0
    doc = json.loads(out.read_text())
    assert list(sarif_validator().iter_errors(doc)) == []
    assert doc["runs"][0]["results"] == []


def test_trace_dir_gets_every_trace(project: Path, prove: Invoke) -> None:
    out = project / "traces"
    assert prove("--trace-dir", str(out), "--trace-format", "json,md").exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "lock.host_writes.itf.json", "lock.host_writes.md",
        "racy.host_writes.itf.json", "racy.host_writes.md",
        "racy.write_checked.itf.json", "racy.write_checked.md",
    ]
    r = prove("--trace-format", "pdf")
    assert r.exit_code == 2 and "unknown trace format 'pdf'" in r.stderr


def test_property_filter(project: Path, prove: Invoke) -> None:
    code, doc = run_json(prove, "-p", "host_writes")
    assert code == 0
    assert sorted(by_name(doc)) == ["lock::host_writes", "racy::host_writes"]
    r = prove("-p", "nonsense")
    assert r.exit_code == 2 and "no configured obligation checks nonsense" in r.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_jobs(project: Path, prove: Invoke, jobs: str) -> None:
    code, doc = run_json(prove, "-j", jobs)
    assert code == 0 and doc["summary"]["ok"] == 4


def test_a_proof_that_had_to_infer_lemmas_says_how_to_record_them(
    project: Path, prove: Invoke
) -> None:
    # the locked design, proved for every size: write.prop states no lemma, so the
    # inductive engine must infer them (a consulted thread holds the lock, ...)
    check = """[tool.rmpcheck]
engine = "explicit"
instance = "small"

[tool.rmpcheck.instances]
small = { Page = 2, Thread = 2 }

[[tool.rmpcheck.check]]
model = "models/lock.rmp"
properties = "properties/write.prop"

[tool.rmpcheck.check.expect]
write_checked = { verdict = "proved", engine = "inductive", scope = "all-sizes" }
host_writes = "covered"
"""
    cfg = project / "pyproject.toml"
    cfg.write_text(check)
    r = prove()
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "proved with lemmas the property files do not state" in r.stdout
    hint = next(ln for ln in r.stdout.splitlines() if ln.strip().startswith("rmpcheck cti"))
    cmd = hint.split("#")[0].split()
    assert cmd[1:] == ["cti", "models/lock.rmp", "properties/write.prop", "-p", "write_checked",
                       "--infer", "--write", "properties/write.prop"]
    # the command does what it says: with the lemmas recorded (and expected), the
    # gate proves the claim from them, inferring nothing
    from click.testing import CliRunner

    from rmpcheck.cli import cli

    assert CliRunner().invoke(cli, cmd[1:]).exit_code == 0
    cfg.write_text(check + '"*_lemma_*" = "proved"\n')
    again = prove("--no-cache")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert "do not state" not in again.stdout
