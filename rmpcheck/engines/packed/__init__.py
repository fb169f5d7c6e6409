"""Explicit search over packed states, a frontier at a time (numpy).

The interpreter (rmpcheck.interp) stays the reference semantics: this
package is a faster way to enumerate the same state space, and every trace
it finds is rebuilt and replayed on the interpreter. Reading order:
``layout`` (a state as one 64-bit integer), ``vector`` (expressions and
action instances evaluated over a whole frontier), ``canon`` (one
representative per symmetry orbit, for a frontier at once), ``search`` (the
breadth-first search and its visited set), ``run`` (a concrete trace from
the search's parent pointers).
"""
