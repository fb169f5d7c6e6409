"""The invariant-inference protocol suite: proofs for all sizes with no hand lemma.

    python benchmarks/bench_protocols.py                  # every protocol and broken twin
    python benchmarks/bench_protocols.py lock_server paxos
    python benchmarks/bench_protocols.py --json out.json  # also write the rows
    python benchmarks/bench_protocols.py --markdown out.json  # those rows as docs' table
    python benchmarks/bench_protocols.py --inductive-only chord  # the inductive engine alone

For each protocol of benchmarks/protocols/ (ported from the public suites; each
model file names its source) three runs, each with a wall-clock limit:

- the inductive engine with no lemma given, so every lemma in a proof was
  inferred and re-checked by a fresh solver (PROVE_S);
- ``auto`` (the portfolio) on the same claim at the model's instance (PROVE_S);
- ``auto`` on the broken twin, which must be refuted (REFUTE_S).

Each run is a child process, killed GRACE_S after its limit if the engine
has not stopped by itself ("overran" in the table: a budget not honoured).

Prints one row per protocol: the verdicts, lemmas inferred, seconds, and the
published figures of DistAI, DuoAI, SWISS and P-FOL-IC3 (protocols_published:
the seconds a paper's table reports, or its word for a failure such as
"timeout (1 wk)", with the paper's key, e.g. "52.8 s [D21]"; "n/r" where no
figure was transcribed). A twin that comes back proved, or an
original that comes back refuted, is flagged on its row and makes the exit
status 1: the first is a soundness bug, the second a wrong port.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.protocols_published import SOURCES, SUITES, TOOLS, figure  # noqa: E402
from rmpcheck.engines import auto, inductive  # noqa: E402
from rmpcheck.engines.base import Options  # noqa: E402
from rmpcheck.engines.sandbox import die_with_parent  # noqa: E402
from rmpcheck.lang import load_model, load_properties  # noqa: E402
from rmpcheck.monitor import compile_obligation  # noqa: E402
from rmpcheck.result import Result  # noqa: E402

HERE = Path(__file__).resolve().parent / "protocols"
TESTS = ROOT / "tests" / "models" / "parametric"
PROVE_S = 120.0
REFUTE_S = 120.0
# an engine gets this long past its own timeout before the benchmark kills it
GRACE_S = 15.0


@dataclass(frozen=True)
class Case:
    name: str
    model: Path
    broken: Path
    props: Path
    claim: str


@dataclass(frozen=True)
class Row:
    name: str
    inductive: str
    lemmas: int
    inductive_s: float
    auto: str
    auto_s: float
    twin: str
    twin_s: float


def first_invariant(props: Path) -> str:
    """The name of the first ``invariant`` of a property file: the claim."""
    return next(
        line.split()[1].rstrip(":")
        for line in props.read_text().splitlines()
        if line.startswith("invariant ")
    )


def cases() -> list[Case]:
    out = []
    for m in sorted(HERE.glob("*.rmp")):
        if m.stem.endswith("_broken"):
            continue
        props = HERE / f"{m.stem}.prop"
        out.append(Case(m.stem, m, HERE / f"{m.stem}_broken.rmp", props, first_invariant(props)))
    # the classic protocols kept with the engine's tests
    for name in ("ticket", "ring_leader", "voting"):
        props = TESTS / f"{name}.prop"
        out.append(
            Case(
                name,
                TESTS / f"{name}.rmp",
                TESTS / f"{name}_broken.rmp",
                props,
                first_invariant(props),
            )
        )
    return out


def verdict(r: Result) -> str:
    """The verdict with its scope, short: "proved all sizes", "proved instance"."""
    if r.verdict != "proved" or r.scope is None:
        return r.verdict
    return "proved all sizes" if r.scope.kind == "all-sizes" else "proved instance"


def _child(engine_name: str, model: Path, case: Case, limit: float, out: Connection) -> None:
    die_with_parent()
    engine = {"inductive": inductive, "auto": auto}[engine_name]
    m = load_model(model)
    ob = compile_obligation(m, load_properties(case.props, m), case.claim, use_lemmas=False)
    sizes = dict(m.instances[0].sizes) if m.instances else {}
    r = engine.check(ob, sizes, Options(timeout_s=limit))
    lemmas = int(r.stats.get("lemmas_inferred", 0)) if r.verdict == "proved" else 0
    out.send((verdict(r), lemmas))


def timed(engine_name: str, model: Path, case: Case, limit: float) -> tuple[str, int, float]:
    """Verdict, lemmas inferred and wall seconds of one run, in a child process that
    is killed GRACE_S after its limit: an engine that overruns its own timeout is
    reported as "overran", with the time it was given, not waited for."""
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    start = time.perf_counter()
    child = ctx.Process(target=_child, args=(engine_name, model, case, limit, send))
    child.start()
    send.close()
    answer = recv.recv() if recv.poll(limit + GRACE_S) else None
    took = time.perf_counter() - start
    if child.is_alive():
        child.kill()
    child.join()
    if answer is None:
        return "overran", 0, took
    return answer[0], answer[1], took


def run(case: Case, inductive_only: bool = False) -> Row:
    ind, lemmas, ind_s = timed("inductive", case.model, case, PROVE_S)
    if inductive_only:
        return Row(case.name, ind, lemmas, ind_s, "-", 0.0, "-", 0.0)
    aut, _, aut_s = timed("auto", case.model, case, PROVE_S)
    twin, _, twin_s = timed("auto", case.broken, case, REFUTE_S)
    return Row(case.name, ind, lemmas, ind_s, aut, aut_s, twin, twin_s)


def alarms(row: Row) -> list[str]:
    """What on a row means a bug: a proved twin (soundness) or a refuted original (port)."""
    out = []
    if row.twin.startswith("proved"):
        out.append("SOUNDNESS: twin proved")
    if "refuted" in (row.inductive, row.auto):
        out.append("PORT: original refuted")
    return out


def legend() -> str:
    """What the published columns' keys and marks stand for."""
    lines = [f"- [{s.key}] {s.paper}, {s.table}." for s in SOURCES.values()]
    lines.append(
        "- † measured on another file encoding the protocol than the one ported;"
        " n/r: not reported here (no table read gives one; P-FOL-IC3's could not be read)."
    )
    return "\n".join(lines)


def markdown(rows: list[Row]) -> str:
    """The rows as the table of docs/inductive.md, published figures beside them."""
    head = (
        "| protocol | suite | inductive (no hand lemma) | lemmas | s | auto | s"
        " | twin (auto) | s | " + " | ".join(TOOLS) + " |"
    )
    lines = [head, "|" + " --- |" * (9 + len(TOOLS))]
    for r in rows:
        pub = " | ".join(figure(r.name, t) for t in TOOLS)
        lemmas = str(r.lemmas) if r.inductive == "proved all sizes" else "-"
        lines.append(
            f"| {r.name} | {SUITES.get(r.name, '')} | {r.inductive} | {lemmas}"
            f" | {r.inductive_s:.1f} | {r.auto} | {r.auto_s:.1f} | {r.twin} | {r.twin_s:.1f}"
            f" | {pub} |"
        )
    return "\n".join(lines)


def parse(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="bench_protocols.py",
        description="Proofs for all sizes with no hand lemma over benchmarks/protocols/: the"
        " inductive engine, auto on the claim and auto on the broken twin, per protocol.",
    )
    ap.add_argument("names", nargs="*", help="protocols to run (default: all)")
    ap.add_argument("--json", type=Path, metavar="OUT", help="also write the rows to OUT")
    ap.add_argument(
        "--markdown",
        type=Path,
        metavar="ROWS",
        help="print the rows of ROWS (from --json) as"
        " the table of docs/inductive.md, and run nothing",
    )
    ap.add_argument(
        "--inductive-only",
        action="store_true",
        help="run only the inductive engine (auto and the twin are shown as '-')",
    )
    args = ap.parse_args(argv)
    known = {c.name for c in cases()}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        ap.error(f"no such protocol: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    return args


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.markdown is not None:
        print(markdown([Row(**x) for x in json.loads(args.markdown.read_text())]))
        print()
        print(legend())
        return 0
    chosen = [c for c in cases() if not args.names or c.name in args.names]
    rows = []
    print(
        f"{'protocol':24} {'inductive':17} {'lemmas':>6} {'s':>6}  {'auto':17} {'s':>6}"
        f"  {'twin (auto)':12} {'s':>6}  " + "  ".join(TOOLS)
    )
    for c in chosen:
        r = run(c, args.inductive_only)
        rows.append(r)
        pub = "  ".join(figure(c.name, t) for t in TOOLS)
        flag = " ".join(alarms(r))
        print(
            f"{r.name:24} {r.inductive:17} {r.lemmas:6} {r.inductive_s:6.1f}  {r.auto:17}"
            f" {r.auto_s:6.1f}  {r.twin:12} {r.twin_s:6.1f}  {pub}  {flag}",
            flush=True,
        )
        if args.json is not None:
            args.json.write_text(json.dumps([asdict(x) for x in rows], indent=1) + "\n")
    n = len(rows)
    proved = sum(r.inductive == "proved all sizes" for r in rows)
    refuted = sum(r.twin == "refuted" for r in rows)
    secs = [r.inductive_s for r in rows]
    if secs:
        print(
            f"\nproved for all sizes (inductive, no hand lemma): {proved}/{n}; twins refuted by"
            f" auto: {refuted}/{n}; inductive median {statistics.median(secs):.1f} s,"
            f" max {max(secs):.1f} s"
        )
    return 1 if any(alarms(r) for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
