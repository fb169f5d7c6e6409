"""The repository's own gate: [tool.rmpcheck] in pyproject.toml over the SNP model library.

The whole matrix is proved by tests/snp/test_matrix.py and timed by
benchmarks/bench_gate.py; here the configuration must plan cleanly (every
claim expected, every expectation a claim) and one claim across all design
variants goes through the gate end to end, reports included.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from conftest import DATA, Invoke
from lxml import etree

from rmpcheck.gate.config import load_config
from rmpcheck.gate.plan import make_plan

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_configuration_plans() -> None:
    plan = make_plan(load_config(ROOT / "pyproject.toml"))
    models = {j.model for j in plan.jobs}
    assert len(models) >= 6
    expected = {j.expect.verdict for j in plan.jobs}
    # known-bad variants are part of the matrix, not only proofs
    assert {"proved", "refuted", "covered", "uncoverable"} <= expected


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for d in ("models", "properties"):
        shutil.copytree(ROOT / d, tmp_path / d)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CI", "true")
    return tmp_path


def test_one_claim_across_every_variant(shipped: Path, prove: Invoke) -> None:
    r = prove("--json", "-p", "no_host_crash", "--junit", "out/junit.xml")
    doc = json.loads(r.stdout)
    assert r.exit_code == 0, r.stderr
    got = {o["model"]: o["result"]["verdict"] for o in doc["obligations"]}
    assert len(got) >= 6 and {"proved", "refuted"} <= set(got.values())
    etree.XMLSchema(etree.parse(str(DATA / "junit-10.xsd"))).assertValid(
        etree.parse(str(shipped / "out" / "junit.xml")))

    # a known-bad variant that is expected to prove: the gate fails and SARIF
    # walks the race through the variant's and the base model's actions
    refuted = next(m for m, v in got.items() if v == "refuted")
    cfg = shipped / "pyproject.toml"
    text = cfg.read_text()
    found = re.search(rf'model = "models/(\w+/)?{refuted}\.rmp"', text)
    assert found is not None, refuted
    start = found.start()
    at = text.index('no_host_crash = "refuted"', start)
    cfg.write_text(text[:at] + 'no_host_crash = "proved" ' + text[at + 25:])
    r = prove("-p", "no_host_crash", "--sarif", "out/gate.sarif")
    assert r.exit_code == 1
    sarif = json.loads((shipped / "out" / "gate.sarif").read_text())
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    assert list(jsonschema.Draft4Validator(schema).iter_errors(sarif)) == []
    (result,) = sarif["runs"][0]["results"]
    where = result["locations"][0]["physicalLocation"]
    prop_file = shipped / where["artifactLocation"]["uri"]
    assert "no_host_crash" in prop_file.read_text().splitlines()[where["region"]["startLine"] - 1]
    steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert len(steps) >= 2
    for step in steps[1:]:
        loc = step["location"]["physicalLocation"]
        line = (shipped / loc["artifactLocation"]["uri"]).read_text().splitlines()[
            loc["region"]["startLine"] - 1]
        action = step["location"]["message"]["text"].split("(")[0].split(".")[-1]
        assert "action" in line and f".{action}" in line, (line, step)
