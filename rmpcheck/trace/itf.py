"""Traces as JSON in the Informal Trace Format (ITF) of Apalache and Quint.

What rmpcheck writes is plain ITF that the strict readers accept: every
integer a ``#bigint``; a top-level ``#meta`` with ``format``,
``format-description``, ``source``, ``description`` and ``varTypes`` (what
Apalache needs), every other value a string (the Rust ``itf`` crate's
``Meta`` takes nothing else); and in every state Quint's model-based-testing
variables ``mbt::actionTaken`` (the action, ``init`` for the first state) and
``mbt::nondetPicks`` (its arguments and hidden choices, each ``{"tag":
"Some", "value": v}``). The picks of a step are exactly its own: a Quint
state also lists the names it did not pick as ``{"tag": "None", ...}``, which
itf-py (0.5) cannot load, so rmpcheck leaves them out.

rmpcheck's own fields (model, property, sizes, engine, versions, culprits)
are a JSON document in the string ``#meta.rmpcheck``, as Quint keeps its
diagnostics; each state's ``#meta`` adds, as strings, who took the step
(``actor``, ``role``, ``lane``) and which picks are parameters (``args``)
and which choices (``choices``). Any ITF trace loads, Apalache's and
Quint's too: without rmpcheck's fields it is a "run" to show or convert,
not one to replay. The schema (schema.py) is checked first, then what a
schema cannot say: every state sets every variable, ``loop`` is a state.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, cast

from rmpcheck.errors import TraceError
from rmpcheck.trace import schema as schema_module
from rmpcheck.trace.itf_values import BadValue, decode, encode, picks_type, type_of
from rmpcheck.trace.layout import show
from rmpcheck.trace.model import Step, Trace
from rmpcheck.trace.values import Record

FORMAT = "ITF"
FORMAT_DESCRIPTION = "https://apalache-mc.org/docs/adr/015adr-trace.html"
FORMAT_VERSION = 2
ACTION_TAKEN = "mbt::actionTaken"
NONDET_PICKS = "mbt::nondetPicks"
INIT = "init"  # Quint's mbt::actionTaken in the first state
SCHEMA_FILE = schema_module.SCHEMA_FILE
# the foreign #meta of a loaded trace, kept in Trace.meta to be written back
FOREIGN = "itf_meta"


def schema() -> dict[str, Any]:
    """The JSON Schema of ITF traces (schema.py)."""
    return dict(schema_module.schema())


# ------------------------------------------------------------------ writing


def dump(trace: Trace) -> dict[str, Any]:
    """The trace as an ITF document (a JSON-ready dict)."""
    names = list(trace.steps[0].state) if trace.steps else []
    picks = [_picks(s) for s in trace.steps]
    var_types = {k: type_of(trace.steps[0].state[k]) for k in names}
    var_types[ACTION_TAKEN] = "Str"
    var_types[NONDET_PICKS] = picks_type(picks)
    extra = {k: v for k, v in trace.meta.items() if k != FOREIGN}
    mine: dict[str, Any] = {
        "version": FORMAT_VERSION,
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
        "culprits": [[k, encode(v)] for k, v in trace.culprits],
    }
    if extra:
        mine["extra"] = _plain(extra)
    meta: dict[str, Any] = {
        "format": FORMAT,
        "format-description": FORMAT_DESCRIPTION,
        "source": trace.model_file,
        "description": trace.summary or f"{trace.kind} for {trace.property}",
        "varTypes": var_types,
    }
    foreign = dict(trace.meta.get(FOREIGN) or {})  # another tool's #meta, written back
    if isinstance(foreign.get("varTypes"), dict):
        meta["varTypes"] = {**var_types, **foreign["varTypes"]}
    for k, v in foreign.items():
        if k not in ("rmpcheck", "varTypes") and not meta.get(k):
            meta[k] = v
    meta["rmpcheck"] = json.dumps(mine, ensure_ascii=False)
    doc: dict[str, Any] = {"#meta": meta}
    if trace.params:
        doc["params"] = list(trace.params)
    doc["vars"] = [*names, ACTION_TAKEN, NONDET_PICKS]
    states = []
    for i, s in enumerate(trace.steps):
        st: dict[str, Any] = {"#meta": _state_meta(i, s)}
        if i == 0:
            st.update((k, encode(v)) for k, v in trace.params.items())
        st.update((k, encode(s.state[k])) for k in names)
        st[ACTION_TAKEN] = s.action or (INIT if i == 0 else "")
        st[NONDET_PICKS] = {k: {"tag": "Some", "value": encode(v)} for k, v in picks[i].items()}
        states.append(st)
    doc["states"] = states
    if trace.loop is not None:
        doc["loop"] = trace.loop
    return doc


def _picks(s: Step) -> dict[str, Any]:
    # a choice named like a parameter cannot happen: the checker gives every
    # binder of an action a name of its own
    return {**s.args, **s.choices}


def _state_meta(i: int, s: Step) -> dict[str, Any]:
    out: dict[str, Any] = {"index": i}
    if s.actor:
        out["actor"] = s.actor
    if s.role:
        out["role"] = s.role
    if s.lane is not None:
        out["lane"] = show(s.lane)
    if s.action is not None:
        out["args"] = ",".join(s.args)
        if s.choices:
            out["choices"] = ",".join(s.choices)
    return out


def dumps(trace: Trace) -> str:
    """The ITF document as text: indented down to one line per state, so that a
    diff of two traces shows which states differ."""
    return _pretty(dump(trace), 0, "") + "\n"


def _pretty(v: Any, depth: int, key: str) -> str:
    one_line = depth >= 3 or (depth, key) in ((2, "states"), (1, "vars"), (2, "varTypes"))
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
    """Engine-specific extras: keep what JSON can say (tuples and maps with other
    keys than strings tagged, as ITF does), stringify the rest."""
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    if isinstance(v, tuple):
        return {"#tup": [_plain(x) for x in v]}
    if isinstance(v, dict):
        if all(isinstance(k, str) and not k.startswith("#") for k in v):
            return {k: _plain(x) for k, x in v.items()}
        return {"#map": [[_plain(k), _plain(x)] for k, x in v.items()]}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return str(v)


def _unplain(v: Any) -> Any:
    if isinstance(v, list):
        return [_unplain(x) for x in v]
    if isinstance(v, dict):
        if set(v) == {"#tup"} and isinstance(v["#tup"], list):
            return tuple(_unplain(x) for x in v["#tup"])
        if set(v) == {"#map"} and isinstance(v["#map"], list):
            return {_key(_unplain(k)): _unplain(x) for k, x in v["#map"]}
        return {k: _unplain(x) for k, x in v.items()}
    return v


def _key(k: Any) -> Any:
    return tuple(_key(x) for x in k) if isinstance(k, list) else k


# ------------------------------------------------------------------ reading


def from_dict(doc: Any, validate: bool = True) -> Trace:
    """An ITF document back to a Trace; raises TraceError saying where it is wrong.

    ``validate=False`` skips the schema, for documents this module wrote moments
    ago (the gate's cache and its worker processes: a trace of the SNP models
    takes some 30 ms to validate, and a warm gate reads a few hundred)."""
    if isinstance(doc, dict) and isinstance(doc.get("#meta"), dict):
        if doc["#meta"].get("rmpcheck") == 1:
            raise TraceError(
                "written by an older rmpcheck (ITF extension 1, with plain numbers): "
                "prove the claim again to write it in the current format"
            )
    problems = schema_module.errors(doc) if validate else []
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise TraceError(f"not a valid ITF trace: {problems[0]}{more}")
    try:
        return _fill_changed(_from_dict(doc))
    except BadValue as e:
        raise TraceError(f"not a valid ITF trace: {e}") from None


def _from_dict(doc: dict[str, Any]) -> Trace:
    meta = doc.get("#meta") or {}
    names: list[str] = doc["vars"]
    params: list[str] = doc.get("params") or []
    raw_states: list[dict[str, Any]] = doc["states"]
    mine = _rmpcheck_meta(meta)
    loop = doc.get("loop")
    if loop is not None and loop >= len(raw_states):
        raise BadValue("loop", f"state {loop} does not exist ({len(raw_states)} states)")
    steps = [_step(i, st, names, params) for i, st in enumerate(raw_states)]
    first = raw_states[0]
    kind = mine.get("kind") or ("counterexample" if meta.get("status") == "violation" else "run")
    extra = dict(_unplain(mine.get("extra") or {}))
    if not mine:
        extra[FOREIGN] = dict(meta)
    return Trace(
        model=mine.get("model", ""),
        property=mine.get("property", ""),
        kind=cast(Literal["counterexample", "witness", "run"], kind),
        sizes=dict(mine.get("sizes", {})),
        engine=mine.get("engine", ""),
        steps=tuple(steps),
        model_file=mine.get("model_file", meta.get("source", "")),
        property_file=mine.get("property_file", ""),
        summary=mine.get("summary", meta.get("description", "")),
        meta=extra,
        property_kind=mine.get("property_kind", ""),
        versions={str(k): str(v) for k, v in mine.get("versions", {}).items()},
        culprits=tuple((k, decode(v, "#meta.rmpcheck")) for k, v in mine.get("culprits", [])),
        loop=loop,
        params={p: decode(first[p], f"states[0].{p}") for p in params},
    )


def _rmpcheck_meta(meta: dict[str, Any]) -> dict[str, Any]:
    text = meta.get("rmpcheck")
    if text is None:
        return {}
    try:
        mine = json.loads(text)
    except json.JSONDecodeError as e:
        raise BadValue("#meta.rmpcheck", f"not JSON: {e.msg}") from None
    problems = schema_module.errors(mine, "#/$defs/rmpcheck", "#meta.rmpcheck")
    if problems:
        raise BadValue("", problems[0])
    return dict(mine)


def _step(i: int, st: dict[str, Any], names: list[str], params: list[str]) -> Step:
    where = f"states[{i}]"
    missing = [n for n in names if n not in st]
    if missing:
        raise BadValue(where, f"missing variable {missing[0]!r}")
    allowed = {*names, "#meta", *(params if i == 0 else ())}
    extra = sorted(set(st) - allowed)
    if extra:
        raise BadValue(where, f"variable {extra[0]!r} is not listed in 'vars'")
    sm = st.get("#meta") or {}
    state = {
        n: decode(st[n], f"{where}.{n}") for n in names if n not in (ACTION_TAKEN, NONDET_PICKS)
    }
    taken = st.get(ACTION_TAKEN)
    action = taken if isinstance(taken, str) and taken and not (i == 0 and taken == INIT) else None
    picks = _read_picks(st.get(NONDET_PICKS), f"{where}.{NONDET_PICKS}")
    arg_names = _names(sm.get("args"), picks)
    choice_names = _names(sm.get("choices"), {})
    actor = sm.get("actor") or (action.partition(".")[0] if action and "." in action else None)
    return Step(
        index=i,
        action=action,
        actor=actor if action is not None else None,
        role=sm.get("role") if action is not None else None,
        args={k: picks[k] for k in arg_names if k in picks},
        choices={k: picks[k] for k in choice_names if k in picks},
        state=state,
        changed=(),
        lane=sm.get("lane"),
    )


def _read_picks(v: Any, where: str) -> dict[str, Any]:
    """Quint's nondetPicks: Some(v) is a pick, None (or anything else) is not."""
    if v is None:
        return {}
    picks = decode(v, where)
    if not isinstance(picks, Record):
        raise BadValue(where, "expected a record of the step's picks")
    out = {}
    for k, x in picks.items():
        if isinstance(x, Record) and x.get("tag") == "Some" and "value" in x:
            out[k] = x["value"]
    return out


def _names(given: Any, picks: dict[str, Any]) -> list[str]:
    """Comma-separated names from a state's #meta; without them, every pick."""
    if isinstance(given, str):
        return [n for n in given.split(",") if n]
    return list(picks)


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
    """Read an ITF trace: one :func:`save` wrote, or any other producer's."""
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
    """``changed`` is not stored: it is what differs from the previous state."""
    steps = [trace.steps[0]]
    for prev, s in zip(trace.steps, trace.steps[1:], strict=False):
        changed = tuple(k for k, v in s.state.items() if prev.state.get(k) != v)
        steps.append(replace(s, changed=changed))
    return replace(trace, steps=tuple(steps))
