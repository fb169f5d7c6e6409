"""The GitHub Action (action.yml) and the pre-commit hooks (.pre-commit-hooks.yaml)
that docs/ci.md tells users to take, run as their users would run them.

The action's ``run:`` steps are executed with bash as GitHub runs them
(``bash --noprofile --norc -eo pipefail``), inputs and ``GITHUB_*`` set the
way the runner sets them, in a copy of the gate test project; the hook goes
through ``pre-commit try-repo``, which builds it from this checkout like any
user's pre-commit would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML comes with the test extra")

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "tests" / "gate" / "fixtures" / "proj"
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
CI_DOC = (ROOT / "docs" / "ci.md").read_text()


def _expand(text: str, inputs: dict[str, str]) -> str:
    """The ``${{ inputs.NAME }}`` expressions the action uses (and no others)."""

    def one(m: re.Match[str]) -> str:
        expr = m.group(1).strip()
        assert expr.startswith("inputs."), f"the test cannot evaluate ${{{{ {expr} }}}}"
        return inputs[expr.removeprefix("inputs.")]

    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


def run_action(workdir: Path, given: dict[str, str], tmp: Path) -> tuple[int, dict[str, str]]:
    inputs = {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
    inputs.update(given)
    out_file, summary = tmp / "github_output", tmp / "summary.md"
    out_file.write_text("")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTIONS": "true",
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_WORKSPACE": str(workdir),
        "GITHUB_OUTPUT": str(out_file),
        "GITHUB_STEP_SUMMARY": str(summary),
        "CI": "true",
    }
    code = 0
    for step in ACTION["runs"]["steps"]:
        assert "run" in step, "every step of the action is a run: step (nothing to fetch)"
        assert step["shell"] == "bash"
        step_env = {k: _expand(str(v), inputs) for k, v in (step.get("env") or {}).items()}
        script = tmp / "step.sh"
        script.write_text(_expand(step["run"], inputs))
        r = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workdir, env={**env, **step_env}, capture_output=True, text=True, timeout=600,
        )
        code = r.returncode
        if code != 0:
            break
    outputs = dict(
        line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line
    )
    return code, outputs


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(PROJECT, root)
    return root


@pytest.mark.slow
def test_the_action_runs_the_gate_and_leaves_its_reports(project: Path, tmp_path: Path):
    # install: the rmpcheck already installed (the step's pip then has nothing to fetch)
    code, outputs = run_action(project, {"install": "rmpcheck", "jobs": "1"}, tmp_path)
    assert code == 0 and outputs["exit-code"] == "0"
    assert (project / outputs["sarif"]).exists() and (project / outputs["junit"]).exists()
    assert sorted(p.suffix for p in (project / "rmpcheck-reports" / "traces").iterdir())
    assert "## rmpcheck: as expected" in (tmp_path / "summary.md").read_text()


@pytest.mark.slow
def test_the_action_fails_like_the_gate_and_still_leaves_reports(project: Path, tmp_path: Path):
    cfg = project / "pyproject.toml"
    cfg.write_text(cfg.read_text().replace('write_checked = "proved"', 'write_chekced = "proved"'))
    code, outputs = run_action(project, {"install": "rmpcheck", "reports": "out"}, tmp_path)
    assert code == 2 and outputs["exit-code"] == "2"
    sarif = json.loads((project / "out" / "rmpcheck.sarif").read_text())
    assert sarif["runs"][0]["invocations"][0]["exitCode"] == 2
    assert (project / "out" / "rmpcheck.xml").exists()


def test_docs_use_the_action_and_the_hooks_as_they_are():
    action = r"uses: [\w.-]+/rmpcheck@\S+[^\n]*\n((?:\s+with:\n(?:\s{10,}.*\n)+)?)"
    uses = re.findall(action, CI_DOC)
    assert any("reports:" in block for block in uses), "docs/ci.md shows the action"
    for block in uses:
        for key in re.findall(r"^\s{10,}([\w-]+):", block, re.M):
            assert key in ACTION["inputs"], f"docs/ci.md passes an unknown input {key!r}"
    ids = {h["id"] for h in HOOKS}
    shown = set(re.findall(r"- id: (rmpcheck-[\w-]+)", CI_DOC))
    assert shown and shown <= ids


@pytest.mark.slow
def test_the_hooks_run_through_pre_commit_try_repo(tmp_path: Path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed (it comes with the test extra)")
    repo = tmp_path / "user"
    shutil.copytree(PROJECT, repo)
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "models"]):
        subprocess.run([*git, *args], cwd=repo, check=True, capture_output=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("CI", None)

    def try_repo(hook: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files"],
            cwd=repo, env=env, capture_output=True, text=True, timeout=900,
        )

    r = try_repo("rmpcheck-check")
    if r.returncode != 0 and re.search(
        r"No matching distribution|Could not find a version|Network|Temporary failure|"
        r"CalledProcessError.*virtualenv", r.stdout + r.stderr,
    ):
        pytest.skip("pre-commit could not build the hook's environment offline:\n" + r.stdout)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"rmpcheck check.*Passed", r.stdout)
    r = try_repo("rmpcheck-gate")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (repo / ".rmpcheck-reports" / "rmpcheck.sarif").exists()
    # a broken model fails the hook, with the located error
    model = repo / "models" / "lock.rmp"
    model.write_text(model.read_text().replace("require !lock", "require !lock +", 1))
    r = try_repo("rmpcheck-check")
    assert r.returncode == 1 and "lock.rmp:" in r.stdout
