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


def test_a_fifo_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.rmp")  # opening it would wait for a writer forever
    (tmp_path / "m.rmp").write_text('model m\ninclude "pipe.rmp"\n')
    with pytest.raises(ModelError) as info:
        load_model(tmp_path / "m.rmp")
    assert 'm.rmp:2:1: error: cannot include "pipe.rmp"' in str(info.value)
    assert "is a FIFO (named pipe), not a regular file" in str(info.value)
    with pytest.raises(ModelError, match="pipe.rmp:1:1: error: .* is a FIFO"):
        load_model(tmp_path / "pipe.rmp")


def test_a_file_past_the_size_cap_is_refused_unread(tmp_path: Path, monkeypatch) -> None:
    from rmpcheck import bounds

    monkeypatch.setattr(bounds, "MAX_FILE_BYTES", 1000)
    (tmp_path / "base.rmp").write_text("model base\n" + "# padding\n" * 200)
    (tmp_path / "m.rmp").write_text('model m\ninclude "base.rmp"\n')
    with pytest.raises(ModelError, match=r"m.rmp:2:1: error: .* is larger than 0 MB"):
        load_model(tmp_path / "m.rmp")


def test_the_shown_line_is_cut_around_the_caret() -> None:
    text = error_of("model m\nstate c : 0..3\ninit { " + "true && " * 100 + "d }")
    line, caret = text.splitlines()[1:3]
    assert len(line) < 200 and line[caret.index("^")] == "d"
