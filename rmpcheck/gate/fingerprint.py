"""Everything that can change a verdict, hashed: the cache key of one obligation.

The key covers the text of the model file and of every file it includes
(recursively), the same for the property file, a structural digest of the
checked IR (so an include we failed to spot still changes the key), the
property's name, the instance sizes, the engine and all its options, the
versions of rmpcheck and z3, and a hash of rmpcheck's own source outside the
reporting layers (a development checkout has one version for many engines).
It leaves out what cannot change a verdict: where the checkout lives, file
names, spans, timestamps.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from rmpcheck import __version__, ir

# Bump when the cached payload's meaning changes, to retire every old entry at once.
CACHE_FORMAT = 1

# strings first, so that '#' or 'include' inside a string is neither a comment nor an include
_TOKENS = re.compile(r'(?P<str>"(?:[^"\\\n]|\\.)*")|(?P<com>#[^\n]*)|(?P<word>\w+)')


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    for m in _TOKENS.finditer(text):
        kind = m.lastgroup
        if kind == "com":
            continue
        assert kind is not None
        yield kind, m.group(kind)


def includes(text: str) -> list[str]:
    """The paths named by ``include "..."`` in a model or property file, in order."""
    out: list[str] = []
    after_include = False
    for kind, tok in _tokens(text):
        if after_include and kind == "str":
            out.append(tok[1:-1].replace('\\"', '"').replace("\\\\", "\\"))
        after_include = kind == "word" and tok == "include"
    return out


def properties_for(text: str) -> str | None:
    """The model a property file names in its ``properties for NAME`` header, if any."""
    toks = [t for _, t in zip(range(3), _tokens(text), strict=False)]
    if len(toks) == 3 and toks[0][1] == "properties" and toks[1][1] == "for":
        return toks[2][1]
    return None


def file_closure(path: Path) -> list[Path]:
    """``path`` and every file it includes, depth first, each once."""
    seen: dict[Path, None] = {}

    def visit(p: Path) -> None:
        rp = p.resolve()
        if rp in seen:
            return
        seen[rp] = None
        for inc in _includes_of(rp):
            visit(rp.parent / inc)

    visit(path)
    return list(seen)


def _includes_of(path: Path) -> tuple[str, ...]:
    try:
        st = path.stat()
    except OSError:
        return ()  # the loader reports unreadable includes; here it only costs a cache miss
    return _includes_at(path, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4096)
def _includes_at(path: Path, mtime_ns: int, size: int) -> tuple[str, ...]:
    try:
        return tuple(includes(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return ()


@lru_cache(maxsize=4096)
def _file_hash(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes ('missing' if unreadable), memoised per (path, mtime, size)."""
    try:
        st = path.stat()
        return _file_hash(path, st.st_mtime_ns, st.st_size)
    except OSError:
        return "missing"


def texts_digest(path: Path) -> list[str]:
    """The hashes of ``path`` and its includes, in include order (names deliberately left out)."""
    return [file_hash(p) for p in file_closure(path)]


def ir_digest(node: Any) -> str:
    """A stable hash of an IR value: every compared field except spans and file names."""
    parts: list[str] = []
    _feed(parts, node)
    return hashlib.sha256("".join(parts).encode()).hexdigest()


@cache
def _fields(cls: type) -> tuple[str, ...]:
    return tuple(
        f.name for f in dataclasses.fields(cls) if f.compare and f.name not in ("span", "file")
    )


def _feed(out: list[str], x: Any) -> None:
    # one flat list of tokens, hashed once: the IR of a library is tens of thousands of nodes
    if isinstance(x, (str, int, float, bool)) or x is None:
        out.append(repr(x))
    elif isinstance(x, (tuple, list)):
        out.append("(")
        for item in x:
            _feed(out, item)
            out.append(",")
        out.append(")")
    elif dataclasses.is_dataclass(x) and not isinstance(x, type):
        out.append(f"<{type(x).__name__}")
        for name in _fields(type(x)):
            out.append(f" {name}=")
            _feed(out, getattr(x, name))
        out.append(">")
    elif isinstance(x, Mapping):
        out.append("{")
        for k in sorted(x, key=repr):
            _feed(out, k)
            out.append(":")
            _feed(out, x[k])
        out.append("}")
    else:
        out.append(repr(x))


# Packages whose code only reports verdicts: editing them cannot change one.
_REPORTING = ("cli", "gate")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of rmpcheck's own source (all but the reporting layers), so that a
    development checkout re-proves after an engine changes, version bump or not."""
    return source_digest(Path(__file__).resolve().parent.parent)


def source_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.suffix not in (".py", ".lark") or rel.parts[0] in _REPORTING or not p.is_file():
            continue
        if rel.name == "pytest_plugin.py":
            continue
        h.update(rel.as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def z3_version() -> str:
    try:
        import z3
    except ImportError:  # pragma: no cover - z3-solver is a dependency
        return "none"
    return str(z3.get_version_string())


def obligation_key(
    model_file: Path,
    props_file: Path,
    model: ir.Model,
    props: ir.PropertySet,
    prop: str,
    sizes: tuple[tuple[str, int], ...],
    engine: str,
    options: Mapping[str, Any],
) -> str:
    """The cache key: a hex sha256 over everything listed in the module docstring."""
    doc = {
        "format": CACHE_FORMAT,
        "rmpcheck": __version__,
        "code": code_digest(),
        "z3": z3_version(),
        "model_texts": texts_digest(model_file),
        "props_texts": texts_digest(props_file),
        "model_ir": _memo_digest(model),
        "props_ir": _memo_digest(props),
        "property": prop,
        "sizes": [list(s) for s in sizes],
        "engine": engine,
        "options": dict(sorted(options.items())),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def examination_key(
    model_file: Path,
    model: ir.Model,
    claims: Sequence[tuple[Path, ir.PropertySet, str]],
    sizes: tuple[tuple[str, int], ...],
    options: Mapping[str, Any],
) -> str:
    """The cache key of the examination of ``claims`` (property file, set, name) on one
    model at one instance: everything :func:`obligation_key` covers, for each claim."""
    doc = {
        "format": CACHE_FORMAT,
        "examination": 1,
        "rmpcheck": __version__,
        "code": code_digest(),
        "z3": z3_version(),
        "model_texts": texts_digest(model_file),
        "model_ir": _memo_digest(model),
        "claims": [[texts_digest(pf), _memo_digest(ps), name] for pf, ps, name in claims],
        "sizes": [list(s) for s in sizes],
        "options": dict(sorted(options.items())),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


_digests: dict[int, tuple[object, str]] = {}


def _memo_digest(node: ir.Model | ir.PropertySet) -> str:
    # a model or property set is shared by all its obligations: hash each object once
    hit = _digests.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1]
    d = ir_digest(node)
    if len(_digests) > 1024:  # a long pytest session plans many projects
        _digests.clear()
    _digests[id(node)] = (node, d)
    return d
