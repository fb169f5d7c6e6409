"""IR -> Z3 terms on a finite instance: vocabularies, transition relation, decoding.

The encoding is ground (flattened): one Z3 constant per scalar state variable
and per map entry, quantifiers expanded over the finite types, and every
non-bool scalar an ``Int`` holding its raw interpreter value (see
``interp/values.py``) with a domain constraint. Measured on the race
(Page=6, Thread=3), Z3 enumeration sorts for enums and sorts came within 20%
of Ints (pdr's proof 0.7 s vs 0.85 s CPU, bmc and kind alike): too little to
pay for a second value encoding, while Ints keep decoding to interpreter
values and printing invariants trivial.

Everything here is a pure function from IR plus a vocabulary to terms: no
module holds a solver. Importing the submodules imports z3; this package
file does not, so ``rmpcheck`` without an engine stays fast.
"""
