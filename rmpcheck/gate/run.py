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

from rmpcheck.gate.cache import Cache
from rmpcheck.gate.judge import Outcome, judge
from rmpcheck.gate.lemmas import assumed_lemmas, settle
from rmpcheck.gate.plan import Job, Plan
from rmpcheck.gate.runner import Events, Ran, Solve, engine_solve, run_jobs
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


@dataclass(frozen=True)
class GateReport:
    plan: Plan
    outcomes: tuple[Outcome, ...]
    interrupted: bool
    wall_s: float
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


def run_gate(
    plan: Plan, options: GateOptions = GateOptions(), events: Events | None = None
) -> GateReport:
    """Run (or fetch from the cache) every selected obligation and judge it."""
    t0 = time.monotonic()
    events = events or Events()
    cache = Cache(plan.config.cache_dir, read=options.read_cache)
    jobs = plan.jobs
    chosen = [i for i, j in enumerate(jobs) if options.select is None or options.select(j)]
    results: dict[int, Result] = {}
    errors: dict[int, str] = {}
    cached: set[int] = set()
    walls: dict[int, float] = {}
    wanted = list(chosen)
    interrupted = False
    events.begin(len(chosen))
    recorder = _Recorder(events, cache)
    while True:
        todo = [i for i in wanted if i not in results and i not in errors]
        for i in todo:
            hit = cache.get(jobs[i].key)
            if hit is not None:
                results[i] = _with_files(hit, jobs[i])
                cached.add(i)
                events.hit(jobs[i], results[i])
        todo = [i for i in todo if i not in results]
        # identical obligations (same key) run once
        first: dict[str, int] = {}
        for i in todo:
            first.setdefault(jobs[i].key, i)
        batch = run_jobs(
            [(i, jobs[i]) for i in first.values()],
            lambda j: (plan.models[j.model_file], plan.props[(j.props_file, j.model_file)]),
            options.jobs or os.cpu_count() or 1,
            recorder,
            options.solve,
        )
        for i in todo:
            ran: Ran | None = batch.ran.get(first[jobs[i].key])
            if ran is None:
                continue
            walls[i] = ran.wall_s
            if ran.result is not None:
                results[i] = _with_files(ran.result, jobs[i])
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
    settled = settle(jobs, results)
    outcomes = []
    for i in chosen:
        r = settled.get(i)
        status, note = judge(jobs[i], r, errors.get(i, ""))
        outcomes.append(Outcome(jobs[i], status, r, i in cached, note, walls.get(i, 0.0)))
    warnings = tuple(f"{w} (results are not kept: every run proves them again)"
                     for w in cache.problems)
    return GateReport(plan, tuple(outcomes), interrupted, time.monotonic() - t0, warnings)


class _Recorder(Events):
    """Stores each result in the cache the moment it arrives, then passes the event on."""

    def __init__(self, inner: Events, cache: Cache) -> None:
        self.inner, self.cache = inner, cache

    def started(self, job: Job) -> None:
        self.inner.started(job)

    def finished(self, job: Job, ran: Ran) -> None:
        if ran.result is not None:
            self.cache.put(job.key, ran.result)
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


def _with_files(r: Result, job: Job) -> Result:
    """The trace names this checkout's files (a cached one may come from another)."""
    if r.trace is None:
        return r
    t = dataclasses.replace(
        r.trace, model_file=str(job.model_file), property_file=str(job.props_file)
    )
    return dataclasses.replace(r, trace=t)
