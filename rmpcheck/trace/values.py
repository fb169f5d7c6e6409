"""Display values that only traces from other tools hold: ITF sets, records, and
values their producer could not serialize.

rmpcheck's own traces hold bools, ints, strings (sort elements, enum
members), tuples (keys of multi-key maps), dicts (maps) and lists (choices
under a ``forall``). Apalache and Quint also write sets, records (variants
are records ``{tag, value}``) and ``#unserializable``; these types keep them
apart from maps and tuples, so a trace shown or converted comes out as it
went in.
"""

from __future__ import annotations

from typing import Any


class SetValue(tuple[Any, ...]):
    """``{"#set": [...]}``, in the order written (sets have none, output must)."""

    __slots__ = ()


class Record(dict[str, Any]):
    """A plain JSON object: an ITF record (or a variant, ``{tag, value}``)."""


class Unserializable(str):
    """``{"#unserializable": "Int"}``: a value its producer could only name."""

    __slots__ = ()
