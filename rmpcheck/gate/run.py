"""The gate end to end: cache look-ups, parallel runs, lemma checks, verdicts judged.

:func:`run_gate` is what both ``rmpcheck prove`` (no MODEL/PROPS) and the
pytest plugin call; it returns a :class:`GateReport` and prints nothing
(progress goes through :class:`~rmpcheck.gate.runner.Events`).
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from rmpcheck.engines.base import SHARED_KINDS
from rmpcheck.gate.cache import Cache
from rmpcheck.gate.judge import Outcome, judge
from rmpcheck.gate.lemmas import assumed_lemmas, settle
from rmpcheck.gate.plan import Job, Plan
from rmpcheck.gate.runner import (
    Batch,
    Events,
    Ran,
    SharedJob,
    Solve,
    Task,
    Unit,
    engine_solve,
    run_jobs,
)
from rmpcheck.gate.vacuity import Findings, VacuityJob, attach, vacuity_jobs
from rmpcheck.result import Result

EXIT_OK, EXIT_DIFFERS, EXIT_ERROR, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

# how the runner marks an obligation that failed through our fault, not the input's
INTERNAL = "internal error"


@dataclass(frozen=True)
class GateOptions:
    jobs: int | None = None  # parallel processes; None: one per CPU
    read_cache: bool = True  # --no-cache: False (results are still written)
    select: Callable[[Job], bool] | None = None  # None: every obligation
    solve: Solve = engine_solve
    # a Dask scheduler's address (gate/cluster.py); None: the configuration's, else local
    scheduler: str | None = None


@dataclass(frozen=True)
class GateReport:
    plan: Plan
    outcomes: tuple[Outcome, ...]
    interrupted: bool
    wall_s: float
    # each examination of proofs that ran or came from the cache (gate/vacuity.py)
    examined: tuple[Examined, ...] = ()
    warnings: tuple[str, ...] = ()  # what the user should know that is no verdict

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def exit_code(self) -> int:
        """130 interrupted; 3 an internal error; 2 bad input for an obligation; 1 a verdict
        differs; 0 all as expected."""
        if self.interrupted:
            return EXIT_INTERRUPTED
        errors = [o for o in self.outcomes if o.status == "error"]
        if any(o.note.startswith(INTERNAL) for o in errors):
            return EXIT_INTERNAL
        if errors:
            return EXIT_ERROR
        if self.count("mismatch") or self.count("not-run"):
            return EXIT_DIFFERS
        return EXIT_OK


@dataclass(frozen=True, slots=True)
class Examined:
    """One examination of proofs and what it gave (findings, or an error)."""

    job: VacuityJob
    findings: Findings | None
    error: str = ""
    cached: bool = False
    wall_s: float = 0.0


def run_gate(
    plan: Plan, options: GateOptions = GateOptions(), events: Events | None = None
) -> GateReport:
    """Run (or fetch from the cache) every selected obligation, and the examination
    of each proof among them, and judge it."""
    t0 = time.monotonic()
    events = events or Events()
    cache = Cache(plan.config.cache_dir, read=options.read_cache)
    jobs = plan.jobs
    vjobs: list[VacuityJob] = []
    chosen = [i for i, j in enumerate(jobs) if options.select is None or options.select(j)]
    results: dict[int, Result] = {}
    errors: dict[int, str] = {}
    examined: dict[int, Examined] = {}
    cached: set[int] = set()
    walls: dict[int, float] = {}
    wanted = list(chosen)
    interrupted = False
    covered: set[int] = set()  # obligations whose examination is planned
    events.begin(len(chosen) + len(_exams_for(plan, vjobs, wanted, covered, dry=True)))
    recorder = _Recorder(events, cache)
    while True:
        todo = [i for i in wanted if i not in results and i not in errors]
        for i in todo:
            hit = cache.get(jobs[i].key)
            if hit is not None:
                results[i] = _with_files(hit, jobs[i], plan)
                cached.add(i)
                events.hit(jobs[i], Ran(results[i]))
        todo = [i for i in todo if i not in results]
        exams = _exams_for(plan, vjobs, wanted, covered)
        for k in exams:
            found = cache.get_findings(vjobs[k].key)
            if found is not None:
                examined[k] = Examined(vjobs[k], found, cached=True)
                events.hit(vjobs[k], Ran(None, findings=found))
        # identical obligations (same key) run once
        first: dict[str, int] = {}
        for i in todo:
            first.setdefault(jobs[i].key, i)
        # examinations first: each is as long as several proofs, so they start early
        tasks: list[tuple[int, Task]] = [
            (len(jobs) + k, vjobs[k]) for k in exams if k not in examined
        ]
        tasks += _share(jobs, list(first.values()), options.solve is engine_solve)
        batch = _run(plan, options, tasks, recorder)
        for k in exams:
            ran = batch.ran.get(len(jobs) + k)
            if ran is not None:
                examined[k] = Examined(vjobs[k], ran.findings, ran.error, wall_s=ran.wall_s)
        for i in todo:
            ran = batch.ran.get(first[jobs[i].key])
            if ran is None:
                continue
            walls[i] = ran.wall_s
            if ran.result is not None:
                results[i] = _with_files(ran.result, jobs[i], plan)
            else:
                errors[i] = ran.error
        if batch.interrupted:
            interrupted = True
            break
        more = _lemma_jobs(jobs, results, wanted)
        if not more:
            break
        wanted.extend(more)
    events.end()
    settled = attach(
        settle(jobs, results),
        {k: e.findings for k, e in examined.items() if e.findings is not None},
        vjobs,
    )
    failed = {i: e.error for e in examined.values() if e.error for i in e.job.members}
    done = {i for e in examined.values() if e.findings is not None for i in e.job.members}
    outcomes = []
    for i in chosen:
        r = settled.get(i)
        error = errors.get(i, "")
        if not error and r is not None and r.verdict == "proved" and i in failed:
            error = f"examining the proof failed: {failed[i]}"
        # an interrupted run may not have examined a proof: it is judged on its verdict
        status, note = judge(jobs[i], r, error, examined=i in done or not jobs[i].vacuity)
        outcomes.append(Outcome(jobs[i], status, r, i in cached, note, walls.get(i, 0.0)))
    warnings = tuple(
        f"{w} (results are not kept: every run proves them again)" for w in cache.problems
    )
    return GateReport(
        plan,
        tuple(outcomes),
        interrupted,
        time.monotonic() - t0,
        tuple(examined[k] for k in sorted(examined)),
        warnings,
    )


def _run(plan: Plan, options: GateOptions, tasks: list[tuple[int, Task]], events: Events) -> Batch:
    """The tasks run here, or on the Dask cluster that the options or configuration name."""
    scheduler = options.scheduler or plan.config.scheduler
    if scheduler:
        from rmpcheck.gate.cluster import run_on_cluster

        return run_on_cluster(scheduler, tasks, lambda j: _inputs(plan, j), events, options.solve)
    workers = options.jobs or os.cpu_count() or 1
    return run_jobs(tasks, lambda j: _inputs(plan, j), workers, events, options.solve)


def _exams_for(
    plan: Plan, vjobs: list[VacuityJob], wanted: list[int], covered: set[int], dry: bool = False
) -> list[int]:
    """New examinations (indices into ``vjobs``, which grows) for the wanted obligations
    that have none yet: only those are examined, so ``-p NAME`` examines NAME alone."""
    new = [i for i in wanted if plan.jobs[i].vacuity and i not in covered]
    more = vacuity_jobs(plan.jobs, plan.models, plan.props, new)
    if dry:
        return list(range(len(more)))
    covered.update(new)
    vjobs.extend(more)
    return list(range(len(vjobs) - len(more), len(vjobs)))


def _share(jobs: tuple[Job, ...], todo: list[int], engines: bool) -> list[tuple[int, Task]]:
    """The obligations to run, those that one explicit search can decide together
    (same model, property file, instance and limits) as one task."""
    groups: dict[tuple[object, ...], list[int]] = {}
    key: tuple[object, ...]
    for i in todo:
        j = jobs[i]
        # a safety claim, the deadlock check or a cover (not liveness): one search decides it
        if engines and j.engine == "explicit" and j.kind in SHARED_KINDS:
            key = (j.model_file, j.props_file, j.sizes, j.timeout, j.memory_mb)
        else:
            key = (i,)
        groups.setdefault(key, []).append(i)
    tasks: list[tuple[int, Task]] = []
    for members in groups.values():
        if len(members) == 1:
            tasks.append((members[0], jobs[members[0]]))
        else:
            tasks.append((members[0], SharedJob(tuple((i, jobs[i]) for i in members))))
    return tasks


def _inputs(plan: Plan, task: Task) -> object:
    """What a task's child process needs (it is forked: nothing is copied)."""
    if isinstance(task, VacuityJob):
        return plan.models[task.model_file], plan.jobs, plan.props
    return plan.models[task.model_file], plan.props[(task.props_file, task.model_file)]


class _Recorder(Events):
    """Stores each result in the cache the moment it arrives, then passes the event on."""

    def __init__(self, inner: Events, cache: Cache) -> None:
        self.inner, self.cache = inner, cache

    def started(self, job: Unit) -> None:
        self.inner.started(job)

    def finished(self, job: Unit, ran: Ran) -> None:
        if ran.result is not None:
            self.cache.put(job.key, ran.result)
        if ran.findings is not None:
            self.cache.put_findings(job.key, ran.findings)
        self.inner.finished(job, ran)

    def tick(self) -> None:
        self.inner.tick()


def _lemma_jobs(jobs: tuple[Job, ...], results: dict[int, Result], wanted: list[int]) -> list[int]:
    """Lemma obligations that a result assumed but this run has not yet looked at."""
    have = set(wanted)
    out: list[int] = []
    for i in list(wanted):
        r = results.get(i)
        if r is None:
            continue
        for lemma in assumed_lemmas(r):
            for k, j in enumerate(jobs):
                same = (j.model_file, j.props_file) == (jobs[i].model_file, jobs[i].props_file)
                if same and j.prop == lemma and k not in have:
                    have.add(k)
                    out.append(k)
    return out


def _with_files(r: Result, job: Job, plan: Plan) -> Result:
    """The trace names this checkout's files, relative to the project root (the
    configuration's directory), so a saved trace means the same on any machine
    and in any checkout (a cached one may come from another)."""
    if r.trace is None:
        return r
    t = dataclasses.replace(
        r.trace, model_file=plan.rel(job.model_file), property_file=plan.rel(job.props_file)
    )
    return dataclasses.replace(r, trace=t)
