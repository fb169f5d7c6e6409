"""docs/snp.md shows the verdict matrix and every refutation as the tool's own column diagram.

The matrix table (between ``<!-- matrix -->`` and ``<!-- end matrix -->``)
must be the gate's expectations. Each diagram sits between ``<!-- trace:
MODEL CLAIM -->`` and ``<!-- end trace -->`` and must be exactly what
rmpcheck.trace.text renders for that refutation today. Regenerate after a
change with ``RMPCHECK_REGEN_GOLDEN=1 python -m pytest tests/snp/test_docs.py``.
"""

from __future__ import annotations

import os
import re
from fnmatch import fnmatchcase

import pytest
from snp_matrix import DOCS, Check, all_sizes, checks

from rmpcheck.api import prove
from rmpcheck.trace import text

REGEN = os.environ.get("RMPCHECK_REGEN_GOLDEN") == "1"
BLOCK = re.compile(r"(<!-- trace: (\w+) (\w+) -->\n```text\n)(.*?)(```\n<!-- end trace -->)", re.S)
# a refutation whose trace is another's, step for step: one diagram serves both
SAME = re.compile(r"<!-- trace: (\w+) (\w+) = (\w+) -->")
MATRIX = re.compile(r"(<!-- matrix: (\w+) -->\n)(.*?)(<!-- end matrix -->)", re.S)
CHECKS = {c.name: c for c in checks()}
LETTER = {"proved": "P", "refuted": "R", "covered": "C", "uncoverable": "U", "bounded-safe": "B"}


def refutations() -> list[tuple[Check, str]]:
    return [(c, n) for c in CHECKS.values() for n, v in c.expect.items() if v == "refuted"]


def diagram(check: Check, claim: str) -> str:
    model, sets = check.load()
    props = next(s for s in sets if any(p.name == claim for p in s.properties))
    sizes = check.sizes_of(claim)
    if sizes is None:
        [r] = prove(model, props, property=claim, engine=check.engine, instance=check.instance)
    else:
        [r] = prove(model, props, property=claim, engine=check.engine, sizes=sizes)
    assert r.verdict == "refuted" and r.trace is not None, (check.name, claim, r.verdict)
    return text.render(r.trace) + "\n"


def matrix_table(era: str) -> str:
    """Claims down, the era's designs across, one letter per expected verdict."""
    cols = [c for c in CHECKS.values() if c.era == era]
    # a lemma whose own entry only records a finding (docs/vacuity.md) is still one of
    # the pattern's lemmas, not a claim of the matrix
    claims = list(
        dict.fromkeys(
            n for c in cols for n in c.expect if not any(fnmatchcase(n, p) for p in c.patterns)
        )
    )
    out = [
        "| claim | " + " | ".join(f"`{c.name}`" for c in cols) + " |",
        "| --- |" + " :-: |" * len(cols),
    ]
    for n in claims:
        cells = [LETTER.get(c.expect.get(n, ""), "–") + "∀" * all_sizes(c, n) for c in cols]
        out.append(f"| `{n}` | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def test_matrix_tables_are_current() -> None:
    doc = DOCS.read_text()
    found = MATRIX.findall(doc)
    eras = {c.era for c in CHECKS.values()}
    assert {era for _, era, _, _ in found} == eras, "docs/snp.md needs one matrix per era"
    if REGEN:
        DOCS.write_text(
            MATRIX.sub(lambda m: m.group(1) + matrix_table(m.group(2)) + m.group(4), doc)
        )
        return
    for _, era, table, _ in found:
        assert table == matrix_table(era), (
            f"stale {era} matrix in docs/snp.md (RMPCHECK_REGEN_GOLDEN=1)"
        )


def steps(check: Check, claim: str) -> list[str]:
    """The diagram's steps: without the line that names the claim, and the verdict."""
    lines = diagram(check, claim).splitlines()
    return [ln for ln in lines[1:] if not ln.startswith("=>")]


def test_every_refutation_has_a_diagram() -> None:
    doc = DOCS.read_text()
    shown = {(m, c) for _, m, c, _, _ in BLOCK.findall(doc)}
    shown |= {(m, c) for m, c, _ in SAME.findall(doc)}
    missing = {(c.name, n) for c, n in refutations()} - shown
    assert not missing, f"docs/snp.md lacks the trace of {sorted(missing)}"


@pytest.mark.slow
def test_diagrams_are_current() -> None:
    doc = DOCS.read_text()
    stale = []

    def current(m: re.Match[str]) -> str:
        got = diagram(CHECKS[m.group(2)], m.group(3))
        if got != m.group(4):
            stale.append(f"{m.group(2)} {m.group(3)}")
        return m.group(1) + got + m.group(5)

    new = BLOCK.sub(current, doc)
    if REGEN:
        DOCS.write_text(new)
        return
    assert not stale, f"stale diagrams in docs/snp.md (RMPCHECK_REGEN_GOLDEN=1 to redo): {stale}"


@pytest.mark.slow
def test_refutations_said_to_share_a_trace_do() -> None:
    for model, claim, other in SAME.findall(DOCS.read_text()):
        check = CHECKS[model]
        assert check.expect.get(claim) == "refuted", (model, claim)
        assert steps(check, claim) == steps(check, other), f"{model}: {claim} != {other}"
