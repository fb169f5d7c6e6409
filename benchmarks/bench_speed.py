"""Before/after of issue 14's speed work, measured in one run on one machine.

* bmc to depth 30 on SNP designs (models/rfc2021, instance ``small``): the
  bit-vector encoding solved by QF_FD (smt/width.py, the default) against the
  Z3 Int encoding it replaced (``smt.system.encoding`` without ``finite_for``),
  on a claim bmc refutes and on one that holds (bounded-safe to 30);
* explicit search on the race benchmark (benchmarks/models/race.rmp): the
  packed search (engines/packed) against the interpreter's, states per CPU
  second, with and without symmetry.

    python benchmarks/bench_speed.py [--int-timeout 300] [--pages 5 6]

Times are wall clock and process CPU seconds of one run each (z3 and numpy run
in this process); a run past its timeout is shown as ``>T``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from unittest import mock

from race_case import race
from timing import best_of

from rmpcheck.api import load_model, load_properties, resolve_sizes
from rmpcheck.engines import bmc, explicit
from rmpcheck.engines.base import Options
from rmpcheck.monitor import Obligation, compile_obligation
from rmpcheck.result import Result
from rmpcheck.smt.system import encoding

DEPTH = 30
SNP_CASES = [  # (design, property file, claim): one refuted, one that holds
    ("blind_write", "host_safety", "no_host_crash"),
    ("know_and_check", "host_safety", "no_host_crash"),
]


def snp(design: str, prop_file: str, claim: str) -> tuple[Obligation, dict[str, int]]:
    model = load_model(f"models/rfc2021/{design}.rmp")
    props = load_properties(f"properties/rfc2021/{prop_file}.prop", model)
    return compile_obligation(model, props, claim), dict(resolve_sizes(model, props, None, None))


def int_encoding(ob: Obligation, sizes: dict[str, int]):  # type: ignore[no-untyped-def]
    """The encoding bmc used before smt/width.py: unbounded Z3 Ints."""
    return encoding(ob.system, sizes)


def timed(run: Callable[[], Result]) -> tuple[Result, float, float]:
    return best_of(1, run)


def bmc_rows(int_timeout: float) -> list[str]:
    lines = [f"bmc to depth {DEPTH}, rfc2021 instance small"]
    lines.append(f"{'case':<40} {'encoding':<10} {'verdict':<14} {'wall':>8} {'cpu':>8}")
    for design, prop_file, claim in SNP_CASES:
        ob, sizes = snp(design, prop_file, claim)
        label = f"{design} {claim}"
        bv, bv_wall, bv_cpu = timed(lambda: bmc.check(ob, sizes, Options(depth=DEPTH)))  # noqa: B023
        lines.append(_row(label, "bit-vec", bv, bv_wall, bv_cpu))
        with mock.patch.object(bmc, "finite_encoding", int_encoding):
            opts = Options(depth=DEPTH, timeout_s=int_timeout)
            old, old_wall, old_cpu = timed(lambda: bmc.check(ob, sizes, opts))  # noqa: B023
        lines.append(_row(label, "Int", old, old_wall, old_cpu, int_timeout))
        lines.append(f"{'':<40} ratio {_ratio(old, old_wall, bv_wall)}")
    return lines


def _row(
    label: str, enc: str, r: Result, wall: float, cpu: float, timeout: float | None = None
) -> str:
    verdict = r.verdict + (f"/{r.trace.length}" if r.trace else "")
    shown = f">{timeout:.0f}s" if r.verdict == "unknown" and timeout else f"{wall:.2f}s"
    return f"{label:<40} {enc:<10} {verdict:<14} {shown:>8} {cpu:>7.2f}s"


def _ratio(old: Result, old_wall: float, new_wall: float) -> str:
    faster = old_wall / new_wall if new_wall > 0 else float("inf")
    return f"{'>' if old.verdict == 'unknown' else ''}{faster:.0f}x faster with bit-vectors"


def explicit_rows(pages: list[int]) -> list[str]:
    lines = ["explicit search, race (benchmarks/models/race.rmp), write_only_shared"]
    lines.append(
        f"{'sizes':<18} {'symmetry':<9} {'search':<12} {'states':>9} {'cpu':>8} {'st/cpu-s':>10}"
    )
    for page in pages:
        sizes = {"Page": page, "Thread": 3}
        for sym in (False, True):
            rates = {}
            for how, packed in (("interpreter", False), ("packed", True)):
                opts = Options(symmetry=sym, extra={"explicit.packed": packed})
                r, _, cpu = best_of(2, lambda: explicit.check(race(), sizes, opts))  # noqa: B023
                rates[how] = r.stats["states"] / cpu
                lines.append(
                    f"Page={page} Thread=3  {'on' if sym else 'off':<9} {how:<12} "
                    f"{r.stats['states']:>9,} {cpu:>7.2f}s {rates[how]:>10,.0f}"
                )
            lines.append(f"{'':<18} ratio {rates['packed'] / rates['interpreter']:.1f}x")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--int-timeout", type=float, default=300.0)
    ap.add_argument("--pages", type=int, nargs="+", default=[5, 6])
    args = ap.parse_args()
    for line in explicit_rows(args.pages):
        print(line, flush=True)
    for line in bmc_rows(args.int_timeout):
        print(line, flush=True)


if __name__ == "__main__":
    main()
