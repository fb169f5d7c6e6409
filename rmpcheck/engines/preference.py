"""Which of the portfolio's answers ``auto`` reports: a fixed order, never the first to arrive.

Answers are ranked by what they establish, best first:

1. a counterexample (or witness) from bmc at the requested sizes: the shortest;
2. a proof for all sizes (the inductive engine);
3. any other counterexample at the requested sizes (the prover's, rebuilt by bmc);
4. a counterexample at other sizes (the inductive engine's, from a CTI);
5. a proof for the requested instance (pdr or kind);
6. no violation up to a depth (bmc);
7. unknown.

Ties go to the member listed first. An answer is *final* once no member still
running could give a better one. What a member could still give is its own
list of outcomes (bmc: 1, 6, 7; the prover: 3, 5, 7; inductive: 2, 4, 7) less
those the answers in hand rule out, since engines are sound: a counterexample
at the requested sizes rules out every proof of them (2 and 5), a proof of
them rules out a counterexample there (1 and 3), a counterexample anywhere
rules out a proof for all sizes. So the report depends only on each member's
own answer, not on which came first; the portfolio (auto.py) waits for the
members that could still beat the best answer in hand, within a budget that
the result names when it decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rmpcheck.result import Result

BMC_TRACE, ALL_SIZES, TRACE_HERE, TRACE_ELSEWHERE, INSTANCE_PROOF, BOUNDED, UNKNOWN = range(1, 8)

_OUTCOMES = {
    "bmc": frozenset({BMC_TRACE, BOUNDED, UNKNOWN}),
    "inductive": frozenset({ALL_SIZES, TRACE_ELSEWHERE, TRACE_HERE, UNKNOWN}),
}
# any other member is a prover of the instance (pdr, kind)
_PROVER = frozenset({TRACE_HERE, INSTANCE_PROOF, UNKNOWN})

_TRACES = (BMC_TRACE, TRACE_HERE, TRACE_ELSEWHERE)


def rank(member: str, r: Result, sizes: Mapping[str, int]) -> int:
    """Where member ``member``'s answer ``r`` stands in the order above, for a question
    asked at ``sizes``."""
    if r.verdict in ("refuted", "covered"):
        if r.scope is not None and dict(r.scope.sizes) != dict(sizes):
            return TRACE_ELSEWHERE
        return BMC_TRACE if member == "bmc" else TRACE_HERE
    if r.verdict in ("proved", "uncoverable"):
        return ALL_SIZES if r.scope is not None and r.scope.kind == "all-sizes" else INSTANCE_PROOF
    return BOUNDED if r.verdict == "bounded-safe" else UNKNOWN


def outcomes(member: str) -> frozenset[int]:
    """What ``member`` can answer at all."""
    return _OUTCOMES.get(member, _PROVER)


def ruled_out(ranks: set[int]) -> set[int]:
    """The outcomes no sound engine can give once answers of ``ranks`` are in hand."""
    out: set[int] = set()
    if ranks & {BMC_TRACE, TRACE_HERE}:
        out |= {ALL_SIZES, INSTANCE_PROOF}
    if ranks & {ALL_SIZES, INSTANCE_PROOF}:
        out |= {BMC_TRACE, TRACE_HERE}
    if ranks & set(_TRACES):
        out.add(ALL_SIZES)
    return out


def best(answers: Mapping[str, Result], order: Sequence[str], sizes: Mapping[str, int]) -> str:
    """The member whose answer in hand is best (ties to the one listed first in ``order``)."""
    return min(answers, key=lambda m: _key(m, answers[m], order, sizes))


def could_beat(
    member: str, answers: Mapping[str, Result], order: Sequence[str], sizes: Mapping[str, int]
) -> bool:
    """Could ``member`` (still running) give an answer better than the best in hand?"""
    if not answers:
        return True
    top = best(answers, order, sizes)
    top_key = _key(top, answers[top], order, sizes)
    left = outcomes(member) - ruled_out({rank(m, r, sizes) for m, r in answers.items()})
    return any((o, _position(order, member)) < top_key for o in left)


def _key(
    member: str, r: Result, order: Sequence[str], sizes: Mapping[str, int]
) -> tuple[int, int]:
    return rank(member, r, sizes), _position(order, member)


def _position(order: Sequence[str], member: str) -> int:
    return order.index(member) if member in order else len(order)
