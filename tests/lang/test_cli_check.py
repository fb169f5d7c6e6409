"""``rmpcheck check`` and ``rmpcheck list`` end to end, and bad files through the library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rmpcheck.cli import cli
from rmpcheck.errors import ModelError
from rmpcheck.lang import load_model, load_properties, parse_model

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "errors"
RACE = str(GOLDEN / "lib" / "race.rmp")
PROPS = """properties for psc_vs_host_io
invariant write_only_shared: forall t: Thread. step[t] == consulted -> !assigned[target[t]]
always host_write_checked: host.write(t) -> !assigned[target[t]] && once host.consult_rmp(t)
cover reach_write: exists t: Thread. step[t] == consulted
"""


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture
def props(tmp_path: Path) -> str:
    p = tmp_path / "race.prop"
    p.write_text(PROPS)
    return str(p)


def test_check_clean_files_prints_one_line_each(props: str) -> None:
    code, out, err = run("check", RACE, props)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].endswith(
        "ok: model psc_vs_host_io, 2 sorts, 1 enum, 5 state variables, 4 actions, 1 instance"
    )
    assert lines[1].endswith("ok: 3 properties for psc_vs_host_io (1 invariant, 1 always, 1 cover)")
    assert err == ""


def test_check_reports_every_error_of_every_file_and_exits_2(tmp_path: Path, props: str) -> None:
    bad = tmp_path / "bad.rmp"
    bad.write_text("model bad\nstate x : Pge\nstate y : Tread\n")
    code, out, err = run("check", str(bad), RACE, props, str(tmp_path / "missing.rmp"))
    assert code == 2
    assert "unknown type 'Pge'" in err and "unknown type 'Tread'" in err
    assert "missing.rmp:1:1: error: no such file" in err
    assert "Traceback" not in err
    assert "ok: model psc_vs_host_io" in out  # the good files still report


def test_check_property_file_for_a_model_not_given(props: str) -> None:
    code, _, err = run("check", props)
    assert code == 2 and "no model file is given" in err


def test_check_property_for_a_base_model_checks_against_variants(tmp_path: Path) -> None:
    (tmp_path / "variant.rmp").write_text(f'model variant\ninclude "{RACE}"\n')
    (tmp_path / "p.prop").write_text(PROPS)
    code, out, err = run("check", str(tmp_path / "variant.rmp"), str(tmp_path / "p.prop"))
    assert code == 0, err
    assert "3 properties for variant" in out


def test_list_plain_text_when_not_a_terminal(props: str) -> None:
    code, out, _ = run("list", RACE, props)
    assert code == 0
    assert any(line.split()[:2] == ["action", "host.translate"] for line in out.splitlines())
    assert "(t: Thread, p: Page)" in out
    assert any(line.split()[:2] == ["always", "host_write_checked"] for line in out.splitlines())
    assert "for all t: Thread" in out
    assert "instance" in out and "Page = 3, Thread = 2" in out
    assert "\x1b[" not in out


def test_check_does_not_import_z3(props: str) -> None:
    code = (
        "import sys\n"
        "from rmpcheck.cli import main\n"
        "try:\n"
        f"    main(['check', {RACE!r}, {props!r}])\n"
        "except SystemExit as e:\n"
        "    assert e.code in (0, None), e.code\n"
        "assert 'z3' not in sys.modules, 'rmpcheck check imported z3'\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: p.write_bytes(b"model m\n\x00\xff"), "is a binary file"),
        (lambda p: p.write_bytes(b'model m "\xff"\n'), "is not UTF-8 text"),
    ],
)
def test_unreadable_files_are_located_errors(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.rmp"
    make(path)
    with pytest.raises(ModelError) as info:
        load_model(path)
    d = info.value.first
    assert (d.span.file, d.span.line, d.span.col) == (str(path), 1, 1)
    assert message in d.message


def test_model_and_property_files_cannot_stand_in_for_each_other(props: str) -> None:
    with pytest.raises(ModelError, match="is a property file, but a model was expected"):
        load_model(props)
    with pytest.raises(ModelError, match="is a model file, but properties were expected"):
        load_properties(RACE, load_model(RACE))


def test_includes_resolve_relative_to_the_filename(tmp_path: Path) -> None:
    (tmp_path / "base.rmp").write_text("model base\nsort Page\n")
    m = parse_model('model top\ninclude "base.rmp"\n', str(tmp_path / "top.rmp"))
    assert [s.name for s in m.sorts] == ["Page"]
    assert m.sorts and m.file == str(tmp_path / "top.rmp")
