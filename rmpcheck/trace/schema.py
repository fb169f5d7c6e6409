"""The shipped JSON Schema of ITF traces, and the small validator the loader runs it with.

One schema file, ``itf-rmpcheck.schema.json``, says what a trace is, and both
the loader and the tests use it: the tests with ``jsonschema``, the loader
with :func:`errors` below, so that a file one accepts the other accepts too.
The validator knows the subset of JSON Schema (draft 2020-12) the file uses
and refuses any other keyword, so the schema cannot grow a rule that the
loader silently skips (tests/trace/test_trace_schema.py checks both agree).
rmpcheck itself does not depend on ``jsonschema``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

SCHEMA_FILE = "itf-rmpcheck.schema.json"

# keywords that only annotate: nothing to check
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "$defs"})
_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of ITF traces as rmpcheck reads and writes them."""
    text = resources.files("rmpcheck.trace").joinpath(SCHEMA_FILE).read_text("utf-8")
    return dict(json.loads(text))


def errors(doc: Any, ref: str = "#", at: str = "") -> list[str]:
    """Every place ``doc`` breaks the schema (at ``ref``, a ``#/$defs/...`` pointer),
    as ``where: what``, where paths start at ``at``; empty when it is valid."""
    root = schema()
    return list(_check(root, _resolve(root, ref), doc, at))


def _resolve(root: dict[str, Any], ref: str) -> Any:
    return _resolve_in(id(root), ref) if root is schema() else _walk(root, ref)


@cache
def _resolve_in(root_id: int, ref: str) -> Any:
    """References into the shipped schema, resolved once (it is loaded once)."""
    return _walk(schema(), ref)


def _walk(root: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#"):
        raise ValueError(f"only local references are supported, not {ref!r}")
    node: Any = root
    for part in [p for p in ref[1:].split("/") if p]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _is_type(v: Any, t: str) -> bool:
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    return isinstance(v, _TYPES[t])


def _name(s: Any) -> str:
    return str(s.get("title") or "a valid value") if isinstance(s, dict) else "a valid value"


def _check(root: dict[str, Any], s: Any, v: Any, at: str) -> Iterator[str]:
    if s is True:
        return
    if s is False:
        yield f"{_where(at)}: not allowed here"
        return
    for check, arg in _checks(s):
        yield from check(root, s, arg, v, at)


_COMPILED: dict[int, list[tuple[Any, Any]]] = {}


def _checks(s: dict[str, Any]) -> list[tuple[Any, Any]]:
    """A schema's (checker, argument) pairs, looked up once per schema object: the
    shipped schema is loaded once, and a trace visits its few nodes thousands of times."""
    got = _COMPILED.get(id(s))
    if got is not None and got[0][1] is s:
        return got[1:]
    out: list[tuple[Any, Any]] = [(None, s)]  # the schema itself, so a reused id is noticed
    for key, arg in s.items():
        if key in _ANNOTATIONS:
            continue
        check = _KEYWORDS.get(key)
        if check is None:
            raise ValueError(f"the schema uses {key!r}, which rmpcheck's validator does not know")
        out.append((check, arg))
    _COMPILED[id(s)] = out
    return out[1:]


def _where(at: str) -> str:
    return at or "the top level"


def _k_type(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
    types = arg if isinstance(arg, list) else [arg]
    if not any(_is_type(v, t) for t in types):
        yield f"{_where(at)}: expected {' or '.join(types)}, got {_json_type(v)}"


def _json_type(v: Any) -> str:
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _is_type(v, name):
            return name
    return type(v).__name__


def _k_ref(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
    yield from _check(root, _resolve(root, arg), v, at)


def _k_required(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
    if isinstance(v, dict):
        for k in arg:
            if k not in v:
                yield f"{_where(at)}: missing {k!r}"


def _k_properties(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
    if isinstance(v, dict):
        for k, sub in arg.items():
            if k in v:
                yield from _check(root, sub, v[k], _join(at, k))


def _k_additional(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
    if isinstance(v, dict):
        known = s.get("properties", {})
        for k, x in v.items():
            if k not in known:
                if arg is False:
                    yield f"{_where(at)}: unexpected key {k!r}"
                else:
                    yield from _check(root, arg, x, _join(at, k))


def _k_names(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
    if isinstance(v, dict):
        for k in v:
            for e in _check(root, arg, k, at):
                yield f"{e} (key {k!r})"


def _k_items(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
    if isinstance(v, list):
        start = len(s.get("prefixItems", []))
        for i, x in enumerate(v[start:], start):
            yield from _check(root, arg, x, f"{at}[{i}]")


def _k_prefix(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
    if isinstance(v, list):
        for i, (sub, x) in enumerate(zip(arg, v, strict=False)):
            yield from _check(root, sub, x, f"{at}[{i}]")


def _k_bound(op: str) -> Any:
    def check(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
        if op in ("minItems", "maxItems") and isinstance(v, list):
            n, what = len(v), "item(s)"
        elif op == "minimum" and _is_type(v, "number"):
            n, what = v, ""
        else:
            return
        low = op in ("minItems", "minimum")
        if (n < arg) if low else (n > arg):
            bound = "at least" if low else "at most"
            yield f"{_where(at)}: expected {bound} {arg} {what}".rstrip() + f", got {n}"

    return check


def _k_unique(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
    if arg and isinstance(v, list):
        seen = [json.dumps(x, sort_keys=True) for x in v]
        if len(set(seen)) != len(seen):
            yield f"{_where(at)}: items must be unique"


def _k_const(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
    if not _same(v, arg):
        yield f"{_where(at)}: expected {json.dumps(arg)}, got {json.dumps(v)}"


def _k_enum(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
    if not any(_same(v, x) for x in arg):
        yield f"{_where(at)}: expected one of {', '.join(json.dumps(x) for x in arg)}"


def _same(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1."""
    return _json_type(a) == _json_type(b) and a == b


def _k_pattern(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
    if isinstance(v, str) and not re.search(arg, v):
        yield f"{_where(at)}: {v!r} does not match {arg}"


def _k_any(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
    # a branch that is only a type decides at once (most ITF values are strings, bools)
    if any(isinstance(sub, dict) and set(sub) == {"type"} and _is_type(v, sub["type"])
           for sub in arg):
        return
    branches = [sub for sub in arg if not _cannot_match(root, sub, v)]
    if not any(not any(True for _ in _check(root, sub, v, at)) for sub in branches):
        shown = json.dumps(v)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        yield f"{_where(at)}: {shown} is not {_name(s)}"


def _cannot_match(root: Any, s: Any, v: Any) -> bool:
    """A cheap look at a branch of anyOf (its type, its required keys) before the full
    check: an ITF value tries a dozen shapes, and most fail at the first glance."""
    while isinstance(s, dict) and set(s) == {"$ref"}:
        s = _resolve(root, s["$ref"])
    if not isinstance(s, dict):
        return False
    t = s.get("type")
    if isinstance(t, str) and not _is_type(v, t):
        return True
    return isinstance(v, dict) and any(k not in v for k in s.get("required", ()))


def _k_all(root: Any, s: Any, arg: Any, v: Any, at: str) -> Iterator[str]:
    for sub in arg:
        yield from _check(root, sub, v, at)


def _join(at: str, key: str) -> str:
    return f"{at}.{key}" if at else key


_KEYWORDS = {
    "type": _k_type,
    "$ref": _k_ref,
    "required": _k_required,
    "properties": _k_properties,
    "additionalProperties": _k_additional,
    "propertyNames": _k_names,
    "items": _k_items,
    "prefixItems": _k_prefix,
    "minItems": _k_bound("minItems"),
    "maxItems": _k_bound("maxItems"),
    "minimum": _k_bound("minimum"),
    "uniqueItems": _k_unique,
    "const": _k_const,
    "enum": _k_enum,
    "pattern": _k_pattern,
    "anyOf": _k_any,
    "allOf": _k_all,
}
