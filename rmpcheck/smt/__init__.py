"""IR -> Z3 terms on a finite instance: vocabularies, transition relation, decoding.

The encoding is ground (flattened): one Z3 constant per scalar state variable
and per map entry, quantifiers expanded over the finite types, and every
non-bool scalar an ``Int`` holding its raw interpreter value (see
``interp/values.py``) with a domain constraint. Spacer and k-induction do
markedly better on this than on arrays or enumeration sorts (arrays push
Spacer into quantified lemmas; measured in benchmarks/bench_symbolic.py), and
it makes decoding a model into interpreter states trivial.

Everything here is a pure function from IR plus a vocabulary to terms: no
module holds a solver. Importing the submodules imports z3; this package
file does not, so ``rmpcheck`` without an engine stays fast.
"""
