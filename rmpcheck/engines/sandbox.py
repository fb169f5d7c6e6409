"""One engine call in a process of its own, under limits that hold whatever the engine does.

The CLI runs each claim (and ``rmpcheck cti``) this way. The child puts
itself in its own process group (a terminal's Ctrl-C then reaches only the
parent, which decides), ignores SIGINT, dies with its parent, and caps its
address space (RLIMIT_AS) at ``memory_mb`` before it runs anything; the
engine's own time limit is armed inside (engines.limits). The parent waits,
relaying the child's messages, and kills the child's whole process group
(auto's members included) when the deadline has passed by HARD_GRACE_S (a Z3
call that ignores its timeout) or when it is interrupted itself (Ctrl-C, or
SIGTERM, which the CLI turns into KeyboardInterrupt); then it re-raises.

Without ``fork`` (not Linux) or inside a daemonic process (which may not
start children), the call runs in this process, with the time limit only.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from rmpcheck.errors import ConfigError, InternalError, RmpcheckError

T = TypeVar("T")
Send = Callable[[Any], None]

INTERRUPTS = {signal.SIGINT, signal.SIGTERM}

# How long past its deadline a child may run before it is killed: engines stop
# themselves at the deadline (plus limits.ALARM_SLACK_S for set-up), so this only
# catches a solver call that overruns; it keeps every --timeout within 2 s.
HARD_GRACE_S = 1.3


@dataclass(frozen=True, slots=True)
class Stopped:
    """The call gave no answer: the reason (a limit, a crash) in words."""

    reason: str


def call(
    fn: Callable[[Send], T],
    timeout_s: float | None = None,
    memory_mb: int | None = None,
    on_message: Send | None = None,
) -> T | Stopped:
    """``fn(send)`` in a child process; ``send(x)`` there calls ``on_message(x)`` here."""
    relay = on_message or (lambda _: None)
    if not sys.platform.startswith("linux") or mp.current_process().daemon:
        return fn(relay)
    ctx: Any = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # else the child inherits, and may repeat, buffered output
    proc = ctx.Process(
        target=_child, args=(fn, send, memory_mb, os.getpid()), name="rmpcheck-engine"
    )
    try:
        # an interrupt half-way through start() would leave a child no one knows to
        # kill: it waits until the child is registered (the child unblocks its copy),
        # and lands inside this try, whose finally kills it
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
        try:
            proc.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        send.close()
        return _await(proc, recv, timeout_s, memory_mb, relay)
    finally:
        _kill(proc)
        send.close()
        recv.close()


def _await(
    proc: Any, conn: Connection, timeout_s: float | None, memory_mb: int | None, relay: Send
) -> Any:
    end = None if timeout_s is None else time.monotonic() + timeout_s + HARD_GRACE_S
    while True:
        left = None if end is None else end - time.monotonic()
        if left is not None and left <= 0:
            return Stopped(f"timeout after {timeout_s:g} s (the engine process was stopped)")
        ready = wait([conn, proc.sentinel], left)
        if conn in ready:
            try:
                kind, payload = conn.recv()
            except (EOFError, OSError):
                return Stopped(_death(proc, memory_mb))
            if kind == "msg":
                relay(payload)
                continue
            return _answer(kind, payload)
        if proc.sentinel in ready and not conn.poll():
            return Stopped(_death(proc, memory_mb))


def _answer(kind: str, payload: Any) -> Any:
    if kind == "done":
        return payload
    if kind == "stopped":
        return Stopped(str(payload))
    if kind == "input":
        raise ConfigError(str(payload))
    raise InternalError(str(payload))


def _death(proc: Any, memory_mb: int | None) -> str:
    proc.join(1.0)
    code = proc.exitcode
    what = f"killed by {_signal_name(-code)}" if code is not None and code < 0 else f"exit {code}"
    limit = f" (limit {memory_mb} MB)" if memory_mb is not None else ""
    return f"the engine process died ({what}); it may have run out of memory{limit}"


def _signal_name(n: int) -> str:
    try:
        return signal.Signals(n).name
    except ValueError:
        return f"signal {n}"


def _kill(proc: Any) -> None:
    """The child and everything it started (its process group), at once."""
    if proc.pid is None:
        return  # never started
    if proc.exitcode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(proc.pid, signal.SIGKILL)
    proc.join(5.0)


# ----------------------------------------------------------------- the child


def _child(
    fn: Callable[[Send], Any], conn: Connection, memory_mb: int | None, parent: int
) -> None:
    # never return into multiprocessing's exit path: it would flush the parent's buffers
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPTS)
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)
        die_with_parent()
        if os.getppid() != parent:
            return  # the parent died before the line above could take effect
        if memory_mb is not None:
            limit_memory(memory_mb)
        conn.send(("done", fn(lambda x: conn.send(("msg", x)))))
    except MemoryError:
        limit = f" (limit {memory_mb} MB)" if memory_mb is not None else ""
        with contextlib.suppress(BaseException):
            conn.send(("stopped", f"out of memory{limit}"))
    except RmpcheckError as e:
        with contextlib.suppress(BaseException):
            conn.send(("input", str(e)))
    except BaseException as e:
        what = str(e) if isinstance(e, InternalError) else f"{type(e).__name__}: {e}"
        if os.environ.get("RMPCHECK_DEBUG") == "1":
            what += "\n" + traceback.format_exc()
        with contextlib.suppress(BaseException):
            conn.send(("internal", what))
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(0)


def limit_memory(mb: int) -> None:
    """Cap this process's address space at ``mb`` (never above a hard limit already set)."""
    import resource

    limit = mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies, so no solver outlives a
    killed command."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
