"""A content-addressed store of results: ``<dir>/<key[:2]>/<key>.json`` (and the
findings of examinations of proofs in ``<dir>/vacuity/``).

The key (see :mod:`rmpcheck.gate.fingerprint`) covers everything that can
change a verdict, so an entry is never stale: an edit gives new keys and the
old entries are simply never read again (delete the directory to reclaim the
space). Writes are atomic (temporary file, then rename), so a run killed
mid-write leaves no half entry; an entry that cannot be read back anyway is
a miss and is overwritten by the next result.

What is stored: every verdict except "unknown", and the findings of every
examination of proofs (gate/vacuity.py) none of which is "unknown". Unknowns
mostly come from time and memory limits, which depend on the machine and its
load: caching one would make a slow CI run's give-up permanent.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from rmpcheck.gate import codec, vacuity
from rmpcheck.gate.vacuity import Findings
from rmpcheck.result import Result

T = TypeVar("T")

_README = """This directory is rmpcheck's cache of proof results (see docs/ci.md).
It is safe to delete. Keep it out of version control.
"""


@dataclass(frozen=True)
class Cache:
    directory: Path
    read: bool = True  # --no-cache turns reading off; results are still written
    # why results could not be stored, once per reason (the gate warns: every run
    # would otherwise prove everything again without a word)
    problems: list[str] = field(default_factory=list, compare=False)

    def path(self, key: str, kind: str = "") -> Path:
        """Where an entry lives: results at the top, examinations in ``vacuity/``."""
        return self.directory / kind / key[:2] / f"{key}.json"

    def get(self, key: str) -> Result | None:
        """The stored result for ``key``, or None (absent, unreadable or corrupt)."""
        return self._get(key, "result", "", codec.result_from_json)

    def put(self, key: str, result: Result) -> bool:
        """Store ``result`` (unless its verdict is unknown); False if it was not stored."""
        if result.verdict == "unknown":
            return False
        return self._put(key, "result", "", codec.result_to_json(result))

    def get_findings(self, key: str) -> Findings | None:
        """The stored findings of an examination (gate/vacuity.py), or None."""
        return self._get(key, "findings", "vacuity", vacuity.from_json)

    def put_findings(self, key: str, found: Findings) -> bool:
        """Store an examination's findings, unless one is undecided (that depends on
        the machine's speed, as an unknown verdict does)."""
        if not vacuity.settled(found):
            return False
        return self._put(key, "findings", "vacuity", vacuity.to_json(found))

    def _get(self, key: str, field: str, kind: str, read: Callable[[Any], T]) -> T | None:
        if not self.read:
            return None
        try:
            text = self.path(key, kind).read_text(encoding="utf-8")
            doc = json.loads(text)
            if doc.get("key") != key:
                return None
            return read(doc[field])
        except (OSError, ValueError, KeyError, TypeError, AttributeError, codec.CodecError):
            return None

    def _put(self, key: str, field: str, kind: str, value: Any) -> bool:
        target = self.path(key, kind)
        doc = {"key": key, field: value}
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._readme()
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=target.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(doc, f, sort_keys=True)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as e:
            # a read-only or full disk costs a re-run later, never the verdict
            why = f"cannot write the cache in {self.directory}: {e.strerror or e}"
            if why not in self.problems:
                self.problems.append(why)
            return False
        return True

    def _readme(self) -> None:
        for name, text in (("README", _README), (".gitignore", "*\n")):
            p = self.directory / name
            if not p.exists():
                p.write_text(text, encoding="utf-8")
