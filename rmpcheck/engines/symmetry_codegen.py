"""Generated code for symmetry reduction: colour signatures and permutation of states.

Symmetry reduction runs on every successor the explicit engine generates, so
its three hot functions are compiled to straight-line Python once per
instance, like the interpreter's actions (interp/codegen.py):

* ``own(s)``: each element's colour signature from the map entries that
  mention no other sort element (``assigned[p]``, ``step[t]``), and which
  elements are *isolated* (in no entry with another element);
* ``refine(s, c0, c1, ...)``: each element's signature given the current
  colours of all elements, from the entries relating elements
  (``target[t] == p`` links thread t and page p);
* ``apply(s, perm)``: the state with every element renamed.

A signature must be invariant under renaming, so it never holds an element
itself: only colours, ``-1`` for "this same element", and non-sort values.
An entry's contribution is in a fixed position when the entry is found from
the element's own keys in key order (the other keys are non-sort values that
renaming does not move); entries whose other keys are elements, or that find
the element as their value, form a multiset, which is sorted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rmpcheck import ir
from rmpcheck.interp import Instance, State


@dataclass(frozen=True)
class _Entry:
    """One map entry (or a scalar variable) that mentions at least one reduced element."""

    var: int
    comps: tuple[str, ...]  # source of each key component, then of the value
    consts: tuple[Any, ...]  # the key's raw values (None for the value position)
    slots: tuple[int | None, ...]  # reduced sort of each component, or None


@dataclass(frozen=True)
class Compiled:
    own: Callable[[State], tuple[list[list[Any]], list[list[bool]]]]
    refine: Callable[..., list[list[Any]]]
    apply: Callable[[State, Any], State]
    source: str


def compile_symmetry(inst: Instance, sorts: Sequence[ir.SortType]) -> Compiled:
    sid: dict[Any, int] = {s: i for i, s in enumerate(sorts)}
    sizes = [inst.sizes.sizes[s.name] for s in sorts]
    entries = list(_entries(inst, sid))
    unary = [e for e in entries if sum(x is not None for x in e.slots) == 1]
    relational = [e for e in entries if sum(x is not None for x in e.slots) > 1]
    src = _own_src(inst, sizes, unary, relational)
    src += _refine_src(inst, sizes, relational)
    src += _apply_src(inst, sid)
    ns: dict[str, Any] = {}
    exec(compile(src, "<rmpcheck:symmetry>", "exec"), ns)  # noqa: S102 - our own generated code
    return Compiled(ns["_own"], ns["_refine"], ns["_apply"], src)


def _entries(inst: Instance, sid: dict[Any, int]) -> Any:
    for i, d in enumerate(inst.decls):
        t = d.type
        if isinstance(t, ir.MapType):
            slots = tuple(sid.get(k) for k in (*t.keys, t.value))
            if all(x is None for x in slots):
                continue
            for k, key in enumerate(inst.sizes.keys(t)):
                comps = tuple(repr(x) for x in key) + (f"v{i}[{k}]",)
                yield _Entry(i, comps, (*key, None), slots)
        elif sid.get(t) is not None:
            yield _Entry(i, (f"v{i}",), (None,), (sid[t],))


def _prelude(inst: Instance) -> list[str]:
    return [f"v{i} = s[{i}]" for i in range(len(inst.decls))]


def _fn(header: str, lines: list[str]) -> str:
    return header + "\n" + "\n".join("    " + ln for ln in lines) + "\n\n"


def _own_src(
    inst: Instance, sizes: list[int], unary: list[_Entry], relational: list[_Entry]
) -> str:
    """``own(s) -> (signatures per sort, isolated flags per sort)``."""
    parts: list[list[list[str]]] = [[[] for _ in range(n)] for n in sizes]
    for en in unary:
        j = next(j for j, x in enumerate(en.slots) if x is not None)
        si = en.slots[j]
        assert si is not None
        others = [c for m, c in enumerate(en.comps) if m != j and en.consts[m] is None]
        if en.consts[j] is not None:  # the element is a key: its own slice, in key order
            parts[si][en.consts[j]] += others
        else:  # the element is the value: which keys map to it
            for e in range(sizes[si]):
                parts[si][e].append(f"({en.comps[j]} == {e})")
    lines = _prelude(inst)
    # an element in a relational entry by key is never isolated; by value, when some value is it
    fixed: list[set[int]] = [set() for _ in sizes]
    dynamic: list[list[str]] = [[] for _ in sizes]
    for en in relational:
        for j, si in enumerate(en.slots):
            if si is None:
                continue
            if en.consts[j] is not None:
                fixed[si].add(en.consts[j])
            else:
                dynamic[si].append(en.comps[j])
    sigs, isos = [], []
    for si, n in enumerate(sizes):
        sigs.append(
            "[" + ", ".join(f"({''.join(p + ', ' for p in parts[si][e])})" for e in range(n)) + "]"
        )
        if dynamic[si]:
            lines.append(f"d{si} = {{{', '.join(dynamic[si])}}}")
        flags = []
        for e in range(n):
            if e in fixed[si]:
                flags.append("False")
            elif dynamic[si]:
                flags.append(f"({e} not in d{si})")
            else:
                flags.append("True")
        isos.append("[" + ", ".join(flags) + "]")
    lines.append(f"return [{', '.join(sigs)}], [{', '.join(isos)}]")
    return _fn("def _own(s):", lines)


def _colour(comp: str, const: Any, slot: int, self_slot: int, self_elem: str) -> str:
    """A component as seen from an element: -1 if it is that element, else its colour."""
    if slot != self_slot:
        return f"c{slot}[{comp}]"
    if const is not None and self_elem.isdigit():  # both known now
        return "-1" if const == int(self_elem) else f"c{slot}[{comp}]"
    return f"(-1 if {comp} == {self_elem} else c{slot}[{comp}])"


def _refine_src(inst: Instance, sizes: list[int], relational: list[_Entry]) -> str:
    """``refine(s, c0, c1, ...) -> signatures per sort`` for one round of refinement."""
    params = ", ".join(["s", *(f"c{si}" for si in range(len(sizes)))])
    lines = _prelude(inst)
    # static contributions, grouped per (element, var, position); sorted when a multiset
    static: list[list[dict[tuple[int, int], list[str]]]] = [[{} for _ in range(n)] for n in sizes]
    multiset: set[tuple[int, int, int]] = set()
    buckets = set()
    for en in relational:
        for j, si in enumerate(en.slots):
            if si is None:
                continue
            elem = en.consts[j]
            me = str(elem) if elem is not None else en.comps[j]
            view = []
            for m, (c, k, sm) in enumerate(zip(en.comps, en.consts, en.slots, strict=True)):
                if m == j:
                    continue
                view.append(c if sm is None else _colour(c, k, sm, si, me))
            desc = "(" + "".join(v + ", " for v in view) + ")"
            if elem is not None:
                static[si][elem].setdefault((en.var, j), []).append(desc)
                if any(
                    en.slots[m] is not None and en.consts[m] is not None
                    for m in range(len(en.slots))
                    if m != j
                ):
                    multiset.add((si, en.var, j))
            else:
                buckets.add(si)
                lines.append(f"b{si}[{en.comps[j]}].append(({en.var}, {j}, {desc}))")
    head = [f"b{si} = [[] for _ in range({sizes[si]})]" for si in sorted(buckets)]
    lines[len(inst.decls) : len(inst.decls)] = head
    sigs = []
    for si, n in enumerate(sizes):
        per = []
        for e in range(n):
            items = [f"c{si}[{e}]"]
            for (var, j), descs in static[si][e].items():
                inner = ", ".join(descs)
                if (si, var, j) in multiset:
                    items.append(f"tuple(sorted(({inner},)))")
                else:
                    items.append(f"({inner},)")
            if si in buckets:
                items.append(f"tuple(sorted(b{si}[{e}]))")
            per.append("(" + ", ".join(items) + ",)")
        sigs.append("[" + ", ".join(per) + "]")
    lines.append(f"return [{', '.join(sigs)}]")
    return _fn(f"def _refine({params}):", lines)


def _apply_src(inst: Instance, sid: dict[Any, int]) -> str:
    """``apply(s, perm)``: entry at key k moves to the key's image, so the new entry at
    x is the old entry at the preimage of x (Q is the inverse of P)."""
    parts = []
    for i, d in enumerate(inst.decls):
        t = d.type
        if not isinstance(t, ir.MapType):
            slot = sid.get(t)
            parts.append(f"P{slot}[v{i}]" if slot is not None else f"v{i}")
            continue
        kslots = [sid.get(kt) for kt in t.keys]
        vslot = sid.get(t.value)
        if all(x is None for x in kslots) and vslot is None:
            parts.append(f"v{i}")
            continue
        strides = [1] * len(t.keys)
        for j in range(len(t.keys) - 2, -1, -1):
            strides[j] = strides[j + 1] * inst.sizes.domain(t.keys[j + 1]).size
        entries = []
        for key in inst.sizes.keys(t):
            terms = []
            for j, (kt, k) in enumerate(zip(t.keys, key, strict=True)):
                idx = inst.sizes.domain(kt).index(k)
                term = f"Q{kslots[j]}[{idx}]" if kslots[j] is not None else str(idx)
                terms.append(term if strides[j] == 1 else f"{term}*{strides[j]}")
            read = f"v{i}[{' + '.join(terms)}]"
            entries.append(f"P{vslot}[{read}]" if vslot is not None else read)
        parts.append(f"({', '.join(entries)},)")
    n_sorts = len(set(sid.values()))
    lines = []
    for j in range(n_sorts):
        lines += [f"P{j} = perm[{j}]", f"Q{j} = [0] * len(P{j})"]
        lines.append(f"for e, x in enumerate(P{j}): Q{j}[x] = e")
    lines += _prelude(inst)
    lines.append(f"return ({', '.join(parts)},)")
    return _fn("def _apply(s, perm):", lines)
