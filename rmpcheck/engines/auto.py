"""The portfolio: bmc, a prover and the inductive engine in parallel processes, one fixed order.

bmc finds short counterexamples fast; explicit search, where the instance is
small enough (:func:`explicit_joins`), deep ones and proofs for the instance;
a prover (pdr by default, or kind via ``opts.extra["prover"]``) proves the
instance; the inductive engine proves
every size (off with ``opts.extra["inductive"] = False``). Which answer is
reported does not depend on which process finishes first: engines/preference
ranks the answers (the shortest bmc counterexample first, then a proof for all
sizes, ...), and the portfolio stops only when no member still running could
beat the best answer in hand. Waiting for such a member has a budget, WAIT_S
of wall clock from the start (``opts.extra["wait_s"]``; None: no budget but
the timeout): when it runs out with a decisive answer in hand, that answer is
reported and ``stats["budget"]`` (shown with the result) says that the budget
decided and which members were cut off. So the same command gives the same
verdict and scope on an idle and on a loaded machine unless a budget says
otherwise.

Each member runs in its own process so that it can be stopped, and so that a
time or memory limit holds from outside: the memory limit is an address-space
rlimit set in the child, the wall clock is checked by the parent (the
children get it too, and normally stop by themselves). A child that crashes,
runs out of memory or overruns answers "unknown" with the reason.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import signal
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from typing import Any

from rmpcheck.engines import fixed_params, preference, registry
from rmpcheck.engines.base import Deadline, Options, unknown
from rmpcheck.engines.sandbox import INTERRUPTS, die_with_parent, limit_memory
from rmpcheck.errors import RmpcheckError
from rmpcheck.interp import Instance
from rmpcheck.monitor import Obligation
from rmpcheck.result import Result

ENGINE = "auto"

# How far past the deadline the parent waits for a member to report its own
# timeout: less than engines.limits.ALARM_SLACK_S, so that the portfolio has
# decided before its own alarm rings.
GRACE_S = 0.3

# The wait budget, from the start: long enough for the inductive engine on the
# shipped examples several times over on a loaded machine (the race: about 1 s
# idle), short enough that an instance proof is not held back for long when
# inference will not succeed.
WAIT_S = 20.0


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
        # after the prover: an instance proof ties with the prover's, which wins
        # ties (its certificate is an invariant a reader can check)
        names.append("explicit")
    if opts.extra.get("inductive", True):
        names.append("inductive")
    return list(dict.fromkeys(names))


# Explicit search joins when the instance's written state fits in this many bits:
# past it, enumeration rarely finishes within a gate's time, while below it explicit
# finds deep counterexamples bmc's unrolling would take minutes to reach (a broken
# twin of the protocol suite: 8 steps, 3 s explicit, over 300 s bmc). It ranks as a
# prover of the instance (engines/preference): a trace here, or a proof here.
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
    fork = sys.platform.startswith("linux")
    ctx: Any = mp.get_context("fork" if fork else "spawn")
    # a forked member reports progress to the same terminal; a spawned one cannot
    child_opts = opts if fork else replace(opts, progress=None)
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
            # no interrupt between the fork and knowing whom to stop
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
            try:
                proc.start()
                running.append(_Member(name, proc, parent_end))
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            child_end.close()
        budget = opts.extra.get("wait_s", WAIT_S)
        cut = _collect(ob, running, answers, deadline, opts, names, sizes, budget)
    finally:
        _stop(running)
    return _decide(ob, answers, names, sizes, deadline, cut, budget)


def _collect(
    ob: Obligation,
    running: list[_Member],
    answers: dict[str, Result],
    deadline: Deadline,
    opts: Options,
    names: Sequence[str],
    sizes: Mapping[str, int],
    budget: float | None,
) -> list[str]:
    """Wait for answers until the best in hand is final, or time is up; the members the
    wait budget cut off (none when it did not decide)."""
    pending: dict[Any, _Member] = {m.conn: m for m in running}
    by_sentinel: dict[Any, _Member] = {m.process.sentinel: m for m in running}
    while pending:
        held = any(r.decisive for r in answers.values())
        hopeful = [m.engine for m in pending.values()
                   if preference.could_beat(m.engine, answers, names, sizes)]
        if held and not hopeful:
            return []
        left = deadline.remaining()
        timeout = None if left is None else left + GRACE_S
        if held and budget is not None:
            rest = max(0.0, budget - deadline.elapsed())
            timeout = rest if timeout is None else min(timeout, rest)
        ready = wait([*pending, *(m.process.sentinel for m in pending.values())], timeout)
        if not ready:
            if held and (left is None or left > 0):
                return hopeful  # the budget ran out before the deadline
            for m in pending.values():
                answers[m.engine] = unknown(
                    ob, m.engine, f"timeout after {deadline.elapsed():.1f} s", deadline
                )
            return []
        for obj in ready:
            who = pending.get(obj) or by_sentinel.get(obj)
            if who is None or who.conn not in pending:
                continue
            answers[who.engine] = _receive(ob, who, deadline, opts)
            del pending[who.conn]
    return []


def _decide(
    ob: Obligation,
    answers: dict[str, Result],
    names: Sequence[str],
    sizes: Mapping[str, int],
    deadline: Deadline,
    cut: Sequence[str],
    budget: float | None,
) -> Result:
    """The best answer by the fixed order, saying when the wait budget decided it."""
    if not answers:
        return unknown(ob, ENGINE, "no engine answered", deadline)
    top = answers[preference.best(answers, names, sizes)]
    if top.verdict == "unknown":
        reasons = "; ".join(f"{r.engine}: {r.reason}" for r in answers.values())
        top = replace(top, engine=ENGINE, reason=reasons)
    result = _tag(top, answers, deadline)
    if cut:
        stats = dict(result.stats)
        stats["budget"] = (
            f"the {budget:g} s wait budget decided: {' and '.join(cut)} had not finished "
            f"and could have given a stronger answer (-e {cut[0]} waits for it)"
        )
        result = replace(result, stats=stats)
    return result


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
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not a handler inherited from the CLI
    signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPTS)
    die_with_parent()
    if memory_mb is not None:
        limit_memory(memory_mb)
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


def _in_turn(
    ob: Obligation, sizes: Mapping[str, int], opts: Options, names: list[str], deadline: Deadline
) -> Result:
    """The portfolio without processes, on the shared deadline: the inductive engine
    first (with a third of the time: inference may take long where other engines are
    quick), then the prover, then bmc, each only while it could still beat the best
    answer in hand (the same order as in parallel, so the same answer)."""
    answers: dict[str, Result] = {}
    for name in reversed(names):
        if answers and not preference.could_beat(name, answers, names, sizes):
            continue
        left = deadline.remaining()
        if left is not None and left <= 0:
            break
        if name == "inductive" and left is not None:
            left /= 3
        answers[name] = registry.run(name, ob, sizes, replace(opts, timeout_s=left))
    if not answers:
        return unknown(ob, ENGINE, f"timeout after {deadline.elapsed():.1f} s", deadline)
    return _decide(ob, answers, names, sizes, deadline, (), None)


def _stop(running: list[_Member]) -> None:
    """Kill every member still alive (they hold nothing worth a clean exit)."""
    for m in running:
        if m.process.is_alive():
            m.process.kill()
    for m in running:
        m.process.join(2.0)
        m.conn.close()


def _tag(result: Result, answers: dict[str, Result], deadline: Deadline) -> Result:
    """Record the portfolio's view: who answered what, and the total time."""
    stats = dict(result.stats)
    stats["portfolio"] = {name: r.verdict for name, r in answers.items()}
    return replace(result, stats=stats, time_s=deadline.elapsed())
