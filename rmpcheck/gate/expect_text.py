"""Set expected verdicts in the text of a gate configuration, leaving the rest as written.

``rmpcheck prove --write-expectations`` records verdicts without a TOML
library that keeps comments: it edits the lines that hold them. Each check is
found by its ``[[tool.rmpcheck.check]]`` header (``[[check]]`` in a
stand-alone file); its expectations are either an inline table on one line
(``expect = { a = "proved", b = { verdict = "refuted", ... } }``: edited in
place, or moved to a sub-table when the line would grow past
:data:`LINE_LIMIT`) or a ``[tool.rmpcheck.check.expect]`` sub-table, one
claim a line (edited in place; a new claim goes after the last). A verdict
written as a table keeps everything but its ``verdict``.

:func:`set_verdicts` checks its own work: the edited text must parse to the
old document with exactly the asked verdicts changed, or nothing is returned.
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rmpcheck.errors import ConfigError, InternalError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

# an inline expect table longer than this becomes a sub-table (ruff's line length here)
LINE_LIMIT = 100

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")

Edits = Mapping[int, Mapping[str, str]]  # check index -> claim -> verdict


def set_verdicts(text: str, prefix: tuple[str, ...], edits: Edits) -> str:
    """``text`` with each (check, claim) expected to give its verdict."""
    lines = text.splitlines(keepends=True)
    headers = _check_headers(lines, prefix)
    doc = tomllib.loads(text)
    checks = _table(doc, prefix).get("check", [])
    if len(headers) != len(checks):
        raise ConfigError(
            f"cannot record expectations: the {len(checks)} checks are not each written "
            f"as a [[{'.'.join((*prefix, 'check'))}]] table (write them by hand)"
        )
    # from the last check up, so that the line numbers of those above stay valid
    for index in sorted(edits, reverse=True):
        start = headers[index]
        end = headers[index + 1] if index + 1 < len(headers) else _next_table(lines, start, prefix)
        lines[start:end] = _edit_check(lines[start:end], prefix, edits[index])
    out = "".join(lines)
    _verify(doc, out, prefix, edits)
    return out


def _table(doc: dict[str, Any], prefix: tuple[str, ...]) -> dict[str, Any]:
    for part in prefix:
        doc = doc.get(part, {})
    return doc


def _header(line: str) -> str | None:
    """The dotted name of a table header line (``[a.b]`` or ``[[a.b]]``), else None."""
    m = re.match(r"\s*(\[\[?)\s*([^\]]*?)\s*(\]\]?)\s*(#.*)?$", line)
    if m is None:
        return None
    return ".".join(p.strip().strip('"') for p in m.group(2).split("."))


def _check_headers(lines: list[str], prefix: tuple[str, ...]) -> list[int]:
    name = ".".join((*prefix, "check"))
    return [i for i, ln in enumerate(lines) if ln.lstrip().startswith("[[") and _header(ln) == name]


def _next_table(lines: list[str], start: int, prefix: tuple[str, ...]) -> int:
    """Where the check at ``start`` ends: the next header not inside its expect table."""
    mine = ".".join((*prefix, "check", "expect"))
    for i in range(start + 1, len(lines)):
        h = _header(lines[i]) if lines[i].lstrip().startswith("[") else None
        if h is not None and h != mine and not h.startswith(mine + "."):
            return i
    return len(lines)


def _tables(section: list[str]) -> dict[str, tuple[int, int]]:
    """Each table of a check's section by its dotted name: (header line, end)."""
    heads = [(i, h) for i, ln in enumerate(section) if (h := _header(ln)) is not None]
    ends = [i for i, _ in heads[1:]] + [len(section)]
    return {h: (i, end) for (i, h), end in zip(heads, ends, strict=True)}


def _edit_check(section: list[str], prefix: tuple[str, ...], want: Mapping[str, str]) -> list[str]:
    """One check's lines with its expectations edited, wherever each is written: a
    ``[...expect.CLAIM]`` table, an entry (``CLAIM = ...`` or ``CLAIM.verdict = ...``)
    of the ``[...expect]`` table or of an inline ``expect = {...}``."""
    sub = ".".join((*prefix, "check", "expect"))
    out = list(section)
    todo = dict(want)
    tables = _tables(out)
    for claim in list(todo):
        at = tables.get(f"{sub}.{claim}")
        if at is not None:
            _set_in(out, range(at[0] + 1, at[1]), "verdict", todo.pop(claim))
    if sub in tables:
        head, end = tables[sub]
        for claim in list(todo):
            if _set_in(out, range(head + 1, end), claim, todo[claim]):
                del todo[claim]
        last = _last_setting(out, end)
        new = [f"{_key(k)} = {_str(v)}\n" for k, v in todo.items()]
        if new and not out[last].endswith("\n"):
            out[last] += "\n"
        return [*out[: last + 1], *new, *out[last + 1 :]]
    own = min((i for i, _ in tables.values() if i > 0), default=len(out))  # the check's keys
    for i in range(own):
        m = re.match(r"(\s*)expect\s*=\s*\{", out[i])
        if m is not None:
            return _edit_inline(out, i, out[i].index("{", m.end() - 1), todo, own)
    if not todo:
        return out
    # no table of expectations yet: one after the check's own settings
    last = _last_setting(out, own)
    table = [f"\n[{sub}]\n", *(f"{_key(k)} = {_str(v)}\n" for k, v in todo.items())]
    return [*out[: last + 1], *table, *out[last + 1 :]]


def _set_in(lines: list[str], rows: range, claim: str, verdict: str) -> bool:
    """Set ``claim``'s verdict where one of ``rows`` states it; False if none does."""
    for i in rows:
        entry = _entry(lines[i], 0)
        if entry is not None and entry.key in (claim, f"{claim}.verdict"):
            lines[i] = entry.with_verdict(lines[i], verdict)
            return True
    return False


def _last_setting(section: list[str], end: int) -> int:
    """The last line before ``end`` that is neither blank nor a comment."""
    i = end - 1
    while i > 0 and (not section[i].strip() or section[i].lstrip().startswith("#")):
        i -= 1
    return i


def _edit_inline(
    section: list[str], row: int, brace: int, want: Mapping[str, str], own: int
) -> list[str]:
    """Edit the inline ``expect = {...}`` at ``row``; ``own``: where the check's own
    settings end (a sub-table made of it goes there)."""
    line = section[row]
    entries, close = _inline_entries(line, brace)
    todo = dict(want)
    # edit from the right, so the spans to the left stay valid
    for e in sorted(entries, key=lambda e: -e.value[0]):
        claim = e.key.removesuffix(".verdict")
        if claim in todo:
            line = e.with_verdict(line, todo.pop(claim))
            close = _inline_entries(line, brace)[1]
    if todo:
        added = ", ".join(f"{_key(k)} = {_str(v)}" for k, v in todo.items())
        head = line[:close].rstrip()
        sep = "" if head.endswith("{") else ","
        line = f"{head}{sep} {added} {line[close:]}"
    if len(line.rstrip("\n")) <= LINE_LIMIT:
        return [*section[:row], line, *section[row + 1 :]]
    return _as_subtable(section, row, line, brace, own)


def _as_subtable(section: list[str], row: int, line: str, brace: int, own: int) -> list[str]:
    """The inline expect table at ``row`` (already edited), moved to a sub-table after
    the check's own settings (which end at ``own``)."""
    entries, close = _inline_entries(line, brace)
    rest = line[close + 1 :].strip()
    sub = _expect_header(section[0])
    table = [f"\n[{sub}]\n"]
    if rest.startswith("#"):
        table.append(rest + "\n")
    table += [
        f"{line[e.key_span[0] : e.key_span[1]]} = {line[e.value[0] : e.value[1]]}\n"
        for e in entries
    ]
    others = [*section[:row], *section[row + 1 :]]
    last = _last_setting(others, own - 1)
    return [*others[: last + 1], *table, *others[last + 1 :]]


def _expect_header(check_header: str) -> str:
    return (_header(check_header) or "check") + ".expect"


# -------------------------------------------------------------- inline tables


@dataclass(frozen=True, slots=True)
class _Entry:
    """``key = value`` in a line: the key, its span, and the value's span."""

    key: str
    key_span: tuple[int, int]
    value: tuple[int, int]

    def with_verdict(self, line: str, verdict: str) -> str:
        """The line with this entry's verdict (a string value, or a table's ``verdict``)."""
        a, b = self.value
        if line[a] == "{":
            inner, _ = _inline_entries(line, a)
            v = next((e for e in inner if e.key == "verdict"), None)
            if v is None:  # config.py rejects a table without one: not reached
                raise InternalError(f"the expectation for {self.key} has no verdict")
            a, b = v.value
        return line[:a] + _str(verdict) + line[b:]


def _entry(line: str, pos: int) -> _Entry | None:
    """The ``key = value`` that starts at or after ``pos`` (spaces skipped), if any."""
    i = _skip(line, pos)
    parts: list[str] = []
    j = i
    while True:
        j = _skip(line, j)
        if j >= len(line) or line[j] in "#}\n":
            return None
        if line[j] in "\"'":
            end = _string_end(line, j)
            parts.append(tomllib.loads(f"k = {line[j:end]}")["k"])
        else:
            m = _BARE_KEY.match(line, j)
            if m is None:
                return None
            end = m.end()
            parts.append(m.group())
        j = _skip(line, end)
        if j < len(line) and line[j] == ".":  # a dotted key: a.verdict
            j += 1
            continue
        break
    if j >= len(line) or line[j] != "=":
        return None  # not a key = value line
    v = _skip(line, j + 1)
    return _Entry(".".join(parts), (i, end), (v, _value_end(line, v)))


def _inline_entries(line: str, brace: int) -> tuple[list[_Entry], int]:
    """The entries of the inline table whose ``{`` is at ``brace``, and where its ``}`` is."""
    entries: list[_Entry] = []
    i = brace + 1
    while True:
        i = _skip(line, i)
        if i < len(line) and line[i] == "}":
            return entries, i
        e = _entry(line, i)
        if e is None:
            raise ConfigError(f"cannot record expectations in: {line.strip()}")
        entries.append(e)
        i = _skip(line, e.value[1])
        if i < len(line) and line[i] == ",":
            i += 1


def _skip(line: str, i: int) -> int:
    while i < len(line) and line[i] in " \t":
        i += 1
    return i


def _string_end(line: str, i: int) -> int:
    """Just past the string that starts at ``i``."""
    quote = line[i]
    j = i + 1
    while j < len(line) and line[j] != quote:
        j += 2 if quote == '"' and line[j] == "\\" else 1
    return j + 1


def _value_end(line: str, i: int) -> int:
    """Just past the value that starts at ``i``: a string, a table, an array, or a bare word."""
    if i < len(line) and line[i] in "\"'":
        return _string_end(line, i)
    if i < len(line) and line[i] in "{[":
        depth, j = 0, i
        while j < len(line):
            c = line[j]
            if c in "\"'":
                j = _string_end(line, j)
                continue
            depth += c in "{["
            depth -= c in "}]"
            j += 1
            if depth == 0:
                return j
        return j
    m = re.compile(r"[^,}\s#]+").match(line, i)
    return m.end() if m else i


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else _str(name)


def _str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ----------------------------------------------------------------- the check


def _verify(old: dict[str, Any], text: str, prefix: tuple[str, ...], edits: Edits) -> None:
    """The edited text must read as the old document with just these verdicts set."""
    try:
        new = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InternalError(f"recording expectations made the TOML invalid: {e}") from None
    want = copy.deepcopy(old)
    checks = _table(want, prefix)["check"]
    for index, verdicts in edits.items():
        expect = checks[index].setdefault("expect", {})
        for claim, verdict in verdicts.items():
            if isinstance(expect.get(claim), dict):
                expect[claim]["verdict"] = verdict
            else:
                expect[claim] = verdict
    if new != want:
        raise InternalError("recording expectations would change more than the verdicts")
