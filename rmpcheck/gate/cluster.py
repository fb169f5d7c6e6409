"""Run the gate's tasks on a Dask distributed cluster instead of local processes.

``rmpcheck prove --scheduler tcp://HOST:PORT`` (or ``scheduler = "..."`` in
``[tool.rmpcheck]``) sends each task (an obligation, an explicit search shared
by several, or an examination of proofs) to the cluster. On the worker the
task runs exactly as the local gate runs it: :func:`rmpcheck.gate.runner.run_jobs`
forks one child per task, in its own process group, under the task's
``memory_mb`` (RLIMIT_AS) and killed past its timeout and grace; a child that
dies gives "unknown" with the reason. So verdicts, limits, and what a limit
gives are the local run's; only the machine differs. The client (this
process) keeps the cache, reports and exit codes: results are cached as they
arrive, by the same :class:`~rmpcheck.gate.runner.Events` as a local run.

Dask is an optional dependency (``pip install 'rmpcheck[cluster]'``), imported
only here and only when a scheduler is given. The workers need rmpcheck, of
the same version and source and with the same z3 (checked before anything is
sent: the cache's keys assume it), and no shared files: each task carries its
parsed model and properties.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import rmpcheck
from rmpcheck.errors import ConfigError
from rmpcheck.gate.runner import (
    Batch,
    Events,
    Preload,
    Ran,
    Solve,
    Task,
    engine_solve,
    interrupts,
    members_of,
    run_jobs,
)

EXTRA = "pip install 'rmpcheck[cluster]'"
# how long to wait for the scheduler to answer, and for a first worker to join it
CONNECT_S = 30.0
# how often the client looks at its tasks (and calls Events.tick): the local runner's pace
POLL_S = 0.2
# what an obligation that the cluster itself lost (no result, no worker) is marked with;
# it starts with run.INTERNAL, so the gate exits 3 as for a local child it could not start
LOST = "internal error: the cluster lost this task"


def run_on_cluster(
    address: str,
    jobs: Sequence[tuple[int, Task]],
    inputs: Callable[[Task], Any],
    events: Events | None = None,
    solve: Solve = engine_solve,
) -> Batch:
    """:func:`~rmpcheck.gate.runner.run_jobs` with the scheduler at ``address`` instead of
    local processes: the same tasks, the same :class:`Batch`. The cluster's worker threads
    set the parallelism."""
    events = events or Events()
    client = connect(address)
    try:
        return _run(client, jobs, inputs, events, solve)
    finally:
        client.close()


def connect(address: str) -> Any:
    """A client of the scheduler at ``address``, with a worker that runs this rmpcheck."""
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError(
            f"--scheduler {address}: Dask distributed is not installed ({EXTRA})"
        ) from None
    try:
        client = Client(address, timeout=CONNECT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {e}") from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_S)
        versions = client.run(worker_version)
    except (OSError, TimeoutError) as e:
        client.close()
        raise ConfigError(
            f"the Dask scheduler at {address} has no worker that answered within "
            f"{CONNECT_S:g} s: {e}"
        ) from None
    except Exception as e:  # the function could not run there: rmpcheck is missing
        client.close()
        raise ConfigError(
            f"the workers of {address} cannot run rmpcheck ({type(e).__name__}: {e}); "
            f"install rmpcheck {rmpcheck.__version__} on every worker"
        ) from None
    problem = mismatch(worker_version(), versions)
    if problem:
        client.close()
        raise ConfigError(problem)
    return client


def mismatch(here: tuple[str, ...], workers: Mapping[str, Any]) -> str:
    """Why a worker (``workers``: address -> its :func:`worker_version`) may not run this
    gate's obligations, or ""."""
    other = {w: tuple(v) for w, v in workers.items() if tuple(v) != here}
    if not other:
        return ""
    worker, there = sorted(other.items())[0]
    return (
        f"worker {worker} runs {_describe(there)}, this is {_describe(here)}: every worker "
        "must run the same rmpcheck and z3 (the cache's keys assume it, and verdicts must "
        "not depend on where an obligation ran)"
    )


def worker_version() -> tuple[str, str, str]:
    """Run on every worker before any task: what the cache's keys take from the code
    (gate/fingerprint.py): rmpcheck's version, its source's digest, z3's version."""
    from rmpcheck.gate.fingerprint import code_digest, z3_version

    return rmpcheck.__version__, code_digest(), z3_version()


def _describe(version: tuple[str, ...]) -> str:
    number, digest, z3 = (*version, "?", "?", "?")[:3]
    return f"rmpcheck {number} (source {digest[:12]}) with z3 {z3}"


def run_task(index: int, task: Task, given: Any, solve: Solve, preload: Preload) -> dict[int, Ran]:
    """On a worker: one task as the local gate runs it (a forked child under its limits,
    with its batch's modules loaded); the Ran of each member."""
    # Dask starts its worker processes daemonic (distributed.worker.daemon), and
    # multiprocessing will not start a child from a daemonic process, lest the child
    # outlive it. The runner's children cannot: each asks the kernel to kill it when its
    # parent dies (sandbox.die_with_parent), and the runner kills any that overruns. The
    # flag is lifted for good, not restored, since other tasks run in this process's
    # other threads at the same time.
    multiprocessing.current_process()._config["daemon"] = False  # type: ignore[attr-defined]
    batch = run_jobs([(index, task)], lambda _: given, 1, solve=solve, preload=preload)
    return batch.ran


def _run(
    client: Any,
    jobs: Sequence[tuple[int, Task]],
    inputs: Callable[[Task], Any],
    events: Events,
    solve: Solve,
) -> Batch:
    batch = Batch()
    scattered: dict[tuple[int, ...], Any] = {}
    futures: dict[int, tuple[Task, Any]] = {}
    preload = Preload.of(jobs, solve)
    with interrupts() as stop:
        for order, (index, task) in enumerate(jobs):
            given = inputs(task)
            # each model and property set goes to the cluster once, not once per task
            key = tuple(id(part) for part in given)
            if key not in scattered:
                scattered[key] = client.scatter(given, hash=False)
            future = client.submit(
                run_task,
                index,
                task,
                scattered[key],
                solve,
                preload,
                pure=False,
                priority=-order,  # the gate's order: examinations (the longest) first
            )
            futures[index] = (task, future)
            for _, member in members_of(index, task):
                events.started(member)
        while futures and not stop.is_set():
            for index in [i for i, (_, f) in futures.items() if f.done()]:
                task, future = futures.pop(index)
                _record(batch, index, task, _outcome(future), events)
            events.tick()
            if futures:
                time.sleep(POLL_S)
        if futures:
            batch.interrupted = True
            client.cancel([f for _, f in futures.values()])
    return batch


def _outcome(future: Any) -> Mapping[int, Ran] | str:
    """The members' results, or why there are none (the cluster, not the engine, failed)."""
    if future.status == "finished":
        try:
            ran = future.result()
        except Exception as e:  # could not be fetched or read
            return f"{LOST}: {type(e).__name__}: {e}"
        return ran if isinstance(ran, dict) else f"{LOST}: it returned {type(ran).__name__}"
    try:
        error = future.exception()
    except Exception as e:  # cancelled, or the scheduler went away
        error = e
    return f"{LOST}: {type(error).__name__}: {error}"


def _record(
    batch: Batch, index: int, task: Task, outcome: Mapping[int, Ran] | str, events: Events
) -> None:
    for i, member in members_of(index, task):
        if isinstance(outcome, str):
            ran = Ran(None, outcome)
        else:
            ran = outcome.get(i) or Ran(None, f"{LOST}: no result for {member.name}")
        batch.ran[i] = ran
        events.finished(member, ran)
