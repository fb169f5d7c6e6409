"""Every command and configuration in README.md and docs/*.md works as printed.

The conventions (which blocks run, how output is compared, the markers) are in
doc_blocks.py and, for writers, docs/contributing.md. Each runnable block is
one test, named FILE:LINE. Its commands run in bash in a scratch copy of the
repository (COPIED below, and the package linked in for README's ``pip
install -e .``), with the document's saved files (``# file: NAME`` blocks)
written into it and ``rmpcheck`` (this checkout, this interpreter) first on
PATH. A document's blocks share one scratch copy, in document order: a block
sees what the blocks above it made (a trace directory, a lemma file), as a
reader does."""

from __future__ import annotations

import difflib
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from doc_blocks import ROOT, Block, all_blocks, matches, normalise, session

# what a command of the docs may need from the repository
COPIED = (
    "models",
    "properties",
    "benchmarks",
    "tests/models",
    "tests/trace/data",
    "tests/profiles.py",  # pyproject.toml's pytest options load it (`pytest --rmpcheck`)
    "pyproject.toml",
    "README.md",
)
# seconds per command of a block that is not marked slow
FAST_TIMEOUT_S = 120
SLOW_TIMEOUT_S = 3600

BLOCKS = all_blocks()
RUNNABLE = [b for b in BLOCKS if b.lang in ("sh", "console", "toml")]


def _param(b: Block) -> object:
    marks = [pytest.mark.slow] if b.slow else []
    if b.skip_reason is not None:
        # never run a block marked skip, even one whose missing reason fails
        # test_markers_are_known_and_skips_say_why
        marks.append(pytest.mark.skip(reason=b.skip_reason or "no reason given"))
    return pytest.param(b, id=b.id, marks=marks)


@pytest.fixture(scope="session")
def bin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``rmpcheck`` and ``pytest`` that run this checkout under this interpreter."""
    d = tmp_path_factory.mktemp("bin")
    py = sys.executable
    scripts = {
        "rmpcheck": f'exec "{py}" -c "import sys; sys.argv[0] = \'rmpcheck\'; '
        f'from rmpcheck.cli import main; main()" "$@"',
        "pytest": f'exec "{py}" -m pytest "$@"',
        "python": f'exec "{py}" "$@"',
        "python3": f'exec "{py}" "$@"',
    }
    for name, body in scripts.items():
        (d / name).write_text(f"#!/bin/sh\n{body}\n")
        (d / name).chmod(0o755)
    return d


@dataclass
class Scratch:
    """A document's scratch copy and how far down the document its blocks have run."""

    root: Path
    done: int  # index in RUNNABLE of the last block run here


SCRATCH: dict[str, Scratch] = {}


def _new_scratch(doc: str, tmp: pytest.TempPathFactory) -> Path:
    root = tmp.mktemp(doc.replace("/", "_").replace(".md", ""))
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        else:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, root / name)
    (root / "rmpcheck").symlink_to(ROOT / "rmpcheck", target_is_directory=True)
    # one gate cache for every document (and every xdist worker): the shipped gate
    # is run cold once, not once per page that shows it (a result is cached only
    # when finished, under a key of everything it depends on)
    base = tmp.getbasetemp()
    # under xdist each worker's base is a directory of this session's own
    shared = (base.parent if "PYTEST_XDIST_WORKER" in os.environ else base) / "doc-gate-cache"
    shared.mkdir(exist_ok=True)
    (root / ".rmpcheck-cache").symlink_to(shared, target_is_directory=True)
    for b in BLOCKS:
        if b.doc == doc and b.saved_as:
            (root / b.saved_as).write_text(b.body)
    return root


def _env(bin_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PYTHONUNBUFFERED"] = "1"  # stdout and stderr interleave as on a terminal
    env["COLUMNS"] = "200"
    # a reader's shell: not CI, not inside a pytest run (PYTEST_XDIST_WORKER, ...)
    for var in [v for v in env if v.startswith("PYTEST_")]:
        del env[var]
    for var in ("CI", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        env.pop(var, None)
    return env


def _run(cmd: str, cwd: Path, env: dict[str, str], timeout: float) -> tuple[int, str]:
    """Run ``cmd`` in bash; past ``timeout`` its whole process group is killed (the
    gate's and auto's worker processes too, which would otherwise hold the pipe)."""
    with subprocess.Popen(
        ["bash", "-c", cmd],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as p:
        try:
            out, _ = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, _ = p.communicate()
            pytest.fail(f"timed out after {timeout:.0f} s: {cmd}\n{out}", pytrace=False)
    return p.returncode, out


def _toml(block: Block, root: Path) -> None:
    from rmpcheck.errors import RmpcheckError
    from rmpcheck.gate.config import load_config
    from rmpcheck.gate.plan import make_plan

    (root / "pyproject.toml").write_text(block.body)
    try:
        make_plan(load_config(root / "pyproject.toml"))
    except RmpcheckError as e:
        pytest.fail(f"{block.id}: the configuration does not plan:\n{e}", pytrace=False)
    finally:
        shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")


def _commands(script: str) -> int:
    """How many commands a script has: lines that are neither blank, comments, nor
    the continuation of a line ending in a backslash."""
    n, continued = 0, False
    for line in script.splitlines():
        text = line.strip()
        if not continued and text and not text.startswith("#"):
            n += 1
        continued = text.endswith("\\")
    return max(n, 1)


def run_block(block: Block, root: Path, env: dict[str, str]) -> None:
    """Run one block in ``root``; fails the test with what differs."""
    timeout = SLOW_TIMEOUT_S if block.slow else FAST_TIMEOUT_S
    if block.lang == "toml":
        _toml(block, root)
    elif block.lang == "sh":
        # the script runs at once; its budget is the per-command one times its commands
        code, out = _run("set -e\n" + block.body, root, env, timeout * _commands(block.body))
        assert code == 0, f"{block.id}: exit {code}\n{out}"
    else:
        last = 0
        commands = session(block)
        for k, c in enumerate(commands):
            last, out = _run(f"(exit {last}); {c.command}", root, env, timeout)
            checked = k + 1 < len(commands) and commands[k + 1].command == "echo $?"
            # 0 and 1 are answers (as expected / a verdict differs); 2 and up are bad
            # input, an internal error or the shell's 'command not found', unless the
            # docs show the output or the exit code
            assert checked or c.expected or last < 2, (
                f"{block.id}: `{c.command}` exited {last}:\n{out}"
            )
            if not c.expected:
                continue
            got = normalise(out, str(root))
            shown = normalise("\n".join(c.expected), str(root))
            if not matches(shown, got):
                diff = difflib.unified_diff(shown, got, "the docs", "the output", lineterm="")
                pytest.fail(
                    f"{block.id}: `{c.command}` (exit {last}) printed other than the docs show "
                    "(normalised as doc_blocks.py says):\n" + "\n".join(diff),
                    pytrace=False,
                )


def _scratch_for(block: Block, tmp: pytest.TempPathFactory, env: dict[str, str]) -> Path:
    """The document's scratch copy, with every runnable block above this one run in it."""
    index = RUNNABLE.index(block)
    state = SCRATCH.get(block.doc)
    if state is None or state.done >= index:
        state = SCRATCH[block.doc] = Scratch(_new_scratch(block.doc, tmp), -1)
    for earlier in RUNNABLE[state.done + 1 : index]:
        # what this block may rest on; a slow or skipped block makes nothing later ones need
        if earlier.doc == block.doc and earlier.skip_reason is None and not earlier.slow:
            try:
                run_block(earlier, state.root, env)
            except (AssertionError, pytest.fail.Exception):
                pass  # its own test reports it
    state.done = index
    return state.root


@pytest.mark.parametrize("block", [_param(b) for b in RUNNABLE])
def test_doc_block(block: Block, bin_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    env = _env(bin_dir)
    root = _scratch_for(block, tmp_path_factory, env)
    run_block(block, root, env)


@pytest.mark.parametrize("block", [pytest.param(b, id=b.id) for b in BLOCKS if b.marker])
def test_markers_are_known_and_skips_say_why(block: Block) -> None:
    assert block.slow or block.skip_reason is not None, (
        f"{block.id}: unknown marker <!-- doctest: {block.marker} -->; "
        "use 'skip (REASON)' or 'slow'"
    )
    assert block.skip_reason != "", f"{block.id}: a skip needs its reason: skip (REASON)"
    assert block.lang in ("sh", "console", "toml"), f"{block.id}: a marker on a block never run"


def test_sessions_are_console_blocks() -> None:
    """A block showing ``$ CMD`` is a session: in a ```console block it is run and compared."""
    loose = [b.id for b in BLOCKS if b.lang != "console" and b.body.startswith("$ ")]
    assert not loose, f"blocks that show a session but are not ```console: {loose}"
