"""The documentation test's own rules, on hand-made documents: what runs, how output compares."""

from __future__ import annotations

from pathlib import Path

from doc_blocks import blocks, matches, normalise, session

DOC = """# A page

<!-- doctest: skip -->
```sh
rmpcheck prove
```

<!-- doctest: slow -->
```console
$ rmpcheck prove a.rmp \\
    b.prop
proved in 1.5 s
$ echo $?
0
```

```
# file: a.rmp
model a
```
"""


def parse(tmp_path: Path) -> list:
    page = tmp_path / "page.md"
    page.write_text(DOC)
    return blocks(page, tmp_path)


def test_markers_languages_lines_and_saved_files(tmp_path: Path) -> None:
    skip, slow, saved = parse(tmp_path)
    assert (skip.lang, skip.line, skip.skip_reason, skip.slow) == ("sh", 4, "", False)
    assert (slow.lang, slow.slow, slow.skip_reason) == ("console", True, None)
    assert saved.saved_as == "a.rmp" and saved.marker is None


def test_a_session_continues_lines_and_keeps_each_commands_output(tmp_path: Path) -> None:
    _, slow, _ = parse(tmp_path)
    first, second = session(slow)
    assert first.command == "rmpcheck prove a.rmp \\\n    b.prop"
    assert first.expected == ["proved in 1.5 s"]
    assert (second.command, second.expected) == ("echo $?", ["0"])


def test_normalising_paths_durations_spaces_and_progress() -> None:
    out = "/tmp/x/traces/a.json  written in 9 min 26 s   \n[3/12] ok   a::b  proved\nx    y\n\n"
    assert normalise(out, "/tmp/x") == ["traces/a.json  written in T", "x  y"]
    assert normalise("0.11 s, 40 ms, 2 min, 1.5s", "/s") == ["T, T, T, T"]
    assert normalise("Page=2, 3 states", "/s") == ["Page=2, 3 states"]


def test_an_ellipsis_line_stands_for_any_lines() -> None:
    got = ["head", "a", "b", "mid", "c", "tail"]
    assert matches(["head", "...", "mid", "...", "tail"], got)
    assert matches(["...", "tail"], got) and matches(["head", "..."], got)
    assert not matches(["head", "...", "nowhere", "...", "tail"], got)
    assert not matches(["head", "tail"], got)
    assert not matches(["mid", "..."], got)
    assert matches(["head", "..."], ["head"]) and not matches(["head", "...", "x"], ["head"])
