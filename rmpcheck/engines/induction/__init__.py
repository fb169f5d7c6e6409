"""How the inductive engine finds lemmas: everything between a failed induction and
the strengthening that ``engines/inductive`` re-checks with a fresh solver.

Read in this order:

- ``cti``: a counterexample to induction (CTI), found by Z3, shrunk, read back
  and re-run on the interpreter; ``cti_reach``: is it a real bug (bmc, or the
  pre-state found among the reachable states), or does a lemma miss?
- ``sample``: reachable states of small instances (explicit search, one per
  symmetry orbit), kept once per model and reused by every claim; each atom
  becomes a bitmask over (state, valuation of the template variables).
- ``atoms``: the vocabulary of candidate lemmas: terms (variables, sort-valued
  reads, compositions such as ``use[gmem[g]]``), bool reads, enum reads as
  *sets of values* (``use[p] in {free, anon_page}``), equalities.
- ``candidates``: clauses over those atoms that hold on the sample, by number
  of literals, on demand; ``witness``: forall-exists lemmas read off guarded
  flag writes; ``triples``: a third variable of one sort, for orders and rings.
- ``infer``: Houdini over the pool (a CTI drops every candidate its successors
  violate), then a minimal inductive subset by unsat cores.
- ``past``: monitors of past-time formulas, merged and printed as source, so
  lemmas may speak about them.

No module here decides a verdict: ``engines/inductive`` reports "proved" only
after its fresh re-check of whatever set inference proposes.
"""
