"""The runnable examples of README.md and docs/*.md, and how their output is compared.

docs/contributing.md ("Examples that run") is the user-facing description of
the conventions implemented here; keep the two together.

- A ```sh block is a script: bash runs it with ``set -e``, so every command
  in it must succeed.
- A ```console block is a terminal session: each ``$ CMD`` line (a line
  ending in ``\\`` continues on the next) is run in turn, and the lines up to
  the next ``$`` are its expected output (stdout and stderr as a terminal
  shows them). ``$?`` is the previous command's exit code, as in a shell.
- A ```toml block is a gate configuration: it is written as pyproject.toml
  and planned as ``rmpcheck prove`` would (every path, claim and expectation
  checked) without proving anything.
- A block whose first line is ``# file: NAME`` (or, in README.md, ``# NAME``
  with a file extension) is a file the reader saves: it is written under that
  name before the document's commands run.
- ``<!-- doctest: skip (REASON) -->`` on the line right before a block: never
  run (the reason is required); ``<!-- doctest: slow -->``: run only with
  pytest's ``slow`` marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNNABLE = ("sh", "console", "toml")
FENCE = re.compile(r"^(`{3,})([\w-]*)\s*$")
MARKER = re.compile(r"^<!--\s*doctest:\s*(.*?)\s*-->\s*$")
SKIP = re.compile(r"^skip\s*(?:\((.*)\))?$")
# '# file: overview.rmp' anywhere; README's shorter '# race.rmp'
FILE_HEADER = re.compile(r"^#\s+(?:file:\s*)?([\w./-]+\.[a-z]+)\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced block of a document, with the marker written right above it."""

    doc: str  # path relative to the repository root
    line: int  # the opening fence's line, 1-based
    lang: str
    body: str
    marker: str | None  # the text of <!-- doctest: ... -->, if any

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"

    @property
    def skip_reason(self) -> str | None:
        """'' when skipped without a reason (an error), None when not skipped."""
        m = SKIP.match(self.marker or "")
        return None if m is None else (m.group(1) or "").strip()

    @property
    def slow(self) -> bool:
        return self.marker == "slow"

    @property
    def saved_as(self) -> str | None:
        first = self.body.split("\n", 1)[0]
        m = FILE_HEADER.match(first)
        if m is None or self.lang in RUNNABLE:
            return None
        if "file:" not in first and not self.doc == "README.md":
            return None
        return m.group(1)


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blocks(path: Path, root: Path = ROOT) -> list[Block]:
    """The fenced blocks of one document, named by its path relative to ``root``."""
    lines = path.read_text().split("\n")
    doc = path.relative_to(root).as_posix()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        fence, lang = m.group(1), m.group(2)
        end = i + 1
        while end < len(lines) and not (
            lines[end].startswith(fence) and lines[end].strip() == fence
        ):
            end += 1
        marker = MARKER.match(lines[i - 1]) if i > 0 else None
        body = "\n".join(lines[i + 1 : end])
        out.append(Block(doc, i + 1, lang, body + "\n", marker.group(1) if marker else None))
        i = end + 1
    return out


def all_blocks() -> list[Block]:
    return [b for p in documents() for b in blocks(p)]


@dataclass(frozen=True)
class Command:
    command: str
    expected: list[str]  # the output lines shown after it


def session(block: Block) -> list[Command]:
    """The ``$ CMD`` lines of a console block, each with the output shown under it."""
    commands: list[Command] = []
    lines = block.body.rstrip("\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("$ "):
            raise ValueError(f"{block.id}: a console block starts with '$ ', not {line!r}")
        cmd = [line[2:]]
        while cmd[-1].endswith("\\") and i + 1 < len(lines):
            i += 1
            cmd.append(lines[i])
        i += 1
        shown: list[str] = []
        while i < len(lines) and not lines[i].startswith("$ "):
            shown.append(lines[i])
            i += 1
        commands.append(Command("\n".join(cmd), shown))
    return commands


# ---------------------------------------------------------------- comparing output
# The rules, in order (docs/contributing.md lists them for writers):
#  1. the scratch directory's absolute path is removed ('/tmp/x/traces/a' -> 'traces/a');
#  2. a duration is written T: '0.11 s', '40.49 s', '9 min 26 s', '120 ms' -> 'T';
#  3. trailing spaces are dropped, runs of two or more spaces compare equal
#     (column widths follow the durations), and blank lines at the end do not count;
#  4. the gate's progress lines ('[3/12] ok  lock::write_checked  proved', one per
#     obligation on stderr when that is not a terminal, where a terminal shows a
#     progress bar that goes away) are dropped;
#  5. a line '...' in the docs stands for any number of lines of output;
#  6. the gate's '(N from the cache)' is written '(N from the cache)': like a
#     duration, it depends on what ran before (the doc tests share one gate cache).
DURATION = re.compile(r"\b\d+(?:\.\d+)? ?(?:min \d+(?:\.\d+)? ?s|ms|s|min)\b")
SPACES = re.compile(r" {2,}")
PROGRESS = re.compile(r"^\[\s*\d+/\d+\] ")
FROM_CACHE = re.compile(r"\(\d+ from the cache\)")


def normalise(text: str, scratch: str) -> list[str]:
    text = text.replace(scratch + "/", "").replace(scratch, ".")
    lines = [
        SPACES.sub("  ", DURATION.sub("T", FROM_CACHE.sub("(N from the cache)", ln))).rstrip()
        for ln in text.split("\n")
        if not PROGRESS.match(ln)
    ]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def matches(shown: list[str], got: list[str]) -> bool:
    """Does the output match the docs' lines, where a '...' line stands for any lines?"""
    parts: list[list[str]] = [[]]
    for line in shown:
        if line.strip() == "...":
            parts.append([])
        else:
            parts[-1].append(line)
    if len(parts) == 1:
        return got == parts[0]
    first, *middle, last = parts
    if got[: len(first)] != first or len(got) < len(first) + len(last):
        return False
    if last and got[len(got) - len(last) :] != last:
        return False
    rest = got[len(first) : len(got) - len(last)]
    for part in middle:  # leftmost match of each part in turn
        at = next(
            (k for k in range(len(rest) - len(part) + 1) if rest[k : k + len(part)] == part),
            None,
        )
        if at is None:
            return False
        rest = rest[at + len(part) :]
    return True
