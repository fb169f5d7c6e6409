"""How many bits a finite-domain (bit-vector) encoding of a system needs.

Every number the ground encoding writes down is a bounded int of a declared
or inferred range (the type checker gives ``a + b`` and ``a - b`` their exact
ranges, build.arith), an enum member's index, a sort element, or the action
selector. A signed width that holds all of them holds every intermediate
value too, so two's-complement arithmetic never wraps and signed comparison
is integer comparison: the bit-vector encoding means what the Int one does.

Why bother: on the README's race (Page=6, Thread=3) bmc to depth 20 took
14.6 s over Int and 0.16 s bit-blasted (Z3's QF_FD solver); to depth 30,
572 s against about a second (benchmarks/bench_symbolic.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from rmpcheck import ir
from rmpcheck.monitor import System


def _numbers(node: object, seen: set[int], out: list[int]) -> None:
    """Every range bound and literal reachable from ``node`` (IR dataclasses, tuples, maps)."""
    if id(node) in seen or isinstance(node, (str, bool, type(None))):
        return
    seen.add(id(node))
    if isinstance(node, ir.IntType):
        out += [node.lo, node.hi]
    elif isinstance(node, ir.IntLit):
        out.append(node.value)
    elif isinstance(node, ir.EnumType):
        out.append(len(node.members))
    if isinstance(node, (tuple, list, frozenset, set)):
        for x in node:
            _numbers(x, seen, out)
    elif isinstance(node, Mapping):
        for x in node.values():
            _numbers(x, seen, out)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            if f.name != "span":
                _numbers(getattr(node, f.name), seen, out)


def width(system: System, sizes: Mapping[str, int], exprs: Iterable[ir.Expr] = ()) -> int:
    """The least signed width that holds every number of ``system`` and ``exprs`` at ``sizes``."""
    out = [len(system.model.actions), *sizes.values()]
    seen: set[int] = set()
    _numbers(system, seen, out)
    for e in exprs:
        _numbers(e, seen, out)
    biggest = max(max(out), -min(out) - 1, 1)
    return biggest.bit_length() + 1  # a sign bit: ranges and differences may be negative
