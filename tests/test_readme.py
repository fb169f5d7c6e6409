"""README's examples are the tool's real behaviour: the model, the error, the race diagram."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from rmpcheck.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def blocks() -> dict[str, str]:
    """Code blocks whose first line is '# NAME' (a file the reader can save)."""
    return {m.group(2): m.group(1) for m in re.finditer(r"```\n(# (\S+)\n.*?)```", README, re.S)}


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_the_example_model_checks_and_its_claims_hold(tmp_path: Path) -> None:
    files = blocks()
    for name in ("race.rmp", "race.prop"):
        (tmp_path / name).write_text(files[name])
    model, props = str(tmp_path / "race.rmp"), str(tmp_path / "race.prop")
    assert run("check", model, props).exit_code == 0
    r = run("prove", model, props, "-e", "explicit", "--size", "Page=2", "--size", "Thread=2")
    assert r.exit_code == 0, r.output
    r = run("prove", model, props, "-e", "inductive", "-p", "write_only_shared")
    assert "proved for all sizes" in r.output, r.output


def test_the_error_example_is_what_check_prints(tmp_path: Path) -> None:
    files = blocks()
    (tmp_path / "race.rmp").write_text(files["race.rmp"])
    bad = files["race.prop"].replace(
        "step[t] == consulted -> !assigned[target[t]]\n", "asigned[target[t]] -> false\n", 1
    )
    (tmp_path / "bad.prop").write_text(bad)
    r = run("check", str(tmp_path / "race.rmp"), str(tmp_path / "bad.prop"))
    assert r.exit_code == 2
    shown = README.split("$ rmpcheck check race.rmp bad.prop\n", 1)[1].split("```", 1)[0]
    got = r.output.replace(str(tmp_path) + "/", "")
    for line in shown.splitlines():
        assert line in got.splitlines(), line


def test_the_race_diagram_is_what_prove_prints() -> None:
    r = run(
        "prove",
        str(ROOT / "models/rfc2021/ghcb_self_check.rmp"),
        str(ROOT / "properties/rfc2021/host_safety.prop"),
        "-p",
        "ghcb_stores_safe",
        "-e",
        "explicit",
        "--instance",
        "two_vcpus",
    )
    assert r.exit_code == 1
    diagram = README.split("ghcb_self_check: invariant ghcb_stores_safe", 1)[1]
    diagram = diagram.split("```", 1)[0]
    got = r.output.splitlines()
    # README trims the initial state's values; every line it shows is the tool's
    for line in diagram.splitlines()[1:]:
        if line.strip():
            assert line in got, line


def test_readme_test_command_is_what_ci_runs() -> None:
    """`.ci/run` installs the same extras and runs the same pytest as README says."""
    ci = (ROOT / ".ci" / "run").read_text()
    shown = re.search(r"pip install -e '(\.\[[a-z,]+\])' && python -m pytest", README)
    assert shown is not None, "README lost its test command"
    assert f"pip install -q -e '{shown.group(1)}'" in ci
    assert "\npython -m pytest\n" in ci + "\n"


def test_ci_runs_readmes_test_command_first_then_the_marked_group() -> None:
    readme = re.search(r"pip install -e '\.\[[a-z,]+\]' && (python -m pytest[^\n`]*)", README)
    assert readme is not None
    ci = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()]
    commands = [ln for ln in ci if ln.startswith("python -m pytest")]
    assert commands[0] == readme.group(1)
    assert commands[1] == 'python -m pytest -m "slow or randomized" --hypothesis-profile=thorough'


def test_the_marked_group_is_not_empty() -> None:
    """pytest exits 5 when nothing is collected: .ci/run's second command must select tests."""
    import subprocess
    import sys

    files = ["tests/engines/test_auto.py", "tests/engines/test_differential.py"]
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            "-m",
            "slow or randomized",
            *files,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    # the CPU-hog test of auto (slow) and the engines' differential test (randomized)
    assert "tests/engines/test_auto.py: 1" in r.stdout, r.stdout
    assert "tests/engines/test_differential.py: 1" in r.stdout, r.stdout
