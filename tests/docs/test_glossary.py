"""docs/glossary.md defines the terms README.md and ``--help`` use, and README links to them."""

from __future__ import annotations

import re

from click.testing import CliRunner
from doc_blocks import ROOT

from rmpcheck.cli import cli

GLOSSARY = (ROOT / "docs" / "glossary.md").read_text()
README = (ROOT / "README.md").read_text()
# the terms issue 16 found undefined where a newcomer meets them, and the rest of
# README's and --help's vocabulary
TERMS = [
    "EPR",
    "CHC",
    "Spacer",
    "ITF",
    "Obligation",
    "Cover",
    "Covered",
    "Uncoverable",
    "Bounded-safe",
    "Certificate",
    "CTI",
    "Symmetry reduction",
    "Lemma",
    "Lasso",
    "Fairness",
    "Instance",
    "All sizes",
    "Design",
    "Era",
    "Claim",
    "Gate",
    "Witness",
    "Vacuous",
    "By construction",
    "Replay",
    "Monitor",
    "Deadlock",
    "K-induction",
]


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def headings() -> list[str]:
    return re.findall(r"^### (.+)$", GLOSSARY, re.M)


def test_every_term_has_an_entry() -> None:
    named = {t.strip().lower() for h in headings() for t in re.split(r",|\(|\)", h)}
    missing = [t for t in TERMS if t.lower() not in named]
    assert not missing, f"docs/glossary.md lacks {missing}"


def test_entries_are_in_alphabetical_order() -> None:
    hs = [h.lower() for h in headings()]
    assert hs == sorted(hs)


def test_readmes_glossary_links_resolve() -> None:
    anchors = {anchor(h) for h in headings()}
    links = re.findall(r"\]\(docs/glossary\.md#([\w-]+)\)", README)
    assert len(links) >= 15
    assert not [a for a in links if a not in anchors]


def test_help_points_at_the_glossary() -> None:
    r = CliRunner().invoke(cli, ["--help"])
    assert r.exit_code == 0 and "docs/glossary.md" in r.output
