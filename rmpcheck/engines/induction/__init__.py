"""How the inductive engine finds lemmas: everything between a failed induction and
the strengthening that ``engines/inductive`` re-checks with a fresh solver.

Read in this order:

- ``cti``: a counterexample to induction (CTI), found by Z3, shrunk, read back
  and re-run on the interpreter; ``cti_reach``: is it a real bug (bmc, or the
  pre-state found among the reachable states), or does a lemma miss?
- ``sample``: reachable states of small instances (explicit search, one per
  symmetry orbit), remembered for the next claim of the same system; each atom
  becomes a bitmask over (state, valuation of the template variables).
- ``atoms``: the vocabulary: terms (variables, sort-valued reads, compositions
  such as ``use[gmem[g]]``), bool reads, enum reads equal to each value (a
  clause may hold several: ``use[p] in {...}``), equalities.
- ``infer``: the plan. First ``search``: CTI-guided, it assumes a candidate
  only when a CTI asks for one, preferring what the bad step depends on
  (``relevance``) and making clauses for a CTI from the sample when the pool
  has none (``generalize``: minimal covers of the sample by literals false at
  the CTI). Then, as fallbacks, the enumerated templates of ``candidates``
  (clauses by length, guarded injectivity), ``ordered`` (a sample with a total
  order pinned, and clauses guarded by "one round strictly below another"),
  ``witness`` (forall-exists lemmas read off guarded flag writes) and
  ``triples`` (a third variable of a sort), under ``houdini``, which also cuts
  any inductive set down to a small one.
- ``past``: monitors of past-time formulas, merged and printed as source, so
  lemmas may speak about them.

No module here decides a verdict: ``engines/inductive`` reports "proved" only
after its fresh re-check of whatever set inference proposes.
"""
