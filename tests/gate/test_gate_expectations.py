"""Expectations the configuration lacks: the hint that lists them, and
``rmpcheck prove --write-expectations``, which records the verdicts the claims get."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import Invoke


def test_the_hint_lists_every_missing_claim_with_a_verdict_its_kind_can_get(
    project: Path, prove: Invoke
) -> None:
    props = project / "properties" / "write.prop"
    props.write_text(
        props.read_text()
        + "invariant a_claim: true\ninvariant b_claim: true\ncover c_reached: true\n"
    )
    r = prove()
    assert r.exit_code == 2
    # every missing claim, on both checks, each proposed with a verdict it can get
    for line in [ln for ln in r.output.splitlines() if "every claim needs one" in ln]:
        assert 'a_claim = "proved", b_claim = "proved", c_reached = "covered"' in line
    assert r.output.count("every claim needs one") == 2
    assert "--write-expectations" in r.output


def test_write_expectations_records_what_is_missing_and_what_changed(
    project: Path, prove: Invoke
) -> None:
    cfg = project / "pyproject.toml"
    before = cfg.read_text()
    # lock: no expectation for write_checked; racy: a wrong one, and a cover with none
    cfg.write_text(
        before.replace('expect = { write_checked = "proved", host_writes = "covered" }',
                       'expect = { host_writes = "covered" }  # mine')
        .replace('expect = { write_checked = "refuted", host_writes = "covered" }',
                 'expect = { write_checked = { verdict = "proved", timeout = 20 } }')
    )
    props = project / "properties" / "write.prop"
    props.write_text(props.read_text() + "cover never: exists t: Thread. false\n")
    r = prove("--write-expectations")
    assert r.exit_code == 0, r.output
    assert 'check #1 (models/lock.rmp): write_checked = "proved" (had none)' in r.output
    assert 'check #1 (models/lock.rmp): never = "uncoverable" (had none)' in r.output
    assert 'check #2 (models/racy.rmp): write_checked = "refuted" (was proved)' in r.output
    assert 'check #2 (models/racy.rmp): host_writes = "covered" (had none)' in r.output
    text = cfg.read_text()
    assert text.startswith(before.split("[tool.rmpcheck]")[0])  # the comments above
    assert ('expect = { host_writes = "covered", write_checked = "proved", '
            'never = "uncoverable" }  # mine') in text
    # past 100 columns on one line: the inline table becomes a sub-table, entries as written
    assert text.endswith(
        '\n[tool.rmpcheck.check.expect]\nwrite_checked = { verdict = "refuted", timeout = 20 }\n'
        'host_writes = "covered"\nnever = "uncoverable"\n'
    )
    # and the gate, run again on what was written, is as expected
    assert "6 obligations: 6 as expected" in r.output
    again = prove("--write-expectations")
    assert again.exit_code == 0
    assert "every verdict is already the expected one" in again.output
    assert cfg.read_text() == text


def test_write_expectations_adds_an_expect_table_to_a_check_without_one(
    project: Path, prove: Invoke
) -> None:
    cfg = project / "pyproject.toml"
    cfg.write_text(cfg.read_text().replace(
        'expect = { write_checked = "refuted", host_writes = "covered" }\n', ""))
    r = prove()
    assert r.exit_code == 2  # the gate itself still wants one, and says how to get it
    assert "check #2 has no 'expect'" in r.output and "--write-expectations" in r.output
    r = prove("--write-expectations")
    assert r.exit_code == 0, r.output
    assert cfg.read_text().endswith(
        '[tool.rmpcheck.check.expect]\nwrite_checked = "refuted"\nhost_writes = "covered"\n')


def test_write_expectations_is_for_the_gate_only(project: Path, prove: Invoke) -> None:
    r = prove("models/lock.rmp", "properties/write.prop", "--write-expectations")
    assert r.exit_code == 2
    assert "--write-expectations only apply to the gate" in r.output


def test_a_vacuous_proof_is_recorded_and_the_reason_left_to_a_person(
    tmp_path: Path, prove: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/vacuity/models/door.rmp proves its claims vacuously or by construction: the
    verdicts are recorded, the reasons cannot be, and the gate then says what is missing."""
    shutil.copytree(Path(__file__).parents[1] / "vacuity" / "models", tmp_path / "models")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.rmpcheck]\nengine = "explicit"\n\n[[tool.rmpcheck.check]]\n'
        'model = "models/door.rmp"\nproperties = "models/door.prop"\n'
    )
    r = prove("--write-expectations")
    assert r.exit_code == 1, r.output
    assert 'open_ok = "proved" (had none)' in r.output
    assert 'opened = "covered" (had none)' in r.output
    left = r.output.split("left to you (edit these by hand):", 1)[1]
    assert "door::open_ok: proved recorded, but its scope or vacuity findings" in left
    # the gate on what was written: every verdict right, the findings want reasons
    assert "expected proved, got" not in r.output
    assert "a vacuous proof is not expected" in r.output


def test_an_unknown_is_never_recorded(
    project: Path, prove: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rmpcheck.gate import runner

    monkeypatch.setattr(runner, "GRACE_S", 0.3)
    cfg = project / "pyproject.toml"
    # far too big to explore in 10 ms: the engine gives up or is stopped, "unknown"
    slow = ('write_checked = { verdict = "refuted", timeout = 0.01, '
            'instance = { Page = 7, Thread = 6 } }')
    cfg.write_text(cfg.read_text().replace('write_checked = "refuted"', slow))
    before = cfg.read_text()
    r = prove("--write-expectations")
    assert r.exit_code == 1, r.output
    left = r.output.split("left to you (edit these by hand):", 1)[1]
    assert "racy::write_checked: unknown" in left and "raise the limit" in left
    assert "pyproject.toml: no verdict to record" in r.output
    assert cfg.read_text() == before
