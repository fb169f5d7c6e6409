"""Infer the SNP library's lemmas with `rmpcheck cti --infer --write`, and time it.

    python benchmarks/snp_lemmas.py            # infer what is missing, append it
    python benchmarks/snp_lemmas.py --fresh    # drop every inferred lemma first
    python benchmarks/snp_lemmas.py blind_write  # only these variants

A lemma that holds in one design variant may be false in another, so each
variant's lemmas live in its own files: properties/VARIANT/FILE.prop
includes the shared properties/FILE.prop and adds the lemmas. For every
variant and every claim the gate expects proved (or uncoverable) for all
sizes, in the order of [tool.rmpcheck], this runs

    rmpcheck cti MODEL properties/VARIANT/FILE.prop -p CLAIM --infer --write SAME

The file's lemmas so far are given, so inference reuses them and appends
only what the claim still needs (nothing, when they already prove it). The
gate then proves with the lemmas as written, without inference. Prints one
line per claim with its wall time, the total, and the variant files that
hold lemmas (those are the ones pyproject.toml should list); a variant file
it made that ended up without lemmas is removed again.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "snp"))

from snp_matrix import Check, all_sizes_claims, checks  # noqa: E402

from rmpcheck.lang import load_model  # noqa: E402

MARK = "# inferred for "
LEMMA = re.compile(r"lemma \w*inferred_\d+:")
CLI = [sys.executable, "-c", "from rmpcheck.cli import main; main()"]
HEADER = """properties for {model}

# The claims of properties/{file}, with the lemmas that prove them
# for every size in the {variant} design. A lemma may be false in
# another variant, so each variant keeps its own. Every lemma below was
# inferred (rmpcheck cti ... --infer --write; docs/snp.md, "Proofs for
# every size").

include "../{file}"
"""


def strip_inferred(path: Path) -> None:
    """Remove the blocks `cti --write` appended (a marker line, then its lemmas)."""
    out: list[str] = []
    skipping = False
    for line in path.read_text().split("\n"):
        if line.startswith(MARK):
            skipping = True
            while out and not out[-1].strip():
                out.pop()
            continue
        if skipping and LEMMA.match(line):
            continue
        skipping = False
        out.append(line)
    path.write_text("\n".join(out).rstrip("\n") + "\n")


def header(check: Check, own: Path) -> str:
    """What a variant file made by this script starts as."""
    model = load_model(check.model).name
    return HEADER.format(model=model, file=own.name, variant=check.model.stem)


def variant_file(check: Check, shared: Path) -> Path:
    """The variant's own file for the claims of ``shared``, made if missing."""
    variant = check.model.stem
    if shared.parent.name == variant:
        return shared
    own = shared.parent / variant / shared.name
    if not own.exists():
        own.parent.mkdir(exist_ok=True)
        own.write_text(header(check, own))
    return own


def main(argv: list[str]) -> int:
    only = {a for a in argv if not a.startswith("-")}
    todo = [
        (c, claim, variant_file(c, props))
        for c in checks()
        if not only or c.name in only
        for claim, props in all_sizes_claims(c)
    ]
    check_of = {own: c for c, _, own in todo}
    if "--fresh" in argv:
        for path in sorted({own for _, _, own in todo}):
            strip_inferred(path)
    total = time.monotonic()
    failed = 0
    for check, claim, own in todo:
        t0 = time.monotonic()
        cmd = [*CLI, "cti", str(check.model), str(own)]
        cmd += ["-p", claim, "--infer", "--write", str(own), "--timeout", "300"]
        run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.monotonic() - t0
        new = re.search(r"(\d+) lemma\(s\) inferred", run.stdout)
        what = f"{new.group(1)} new" if new else "FAILED"
        failed += run.returncode != 0
        print(f"{check.name:24} {claim:28} {what:8} {wall:6.1f} s", flush=True)
        if run.returncode != 0:
            print(run.stdout[-2000:], run.stderr[-2000:])
    print(f"total {time.monotonic() - total:.1f} s, {failed} failed")
    for own in sorted({own for _, _, own in todo}):
        if LEMMA.search(own.read_text()):
            print("lemmas", own.relative_to(ROOT))
        elif own.read_text() == header(check_of[own], own):
            own.unlink()  # made here, and nothing to add: the shared file serves as is
            print("none  ", own.relative_to(ROOT), "(removed)")
        else:
            print("none  ", own.relative_to(ROOT))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
