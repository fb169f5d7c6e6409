"""The unbounded (parametric) encoding: sorts stay uninterpreted, so a proof covers every size.

The finite-instance encoding next door (``rmpcheck.smt``) fixes the sizes; this
one keeps each sort an uninterpreted Z3 sort and every quantifier a Z3
quantifier, which is what lets ``engines/inductive`` say "proved for all
sizes". Modules, each with one job:

* :mod:`.universe`   IR types to Z3 sorts, enum constants, fresh names
* :mod:`.vocab`      one state vocabulary (free functions, or definitions)
* :mod:`.expr`       IR expressions to Z3 terms over vocabularies
* :mod:`.transition` an action as guard + post-state definitions; init
* :mod:`.fragment`   which constructs leave the decidable EPR fragment, and where
* :mod:`.readback`   a Z3 model of a query back to finite interpreter states
* :mod:`.induction`  the initiation / consecution queries engines ask
"""
