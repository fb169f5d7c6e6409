"""The gate and examined proofs: findings must be expected, with a reason, and stay true.

A door project (tests/vacuity/models) whose claims are vacuous or true by
construction in door.rmp and proved for real reasons in its twins.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from conftest import DATA, Invoke
from lxml import etree

MODELS = Path(__file__).parents[1] / "vacuity" / "models"

HEAD = """[tool.rmpcheck]
engine = "explicit"
"""


@pytest.fixture
def door(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(MODELS, tmp_path / "models")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CI", "true")
    return tmp_path


def config(root: Path, model: str, expect: str, extra: str = "") -> None:
    (root / "pyproject.toml").write_text(
        HEAD
        + extra
        + f"""
[[tool.rmpcheck.check]]
model = "models/{model}.rmp"
properties = "models/door.prop"

[tool.rmpcheck.check.expect]
opened = "covered"
{expect}
"""
    )


REASONS = """
[tool.rmpcheck.check.expect.locked_open_alarm]
verdict = "proved"
vacuous = "lock needs a closed door and open an unlocked one"
by_construction = "every step leaves a locked door closed"

[tool.rmpcheck.check.expect.open_ok]
verdict = "proved"
vacuous = "a locked door is never opened"
by_construction = "restates open's guard"

[tool.rmpcheck.check.expect.lock_closed]
verdict = "proved"
by_construction = "restates lock's guard"

[tool.rmpcheck.check.expect.no_alarm]
verdict = "proved"
by_construction = "nothing sounds the alarm"
"""

PLAIN = """locked_open_alarm = "proved"
open_ok = "proved"
lock_closed = "proved"
no_alarm = "proved"
"""


def test_an_unexpected_vacuous_proof_differs(door: Path, prove: Invoke) -> None:
    config(door, "door", PLAIN)
    r = prove("--sarif", "out/gate.sarif", "--junit", "out/junit.xml", "--json")
    assert r.exit_code == 1, r.stderr
    doc = json.loads(r.stdout)
    got = {o["property"]: o for o in doc["obligations"]}
    assert got["opened"]["status"] == "ok"
    vac = got["open_ok"]
    assert vac["status"] == "mismatch" and "vacuous proof is not expected" in vac["note"]
    (disjunct,) = [f for f in vac["result"]["findings"] if f["kind"] == "disjunct"]
    assert disjunct["status"] == "vacuous" and disjunct["span"]["line"] == 7
    assert got["no_alarm"]["result"]["findings"][0]["kind"] == "guard-free"
    (exam,) = doc["examinations"]
    assert exam["model"] == "door" and len(exam["claims"]) == 4 and not exam["cached"]

    # SARIF: valid, one result per flagged proof, each finding a related location
    sarif = json.loads((door / "out" / "gate.sarif").read_text())
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    assert list(jsonschema.Draft4Validator(schema).iter_errors(sarif)) == []
    results = sarif["runs"][0]["results"]
    assert {x["ruleId"] for x in results} == {"rmpcheck/vacuity"}
    (open_ok,) = [
        x for x in results if x["locations"][0]["logicalLocations"][0]["name"] == "open_ok"
    ]
    related = {
        x["message"]["text"]: x["physicalLocation"]["region"]["startLine"]
        for x in open_ok["relatedLocations"]
    }
    assert related["vacuous: disjunct 2 'alarm'' is never needed"] == 7
    assert open_ok["properties"]["findings"][0]["status"] in ("vacuous", "by-construction")

    # JUnit: valid, a failure of its own type, the findings in system-out
    xml = etree.parse(str(door / "out" / "junit.xml"))
    etree.XMLSchema(etree.parse(str(DATA / "junit-10.xsd"))).assertValid(xml)
    case = ET.parse(door / "out" / "junit.xml").find(".//testcase[@name='open_ok']")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "findings-differ"
    out = case.find("system-out")
    assert out is not None and "finding: vacuous disjunct 'alarm'' at" in (out.text or "")


def test_expected_findings_pass_and_are_cached(door: Path, prove: Invoke) -> None:
    config(door, "door", REASONS)
    r = prove("--verbose")  # the table of every obligation shows each verdict's findings
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "proved (vacuous: disjunct 2 'alarm'' is never needed; by construction" in r.stdout
    assert "examined door::vacuity" in r.stderr
    # progress judges a proof before its examination arrives: never a false alarm
    assert "DIFFERS" not in r.stderr
    again = prove("--json")
    assert again.exit_code == 0
    (exam,) = json.loads(again.stdout)["examinations"]
    assert exam["cached"]


def test_an_expected_finding_that_is_gone_differs(door: Path, prove: Invoke) -> None:
    # door_forced: the locked door can be forced open, so both findings are gone
    # (the alarm is reachable there: no_alarm is refuted)
    expect = REASONS.replace(
        'verdict = "proved"\nby_construction = "nothing sounds the alarm"', 'verdict = "refuted"'
    )
    config(door, "door_forced", expect)
    r = prove("--json")
    assert r.exit_code == 1, r.stderr
    got = {o["property"]: o for o in json.loads(r.stdout)["obligations"]}
    assert got["lock_closed"]["status"] == "ok"
    note = got["open_ok"]["note"]
    assert got["open_ok"]["status"] == "mismatch"
    assert "expected vacuous (a locked door is never opened), but it no longer is" in note


def test_vacuity_off_skips_the_examination(door: Path, prove: Invoke) -> None:
    config(door, "door", PLAIN, extra='vacuity = "off"\n')
    r = prove()
    assert r.exit_code == 0, r.stdout
    assert "vacuity" not in r.stderr and "vacuous" not in r.stdout


def test_a_selected_claim_is_examined_alone(door: Path, prove: Invoke) -> None:
    config(door, "door", PLAIN)
    r = prove("-p", "lock_closed", "--json")
    (exam,) = json.loads(r.stdout)["examinations"]
    assert [c["property"] for c in exam["claims"]] == ["lock_closed"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('open_ok = { verdict = "proved", vacuity = "maybe" }', "unknown vacuity setting 'maybe'"),
        (
            'open_ok = { verdict = "refuted", vacuous = "why" }',
            "'vacuous' applies to a proof, not to a claim expected refuted",
        ),
        (
            'open_ok = { verdict = "proved", by_construction = "" }',
            "'by_construction' must say why open_ok's proof is expected to be by construction",
        ),
        (
            'open_ok = { verdict = "proved", vacuity = "off", vacuous = "why" }',
            "open_ok is expected to be found vacuous or by construction, but its proof is not",
        ),
    ],
)
def test_config_errors_are_located(door: Path, prove: Invoke, entry: str, message: str) -> None:
    config(door, "door", PLAIN.replace('open_ok = "proved"', entry))
    r = prove()
    assert r.exit_code == 2
    line = 1 + (door / "pyproject.toml").read_text().splitlines().index(entry)
    assert f"pyproject.toml:{line}:" in r.output and message in r.output, r.output


def test_a_dotted_expectation_is_located_at_its_key(door: Path, prove: Invoke) -> None:
    dotted = 'open_ok.verdict = "proved"\nopen_ok.vacuous = 7'
    config(door, "door", PLAIN.replace('open_ok = "proved"', dotted))
    r = prove()
    line = 1 + (door / "pyproject.toml").read_text().splitlines().index("open_ok.vacuous = 7")
    assert r.exit_code == 2 and f"pyproject.toml:{line}:9: error: 'vacuous' must say" in r.output


def test_an_examination_that_fails_is_an_error_of_its_proofs(
    door: Path, prove: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rmpcheck.gate import vacuity

    def broken(*args: object) -> object:
        raise RuntimeError("examiner bug")

    monkeypatch.setattr(vacuity, "examine", broken)  # the forked child inherits it
    config(door, "door", REASONS)
    r = prove("--json")
    assert r.exit_code == 2
    got = {o["property"]: o for o in json.loads(r.stdout)["obligations"]}
    assert got["opened"]["status"] == "ok"  # a cover is not examined
    assert got["open_ok"]["status"] == "error"
    assert "examining the proof failed" in got["open_ok"]["note"]
    assert "examiner bug" in got["open_ok"]["note"]
