"""ITF values (ADR-015): display values to JSON and back, and their Apalache types.

Since the 2023-09 revision of ADR-015 every integer is ``{"#bigint": "..."}``;
plain JSON numbers are still read, as Apalache's and Quint's readers do, for
traces written before it. A map is ``{"#map": [[key, value], ...]}``, a tuple
(the key of a multi-key map) ``{"#tup": [...]}``, sort elements and enum
members are strings; sets, records, variants (records ``{tag, value}``) and
``#unserializable`` come only from other tools' traces (trace/values.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rmpcheck.trace.values import Record, SetValue, Unserializable


class BadValue(Exception):
    """Where in the document and what is wrong; the loader adds the file name."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}" if where else what)


def encode(v: Any) -> Any:
    """A display value as ITF JSON."""
    if isinstance(v, Unserializable):
        return {"#unserializable": str(v)}
    if isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return {"#bigint": str(v)}
    if isinstance(v, SetValue):
        return {"#set": [encode(x) for x in v]}
    if isinstance(v, tuple):
        return {"#tup": [encode(x) for x in v]}
    if isinstance(v, Record):
        return {k: encode(x) for k, x in v.items()}
    if isinstance(v, Mapping):
        return {"#map": [[encode(k), encode(x)] for k, x in v.items()]}
    if isinstance(v, list):
        return [encode(x) for x in v]
    raise TypeError(f"cannot encode {v!r} in ITF")


def decode(v: Any, where: str = "") -> Any:
    """ITF JSON back to a display value (dicts for maps, tuples for tuples)."""
    if isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):  # legacy: a plain number, from before the 2023-09 revision
        return v
    if isinstance(v, list):
        return [decode(x, f"{where}[{i}]") for i, x in enumerate(v)]
    if not isinstance(v, dict):
        raise BadValue(where, f"unsupported value {v!r}")
    if set(v) == {"#bigint"} and isinstance(v["#bigint"], str):
        try:
            return int(v["#bigint"])
        except ValueError:
            raise BadValue(where, f"bad #bigint {v['#bigint']!r}") from None
    if set(v) == {"#tup"} and isinstance(v["#tup"], list):
        return tuple(decode(x, f"{where}.#tup[{i}]") for i, x in enumerate(v["#tup"]))
    if set(v) == {"#set"} and isinstance(v["#set"], list):
        return SetValue(decode(x, f"{where}.#set[{i}]") for i, x in enumerate(v["#set"]))
    if set(v) == {"#unserializable"} and isinstance(v["#unserializable"], str):
        return Unserializable(v["#unserializable"])
    if set(v) == {"#map"} and isinstance(v["#map"], list):
        return _map(v["#map"], where)
    if any(k.startswith("#") for k in v):
        keys = ", ".join(sorted(v))
        raise BadValue(where, f"unsupported value object ({keys})")
    return Record((k, decode(x, f"{where}.{k}")) for k, x in v.items())


def _map(pairs: list[Any], where: str) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for i, pair in enumerate(pairs):
        at = f"{where}.#map[{i}]"
        if not (isinstance(pair, list) and len(pair) == 2):
            raise BadValue(at, "expected a [key, value] pair")
        key = decode(pair[0], at)
        if isinstance(key, (list, dict)):
            raise BadValue(at, "a map key must be a string, number, bool, #tup or #set")
        out[key] = decode(pair[1], at)
    return out


# ------------------------------------------------------------ Apalache types


def type_of(v: Any) -> str:
    """The Apalache type (ADR-002 syntax) of a display value, for ``#meta.varTypes``.

    Sort elements and enum members are strings in ITF, so they are ``Str``
    (an Apalache uninterpreted type would need values ``x_OF_PAGE``); a
    type nothing fixes (an empty list or set) is the type variable ``a``.
    """
    if isinstance(v, bool):
        return "Bool"
    if isinstance(v, int):
        return "Int"
    if isinstance(v, str):
        return "Str"
    if isinstance(v, SetValue):
        return f"Set({_first(v)})"
    if isinstance(v, tuple):
        return "<<" + ", ".join(type_of(x) for x in v) + ">>" if v else "a"
    if isinstance(v, Record):
        if set(v) == {"tag", "value"}:
            return f"{v['tag']}({type_of(v['value'])})"
        return "{ " + ", ".join(f"{k}: {type_of(x)}" for k, x in v.items()) + " }"
    if isinstance(v, Mapping):
        if not v:
            return "a -> b"
        k, x = next(iter(v.items()))
        return f"{type_of(k)} -> {type_of(x)}"
    if isinstance(v, list):
        return f"Seq({_first(v)})"
    return "a"


def _first(items: Sequence[Any]) -> str:
    return type_of(items[0]) if items else "a"


def picks_type(picks: Sequence[Mapping[str, Any]]) -> str:
    """``mbt::nondetPicks`` as Quint types it: each name an ``Option``-like variant."""
    fields: dict[str, str] = {}
    for p in picks:
        for name, v in p.items():
            fields.setdefault(name, f"Some({type_of(v)}) | None(UNIT)")
    return "{ " + ", ".join(f"{k}: {t}" for k, t in fields.items()) + " }" if fields else "{}"
