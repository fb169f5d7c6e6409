"""Candidates that follow the model's functions: composed terms, and two elements with one image.

The templates of ``atoms`` read maps at variables and at one read
(``assigned[target[t1]]``). Two shapes of lemma that hardware models keep
needing lie beyond them, and both are asked for only when the templates of
at most two literals failed (engines/induction/infer):

- **Composed terms.** A host thread's page lies in a 2 MiB range:
  ``dmap_2m[gran[target[t1]]]`` reads through two maps. The compositions
  tried are the ones the model itself reads (an action's guard, a def, the
  initial condition), with the innermost argument replaced by each template
  variable of its sort: ``gran[target[t]]``, ``backing[ghcb_gfn[v]]``. Atoms
  at them are bool and enum reads and equalities with every term of their
  sort. A clause of one or two literals needs one of these atoms (the rest
  the templates already had), its other literal about the same variables.
- **Shared images.** ``gran[p] == gran[q]``: two pages in one range. What
  one element's image says about the other needs three or four literals (``p
  and q share a 2 MiB range mapped by one direct-map page; q is Assigned ->
  so is p``), more than the clause enumeration affords over the whole
  vocabulary. Here the clause is *anchored* at the negated equality of two
  images under a map no action writes (``gran``, a fixed layout), and its
  other literals speak only of the equality's own variables: a search over a
  few dozen literals instead of a thousand.

Like every candidate, each must hold on the sample and not on every noise
state; Houdini keeps what Z3 shows inductive, and the engine re-checks it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence

from rmpcheck import ir
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.fixed_params import written
from rmpcheck.engines.induction import sample
from rmpcheck.engines.induction.atoms import atoms, rename, template_vars
from rmpcheck.engines.induction.candidates import (
    Candidate,
    Literals,
    clause_formula,
    literal_table,
    renamings,
)
from rmpcheck.monitor import System

MAX_DEPTH = 3  # maps in one composed term (gran[backing[ghcb_gfn[v]]])
MAX_IMAGE_LITERALS = 4  # literals of an anchored clause, the equality included
MAX_CLAUSES = 300  # anchored clauses kept in all (the simplest anchors first)
MAX_PER_ANCHOR = 200


def _unary_sort_map(e: ir.Expr) -> bool:
    if not isinstance(e, ir.Select) or len(e.args) != 1:
        return False
    return isinstance(e.type, ir.SortType) and isinstance(e.args[0].type, ir.SortType)


def _exprs(system: System) -> Iterator[ir.Expr]:
    model = system.model
    yield from model.init
    yield from system.state_assumes
    for a in model.actions:
        for st in ir.walk_stmts(a.body):
            if isinstance(st, (ir.Require, ir.If)):
                yield st.cond
            elif isinstance(st, ir.Assign):
                yield from (*st.indices, st.value)
            elif isinstance(st, ir.Choose) and st.where is not None:
                yield st.where


def chains(system: System) -> list[tuple[ir.StateVar, ...]]:
    """The compositions of unary sort-valued maps the model reads, outermost first:
    ``gran[target[t]]`` is ``(gran, target)``; every suffix of a longer one is read too."""
    out: set[tuple[ir.StateVar, ...]] = set()
    for e in _exprs(system):
        for x in ir.walk(e):
            got: list[ir.StateVar] = []
            while _unary_sort_map(x) and len(got) < MAX_DEPTH:
                assert isinstance(x, ir.Select)
                got.append(x.map)
                x = x.args[0]
            if len(got) >= 2:
                out.add(tuple(got))  # (a StateVar's span takes no part in equality)
    return sorted(out, key=lambda c: [v.name for v in c])


def composed_terms(system: System, xs: Sequence[ir.BoundVar]) -> list[ir.Expr]:
    """Each chain the model reads, applied to each template variable of its innermost
    key sort (and to each sort-valued scalar of that sort)."""
    scalars = [d.ref() for d in system.model.state if isinstance(d.type, ir.SortType)]
    out = []
    for chain in chains(system):
        inner = chain[-1].type
        assert isinstance(inner, ir.MapType)
        key = inner.keys[0]
        for base in [x for x in xs if x.type == key] + [s for s in scalars if s.type == key]:
            t: ir.Expr = base
            for m in reversed(chain):
                t = ir.Select(m, (t,))
            out.append(t)
    return out


def _atoms_at(
    system: System, terms: Sequence[ir.Expr], others: Mapping[str, list[ir.Expr]]
) -> list[ir.Expr]:
    """Bool and enum reads of unary maps at ``terms``, and their equalities with ``others``
    (the template terms of their sort) and with one another."""
    out: list[ir.Expr] = []
    for t in terms:
        for d in system.model.state:
            if not isinstance(d.type, ir.MapType) or d.type.keys != (t.type,):
                continue
            r = ir.Select(d.ref(), (t,))
            v = d.type.value
            if isinstance(v, ir.BoolType):
                out.append(r)
            elif isinstance(v, ir.EnumType):
                vals = v.members[:1] if len(v.members) == 2 else v.members
                out += [ir.BinOp("==", r, ir.EnumLit(v, m), ir.BOOL) for m in vals]
    by_sort: dict[str, list[ir.Expr]] = {}
    for t in terms:
        assert isinstance(t.type, ir.SortType)
        by_sort.setdefault(t.type.name, []).append(t)
    for name, ts in by_sort.items():
        for i, t in enumerate(ts):
            for o in [*others.get(name, []), *ts[:i]]:
                out.append(rename(ir.BinOp("==", t, o, ir.BOOL), {}))
    return out


def _template_terms(atom_list: Sequence[ir.Expr]) -> dict[str, list[ir.Expr]]:
    """The terms of each sort the templates' equalities compare."""
    out: dict[str, list[ir.Expr]] = {}
    for a in atom_list:
        if isinstance(a, ir.BinOp) and a.op == "==" and isinstance(a.left.type, ir.SortType):
            for side in (a.left, a.right):
                ts = out.setdefault(a.left.type.name, [])
                if side not in ts:
                    ts.append(side)
    return out


def _image_equalities(system: System, table: Literals) -> list[int]:
    """Literals ``f[a] != f[b]`` (the negated equality) for a map ``f`` no action writes."""
    fixed = {d.name for d in image_maps(system)}
    positive = {a: j for j, (a, p) in enumerate(table.lits) if p}
    out = []
    for j, (a, pos) in enumerate(table.lits):
        if pos or not (isinstance(a, ir.BinOp) and a.op == "=="):
            continue
        left, r = a.left, a.right
        if (
            isinstance(left, ir.Select)
            and isinstance(r, ir.Select)
            and left.map.name == r.map.name
            and left.map.name in fixed
            and table.vars[j].bit_count() >= 2
        ):
            # one-to-one on the sample (the memslot's backing): f[a] == f[b] is a == b
            args = positive.get(rename(ir.BinOp("==", left.args[0], r.args[0], ir.BOOL), {}))
            if args is not None and table.masks[j] | table.masks[args] == table.full:
                continue
            out.append(j)
    return sorted(out, key=lambda j: len(repr(table.lits[j][0])))


def image_maps(system: System) -> list[ir.StateDecl]:
    """Unary maps between sorts that no action writes (a fixed layout: ``gran``)."""
    w = written(system.model)
    return [
        d
        for d in system.model.state
        if d.name not in w
        and isinstance(d.type, ir.MapType)
        and len(d.type.keys) == 1
        and isinstance(d.type.keys[0], ir.SortType)
        and isinstance(d.type.value, ir.SortType)
    ]


PROBE_STATES = 500  # reachable states that show which fixed maps are one-to-one


def _many_to_one(
    system: System, deadline: Deadline, sizes: Sequence[int], hint: Mapping[str, int] | None
) -> list[ir.StateDecl]:
    """The fixed maps some reachable state of a small instance maps two elements to one
    image under: ``gran`` (pages share a 2 MiB range), not the memslot's ``backing``,
    whose shared images are just equal frames."""
    maps = image_maps(system)
    for at in sample.sample_sizes(system.model, hint, sizes):
        got = sample.sample_states(system, at, deadline, PROBE_STATES)
        if got is None or not got[1]:
            continue
        inst, states = got
        where = {d.name: i for i, d in enumerate(inst.decls)}
        return [
            d
            for d in maps
            if any(len(set(s[where[d.name]])) < len(s[where[d.name]]) for s in states)
        ]
    return []


def image_vars(system: System, maps: Sequence[ir.StateDecl]) -> list[ir.BoundVar]:
    """The family's variables: two of a sort a map of ``maps`` is applied to (the two
    elements with one image), one of every other sort but the maps' codomains (the
    images are terms already). Fewer variables than the templates: more sampled states
    for the same number of (state, valuation) bits, and the family needs deep states."""
    types = [d.type for d in maps if isinstance(d.type, ir.MapType)]
    keys = {k.name for t in types for k in t.keys if isinstance(k, ir.SortType)}
    images = {t.value.name for t in types if isinstance(t.value, ir.SortType)} - keys
    out: list[ir.BoundVar] = []
    for x in template_vars(system.model, 2):
        assert isinstance(x.type, ir.SortType)
        name = x.type.name
        if name in images or (name not in keys and any(y.type == x.type for y in out)):
            continue
        out.append(x)
    return out


def family_table(
    system: System,
    deadline: Deadline,
    sizes: Sequence[int],
    hint: Mapping[str, int] | None,
    monitors: Collection[str],
) -> tuple[Literals, int] | None:
    """The literal table over :func:`image_vars`: the templates' atoms and those at
    composed terms, masked over a sample of their own; and how many atoms are the
    templates'. None: no sample."""
    maps = _many_to_one(system, deadline, sizes, hint)
    if not maps:
        return None
    xs = image_vars(system, maps)
    base = atoms(system, xs, monitors)
    new = _atoms_at(system, composed_terms(system, xs), _template_terms(base))
    new = [a for a in dict.fromkeys(new) if a not in set(base)]
    got = sample.take(system, xs, [*base, *new], deadline, sizes, hint)
    if got.full == 0:
        return None
    noise = (got.noise_masks, got.noise_full)
    return literal_table([*base, *new], got.masks, got.full, xs, noise), len(base)


def anchored(
    table: Literals, anchor: int, k: int, allowed: Sequence[int], deadline: Deadline, cap: int
) -> list[tuple[int, ...]]:
    """Minimal clauses of at most ``k`` literals: ``anchor`` and others from ``allowed``,
    holding on every sample; at most ``cap`` of them."""
    out: set[tuple[int, ...]] = set()
    masks = table.masks
    with_bit: dict[int, list[int]] = {}

    def grow(combo: tuple[int, ...], miss: int) -> None:
        if len(out) >= cap or deadline.expired():
            return
        if not miss:
            if all(not table.holds([c for c in combo if c != j]) for j in combo):
                out.add(tuple(sorted(combo)))
            return
        if len(combo) >= k:
            return
        b = (miss & -miss).bit_length() - 1
        cands = with_bit.get(b)
        if cands is None:
            cands = with_bit[b] = [j for j in allowed if masks[j] >> b & 1]
        for j in cands:
            if j in combo:
                continue
            grow((*combo, j), miss & ~masks[j])

    grow((anchor,), table.full & ~masks[anchor])
    return sorted(out)


def clauses(
    system: System,
    deadline: Deadline,
    sizes: Sequence[int] = sample.SAMPLE_SIZES,
    hint: Mapping[str, int] | None = None,
    monitors: Collection[str] = (),
) -> list[Candidate]:
    """The clauses of both families (module docstring) that hold on the sample and tell
    something (not on every noise state), one per renaming class."""
    got = family_table(system, deadline, sizes, hint, monitors)
    if got is None:
        return []
    table, n_base = got
    n_atoms = len(table.lits)  # positives then negatives; the first n_base atoms are old
    lits = table.lits
    atom_index = {a: i for i, (a, p) in enumerate(lits) if p}
    new_lits = [j for j, (a, _) in enumerate(lits) if atom_index[a] >= n_base]
    found: list[tuple[int, ...]] = []
    for j in new_lits:
        allowed = [i for i in range(n_atoms) if table.vars[i] | table.vars[j] == table.vars[j]]
        found += anchored(table, j, 2, allowed, deadline, MAX_PER_ANCHOR)
    images: list[tuple[int, ...]] = []
    for j in _image_equalities(system, table):
        if len(images) >= MAX_CLAUSES or deadline.expired():
            break
        # what the two elements are, not which other element they equal: the
        # equalities between terms make most of the vocabulary and few such lemmas
        allowed = [
            i
            for i in range(n_atoms)
            if table.vars[i]
            and table.vars[i] | table.vars[j] == table.vars[j]
            and not _term_equality(lits[i][0])
        ]
        images += anchored(table, j, MAX_IMAGE_LITERALS, allowed, deadline, MAX_PER_ANCHOR)
    found += images
    return _classes(table, [c for c in found if table.telling(c) and _sound_reads(table, c)])


def _term_equality(a: ir.Expr) -> bool:
    return isinstance(a, ir.BinOp) and a.op == "==" and isinstance(a.left.type, ir.SortType)


def _sound_reads(table: Literals, combo: Sequence[int]) -> bool:
    """At most one ``read == value`` literal per read (two are a conjunction of shorter
    clauses), and no literal with its own negation."""
    reads = [table.reads[j] for j in combo if table.reads[j] is not None]
    return len(set(reads)) == len(reads) and len({table.lits[j][0] for j in combo}) == len(combo)


def _classes(table: Literals, found: Sequence[tuple[int, ...]]) -> list[Candidate]:
    seen: set[frozenset[tuple[ir.Expr, bool]]] = set()
    ren = renamings(table.xs)
    out = []
    for combo in sorted(set(found), key=lambda c: (len(c), c)):
        key = frozenset(table.lits[j] for j in combo)
        if key in seen:
            continue
        for env in ren:
            seen.add(frozenset((rename(a, env), p) for a, p in key))
        chosen = tuple(table.lits[j] for j in combo)
        out.append(Candidate(clause_formula(chosen), len(combo), chosen))
    return out
