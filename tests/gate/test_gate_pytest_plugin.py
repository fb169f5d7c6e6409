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


def test_an_obligation_reruns_by_its_node_id(gate_project: pytest.Pytester) -> None:
    expect_racy_proved(gate_project)
    result = gate_project.runpytest(
        "--rmpcheck", "pyproject.toml::racy::write_checked", "-v", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*pyproject.toml::racy::write_checked FAILED*"])


def test_last_failed_and_failed_first(gate_project: pytest.Pytester) -> None:
    expect_racy_proved(gate_project)
    gate_project.runpytest("--rmpcheck").assert_outcomes(passed=3, failed=1)
    again = gate_project.runpytest("--rmpcheck", "--lf", "-v")
    again.assert_outcomes(failed=1, deselected=3)
    again.stdout.fnmatch_lines(["*run-last-failure*", "*racy::write_checked FAILED*"])
    first = gate_project.runpytest("--rmpcheck", "--ff", "-v")
    first.assert_outcomes(passed=3, failed=1)
    lines = [ln for ln in first.stdout.lines if "::" in ln and ("PASSED" in ln or "FAILED" in ln)]
    assert "racy::write_checked FAILED" in lines[0]


def test_the_gate_alone_by_naming_the_configuration(gate_project: pytest.Pytester) -> None:
    gate_project.makepyfile(test_unrelated="def test_other():\n    pass\n")
    both = gate_project.runpytest("--rmpcheck", "-p", "no:cacheprovider")
    both.assert_outcomes(passed=5)
    alone = gate_project.runpytest("--rmpcheck", "pyproject.toml", "-p", "no:cacheprovider")
    alone.assert_outcomes(passed=4)
    tests_only = gate_project.runpytest("--rmpcheck", "test_unrelated.py", "-p", "no:cacheprovider")
    tests_only.assert_outcomes(passed=1)


def test_testpaths_that_miss_the_configuration_still_get_the_gate(
    gate_project: pytest.Pytester,
) -> None:
    (gate_project.path / "tests").mkdir()
    (gate_project.path / "tests" / "test_unit.py").write_text("def test_unit():\n    pass\n")
    cfg = gate_project.path / "pyproject.toml"
    cfg.write_text('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n\n' + cfg.read_text())
    result = gate_project.runpytest("--rmpcheck", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)
    expect_racy_proved(gate_project)
    gate_project.runpytest("--rmpcheck").assert_outcomes(passed=4, failed=1)
    again = gate_project.runpytest("--rmpcheck", "--lf")
    again.assert_outcomes(failed=1, deselected=4)
