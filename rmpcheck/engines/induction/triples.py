"""The third variable of one sort: candidate clauses for lemmas about an element
between two others (Chang-Roberts: an id passes only nodes with smaller ids,
``pending[s, n] && btw(s, m, n) -> le[m, s]``), or about a binary relation read
at one element and two others (a node votes for at most one node:
``vote_msg[n, n1] && vote_msg[n, n2] -> n1 == n2``).

Asked for only after every two-variable template failed (engines/induction/infer), and
only for a sort some def or state relation relates three elements of, or a bool
relation two: a third
variable multiplies the valuations per sampled state and the clauses that hold.
Atoms include never-written relations (an order) and bool defs applied to the
variables; clauses must still hold on the sample, not on every noise state, and
need all three variables (the shorter ones were already tried).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from rmpcheck import ir
from rmpcheck.engines import fixed_params
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.induction import candidates, sample
from rmpcheck.monitor import System


def _def_atoms(model: ir.Model, xs: Sequence[ir.BoundVar]) -> list[ir.Expr]:
    """Bool ``def``s over elements of one sort applied to the variables (``btw(n1, n2,
    n3)``), inlined as every use of a def is: the relations a protocol is stated in."""
    out = []
    for d in model.defs:
        if not isinstance(d.type, ir.BoolType) or not d.params:
            continue
        if not all(p.type in {x.type for x in xs} for p in d.params):
            continue
        for args in itertools.product(*([x for x in xs if x.type == p.type] for p in d.params)):
            if len(set(args)) == len(args):
                out.append(ir.substitute(d.body, dict(zip(d.params, args, strict=True))))
    return out


def _ternary_sorts(model: ir.Model) -> list[str]:
    """Sorts some def or state relation relates three elements of, or some bool state
    relation some action writes relates two elements of: only there can a lemma need a
    third variable of one sort (an element between two others; or a relation read at one
    element and two others, ``vote_msg[n, n1] && vote_msg[n, n2] -> n1 == n2``: each
    node votes for at most one node). A never-written order is what the assumptions
    make it."""
    out = []
    written = fixed_params.written(model)
    for s in model.sorts:
        t = ir.SortType(s.name)
        arities = [sum(p.type == t for p in d.params) for d in model.defs]
        for d in model.state:
            if isinstance(d.type, ir.MapType):
                n = sum(k == t for k in d.type.keys)
                binary = n == 2 and isinstance(d.type.value, ir.BoolType) and d.name in written
                arities.append(n + 1 if binary else n)
        if max(arities, default=0) >= 3:
            out.append(s.name)
    return out


def three_variable(
    system: System,
    deadline: Deadline,
    sizes: Sequence[int] = sample.SAMPLE_SIZES,
    hint: Mapping[str, int] | None = None,
) -> list[candidates.Candidate]:
    """Clauses of up to three literals over three variables of one sort (atoms: every
    relation, written or not, and every def, read at them), asked for only when the
    two-variable templates failed; kept only if they need all three variables, hold on
    the sample and not on the noise."""
    out: list[candidates.Candidate] = []
    for name in _ternary_sorts(system.model):
        xs = [x for x in candidates.template_vars(system.model, 3) if x.type == ir.SortType(name)]
        atom_list = [a for a in candidates.atoms(system, xs) if ir.free_vars(a) <= set(xs)]
        atom_list += _def_atoms(system.model, xs)
        table = candidates.sampled_table(system, xs, atom_list, deadline, sizes, hint)
        if table is None:
            continue
        for k, level in candidates.clause_levels(table, deadline):
            if k == candidates.MAX_LITERALS:
                out += [c for c in level if len(ir.free_vars(_body(c.formula))) == 3]
                break
    return out


def _body(f: ir.Expr) -> ir.Expr:
    return f.body if isinstance(f, ir.Quant) else f
