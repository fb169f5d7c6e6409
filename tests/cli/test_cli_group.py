"""The command group: every listed command loads, and --help imports none of them."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from rmpcheck.cli import COMMANDS, cli


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_listed_command_loads(name: str) -> None:
    cmd = cli.get_command(click.Context(cli), name)
    assert isinstance(cmd, click.Command)


def test_help_lists_commands_without_importing_them() -> None:
    probe = (
        "import sys\n"
        "from rmpcheck.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('z3', 'lark', 'rmpcheck.lang', 'rich', 'networkx')"
        " if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "prove" in out.stdout and "Prove or refute" in out.stdout
    assert "HEAVY []" in out.stdout


def test_unknown_command_is_a_usage_error() -> None:
    from click.testing import CliRunner

    r = CliRunner().invoke(cli, ["proove"])
    assert r.exit_code == 2
    assert "No such command 'proove'" in r.output


def test_windows_is_refused_with_a_reason(monkeypatch, capsys) -> None:
    import pytest

    from rmpcheck import cli as cli_module

    monkeypatch.setattr(cli_module.os, "name", "nt")
    with pytest.raises(SystemExit) as stop:
        cli_module.main(["--help"])
    assert stop.value.code == 2
    assert "Linux and macOS only" in capsys.readouterr().err


def test_version_names_rmpcheck_z3_and_python() -> None:
    import z3
    from click.testing import CliRunner

    from rmpcheck import __version__

    r = CliRunner().invoke(cli, ["--version"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == f"rmpcheck {__version__}"
    assert lines[1] == f"Z3 {z3.get_version_string()}"
    assert lines[2].startswith("Python 3.")


@pytest.mark.parametrize(
    ("env", "args"),
    [
        ({"_RMPCHECK_COMPLETE": "bash_source"}, []),
        ({"_RMPCHECK_COMPLETE": "zsh_source"}, []),
        ({}, ["list", "models/upstream/linux.rmp"]),
        ({}, ["check", "models/upstream/linux.rmp"]),
    ],
)
def test_a_closed_pipe_ends_quietly(env: dict[str, str], args: list[str]) -> None:
    """`rmpcheck ... | head -1`: the reader is gone before we write; no traceback."""
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "rmpcheck", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=root,
        env={**os.environ, **env},
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the interpreter has even started: every write fails
    err = proc.stderr.read().decode()
    assert proc.wait() == 141
    assert err == ""


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["prove", "--help"]])
def test_click_s_own_output_into_a_closed_pipe_has_no_traceback(args: list[str]) -> None:
    """--help and --version are written by click, which ends a closed pipe with exit 1."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "rmpcheck", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait() in (0, 1, 141)
    assert err == ""
