"""Text that editors and generators produce: byte-order marks, tabs, CRLF, deep nesting."""

from __future__ import annotations

from pathlib import Path

import pytest

from rmpcheck.errors import ModelError
from rmpcheck.lang import load_model, parse_model


def error_of(text: str) -> str:
    with pytest.raises(ModelError) as info:
        parse_model(text)
    return str(info.value)


def test_byte_order_mark_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "m.rmp"
    path.write_bytes("\ufeffmodel m\r\nstate x : bool\r\ninit { !x }\r\n".encode())
    assert load_model(path).name == "m"
    assert parse_model("\ufeffmodel m\n").name == "m"


def test_caret_lines_up_under_tab_indented_code() -> None:
    shown = error_of("model m\nstate x : bool\ninit {\n\t\tx == 1 }\n").splitlines()
    line, caret = shown[1], shown[2]
    assert line.endswith("        x == 1 }")
    assert caret.index("^") == line.index("x == 1") and caret.count("^") == len("x == 1")


def test_end_of_file_errors_point_just_after_the_last_token() -> None:
    shown = error_of("model m\nstate x: bool\ninit { x ==\n").splitlines()
    assert shown[0] == "<string>:3:12: error: expected an expression, found end of file"
    assert shown[2].index("^") == shown[1].index("==") + 2


def test_deep_nesting_is_a_located_error_not_a_crash() -> None:
    assert "nest too deeply" in error_of("model m\nstate x : bool\ninit { " + "!" * 3000 + "x }")
    chain = " && ".join(["x"] * 3000)
    assert "nest too deeply" in error_of(f"model m\nstate x : bool\ninit {{ {chain} }}")


def test_a_few_hundred_levels_are_fine() -> None:
    parse_model("model m\nstate x : bool\ninit { " + " && ".join(["x"] * 250) + " }")
    parse_model("model m\nstate x : bool\ninit { " + "(" * 250 + "x" + ")" * 250 + " }")
