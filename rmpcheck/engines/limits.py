"""Limits an engine cannot overrun: the wall clock from its first instruction, memory, size.

Engines poll their :class:`~rmpcheck.engines.base.Deadline` between solver
calls and give Z3 the time left, but their set-up (the interpreter's code for
an instance, symmetry tables, a ground encoding with a constant per location,
quantifiers expanded over finite types) runs as long as the instance is big
without looking at the clock. :func:`bounded`, which the registry wraps
around every engine call, therefore arms a wall-clock alarm (SIGALRM) at the
deadline plus ALARM_SLACK_S: when it rings, :class:`OutOfTime` is raised
wherever Python is, and the call answers "unknown" with the reason. It is a
BaseException so that no ``except Exception`` inside an engine swallows it.
Running out of memory (a MemoryError, or Z3's "out of memory" under a
process's address-space limit) likewise answers "unknown", never a traceback.

A long call inside Z3 that ignores its own timeout cannot be interrupted from
Python; the process that runs the engine is the last resort (the CLI's and
the gate's children are killed at their hard limit).
"""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from math import prod
from types import FrameType

from rmpcheck import ir
from rmpcheck.engines.base import Deadline, Options, unknown
from rmpcheck.monitor import Obligation
from rmpcheck.result import Result

# Past the deadline, engines that poll get this long to report their own
# timeout (which says where it hit: "at depth 7") before the alarm rings.
ALARM_SLACK_S = 0.5

# Ground engines (bmc, kind, pdr, explicit) give every location (a scalar
# variable, or one entry of a map) a Z3 constant per step, or a slot in every
# state; past a million per state, building the first step alone takes
# gigabytes. The inductive engine has no such limit: it fixes no size.
MAX_GROUND_LOCATIONS = 1_000_000


class OutOfTime(BaseException):
    """The wall-clock alarm of one :func:`wall_clock` frame rang."""

    def __init__(self, frame: _Frame) -> None:
        super().__init__("timeout")
        self.frame = frame


@dataclass(eq=False)
class _Frame:
    end: float


# Nested frames (auto running members in turn, inductive asking bmc): the alarm is
# set for the earliest end; each frame catches only its own OutOfTime.
_frames: list[_Frame] = []

# If the exception lands where Python would ignore it (a __del__), it is not raised
# there; the alarm rings again this much later.
_RING_AGAIN_S = 0.05


def _reset_after_fork() -> None:
    _frames.clear()  # interval timers do not survive fork, and a child's limits are its own


os.register_at_fork(after_in_child=_reset_after_fork)


def _ring(signum: int, where: FrameType | None) -> None:
    now = time.monotonic()
    due = [f for f in _frames if f.end <= now + 0.001]
    if not due:
        _arm()
        return
    signal.setitimer(signal.ITIMER_REAL, _RING_AGAIN_S)
    if _in_finalizer(where):
        return  # Python would print the exception and drop it: ring again shortly
    raise OutOfTime(due[0])  # the outermost: it ends everything inside it


def _in_finalizer(where: FrameType | None) -> bool:
    """Is a ``__del__`` (say, of a Z3 term) on the innermost few frames?"""
    for _ in range(8):
        if where is None:
            return False
        if where.f_code.co_name == "__del__":
            return True
        where = where.f_back
    return False


def _arm() -> None:
    if not _frames:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    left = min(f.end for f in _frames) - time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(0.001, left))


@contextmanager
def wall_clock(timeout_s: float | None) -> Iterator[_Frame | None]:
    """Raise OutOfTime (for this frame) once ``timeout_s`` plus ALARM_SLACK_S have passed.
    Outside the main thread, or without a timeout, nothing is armed."""
    if (
        timeout_s is None
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield None
        return
    frame = _Frame(time.monotonic() + timeout_s + ALARM_SLACK_S)
    # installed for good: a SIGALRM still pending when the last frame ends must find
    # this handler (which then does nothing), not the default, which kills the process
    signal.signal(signal.SIGALRM, _ring)
    _frames.append(frame)
    try:
        _arm()
        yield frame
    except Exception as e:
        # ctypes turns an exception raised while it converts a call's arguments (the
        # alarm can ring there, inside any Z3 call) into ArgumentError("... OutOfTime")
        if "OutOfTime" in str(e) and time.monotonic() >= frame.end:
            raise OutOfTime(frame) from None
        raise
    finally:
        # no alarm may land in the middle of this bookkeeping
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        try:
            _frames.remove(frame)
            _arm()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def bounded(engine: str, ob: Obligation, opts: Options, call: Callable[[], Result]) -> Result:
    """``call()`` (one engine on ``ob``) within ``opts.timeout_s`` and whatever memory the
    process has; running out of either is "unknown" with the reason."""
    deadline = Deadline(opts.timeout_s)
    try:
        with wall_clock(opts.timeout_s) as frame:
            return call()
    except OutOfTime as e:
        if frame is None or e.frame is not frame:
            raise  # an enclosing limit: not ours to report
        return unknown(ob, engine, f"timeout after {deadline.elapsed():.1f} s", deadline)
    except MemoryError:
        gc.collect()
        return unknown(ob, engine, out_of_memory(opts), deadline)
    except Exception as e:
        if type(e).__name__ == "Z3Exception" and "memory" in str(e).lower():
            gc.collect()
            return unknown(ob, engine, out_of_memory(opts), deadline)
        raise


def out_of_memory(opts: Options) -> str:
    limit = f" (limit {opts.memory_mb} MB)" if opts.memory_mb is not None else ""
    return f"out of memory{limit}"


def ground_locations(model: ir.Model, sizes: Mapping[str, int], t: ir.Type) -> int:
    """How many locations a variable of type ``t`` has at ``sizes`` (without building them)."""
    if isinstance(t, ir.MapType):
        return prod(_values(model, sizes, k) for k in t.keys)
    return 1


def _values(model: ir.Model, sizes: Mapping[str, int], t: ir.ScalarType) -> int:
    if isinstance(t, ir.BoolType):
        return 2
    if isinstance(t, ir.IntType):
        return t.hi - t.lo + 1
    if isinstance(t, ir.EnumType):
        return len(t.members)
    return int(sizes.get(t.name, 1))


def too_large(ob: Obligation, sizes: Mapping[str, int]) -> str | None:
    """Why the instance is too large for a ground engine, or None."""
    model = ob.system.model
    n = sum(ground_locations(model, sizes, d.type) for d in ob.system.state)
    if n <= MAX_GROUND_LOCATIONS:
        return None
    at = ", ".join(f"{k}={v}" for k, v in sorted(sizes.items()))
    return (
        f"too large: {n:,} state locations at {at} (a ground engine handles at most "
        f"{MAX_GROUND_LOCATIONS:,}); use smaller sizes, or the inductive engine (every size)"
    )
