"""``pytest --rmpcheck``: each configured obligation is a test item, through the gate's code."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES

# pytest refuses pytest_plugins in a conftest below the rootdir, so it is enabled here
pytest_plugins = ["pytester"]


@pytest.fixture
def gate_project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    shutil.copytree(FIXTURES / "proj", pytester.path, dirs_exist_ok=True)
    monkeypatch.delenv("CI", raising=False)
    return pytester


def expect_racy_proved(p: pytest.Pytester) -> None:
    cfg = p.path / "pyproject.toml"
    cfg.write_text(cfg.read_text().replace('write_checked = "refuted"', 'write_checked = "proved"'))


def test_off_by_default(gate_project: pytest.Pytester) -> None:
    result = gate_project.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.no_fnmatch_line("*lock::write_checked*")


def test_every_obligation_is_an_item(gate_project: pytest.Pytester) -> None:
    expect_racy_proved(gate_project)
    result = gate_project.runpytest("--rmpcheck", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines([
        "*pyproject.toml::lock::write_checked PASSED*",
        "*pyproject.toml::racy::write_checked FAILED*",
    ])
    # the failure shows expected and actual verdicts and the counterexample
    result.stdout.fnmatch_lines([
        "*racy::write_checked*expected proved, got refuted*",
        "*assign(p=Page0)*",
    ])
    # results went to the same cache the CLI uses
    assert len(list((gate_project.path / ".rmpcheck-cache").glob("*/*.json"))) == 4
    # and -k selects obligations like any test
    result = gate_project.runpytest("--rmpcheck", "-k", "host_writes", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, deselected=2)


def test_a_bad_configuration_is_a_usage_error(gate_project: pytest.Pytester) -> None:
    cfg = gate_project.path / "pyproject.toml"
    cfg.write_text(cfg.read_text().replace(', host_writes = "covered" }', " }", 1))
    result = gate_project.runpytest("--rmpcheck", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*pyproject.toml:*: error: no expected verdict for claim "
                                 "host_writes*"])


def test_items_spread_over_xdist_workers(gate_project: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    expect_racy_proved(gate_project)
    result = gate_project.runpytest_subprocess("--rmpcheck", "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*expected proved, got refuted*"])
