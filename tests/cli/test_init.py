"""``rmpcheck init``: a newcomer's first project, from nothing to a gate and CI.

The sequence the README tells a newcomer: init, prove (one claim proved, one
refuted by the race, both as expected: exit 0), then an expectation that no
longer holds (exit 1). And init never overwrites what is there without
--force, nor a gate table it did not write.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from rmpcheck import starter
from rmpcheck.cli import cli

FILES = (starter.MODEL, starter.PROPERTIES, starter.CONFIG, starter.WORKFLOW)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    return tmp_path


def test_init_then_prove_then_a_broken_expectation(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = run("init", "proj")
    assert r.exit_code == 0, r.output
    root = here / "proj"
    assert all((root / f).is_file() for f in FILES)
    assert "cd proj" in r.output and "rmpcheck prove" in r.output

    monkeypatch.chdir(root)
    r = run("prove", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    got = {o["property"]: (o["status"], o["result"]["verdict"]) for o in doc["obligations"]}
    assert got == {
        "validated_implies_assigned": ("ok", "proved"),
        "host_writes_shared_only": ("ok", "refuted"),
    }

    # the text summary names the expected refutation, and --show-traces shows the race
    r = run("prove", "--show-traces")
    assert r.exit_code == 0, r.output
    assert "  toy_rmp::host_writes_shared_only  (3 steps)" in r.output
    assert "consult_rmp(t=Thread0, p=Page0)" in r.output and "psc_to_private(p=Page0)" in r.output

    # an expectation the design does not meet: the gate fails
    cfg = root / "pyproject.toml"
    cfg.write_text(cfg.read_text().replace(
        'host_writes_shared_only = "refuted"', 'host_writes_shared_only = "proved"'))
    r = run("prove")
    assert r.exit_code == 1, r.output
    assert "expected proved, got refuted" in r.output


def test_init_refuses_to_overwrite_and_force_overwrites(here: Path) -> None:
    assert run("init").exit_code == 0
    model = here / starter.MODEL
    model.write_text("# mine\n")
    r = run("init")
    assert r.exit_code == 2
    assert "not writing into ." in r.output
    assert f"{starter.MODEL} exists" in r.output and "--force" in r.output
    assert model.read_text() == "# mine\n"  # a refusal writes nothing
    r = run("init", "--force")
    assert r.exit_code == 0, r.output
    assert "replaced models/toy_rmp.rmp" in r.output
    assert model.read_text() == starter.template("toy_rmp.rmp")


def test_init_appends_the_gate_to_a_pyproject_without_one(here: Path) -> None:
    mine = '[project]\nname = "mine"  # a comment\n'
    (here / "pyproject.toml").write_text(mine)
    r = run("init")
    assert r.exit_code == 0, r.output
    assert "added [tool.rmpcheck] to pyproject.toml" in r.output
    text = (here / "pyproject.toml").read_text()
    assert text.startswith(mine) and "[tool.rmpcheck]" in text
    from rmpcheck.gate.config import load_config

    assert load_config(here / "pyproject.toml").checks


def test_init_never_replaces_a_gate_table_it_did_not_write(here: Path) -> None:
    theirs = '[tool.rmpcheck]\nengine = "bmc"\n'
    (here / "pyproject.toml").write_text(theirs)
    for args in ((), ("--force",)):
        r = run("init", *args)
        assert r.exit_code == 2
        assert "already has a [tool.rmpcheck] table" in r.output
        assert not (here / starter.MODEL).exists()
    assert (here / "pyproject.toml").read_text() == theirs


def test_the_workflow_runs_the_gate(here: Path) -> None:
    assert run("init").exit_code == 0
    flow = yaml.safe_load((here / starter.WORKFLOW).read_text())
    steps = flow["jobs"]["gate"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    assert any(r.startswith("rmpcheck prove") for r in runs)
    from rmpcheck import __version__

    assert f'pip install "rmpcheck=={__version__}"' in "\n".join(runs)


def test_init_into_a_file_is_bad_input(here: Path) -> None:
    (here / "afile").write_text("")
    r = run("init", "afile")
    assert r.exit_code == 2
    assert "Traceback" not in r.output
