"""The portfolio: bmc and provers race in separate processes; the first decisive answer wins.

bmc finds short counterexamples fast; explicit search, where the instance is
small enough (:func:`explicit_joins`), deep ones and proofs for the instance;
a prover (pdr by default, or kind via ``opts.extra["prover"]``) finds proofs
for the instance; the inductive engine
proofs for every size (off with ``opts.extra["inductive"] = False``). A proof
for the instance is the one decisive answer that does not win at once while
the inductive engine still runs: it waits as long again as it took (at least
WAIT_FOR_ALL_SIZES_S), since a proof for every size says more. Each member
runs in its own process so a winner can stop the others, and so a time or
memory limit can be enforced from outside: the memory limit is an
address-space rlimit set in the child, and the wall-clock limit is checked by
the parent (the children get it too, and normally stop by themselves). A
child that crashes, runs out of memory or overruns answers "unknown" with the
reason. When nobody is decisive the most informative answer is returned:
bounded-safe before unknown.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import resource
import signal
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from typing import Any

from rmpcheck.engines import fixed_params, registry
from rmpcheck.engines.base import Deadline, Options, unknown
from rmpcheck.errors import RmpcheckError
from rmpcheck.interp import Instance
from rmpcheck.monitor import Obligation
from rmpcheck.result import Result

ENGINE = "auto"

# Extra time the parent allows a child past the deadline to report its own
# timeout before it is terminated.
GRACE_S = 2.0

# The least time an instance proof waits for a running inductive engine.
WAIT_FOR_ALL_SIZES_S = 1.0

# Preference among non-decisive answers.
_RANK = {"bounded-safe": 1, "unknown": 0}


@dataclass(frozen=True, slots=True)
class _Member:
    engine: str
    process: Any
    conn: Connection


def members(opts: Options) -> list[str]:
    """The engines the portfolio runs: bmc, explicit where it joins, the prover (pdr
    unless told kind) and, unless told not to, the inductive engine."""
    names = ["bmc", str(opts.extra.get("prover", "pdr"))]
    if opts.extra.get("explicit") is True:  # set by check() where explicit_joins()
        names.insert(1, "explicit")
    if opts.extra.get("inductive", True):
        names.append("inductive")
    return list(dict.fromkeys(names))


# Explicit search joins when the instance's written state fits in this many bits:
# past it, enumeration rarely finishes within a gate's time, while below it explicit
# finds deep counterexamples bmc's unrolling would take minutes to reach (a broken
# twin of the protocol suite: 8 steps, 3 s explicit, over 300 s bmc).
EXPLICIT_STATE_BITS = 48


def explicit_joins(ob: Obligation, sizes: Mapping[str, int], opts: Options) -> bool:
    """Is the instance small enough for explicit search to join the portfolio? Only the
    written variables count: the never-written ones are fixed parameters of the search
    (engines/fixed_params), one value per orbit. ``opts.extra["explicit"]`` decides
    instead, when set."""
    if "explicit" in opts.extra:
        return bool(opts.extra["explicit"])
    try:
        inst = Instance(ob.system, sizes)
    except RmpcheckError:
        return False
    written = fixed_params.written(ob.model)
    bits = 0.0
    for d in ob.system.state:
        if d.name in written or d.name.startswith("__"):
            bits += math.log2(max(1, inst.sizes.count(d.type)))
    return bits <= EXPLICIT_STATE_BITS


def _final(result: Result) -> bool:
    """Nothing another member could say would be stronger."""
    return result.verdict in ("refuted", "covered") or (
        result.scope is not None and result.scope.kind == "all-sizes"
    )


def check(ob: Obligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """Run the portfolio on one obligation."""
    deadline = Deadline(opts.timeout_s)
    if "explicit" not in opts.extra:
        opts = replace(opts, extra={**opts.extra, "explicit": explicit_joins(ob, sizes, opts)})
    names = members(opts)
    for name in names:
        registry.resolve(name)  # an unknown or missing engine fails here, in the parent
    if mp.current_process().daemon:
        # a daemonic process may not start children: take turns in this process
        return _in_turn(ob, sizes, opts, names, deadline)
    child_opts = replace(opts, progress=None)  # callbacks do not cross processes
    ctx: Any = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    running: list[_Member] = []
    answers: dict[str, Result] = {}
    try:
        for name in names:
            parent_end, child_end = ctx.Pipe(duplex=False)
            proc = ctx.Process(
                target=_child,
                args=(name, ob, dict(sizes), child_opts, opts.memory_mb, child_end),
                name=f"rmpcheck-{name}",
            )
            proc.start()
            child_end.close()
            running.append(_Member(name, proc, parent_end))
        winner = _collect(ob, running, answers, deadline, opts)
    finally:
        _stop(running)
    if winner is not None:
        return _tag(winner, answers, deadline)
    if not answers:
        return unknown(ob, ENGINE, "no engine answered", deadline)
    best = max(answers.values(), key=lambda r: _RANK.get(r.verdict, 0))
    if best.verdict == "unknown":
        reasons = "; ".join(f"{r.engine}: {r.reason}" for r in answers.values())
        best = replace(best, engine=ENGINE, reason=reasons)
    return _tag(best, answers, deadline)


def _collect(
    ob: Obligation,
    running: list[_Member],
    answers: dict[str, Result],
    deadline: Deadline,
    opts: Options,
) -> Result | None:
    """Wait for answers until one is decisive, all are in, or time is up."""
    pending: dict[Any, _Member] = {m.conn: m for m in running}
    by_sentinel: dict[Any, _Member] = {m.process.sentinel: m for m in running}
    held: Result | None = None  # a proof for the instance, waiting for one for all sizes
    held_until = 0.0
    while pending:
        left = deadline.remaining()
        timeout = None if left is None else left + GRACE_S
        if held is not None:
            timeout = max(0.0, held_until - time.monotonic())
        ready = wait([*pending, *(m.process.sentinel for m in pending.values())], timeout)
        if not ready:
            if held is not None:
                return held
            for m in pending.values():
                answers[m.engine] = unknown(
                    ob, m.engine, f"timeout after {deadline.elapsed():.1f} s", deadline
                )
            return _explicit_proof(answers)
        for obj in ready:
            who = pending.get(obj) or by_sentinel.get(obj)
            if who is None or who.conn not in pending:
                continue
            result = _receive(ob, who, deadline, opts)
            del pending[who.conn]
            answers[who.engine] = result
            if not result.decisive or _standby(result, pending.values()):
                continue
            if _final(result):
                return result
            if held is None:
                held = result
                wait_s = max(WAIT_FOR_ALL_SIZES_S, deadline.elapsed())
                end = deadline.end if deadline.end is not None else float("inf")
                held_until = min(time.monotonic() + wait_s, end)
        if held is not None and not any(m.engine == "inductive" for m in pending.values()):
            return held
    return held or _explicit_proof(answers)


def _standby(result: Result, pending: Any) -> bool:
    """Explicit search joins for its counterexamples: its proof for the instance waits
    until the provers have answered (theirs says as much, or more: every size)."""
    provers = {"pdr", "kind", "inductive"}
    if result.engine != "explicit" or _final(result):
        return False
    return any(m.engine in provers for m in pending)


def _explicit_proof(answers: Mapping[str, Result]) -> Result | None:
    r = answers.get("explicit")
    return r if r is not None and r.decisive else None


def _receive(ob: Obligation, m: _Member, deadline: Deadline, opts: Options) -> Result:
    """The member's answer, or unknown saying how it died."""
    try:
        if m.conn.poll():
            status, payload = m.conn.recv()
            if status == "ok":
                assert isinstance(payload, Result)
                return payload
            return unknown(ob, m.engine, str(payload), deadline)
    except (EOFError, OSError):
        pass
    m.process.join(1.0)
    code = m.process.exitcode
    why = f"{m.engine} process died (exit code {code})"
    if opts.memory_mb is not None:
        why += f"; it may have exceeded the memory limit of {opts.memory_mb} MB"
    return unknown(ob, m.engine, why, deadline)


def _child(
    engine: str,
    ob: Obligation,
    sizes: dict[str, int],
    opts: Options,
    memory_mb: int | None,
    conn: Connection,
) -> None:
    """Entry point of a portfolio process: run one engine, send back its Result."""
    # Ctrl-C reaches the whole process group; the parent decides and stops us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if memory_mb is not None:
        limit = memory_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        conn.send(("ok", registry.run(engine, ob, sizes, opts)))
    except MemoryError:
        conn.send(("error", f"out of memory (limit {memory_mb} MB)"))
    except BaseException as e:  # noqa: BLE001 - every failure becomes a reason, never a verdict
        msg = str(e)
        if memory_mb is not None and ("memory" in msg.lower() or "alloc" in msg.lower()):
            msg = f"out of memory (limit {memory_mb} MB): {msg}"
        conn.send(("error", f"{engine} failed: {type(e).__name__}: {msg}"))
    finally:
        conn.close()


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM this process when its parent dies, so a killed portfolio
    (say, by the gate's memory limit) leaves no solver running on its own."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def _in_turn(
    ob: Obligation, sizes: Mapping[str, int], opts: Options, names: list[str], deadline: Deadline
) -> Result:
    """The portfolio without processes, on the shared deadline: the inductive engine
    first (with a third of the time: inference may take long where other engines are
    quick), then the prover, then bmc."""
    answers: dict[str, Result] = {}
    for name in reversed(names):
        left = deadline.remaining()
        if left is not None and left <= 0:
            break
        if name == "inductive" and left is not None:
            left /= 3
        r = registry.run(name, ob, sizes, replace(opts, timeout_s=left))
        answers[name] = r
        if r.decisive:
            return _tag(r, answers, deadline)
    if not answers:
        return unknown(ob, ENGINE, f"timeout after {deadline.elapsed():.1f} s", deadline)
    return _tag(max(answers.values(), key=lambda r: _RANK.get(r.verdict, 0)), answers, deadline)


def _stop(running: list[_Member]) -> None:
    """Terminate every member still alive, escalating to SIGKILL."""
    for m in running:
        if m.process.is_alive():
            m.process.terminate()
    end = time.monotonic() + 2.0
    for m in running:
        m.process.join(max(0.0, end - time.monotonic()))
        if m.process.is_alive():
            m.process.kill()
            m.process.join(1.0)
        m.conn.close()


def _tag(result: Result, answers: dict[str, Result], deadline: Deadline) -> Result:
    """Record the portfolio's view: who answered what, and the total time."""
    stats = dict(result.stats)
    stats["portfolio"] = {name: r.verdict for name, r in answers.items()}
    return replace(result, stats=stats, time_s=deadline.elapsed())
