"""Published figures for the protocol suite, transcribed from the papers' tables.

For each protocol of benchmarks/protocols/ and each tool of TOOLS, the figures
a paper's results table reports for that protocol, each with its paper, table,
page and the benchmark's name in that table. A figure is only ever copied from
its table, never estimated; a protocol or tool with no figure prints as "n/r"
(not reported here).

Sources (SOURCES below; read in the papers as published in the USENIX
proceedings):

- D21: DistAI, OSDI'21, Table 1 (p. 416). Run on a 28-core Xeon W-2175, each
  tool given one week per protocol ("-*": timed out after a week). Table 1 also
  gives the number of invariants DistAI inferred (kept in ``invariants``); its
  Table 2 (p. 417) breaks the same totals into sample, enumerate and refine.
- D22: DuoAI, OSDI'22, Table 1 (p. 497): running time in seconds of DuoAI and of
  SWISS, IC3PO, FOL-IC3, DistAI, UPDR and I4 as run by the DuoAI authors on
  their 27 protocols (the same machine as D21, one week per tool and protocol).
  Its DistAI and SWISS columns are used where the tool's own paper has no figure
  for the protocol, and kept as further figures where it has one.
- S21: SWISS, NSDI'21, Table 1 (p. 123): SWISS's time (median of five runs, 8
  threads, i9-9900K), a six-hour limit; for a timeout the table gives SWISS's
  partial success (handwritten invariants implied), kept in ``note``.

P-FOL-IC3 (Koenig, Padon, Shoham, Aiken, "Inferring Invariants with Quantifier
Alternations: Taming the Search Space Explosion", TACAS'22, arXiv:2112.05304)
has no figure here: its results table could not be read (no copy of the paper
beyond its abstract was reachable, and neither wilcoxjay/mypyvy, whose
p-fol-ic3 branch holds the tool, nor jrkoenig/folseparators carries result
files). DuoAI's related work (D22, §9) mentions it without a figure for these
protocols. FOL-IC3 (PLDI'20), which D21 and D22 also report, is not P-FOL-IC3
and is not shown in that column.

Each figure says which benchmark of its table it is. ``other_encoding`` marks a
figure measured on another file encoding the same protocol than the one
benchmarks/protocols/ ported (the file header names it); every other figure is
for the ported file itself or a syntactic variant of it (Ivy 1.5 vs 1.7
``local``/``require`` syntax, mypyvy ``old``/``new``; SWISS ran mypyvy's .pyv
versions of DuoAI's protocols, which declare the same relations and actions).

The three tables were read in the papers as published in the USENIX
proceedings, from the copies kept in the public repository hengxin/dist-ai
(commit 89713b9b49afd9c29454f5a0c593c506c0a0e3f3, refs/dist-ai/: "OSDI2021
DistAI ...", "OSDI2022 DuoAI ..." and "NSDI2021 Finding Invariants ...pdf").
Which file a table's benchmark is was read in VeriGu/DistAI, VeriGu/DuoAI and
secure-foundations/SWISS (benchmarks/), whose protocol files were compared with
the ported ones.
"""

from __future__ import annotations

from dataclasses import dataclass

TOOLS = ("DistAI", "DuoAI", "SWISS", "P-FOL-IC3")


@dataclass(frozen=True)
class Source:
    key: str
    paper: str
    table: str


SOURCES: dict[str, Source] = {
    "D21": Source(
        "D21",
        'Yao, Tao, Gu, Nieh, Jana, Ryan, "DistAI: Data-Driven Automated Invariant Learning'
        " for Distributed Protocols\", OSDI'21",
        'Table 1, p. 416 ("Evaluation results on 14 distributed protocols"; DistAI time(s),'
        " Invariants; -* = time out after 1 week)",
    ),
    "D22": Source(
        "D22",
        'Yao, Tao, Gu, Nieh, "DuoAI: Fast, Automated Inference of Inductive Invariants for'
        " Verifying Distributed Protocols\", OSDI'22",
        'Table 1, p. 497 ("Comparison of different tools ... 27 distributed protocols'
        ' (running time in seconds)"; every tool run by the DuoAI authors;'
        " timeout = not done within a week)",
    ),
    "S21": Source(
        "S21",
        "Hance, Heule, Martins, Parno, \"Finding Invariants of Distributed Systems: It's a"
        " Small (Enough) World After All\", NSDI'21",
        'Table 1, p. 123 ("Comparison with Prior Work"; SWISS column, median of five runs;'
        " a timeout after 6 hours shows partial success instead of a time)",
    ),
}


@dataclass(frozen=True)
class Figure:
    """One cell of a paper's table: a time in seconds if the tool solved the
    protocol, else the table's word for the failure."""

    source: str  # key of SOURCES
    benchmark: str  # the row's name in that table
    time: str = ""  # seconds as printed in the table, when solved
    outcome: str = "solved"  # else "timeout (1 wk)", "timeout (6 h)", "fail", ...
    invariants: int | None = None  # invariants inferred, where the table gives them
    other_encoding: bool = False  # the table's benchmark is another file for the protocol
    note: str = ""

    @property
    def solved(self) -> bool:
        return self.outcome == "solved"

    @property
    def seconds(self) -> float | None:
        return float(self.time) if self.solved else None

    def cell(self) -> str:
        """The figure as a table cell: "52.8 s [D21]", "timeout (6 h) [S21]"."""
        value = f"{self.time} s" if self.solved else self.outcome
        mark = "†" if self.other_encoding else ""
        return f"{value} [{self.source}]{mark}"


def _s(
    source: str,
    benchmark: str,
    time: str,
    *,
    invariants: int | None = None,
    other_encoding: bool = False,
    note: str = "",
) -> Figure:
    """A protocol the tool solved, in ``time`` seconds as printed in the table."""
    return Figure(source, benchmark, time, "solved", invariants, other_encoding, note)


def _f(
    source: str, benchmark: str, outcome: str, *, other_encoding: bool = False, note: str = ""
) -> Figure:
    """A protocol the tool did not solve, ``outcome`` saying how."""
    return Figure(source, benchmark, "", outcome, None, other_encoding, note)


WEEK = "timeout (1 wk)"
SIX_H = "timeout (6 h)"

# protocol -> tool -> figures, the one shown first: the tool's own paper where it
# reports the protocol, else the figure another paper measured for the tool
FIGURES: dict[str, dict[str, tuple[Figure, ...]]] = {
    "chord": {
        "DistAI": (
            _s("D21", "chord ring maintenance", "52.8", invariants=163),
            _s("D22", "chord ring maintenance", "58.0"),
        ),
        "DuoAI": (_s("D22", "chord ring maintenance", "200.9"),),
        "SWISS": (
            _f(
                "S21",
                "chord",
                SIX_H,
                other_encoding=True,
                note="partial 7/10; SWISS's chord.ivy (I4's) axiomatizes btw otherwise",
            ),
            _f("D22", "chord ring maintenance", WEEK),
        ),
    },
    "client_server_ae": {
        "DistAI": (_f("D22", "client server ae", WEEK),),
        "DuoAI": (_s("D22", "client server ae", "1.5"),),
        "SWISS": (
            _s("S21", "client-server-ae", "3", note="mypyvy client_server_ae.pyv"),
            _s("D22", "client server ae", "5.2"),
        ),
    },
    "client_server_db_ae": {
        "DistAI": (_f("D22", "client server db ae", WEEK),),
        "DuoAI": (_s("D22", "client server db ae", "3.1"),),
        "SWISS": (
            _s("S21", "client-server-db-ae", "24", note="mypyvy client_server_db_ae.pyv"),
            _s("D22", "client server db ae", "33.7"),
        ),
    },
    "consensus": {
        # DistAI's consensus.ivy (leader(N, Q), decided(N, Q, V)) is none of
        # DuoAI's or SWISS's consensus benchmarks
        "DistAI": (_s("D21", "simple consensus", "23.3", invariants=50),),
    },
    "consensus_epr": {
        "DistAI": (_f("D22", "consensus epr", WEEK),),
        "DuoAI": (_s("D22", "consensus epr", "4.8"),),
        "SWISS": (
            _s("S21", "consensus-epr", "20", note="mypyvy consensus_epr.pyv"),
            _s("D22", "consensus epr", "28.8"),
        ),
    },
    "consensus_forall": {
        "DistAI": (_s("D22", "consensus forall", "15.6"),),
        "DuoAI": (_s("D22", "consensus forall", "11.9"),),
        "SWISS": (
            _s("S21", "consensus-forall", "29", note="mypyvy consensus_forall.pyv"),
            _s("D22", "consensus forall", "40.3"),
        ),
    },
    "consensus_wo_decide": {
        "DistAI": (_s("D22", "consensus wo decide", "8.5"),),
        "DuoAI": (_s("D22", "consensus wo decide", "3.9"),),
        "SWISS": (
            _s("S21", "consensus-wo-decide", "18", note="mypyvy consensus_wo_decide.pyv"),
            _s("D22", "consensus wo decide", "26.1"),
        ),
    },
    "decentralized_lock": {
        "DistAI": (
            _s("D21", "decentralized lock", "9.4", invariants=16),
            _s("D22", "decentralized lock", "10.2"),
        ),
        "DuoAI": (_s("D22", "decentralized lock", "9.9"),),
        "SWISS": (
            _s("S21", "sdl", "5", note="simple-de-lock.ivy, named as the source of DistAI's file"),
            _s("D22", "decentralized lock", "5.8"),
        ),
    },
    "distributed_lock": {
        "DistAI": (
            _s("D21", "distributed lock", "12.6", invariants=45),
            _s("D22", "distributed lock", "15.3"),
        ),
        "DuoAI": (_s("D22", "distributed lock", "6.1"),),
        "SWISS": (
            _f("S21", "distributed-lock", SIX_H, note="partial 1/4"),
            _f("D22", "distributed lock", WEEK),
        ),
    },
    "learning_switch": {
        "DistAI": (_s("D22", "learning switch quad", "372"),),
        "DuoAI": (_s("D22", "learning switch quad", "52.4"),),
        "SWISS": (
            _s("S21", "learning-switch-quad", "959", note="mypyvy learning_switch.pyv"),
            _s("D22", "learning switch quad", "1322"),
        ),
    },
    "lock_server": {
        "DistAI": (
            _s("D21", "lock server", "0.8", invariants=1),
            _s("D22", "lock server sync", "0.9"),
        ),
        "DuoAI": (_s("D22", "lock server sync", "1.3"),),
        "SWISS": (
            _s("S21", "lock-server-sync", "0.2", note="I4's lock_server"),
            _s("D22", "lock server sync", "1.0"),
        ),
    },
    "lockserv": {
        # mypyvy's lockserv.pyv is SWISS's lock-server-async; DuoAI's "lock server
        # async" is DistAI's multi-lock file (multi_lock_server below)
        "SWISS": (_s("S21", "lock-server-async", "3684", note="mypyvy lockserv.pyv"),),
    },
    "multi_lock_server": {
        "DistAI": (
            _s("D21", "asynchronous lock server", "1.1", invariants=12),
            _s("D22", "lock server async", "1.1"),
        ),
        "DuoAI": (_s("D22", "lock server async", "1.9"),),
        "SWISS": (
            _s("D22", "lock server async", "2625", note="SWISS as run by the DuoAI authors"),
        ),
    },
    "paxos": {
        "DistAI": (
            _f(
                "D21",
                "Paxos",
                WEEK,
                other_encoding=True,
                note="DistAI's paxos.ivy: join_round and propose split into two cases each",
            ),
            _f("D22", "Paxos", WEEK),
        ),
        "DuoAI": (_s("D22", "Paxos", "60.4"),),
        "SWISS": (_s("S21", "paxos", "15950"), _s("D22", "Paxos", "16665")),
    },
    "ricart_agrawala": {
        "DistAI": (_s("D21", "Ricart-Agrawala", "0.9", invariants=6),),
    },
    "ring_leader_election": {
        "DistAI": (
            _s(
                "D21",
                "leader election",
                "1.9",
                invariants=17,
                other_encoding=True,
                note="DistAI's leader.ivy: DuoAI's file less the axiom that btw is irreflexive",
            ),
            _s("D22", "ring leader election", "2.9"),
        ),
        "DuoAI": (_s("D22", "ring leader election", "3.5"),),
        "SWISS": (
            _s(
                "S21",
                "ring-election",
                "11",
                other_encoding=True,
                note="SWISS's leader-election.ivy (I4's): no become_leader action, ids a function",
            ),
            _s("D22", "ring leader election", "14.3"),
        ),
    },
    "sharded_kv": {
        "DistAI": (
            _s("D21", "hashed sharding", "1.1", invariants=15),
            _s("D22", "sharded key-value store", "1.2"),
        ),
        "DuoAI": (_s("D22", "sharded key-value store", "1.9"),),
        "SWISS": (
            _s("S21", "sharded-kv", "4024", note="mypyvy sharded_kv.pyv"),
            _s("D22", "sharded key-value store", "7662"),
        ),
    },
    "sharded_kv_no_lost_keys": {
        "DistAI": (_f("D22", "sharded kv no lost keys", WEEK),),
        "DuoAI": (_s("D22", "sharded kv no lost keys", "2.1"),),
        "SWISS": (
            _s("S21", "sharded-kv-no-lost-keys", "0.9", note="mypyvy sharded_kv_no_lost_keys.pyv"),
            _s("D22", "sharded kv no lost keys", "1.8"),
        ),
    },
    "ticket_lock": {
        "DistAI": (
            _f(
                "D22",
                "ticket lock",
                WEEK,
                note="D22: due to a bug in DistAI's protocol simulation",
            ),
        ),
        "DuoAI": (_s("D22", "ticket lock", "23.9"),),
        "SWISS": (
            _f("S21", "ticket", SIX_H, note="partial 5/9; mypyvy ticket.pyv"),
            _f("D22", "ticket lock", "fail"),
        ),
    },
    "toy_consensus_epr": {
        "DistAI": (_f("D22", "toy consensus epr", WEEK),),
        "DuoAI": (_s("D22", "toy consensus epr", "2.6"),),
        "SWISS": (
            _s("S21", "toy-consensus-epr", "2", note="mypyvy toy_consensus_epr.pyv"),
            _s("D22", "toy consensus epr", "4.3"),
        ),
    },
    "toy_consensus_forall": {
        "DistAI": (_s("D22", "toy consensus forall", "3.1"),),
        "DuoAI": (_s("D22", "toy consensus forall", "1.9"),),
        "SWISS": (
            _s("S21", "toy-consensus-forall", "3", note="mypyvy toy_consensus_forall.pyv"),
            _s("D22", "toy consensus forall", "5.9"),
        ),
    },
    "two_phase_commit": {
        "DistAI": (
            _s("D21", "two-phase commit", "1.9", invariants=30),
            _s("D22", "two-phase commit", "2.0"),
        ),
        "DuoAI": (_s("D22", "two-phase commit", "1.5"),),
        "SWISS": (
            _s("S21", "two-phase-commit", "6", note="I4's 2PC"),
            _s("D22", "two-phase commit", "9.1"),
        ),
    },
}


def figures(protocol: str, tool: str) -> tuple[Figure, ...]:
    """Every figure transcribed for ``protocol`` by ``tool``, the one shown first."""
    return FIGURES.get(protocol, {}).get(tool, ())


def figure(protocol: str, tool: str) -> str:
    """The published figure for ``protocol`` by ``tool`` as a table cell, or "n/r"."""
    found = figures(protocol, tool)
    return found[0].cell() if found else "n/r"


# protocol -> the public suites that hold it, by repository directory (read
# with the search tools; a suite holding a protocol does not mean its paper's
# table reports it)
SUITES: dict[str, str] = {
    "chord": "DistAI chord",
    "client_server_ae": "DuoAI client_server_ae; mypyvy",
    "client_server_db_ae": "DuoAI client_server_db_ae; mypyvy",
    "consensus": "DistAI consensus",
    "consensus_epr": "DuoAI consensus_epr; mypyvy",
    "consensus_forall": "DuoAI consensus_forall; mypyvy",
    "consensus_wo_decide": "DuoAI consensus_wo_decide; mypyvy",
    "decentralized_lock": "DistAI decentralized_lock",
    "distributed_lock": "DistAI distributed_lock",
    "firewall": "mypyvy firewall",
    "learning_switch": "DuoAI learning_switch_quad; mypyvy",
    "lock_server": "DistAI lock_server",
    "lockserv": "mypyvy lockserv",
    "multi_lock_server": "DistAI multi_lock_server",
    "paxos": "DistAI paxos; DuoAI paxos",
    "ricart_agrawala": "DistAI Ricart-Agrawala",
    "ring_leader_election": "DuoAI ring_leader_election; DistAI leader",
    "sharded_kv": "DistAI shard",
    "sharded_kv_no_lost_keys": "DuoAI sharded_kv_no_lost_keys; mypyvy",
    "ticket_lock": "DuoAI ticket_lock; mypyvy ticket",
    "toy_consensus_epr": "DuoAI toy_consensus_epr; mypyvy",
    "toy_consensus_forall": "DuoAI toy_consensus_forall; mypyvy",
    "two_phase_commit": "DistAI two_phase_commit",
    "ticket": "(tests/models/parametric; cf. ticket_lock)",
    "ring_leader": "(tests/models/parametric; cf. ring_leader_election)",
    "voting": "(tests/models/parametric; cf. toy_consensus_epr)",
}
