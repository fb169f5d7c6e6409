"""CPU seconds spent inside Z3's C library, counted per call: for "what share of a
proof is Z3" without cProfile, whose per-call overhead inflates the Python side.

``install()`` wraps every ``Z3_*`` entry point of z3core (and the names the z3
module imported from it) with a process-CPU timer; the reader it returns gives
the total so far. The timer costs about a microsecond per call, charged to the
Python side, so the share it reports errs low.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def install() -> Callable[[], float]:
    import z3
    import z3.z3core as core

    spent = [0.0]
    clock = time.process_time

    def timed(f: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            t = clock()
            try:
                return f(*args)
            finally:
                spent[0] += clock() - t

        return call

    for name in dir(core):
        f = getattr(core, name)
        if name.startswith("Z3_") and callable(f):
            w = timed(f)
            setattr(core, name, w)
            # z3.py did `from .z3core import *`: its own names must be wrapped too
            if getattr(z3.z3, name, None) is f:
                setattr(z3.z3, name, w)
    return lambda: spent[0]
