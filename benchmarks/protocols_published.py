"""Published figures for the protocol suite, transcribed from the papers.

One entry per protocol of benchmarks/protocols/ (and the classic protocols run
with it): for each tool, the figure the paper reports for that protocol and
where (paper and table); a protocol or tool with no entry prints as "n/r"
(not reported here). A figure is only ever copied from its table, never
estimated.

Sources (each figure below names its table):
- DistAI: Yao, Tao, Gu, Nieh, Jana, Ryan, OSDI'21, Table 2.
- DuoAI: Yao, Tao, Gu, Nieh, OSDI'22, Tables 2 and 3.
- SWISS: Hance, Heule, Martins, Parno, NSDI'21, Table 1.
- P-FOL-IC3: Koenig, Padon, Shoham, Aiken, "Inferring Invariants with
  Quantifier Alternations: Taming the Search Space Explosion", TACAS'22
  (arXiv, December 2021), its table of results.

No figure is transcribed yet: the search tools this suite was ported with return
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
