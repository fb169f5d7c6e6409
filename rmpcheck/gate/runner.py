"""Run obligations in parallel child processes, each under a time and a memory limit.

Every obligation gets a fresh forked process (fork: the parsed models are
already in memory, and a child costs milliseconds, not an interpreter start),
which puts itself in its own process group (so killing it also kills any
portfolio processes an engine starts) and caps its address space with
RLIMIT_AS. The parent kills a child that overruns its timeout by more than a
grace period. A child that dies gives "unknown" with the reason, never a
verdict. SIGINT and SIGTERM only set a flag, checked between waits, so an
interrupt never lands half-way through receiving a finished result: the
runner kills the children, and returns what finished, marking it interrupted.
A task is a proof obligation (:class:`Job`), several decided by one explicit
search (:class:`SharedJob`), or the examination of proofs
(:class:`~rmpcheck.gate.vacuity.VacuityJob`); all run the same way.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rmpcheck import ir
from rmpcheck.engines.base import Options
from rmpcheck.engines.sandbox import die_with_parent, limit_memory
from rmpcheck.errors import InternalError, RmpcheckError
from rmpcheck.gate import codec, vacuity
from rmpcheck.gate.plan import Job
from rmpcheck.gate.vacuity import Findings, VacuityJob
from rmpcheck.monitor import Obligation
from rmpcheck.result import Result

Solve = Callable[[str, Obligation, Mapping[str, int], Options], Result]


@dataclass(frozen=True)
class SharedJob:
    """Explicit-search obligations of one property file at one instance, decided by one
    search (engines/explicit_together.py); ``members`` are (job index, job)."""

    members: tuple[tuple[int, Job], ...]

    @property
    def first(self) -> Job:
        return self.members[0][1]

    @property
    def model_file(self) -> Any:
        return self.first.model_file

    @property
    def props_file(self) -> Any:
        return self.first.props_file

    @property
    def memory_mb(self) -> int:
        return self.first.memory_mb

    @property
    def timeout(self) -> float:
        # the shared search, then a search of its own for each claim it found broken
        return self.first.timeout * (1 + len(self.members))

    @property
    def name(self) -> str:
        return f"{self.first.model}::{len(self.members)} claims"


# what progress events see (a shared job is reported member by member), and what runs
Unit = Job | VacuityJob
Task = Unit | SharedJob

# the parent's hard limit: the engine's own timeout, then this much more
GRACE_S = 5.0
GRACE_FRACTION = 0.25


def engine_solve(engine: str, ob: Obligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """The default: the engine registry."""
    from rmpcheck.engines.registry import run

    return run(engine, ob, sizes, opts)


@dataclass(frozen=True, slots=True)
class Ran:
    """What one task gave: a result (an examination: findings), or an error (bad input
    for the engine, or our bug)."""

    result: Result | None
    error: str = ""
    wall_s: float = 0.0
    findings: Findings | None = None
    parts: tuple[Ran, ...] = ()  # a shared job's: one per member


@dataclass
class Batch:
    """The outcome of :func:`run_jobs`: results by job index, and whether it was cut short."""

    ran: dict[int, Ran] = field(default_factory=dict)
    interrupted: bool = False


@dataclass
class _Child:
    index: int
    job: Task
    process: Any  # multiprocessing.Process (from a context)
    conn: multiprocessing.connection.Connection
    started: float
    payload: tuple[str, str] | None = None


class Events:
    """Progress hooks; the console display subclasses this. All run in the parent process."""

    def begin(self, total: int) -> None:
        """``total`` obligations are about to be looked up or run."""

    def hit(self, job: Unit, ran: Ran) -> None:
        """``job``'s result (or findings) came from the cache."""

    def started(self, job: Unit) -> None: ...

    def finished(self, job: Unit, ran: Ran) -> None: ...

    def tick(self) -> None:
        """Called a few times a second while children run."""

    def end(self) -> None: ...


def hard_limit(job: Task) -> float:
    return job.timeout + max(GRACE_S, GRACE_FRACTION * job.timeout)


def run_jobs(
    jobs: Sequence[tuple[int, Task]],
    inputs: Callable[[Task], Any],
    workers: int,
    events: Events | None = None,
    solve: Solve = engine_solve,
    preload: Preload | None = None,
) -> Batch:
    """Run ``jobs`` (index, task; indices unique) with at most ``workers`` at a time.
    ``inputs(task)`` is what the child needs: (model, property set) for a Job, the
    (model, jobs, property sets) for a VacuityJob. ``preload``: what to import before
    the first fork [default: what ``jobs`` need]."""
    events = events or Events()
    batch = Batch()
    pending = list(jobs)
    running: dict[int, _Child] = {}
    ctx = multiprocessing.get_context("fork")
    (preload or Preload.of(jobs, solve)).load()
    with interrupts() as stop:
        while (pending or running) and not stop.is_set():
            while pending and len(running) < max(1, workers):
                index, job = pending.pop(0)
                try:
                    running[index] = _start(ctx, index, job, inputs(job), solve)
                except OSError as e:  # no process to be had (fork failed): say so, go on
                    why = f"internal error: could not start a process for this obligation: {e}"
                    for i, member in members_of(index, job):
                        batch.ran[i] = Ran(None, why)
                        events.finished(member, batch.ran[i])
                    continue
                for _, member in members_of(index, job):
                    events.started(member)
            _wait(running, timeout=0.2)
            for index in list(running):
                ran = _collect(running[index])
                if ran is not None:
                    child = running.pop(index)
                    for (i, member), part in zip(
                        members_of(index, child.job), _parts(child.job, ran), strict=True
                    ):
                        batch.ran[i] = part
                        events.finished(member, part)
            events.tick()
        if running:
            batch.interrupted = True
            for child in running.values():
                _kill(child)
        batch.interrupted = batch.interrupted or bool(pending)
    return batch


def members_of(index: int, task: Task) -> tuple[tuple[int, Unit], ...]:
    """What progress events and results are keyed by: a shared job's members, else the task."""
    return task.members if isinstance(task, SharedJob) else ((index, task),)


def _parts(task: Task, ran: Ran) -> tuple[Ran, ...]:
    """A shared job's outcome, one per member (each member's own when it sent them)."""
    if not isinstance(task, SharedJob):
        return (ran,)
    if ran.parts:
        return ran.parts
    why = ran.error or (ran.result.reason if ran.result is not None else "no result")
    return tuple(
        Ran(_unknown(job, why, ran.wall_s), wall_s=ran.wall_s) if not ran.error
        else Ran(None, ran.error, ran.wall_s)
        for _, job in task.members
    )


@dataclass(frozen=True)
class Preload:
    """What a batch's children need imported: loaded once, before the first fork, so each
    child starts with it. What was imported shows in a trace (its tool versions name z3
    only if z3 was loaded), so a task run alone (gate/cluster.py) loads its whole batch's."""

    engines: frozenset[str]
    vacuity: bool
    shared: bool

    @staticmethod
    def of(jobs: Sequence[tuple[int, Task]], solve: Solve) -> Preload:
        return Preload(
            frozenset(j.engine for _, j in jobs if isinstance(j, Job))
            if solve is engine_solve
            else frozenset(),
            any(isinstance(j, VacuityJob) for _, j in jobs),
            any(isinstance(j, SharedJob) for _, j in jobs),
        )

    def load(self) -> None:
        from rmpcheck.engines.registry import resolve

        for name in sorted(self.engines):
            with contextlib.suppress(Exception):  # the child reports what went wrong
                resolve(name)
        if self.vacuity:
            import rmpcheck.vacuity  # noqa: F401
        if self.shared:
            import rmpcheck.engines.explicit_together  # noqa: F401


@contextlib.contextmanager
def interrupts() -> Iterator[threading.Event]:
    """SIGINT/SIGTERM set an event instead of raising, while the runner owns the children."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: Any) -> None:
        stop.set()

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def _start(ctx: Any, index: int, job: Task, given: Any, solve: Solve) -> _Child:
    recv, send = ctx.Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # else the child inherits, and may repeat, buffered output
    # block SIGINT across the fork so the child can ignore it before it could arrive
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        p = ctx.Process(target=_child_main, args=(send, job, given, solve), daemon=False)
        p.start()
    except OSError:
        recv.close()
        send.close()
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
    send.close()
    return _Child(index, job, p, recv, time.monotonic())


def _wait(running: Mapping[int, _Child], timeout: float) -> None:
    objs: list[Any] = []
    for c in running.values():
        objs.append(c.process.sentinel)
        if c.payload is None:
            objs.append(c.conn)
    if objs:
        multiprocessing.connection.wait(objs, timeout)


def _collect(child: _Child) -> Ran | None:
    """The child's outcome if it has one now (reading its message first), else None."""
    if child.payload is None:
        try:
            if child.conn.poll():
                child.payload = child.conn.recv()
        except (EOFError, OSError):
            child.payload = ("died", "")
    elapsed = time.monotonic() - child.started
    if child.payload is not None and child.payload[0] != "died":
        child.process.join(5.0)
        if child.process.is_alive():
            _kill(child)
        child.conn.close()
        return _ran(child.job, child.payload, elapsed)
    if not child.process.is_alive():
        child.process.join()
        # a message may have arrived just before it exited
        with contextlib.suppress(EOFError, OSError):
            if child.payload is None and child.conn.poll():
                payload = child.conn.recv()
                child.conn.close()
                return _ran(child.job, payload, elapsed)
        child.conn.close()
        return _gave_up(child.job, _death(child.process.exitcode, child.job), elapsed)
    if elapsed > hard_limit(child.job):
        _kill(child)
        child.conn.close()
        why = (
            f"killed after {elapsed:.0f} s: the engine overran its {child.job.timeout:g} s timeout"
        )
        return _gave_up(child.job, why, elapsed)
    return None


def _ran(job: Task, payload: tuple[str, str], elapsed: float) -> Ran:
    kind, body = payload
    if kind == "shared":
        assert isinstance(job, SharedJob)
        return Ran(
            None,
            wall_s=elapsed,
            parts=tuple(
                _ran(member, part, elapsed)
                for (_, member), part in zip(job.members, json.loads(body), strict=True)
            ),
        )
    if kind == "findings":
        try:
            return Ran(None, wall_s=elapsed, findings=vacuity.loads(body))
        except codec.CodecError as e:
            return Ran(None, f"internal error: the findings could not be read: {e}", elapsed)
    if kind == "result":
        try:
            return Ran(codec.loads(body), wall_s=elapsed)
        except codec.CodecError as e:
            return Ran(None, f"internal error: the engine's result could not be read: {e}", elapsed)
    if kind == "unknown":
        return _gave_up(job, body, elapsed)
    return Ran(None, body, elapsed)


def _death(exitcode: int | None, job: Task) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = f" (out of memory? limit {job.memory_mb} MB)" if -exitcode == signal.SIGKILL else ""
        return f"the engine process was killed by {name}{hint}"
    return f"the engine process exited with status {exitcode} before reporting a result"


def _gave_up(job: Task, reason: str, elapsed: float) -> Ran:
    """What a task that did not answer gave: unknown, with the reason."""
    if isinstance(job, VacuityJob):
        return Ran(None, wall_s=elapsed, findings=vacuity.undecided(job, reason))
    if isinstance(job, SharedJob):
        return Ran(
            None,
            wall_s=elapsed,
            parts=tuple(Ran(_unknown(m, reason, elapsed), wall_s=elapsed) for _, m in job.members),
        )
    return Ran(_unknown(job, reason, elapsed), wall_s=elapsed)


def _unknown(job: Job, reason: str, elapsed: float) -> Result:
    return Result(
        job.model, job.prop, job.kind, "unknown", job.engine, reason=reason, time_s=elapsed
    )


def _kill(child: _Child) -> None:
    try:
        os.killpg(child.process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        with contextlib.suppress(Exception):
            child.process.kill()
    child.process.join(5.0)


# ----------------------------------------------------------------- the child


def _child_main(conn: Any, job: Task, given: Any, solve: Solve) -> None:
    # never return into multiprocessing's exit path: it would flush the parent's buffers
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)
        at_start = _mapped_mb()  # read before the limit: reading needs memory too
        die_with_parent()  # a killed gate leaves no engine running
        limit_memory(job.memory_mb)
        if isinstance(job, VacuityJob):
            payload = vacuity.payload(job, given)
        elif isinstance(job, SharedJob):
            model, props = given
            payload = _solve_shared(job, model, props, at_start)
        else:
            model, props = given
            payload = _solve_one(job, model, props, solve, at_start)
        conn.send(payload)
        conn.close()
    except MemoryError:
        # out of memory outside the engine (or while reporting): still only "unknown"
        with contextlib.suppress(BaseException):
            conn.send(("unknown", f"memory limit of {job.memory_mb} MB exceeded"))
    except BaseException:
        with contextlib.suppress(BaseException):
            conn.send(("error", "internal error: " + traceback.format_exc()))
    finally:
        os._exit(0)


def _solve_shared(
    job: SharedJob, model: ir.Model, props: ir.PropertySet, at_start: int
) -> tuple[str, str]:
    """Every member decided by one search; each part as :func:`_solve_one` reports."""
    from rmpcheck.engines.explicit_together import check_together

    first = job.first
    names = [m.prop for _, m in job.members]
    opts = Options(depth=first.depth, timeout_s=first.timeout, memory_mb=first.memory_mb)
    together: dict[str, Result] | None
    try:
        together = check_together(model, props, names, dict(first.sizes), opts)
    except Exception:
        together = None  # not decided together (out of memory, bad input): each says why alone

    def solve(engine: str, ob: Obligation, sizes: Mapping[str, int], opts: Options) -> Result:
        if together is None:
            return engine_solve(engine, ob, sizes, opts)
        return together[ob.prop.name]

    parts = [_solve_one(m, model, props, solve, at_start) for _, m in job.members]
    return ("shared", json.dumps(parts))


def _mapped_mb() -> int:
    """This process's address space in MB (0 where /proc does not tell)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError):
        pass
    return 0


def _starved() -> bool:
    """Is this process at its memory limit? (Can it not get another 16 MB?)"""
    try:
        probe = bytearray(16 << 20)
    except MemoryError:
        return True
    del probe
    return False


def _solve_one(
    job: Job, model: ir.Model, props: ir.PropertySet, solve: Solve, at_start: int = 0
) -> tuple[str, str]:
    from rmpcheck.liveness import compile_claim

    start = time.monotonic()
    try:
        ob = compile_claim(model, props, job.prop)
        opts = Options(depth=job.depth, timeout_s=job.timeout, memory_mb=job.memory_mb)
        result = solve(job.engine, ob, dict(job.sizes), opts)
        if not isinstance(result, Result):
            raise InternalError(
                f"engine {job.engine} returned {type(result).__name__}, not a Result"
            )
        return ("result", codec.dumps(result))
    except MemoryError:
        why = f"memory limit of {job.memory_mb} MB exceeded after {time.monotonic() - start:.1f} s"
        if at_start and at_start * 5 > job.memory_mb * 4:
            why += f" (the process already mapped {at_start} MB when it started: raise memory_mb)"
        return ("unknown", why)
    except InternalError as e:
        return ("error", f"internal error (please report): {e}")
    except RmpcheckError as e:
        return ("error", str(e))
    except Exception as e:
        # running out of memory surfaces in odd ways (a solver's message, a parser's
        # ValueError): if a modest allocation fails now, that was the cause
        if "out of memory" in str(e).lower() or _starved():
            return (
                "unknown",
                f"memory limit of {job.memory_mb} MB exceeded ({type(e).__name__}: {str(e)[:200]})",
            )
        return ("error", "internal error (please report): " + traceback.format_exc())
