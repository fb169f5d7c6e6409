"""Published figures for the protocol suite, transcribed from the papers.

One entry per protocol of benchmarks/protocols/ (and the classic protocols run
with it): for each tool, the figure the paper reports for that protocol and
where (paper and table), or None when it was not transcribed. A figure is
only ever copied from its table, never estimated: None prints as "n/r".

Sources (each figure below names its table):
- DistAI: Yao, Tao, Gu, Nieh, Jana, Ryan, OSDI'21, Table 2.
- DuoAI: Yao, Tao, Gu, Nieh, OSDI'22, Tables 2 and 3.
- SWISS: Hance, Heule, Martins, Parno, NSDI'21, Table 1.
- P-FOL-IC3: Koenig, Padon, Shoham, Aiken, PLDI'22, Table 1.

None is transcribed yet: the search tools this suite was ported with return
only the opening of each paper (abstract and introduction), not the tables,
and no repository of the four tools (VeriGu/DistAI, VeriGu/DuoAI) carries
the figures in text. Fill an entry only from the table itself.
"""

from __future__ import annotations

TOOLS = ("DistAI", "DuoAI", "SWISS", "P-FOL-IC3")

# protocol -> tool -> "figure (paper, table)"; a missing tool is "n/r"
FIGURES: dict[str, dict[str, str]] = {}


def figure(protocol: str, tool: str) -> str:
    """The published figure for ``protocol`` by ``tool``, or "n/r"."""
    return FIGURES.get(protocol, {}).get(tool, "n/r")
