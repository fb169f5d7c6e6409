"""The gate for people: a live progress display, then one row per design, the
differences, the refutations the configuration expects, and a summary.

On a terminal (and not under CI) progress is a rich progress bar that
redraws in place; otherwise one plain line per finished obligation, so CI
logs stay readable. Progress goes to stderr and the report to stdout, so
``--json`` output on stdout stays clean.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from rmpcheck.gate.judge import Outcome, Status, expectation_text, judge
from rmpcheck.gate.plan import relative
from rmpcheck.gate.run import GateReport
from rmpcheck.gate.runner import Events, Ran, Unit
from rmpcheck.gate.vacuity import VacuityJob
from rmpcheck.result import PART_IN_LINE

_MARK = {"ok": "ok", "mismatch": "DIFFERS", "error": "ERROR", "not-run": "not run"}
_STYLE = {"ok": "green", "mismatch": "bold red", "error": "bold red", "not-run": "yellow"}


def interactive(stream: IO[str]) -> bool:
    """A person is watching: a terminal, and not a CI job (which sets CI=true)."""
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return stream.isatty() and not ci


class PlainProgress(Events):
    """One line per finished obligation: ``[3/12] ok       lock::write_checked  proved``."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = self.done = 0

    def begin(self, total: int) -> None:
        self.total = total

    def hit(self, job: Unit, ran: Ran) -> None:
        self._line(job, ran, cached=True)

    def finished(self, job: Unit, ran: Ran) -> None:
        self._line(job, ran, cached=False)

    def _line(self, job: Unit, ran: Ran, cached: bool) -> None:
        self.done += 1
        status, note = progress_status(job, ran)
        width = len(str(self.total))
        result = ran.result
        extra = (
            " (cached)"
            if cached
            else f" ({result.time_s:.1f} s)"
            if result
            else f" ({ran.wall_s:.1f} s)"
            if ran.wall_s
            else ""
        )
        first = note.splitlines()[0] if note else ""
        mark = _mark(job, status)
        print(
            f"[{self.done:>{width}}/{self.total}] {mark:<8} {job.name}  {first}{extra}",
            file=self.stream,
            flush=True,
        )


class LiveProgress(Events):
    """A rich progress bar, redrawn by us (no refresh thread: children are forked)."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = Console(file=stream or sys.stderr)
        self.progress = Progress(
            TextColumn("[bold]proving"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=self.console,
            auto_refresh=False,
            transient=True,
        )
        self.running: dict[str, None] = {}
        self.task: Any = None

    def begin(self, total: int) -> None:
        self.progress.start()
        self.task = self.progress.add_task("", total=total)

    def hit(self, job: Unit, ran: Ran) -> None:
        self._advance(job, ran)

    def started(self, job: Unit) -> None:
        self.running[job.name] = None
        self._describe()

    def finished(self, job: Unit, ran: Ran) -> None:
        self.running.pop(job.name, None)
        self._advance(job, ran)

    def _advance(self, job: Unit, ran: Ran) -> None:
        status, note = progress_status(job, ran)
        if status != "ok":
            first = note.splitlines()[0] if note else ""
            self.progress.console.print(f"[{_STYLE[status]}]{_MARK[status]}[/] {job.name}: {first}")
        self.progress.advance(self.task)
        self._describe()

    def _describe(self) -> None:
        names = list(self.running)
        text = ", ".join(names[:2]) + (f" +{len(names) - 2}" if len(names) > 2 else "")
        self.progress.update(self.task, description=text)
        self.progress.refresh()

    def tick(self) -> None:
        self.progress.refresh()

    def end(self) -> None:
        self.progress.stop()


def progress_status(job: Unit, ran: Ran) -> tuple[Status, str]:
    """How a finished task looks while the gate runs. A proof's findings arrive with
    its model's examination, so its line judges the verdict alone; the final
    report judges both."""
    if isinstance(job, VacuityJob):
        if ran.findings is None:
            return "error", ran.error or "no findings"
        n = sum(1 for fs in ran.findings for f in fs if f.status != "unknown")
        undecided = sum(1 for fs in ran.findings for f in fs if f.status == "unknown")
        more = f", {undecided} undecided" if undecided else ""
        claims = _plural(len(job.members), "proof")
        return "ok", f"{claims} examined: {_plural(n, 'finding')}{more}"
    return judge(job, ran.result, ran.error, examined=False)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _mark(job: Unit, status: Status) -> str:
    """An examination's progress line says so, and is not counted as an obligation's."""
    if isinstance(job, VacuityJob) and status == "ok":
        return "examined"
    return _MARK[status]


def progress_for(stream: IO[str] | None = None) -> Events:
    s = stream or sys.stderr
    return LiveProgress(s) if interactive(s) else PlainProgress(s)


# -------------------------------------------------------------------- report

HEAD = ("model", "property", "expected", "got", "scope", "engine", "time", "cached")


def rows(report: GateReport) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for o in report.outcomes:
        r = o.result
        time_s = "" if r is None else f"{r.time_s:.2f} s"
        got = o.got if o.status != "error" else "error"
        out.append(
            (
                o.job.model,
                o.job.prop,
                expectation_text(o.job.expect),
                got,
                o.scope,
                r.engine if r else o.job.engine,
                time_s,
                "yes" if o.cached else "",
            )
        )
    return out


def summary(report: GateReport) -> str:
    n = len(report.outcomes)
    parts = [f"{report.count('ok')} as expected"]
    for status, word in (
        ("mismatch", "differ"),
        ("error", "failed to run"),
        ("not-run", "not run"),
    ):
        if report.count(status):
            parts.append(f"{report.count(status)} {word}")
    cached = sum(1 for o in report.outcomes if o.cached)
    head = "interrupted: " if report.interrupted else ""
    return (
        f"{head}{n} obligation{'s' if n != 1 else ''}: {', '.join(parts)} "
        f"({cached} from the cache) in {report.wall_s:.1f} s"
    )


def details(o: Outcome) -> str:
    """What a reader needs about one obligation that is not as expected."""
    lines = [f"== {o.job.name} [{o.job.instance or 'no sorts'}, {o.job.engine}]: {o.note}"]
    r = o.result
    if r is not None and r.reason and r.reason not in o.note:
        lines.append(f"   reason: {r.reason}")
    for f in r.findings if r is not None else ():
        where = f" ({f.span})" if f.span is not None else ""
        lines.append(f"   {f.describe()}{where}")
        if len(f.part) > PART_IN_LINE:  # cut in the line above: here in full
            lines.append(f"     {f.kind}: {f.part}")
    if r is not None and r.trace is not None:
        from rmpcheck.trace import text

        lines.append("")
        lines.append(text.render(r.trace).rstrip("\n"))
    return "\n".join(lines)


def designs(report: GateReport) -> list[tuple[str, int, int, int]]:
    """One row per design (model file), in the configuration's order: its name, its
    obligations, how many came out as expected, and how many did not (a verdict that
    differs, an obligation that failed or did not run)."""
    rows: dict[Path, list[int]] = {}
    names: dict[Path, str] = {}
    for o in report.outcomes:
        row = rows.setdefault(o.job.model_file, [0, 0, 0])
        names[o.job.model_file] = o.job.model
        row[0] += 1
        row[1 if o.status == "ok" else 2] += 1
    # two files may hold models of one name: then the file says which is which
    count = Counter(names.values())
    out = []
    for f, (total, ok, bad) in rows.items():
        out.append((report.plan.rel(f) if count[names[f]] > 1 else names[f], total, ok, bad))
    return out


DESIGN_HEAD = ("design", "obligations", "as expected", "unexpected")


def design_table(report: GateReport, width: int = 80) -> list[str]:
    """The per-design summary as plain lines within ``width`` columns: a design name
    too long for its column is never cut, but has a line of its own above its row."""
    table = [(name, str(n), str(ok), str(bad)) for name, n, ok, bad in designs(report)]
    widths = [max(len(x) for x in col) for col in zip(DESIGN_HEAD, *table, strict=True)]
    numbers = sum(2 + w for w in widths[1:])
    widths[0] = max(len(DESIGN_HEAD[0]), min(widths[0], width - numbers))
    out = []
    for row in (DESIGN_HEAD, *table):
        name = row[0]
        if len(name) > widths[0]:
            out.append(name)
            name = ""
        cells = [name.ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        out.append("  ".join(cells).rstrip())
    return out


def expected_refutations(report: GateReport) -> list[int]:
    """Indices (into report.outcomes) of the refutations the configuration expects:
    the known bugs the gate keeps demonstrated."""
    return [
        i
        for i, o in enumerate(report.outcomes)
        if o.status == "ok" and o.result is not None and o.result.verdict == "refuted"
    ]


def refutation_lines(
    report: GateReport, trace_files: Mapping[int, Path] | None = None, width: int = 80
) -> list[str]:
    """One line per expected refutation: its name, its trace's length, and where its
    trace is (the file under --trace-dir; else --show-traces prints it). A file that
    would push the line past ``width`` goes on a line of its own."""
    out = []
    for i in expected_refutations(report):
        o = report.outcomes[i]
        assert o.result is not None
        t = o.result.trace
        n = t.length if t is not None else 0
        shape = "a lasso of " if t is not None and t.loop is not None else ""
        line = f"  {o.job.name}  ({shape}{_plural(n, 'step')})"
        where = (trace_files or {}).get(i)
        if where is not None:
            pointer = f"-> {where.name}"  # the heading names the directory
            if len(line) + 2 + len(pointer) <= width:
                line += "  " + pointer
            else:
                line += "\n    " + pointer
        out.append(line)
    return out


def show(
    report: GateReport,
    stream: IO[str] | None = None,
    verbose: bool = False,
    show_traces: bool = False,
    trace_files: Mapping[int, Path] | None = None,
) -> None:
    """Print one row per design, the details of everything not as expected, the
    expected refutations one line each (``show_traces``: with their traces), and the
    summary; ``verbose`` (or an interrupt) first prints the table of every obligation."""
    out = stream or sys.stdout
    # an interrupted run: which obligations finished and which did not is the news
    if verbose or report.interrupted:
        obligation_table(report, out)
        print(file=out)
    for line in design_table(report):
        print(line, file=out)
    for o in report.outcomes:
        if o.status in ("mismatch", "error"):
            print("\n" + details(o), file=out)
    refuted = refutation_lines(report, trace_files)
    if refuted:
        if trace_files:
            folder = next(iter(trace_files.values())).parent.as_posix()
            where = f" (trace files in {folder}/)"
        else:
            where = "" if show_traces else " (--show-traces prints their traces)"
        print(f"\nexpected refutations{where}:", file=out)
        for line in refuted:
            print(line, file=out)
    if show_traces:
        from rmpcheck.trace import text

        for i in expected_refutations(report):
            o = report.outcomes[i]
            if o.result is not None and o.result.trace is not None:
                print(f"\n== {o.job.name}: refuted, as expected", file=out)
                print(text.render(o.result.trace).rstrip("\n"), file=out)
    unrecorded = [u for u in map(inferred_here, report.outcomes) if u]
    if unrecorded:
        print("\nproved with lemmas the property files do not state (the engine inferred", file=out)
        print("them; record them, and a run needs no inference):", file=out)
        for line in unrecorded:
            print("  " + line, file=out)
    print("\n" + summary(report), file=out)


def obligation_table(report: GateReport, out: IO[str]) -> None:
    """Every obligation, one row each (``--verbose``): a rich table on a terminal."""
    table = rows(report)
    if interactive(out):
        from rich.console import Console
        from rich.table import Table

        t = Table(*HEAD, box=None)
        for o, row in zip(report.outcomes, table, strict=True):
            t.add_row(*row, style=_STYLE[o.status] if o.status != "ok" else None)
        Console(file=out).print(t)
    else:
        widths = [max(len(x) for x in col) for col in zip(HEAD, *table, strict=True)]
        for row in (HEAD, *table):
            print(
                "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out
            )


def inferred_here(o: Outcome) -> str:
    """The command that writes the lemmas a proof had to infer, or "" when it had none."""
    r = o.result
    if r is None or not r.stats.get("lemmas_inferred"):
        return ""
    j = o.job
    props = relative(j.props_file, Path.cwd())
    return (
        f"rmpcheck cti {relative(j.model_file, Path.cwd())} {props} -p {j.prop}"
        f" --infer --write {props}   # {r.stats['lemmas_inferred']} lemma(s)"
    )
