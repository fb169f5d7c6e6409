"""Proofs that are worth less than they say: vacuous, or true by construction.

:func:`examine` derives automatic covers from each claim's formula (every
premise it has, every disjunct it needs; parts.py), decides them at the
claim's instance (covers.py), and tests whether the claim holds on every step
from any state or in the guard-free relaxation of the model
(construction.py, relax.py). docs/vacuity.md states what each finding means.
"""

from rmpcheck.vacuity.examine import Budget, Claim, examine

__all__ = ["Budget", "Claim", "examine"]
