"""Traces as JSON in the Informal Trace Format (ITF) of Apalache and Quint.

A plain ITF reader sees ``vars`` and ``states``; rmpcheck's own fields (model,
property, sizes, engine, versions, and the action of every step) ride in the
top-level ``#meta`` object, which ITF leaves to the producer. Encodings: a map
is ``{"#map": [[key, value], ...]}``, a tuple (the key of a multi-key map)
``{"#tup": [...]}``, an int a JSON number when a double holds it exactly and
``{"#bigint": "..."}`` otherwise; sort elements and enum members are strings.
The schema ships next to this module as ``itf-rmpcheck.schema.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from rmpcheck.errors import TraceError
from rmpcheck.trace.model import Step, Trace

FORMAT = "ITF"
FORMAT_VERSION = 1
SCHEMA_FILE = "itf-rmpcheck.schema.json"
# JSON numbers beyond 2**53 lose precision in JavaScript readers
_SAFE_INT = 2**53 - 1


def schema() -> dict[str, Any]:
    """The JSON Schema of the files :func:`save` writes."""
    text = resources.files("rmpcheck.trace").joinpath(SCHEMA_FILE).read_text("utf-8")
    return dict(json.loads(text))


# ------------------------------------------------------------------ encoding


def encode(v: Any) -> Any:
    """A display value as ITF JSON."""
    if isinstance(v, bool) or isinstance(v, str):
        return v
    if isinstance(v, int):
        return v if -_SAFE_INT <= v <= _SAFE_INT else {"#bigint": str(v)}
    if isinstance(v, tuple):
        return {"#tup": [encode(x) for x in v]}
    if isinstance(v, Mapping):
        return {"#map": [[encode(k), encode(x)] for k, x in v.items()]}
    if isinstance(v, list):
        return [encode(x) for x in v]
    raise TypeError(f"cannot encode {v!r} in ITF")


def dump(trace: Trace) -> dict[str, Any]:
    """The trace as an ITF document (a JSON-ready dict)."""
    names = list(trace.steps[0].state) if trace.steps else []
    steps = [
        {
            "action": s.action,
            "actor": s.actor,
            "role": s.role,
            "args": {k: encode(v) for k, v in s.args.items()},
            "choices": {k: encode(v) for k, v in s.choices.items()},
            "changed": list(s.changed),
        }
        for s in trace.steps
    ]
    meta: dict[str, Any] = {
        "format": FORMAT,
        "description": trace.summary or f"{trace.kind} for {trace.property}",
        "source": trace.model_file,
        "rmpcheck": FORMAT_VERSION,
        "model": trace.model,
        "model_file": trace.model_file,
        "property": trace.property,
        "property_file": trace.property_file,
        "property_kind": trace.property_kind,
        "kind": trace.kind,
        "sizes": dict(trace.sizes),
        "engine": trace.engine,
        "summary": trace.summary,
        "versions": dict(trace.versions),
        "steps": steps,
    }
    if trace.meta:
        meta["extra"] = _plain(trace.meta)
    states = []
    for i, s in enumerate(trace.steps):
        st: dict[str, Any] = {"#meta": {"index": i}}
        st.update((k, encode(s.state[k])) for k in names)
        states.append(st)
    return {"#meta": meta, "vars": names, "states": states}


def dumps(trace: Trace) -> str:
    """The ITF document as text: indented down to one line per state and per step,
    so that a diff of two traces shows which states differ."""
    return _pretty(dump(trace), 0, "") + "\n"


def _pretty(v: Any, depth: int, key: str) -> str:
    one_line = depth >= 3 or (depth, key) in ((2, "states"), (1, "vars"))
    if one_line or not isinstance(v, (dict, list)) or not v:
        return json.dumps(v, ensure_ascii=False)
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(v, dict):
        items = [f"{inner}{json.dumps(k)}: {_pretty(x, depth + 1, k)}" for k, x in v.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    items = [inner + _pretty(x, depth + 1, key) for x in v]
    return "[\n" + ",\n".join(items) + f"\n{pad}]"


def save(trace: Trace, path: str | Path) -> None:
    Path(path).write_text(dumps(trace), encoding="utf-8")


def _plain(v: Any) -> Any:
    """Engine-specific extras: keep what JSON can say, stringify the rest."""
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return str(v)


# ------------------------------------------------------------------ decoding


class _Bad(Exception):
    """Where in the document and what is wrong; becomes a TraceError with the file name."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}" if where else what)


def decode(v: Any, where: str = "") -> Any:
    """ITF JSON back to a display value (dicts for maps, tuples for tuples)."""
    if isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, list):
        return [decode(x, f"{where}[{i}]") for i, x in enumerate(v)]
    if isinstance(v, dict):
        if set(v) == {"#bigint"} and isinstance(v["#bigint"], str):
            try:
                return int(v["#bigint"])
            except ValueError:
                raise _Bad(where, f"bad #bigint {v['#bigint']!r}") from None
        if set(v) == {"#tup"} and isinstance(v["#tup"], list):
            return tuple(decode(x, f"{where}.#tup[{i}]") for i, x in enumerate(v["#tup"]))
        if set(v) == {"#map"} and isinstance(v["#map"], list):
            out: dict[Any, Any] = {}
            for i, pair in enumerate(v["#map"]):
                at = f"{where}.#map[{i}]"
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise _Bad(at, "expected a [key, value] pair")
                key = decode(pair[0], at)
                if isinstance(key, (list, dict)):
                    raise _Bad(at, "a map key must be a string, number, bool or #tup")
                out[key] = decode(pair[1], at)
            return out
        keys = ", ".join(sorted(v)) or "no keys"
        raise _Bad(where, f"unsupported value object ({keys}); rmpcheck reads #map, #tup, #bigint")
    raise _Bad(where, f"unsupported value {v!r}")


def _get(obj: Mapping[str, Any], key: str, typ: type | tuple[type, ...], where: str) -> Any:
    if key not in obj:
        raise _Bad(where, f"missing {key!r}")
    v = obj[key]
    if not isinstance(v, typ) or (typ is int and isinstance(v, bool)):
        raise _Bad(where, f"{key!r} has the wrong type ({type(v).__name__})")
    return v


def _opt(obj: Mapping[str, Any], key: str, typ: type, where: str, default: Any) -> Any:
    return _get(obj, key, typ, where) if obj.get(key) is not None else default


def from_dict(doc: Any) -> Trace:
    """An ITF document (as :func:`dump` writes it) back to a Trace; raises TraceError."""
    try:
        return _fill_changed(_from_dict(doc))
    except _Bad as e:
        raise TraceError(f"not a valid rmpcheck trace: {e}") from None


def _from_dict(doc: Any) -> Trace:
    if not isinstance(doc, dict):
        raise _Bad("", "the top level must be a JSON object")
    meta = _get(doc, "#meta", dict, "")
    names = _get(doc, "vars", list, "")
    if not all(isinstance(n, str) for n in names):
        raise _Bad("vars", "variable names must be strings")
    raw_states = _get(doc, "states", list, "")
    if not raw_states:
        raise _Bad("states", "a trace needs at least its initial state")
    if "model" not in meta:
        raise _Bad(
            "#meta",
            "no 'model': not a trace written by rmpcheck (plain ITF lacks the "
            "model, property and sizes that replay needs)",
        )
    kind = _get(meta, "kind", str, "#meta")
    if kind not in ("counterexample", "witness"):
        raise _Bad("#meta.kind", f"expected 'counterexample' or 'witness', got {kind!r}")
    sizes = _get(meta, "sizes", dict, "#meta")
    for k, n in sizes.items():
        if not isinstance(n, int) or isinstance(n, bool):
            raise _Bad(f"#meta.sizes.{k}", "a size must be an integer")
    step_meta = _get(meta, "steps", list, "#meta")
    if len(step_meta) != len(raw_states):
        raise _Bad("#meta.steps", f"{len(step_meta)} entries for {len(raw_states)} states")
    steps = []
    for i, (st, sm) in enumerate(zip(raw_states, step_meta, strict=True)):
        steps.append(_step(i, st, sm, names))
    versions = _opt(meta, "versions", dict, "#meta", {})
    return Trace(
        model=_get(meta, "model", str, "#meta"),
        property=_get(meta, "property", str, "#meta"),
        kind=kind,
        sizes=dict(sizes),
        engine=_opt(meta, "engine", str, "#meta", ""),
        steps=tuple(steps),
        model_file=_opt(meta, "model_file", str, "#meta", ""),
        property_file=_opt(meta, "property_file", str, "#meta", ""),
        summary=_opt(meta, "summary", str, "#meta", ""),
        meta=_opt(meta, "extra", dict, "#meta", {}),
        property_kind=_opt(meta, "property_kind", str, "#meta", ""),
        versions={str(k): str(v) for k, v in versions.items()},
    )


def _step(i: int, st: Any, sm: Any, names: list[str]) -> Step:
    where = f"states[{i}]"
    if not isinstance(st, dict):
        raise _Bad(where, "a state must be a JSON object")
    missing = [n for n in names if n not in st]
    if missing:
        raise _Bad(where, f"missing variable {missing[0]!r}")
    extra = sorted(set(st) - set(names) - {"#meta"})
    if extra:
        raise _Bad(where, f"variable {extra[0]!r} is not listed in 'vars'")
    state = {n: decode(st[n], f"{where}.{n}") for n in names}
    at = f"#meta.steps[{i}]"
    if not isinstance(sm, dict):
        raise _Bad(at, "a step must be a JSON object")
    action = sm.get("action")
    if (action is None) != (i == 0):
        raise _Bad(at, "the initial state has no action" if i == 0 else "missing 'action'")
    if action is not None and not isinstance(action, str):
        raise _Bad(at, "'action' must be a string")
    args = _opt(sm, "args", dict, at, {})
    choices = _opt(sm, "choices", dict, at, {})
    changed = _opt(sm, "changed", list, at, None)
    return Step(
        index=i,
        action=action,
        actor=_opt(sm, "actor", str, at, None if action is None else action.partition(".")[0]),
        role=_opt(sm, "role", str, at, None),
        args={k: decode(v, f"{at}.args.{k}") for k, v in args.items()},
        choices={k: decode(v, f"{at}.choices.{k}") for k, v in choices.items()},
        state=state,
        changed=tuple(changed) if changed is not None else (),
    )


def loads(text: str, filename: str = "<trace>") -> Trace:
    """Parse ITF text; every problem is a TraceError that names the file."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise TraceError(f"{filename}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None
    try:
        return from_dict(doc)
    except TraceError as e:
        raise TraceError(f"{filename}: {e}") from None


def load(path: str | Path) -> Trace:
    """Read a trace written by :func:`save` (or by any producer of the same schema)."""
    from rmpcheck.bounds import UnreadableFile, read_file

    p = Path(path)
    try:
        text = read_file(p).decode("utf-8")
    except UnreadableFile as e:
        raise TraceError(f"{p}: {e}") from None
    except UnicodeDecodeError as e:
        raise TraceError(f"{p}: cannot read: {e}") from None
    return loads(text, str(p))


def _fill_changed(trace: Trace) -> Trace:
    """Recompute ``changed`` where a producer left it out (it is derivable)."""
    if all(s.changed or s.index == 0 for s in trace.steps):
        return trace
    steps = [trace.steps[0]]
    for prev, s in zip(trace.steps, trace.steps[1:], strict=False):
        if s.changed:
            steps.append(s)
            continue
        changed = tuple(k for k, v in s.state.items() if prev.state.get(k) != v)
        steps.append(replace(s, changed=changed))
    return replace(trace, steps=tuple(steps))
