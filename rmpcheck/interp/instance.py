"""The reference semantics on a finite instance: initial states, steps, predicates.

Every engine's traces are replayed here before they are reported, and the
explicit engine explores with it, so it is written to be both obviously
faithful to ir.py's semantics and fast (see codegen.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from math import prod
from typing import Any

from rmpcheck import ir
from rmpcheck.errors import EngineError
from rmpcheck.interp.codegen import ActionCode, Compiler
from rmpcheck.interp.values import Raw, Sizes, State, show_state
from rmpcheck.monitor import System

# Past this many candidate initial states the model needs a symbolic engine.
MAX_INIT_CANDIDATES = 10_000_000


@dataclass(frozen=True, slots=True)
class ActionInstance:
    """Which action ran, with its parameters and hidden choices, as raw values."""

    action: str
    args: tuple[Raw, ...]
    choices: tuple[Raw, ...] = ()


class Instance:
    """A system at fixed sizes."""

    def __init__(self, system: System | ir.Model, sizes: Mapping[str, int]) -> None:
        if isinstance(system, ir.Model):
            system = System(system)
        self.system = system
        self.model = system.model
        self.sizes = Sizes(self.model, sizes)
        self.decls = system.state
        self.index = {d.name: i for i, d in enumerate(self.decls)}
        self._compiler = Compiler(system, self.sizes)
        self.actions: list[ActionCode] = [self._compiler.action(a) for a in self.model.actions]
        self._by_name = {c.action.full_name: c for c in self.actions}
        self._minit = self._compiler.monitor_init()
        self._preds: dict[ir.Expr, Callable[..., Any]] = {}
        self._init_preds = [self.predicate(c) for c in self.model.init]

    # ------------------------------------------------------------ predicates

    def predicate(self, e: ir.Expr) -> Callable[[State], Any]:
        """A compiled state predicate (cached)."""
        f = self._preds.get(e)
        if f is None:
            f = self._preds[e] = self._compiler.predicate(e)
        return f

    def function(self, e: ir.Expr, params: Sequence[ir.BoundVar]) -> Callable[..., Any]:
        """``f(s, *values)``: an expression with free variables ``params``, compiled."""
        return self._compiler.function(e, params)

    def step_predicate(self, e: ir.Expr, action: ir.Action) -> Callable[..., Any]:
        """``f(s, t, *args)``: a closed step formula at a step of ``action`` with ``args``."""
        return self._compiler.step_function(e, action)

    def holds(self, e: ir.Expr, s: State) -> bool:
        return bool(self.predicate(e)(s))

    def eval(self, e: ir.Expr, s: State, t: State | None = None) -> Raw:
        """Evaluate a closed expression on a state (or a step, if it reads primes)."""
        if t is None:
            return self.predicate(e)(s)
        return self._compiler.predicate(e, step=True)(s, t)

    # ----------------------------------------------------------------- steps

    def successors(self, s: State) -> Iterator[tuple[ActionInstance, State]]:
        """Every enabled action instance and its post-state, deduplicated per instance."""
        for code in self.actions:
            yield from self._run(code, s, None)

    def step(
        self, s: State, action: str, args: Sequence[Raw]
    ) -> list[tuple[ActionInstance, State]]:
        """The post-states of one action instance (several if it chooses)."""
        code = self._by_name.get(action)
        if code is None:
            raise KeyError(action)
        return list(self._run(code, s, tuple(args)))

    def _run(
        self, code: ActionCode, s: State, only: tuple[Raw, ...] | None
    ) -> Iterator[tuple[ActionInstance, State]]:
        name = code.action.full_name
        fn = code.fn
        arg_space = [only] if only is not None else itertools.product(*code.param_domains)
        if not code.choice_domains:
            for args in arg_space:
                t = fn(s, *args)
                if t is not None:
                    yield ActionInstance(name, args), t
            return
        for args in arg_space:
            seen: set[State] = set()
            for ch in itertools.product(*code.choice_domains):
                t = fn(s, *args, *ch)
                if t is not None and t not in seen:
                    seen.add(t)
                    yield ActionInstance(name, args, ch), t

    def enabled(self, s: State) -> list[ActionInstance]:
        return [a for a, _ in self.successors(s)]

    # --------------------------------------------------------- initial states

    def complete(self, model_part: Sequence[Raw]) -> State | None:
        """Add monitor values to an assignment of the model's variables; None if an
        assumption rules the state out."""
        t = list(model_part) + [None] * len(self.system.monitors)
        self._minit(t)
        s = tuple(t)
        for a in self.system.state_assumes:
            if not self.holds(a, s):
                return None
        return s

    def is_initial(self, s: State) -> bool:
        n = len(self.model.state)
        if len(s) != len(self.decls) or not all(p(s) for p in self._init_preds):
            return False
        return self.complete(s[:n]) == s

    def initial_states(
        self,
        first: Sequence[int] = (),
        keep_first: Callable[[Sequence[Raw]], bool] | None = None,
        pinned: Mapping[int, Raw] | None = None,
    ) -> Iterator[State]:
        """Every initial state, by backtracking over the model's variables.

        ``first`` (indices of model variables) are enumerated before the others, and
        an assignment of them that ``keep_first`` rejects is not extended (the explicit
        engine keeps one value of its never-written parameters per symmetry orbit).
        A ``pinned`` variable takes only the value given (the explicit engine pins a
        variable init leaves free, and enumerates its values up to symmetry itself).

        Variables with fewest candidate values go first (a scalar such as a context
        page pins the maps ``init`` defines from it before they are enumerated), and
        each conjunct is checked as soon as the last variable it reads has a value.
        What bounds the work is the number of partial assignments visited, not the
        product of the candidates: that product counts combinations the conjuncts
        rule out long before they are built."""
        n = len(self.model.state)
        conjuncts = self._init_conjuncts()
        reads = [_state_vars(c, self.index) for c in conjuncts]
        pinned = pinned or {}
        cands = [
            [pinned[i]] if i in pinned else self._candidates(i, conjuncts, reads)
            for i in range(n)
        ]
        head = list(dict.fromkeys(first))
        order = head + sorted((i for i in range(n) if i not in head), key=lambda i: len(cands[i]))
        rank = {v: k for k, v in enumerate(order)}
        # check each conjunct as soon as the last variable it reads is assigned
        due: list[list[Callable[..., Any]]] = [[] for _ in range(n)]
        for c, r in zip(conjuncts, reads, strict=True):
            due[max((rank[v] for v in r if v < n), default=0)].append(self.predicate(c))
        partial: list[Raw] = [None] * len(self.decls)
        visited = 0

        def extend(k: int) -> Iterator[State]:
            nonlocal visited
            if k == n:
                s = self.complete(partial[:n])
                if s is not None:
                    yield s
                return
            i = order[k]
            for v in cands[i]:
                visited += 1
                if visited > MAX_INIT_CANDIDATES:
                    raise EngineError(
                        f"{self.model.name}: too many candidate initial states to enumerate"
                        f" (over {MAX_INIT_CANDIDATES:,} partial assignments);"
                        " constrain init or use a symbolic engine (bmc, kind, pdr)"
                    )
                partial[i] = v
                view = tuple(partial)
                if not all(p(view) for p in due[k]):
                    continue
                if keep_first is not None and k == len(head) - 1:
                    if not keep_first([partial[j] for j in head]):
                        continue
                yield from extend(k + 1)
            partial[i] = None

        yield from extend(0)

    def _init_conjuncts(self) -> list[ir.Expr]:
        n = len(self.model.state)
        conjuncts = [c for e in self.model.init for c in _split(e)]
        # an assumption over the model's own variables holds initially too (complete()
        # checks it): checked early, it prunes a never-written order before its product
        conjuncts += [
            c
            for e in self.system.state_assumes
            for c in _split(e)
            if all(i < n for i in _state_vars(c, self.index))
        ]
        return conjuncts

    def init_reads(self) -> frozenset[int]:
        """The model variables that init (or an assumption over the model's variables)
        reads: the others may start with any value."""
        return frozenset(i for c in self._init_conjuncts() for i in _state_vars(c, self.index))

    def _candidates(
        self, i: int, conjuncts: list[ir.Expr], reads: list[frozenset[int]]
    ) -> list[Raw]:
        """Values of variable i allowed by the init conjuncts that read only it."""
        d = self.decls[i]
        own = [c for c, r in zip(conjuncts, reads, strict=True) if r == {i}]
        blank: list[Raw] = [None] * len(self.decls)

        def ok(v: Raw) -> bool:
            blank[i] = v
            view = tuple(blank)
            return all(self.holds(c, view) for c in own)

        if self.sizes.count(d.type) <= 4096 or not isinstance(d.type, ir.MapType):
            return [v for v in self.sizes.values_of(d.type) if ok(v)]
        # a big map: constrain entry by entry where a conjunct reads m[q] only
        entries = self._entrywise(i, d.type, own)
        total = prod(len(e) for e in entries)
        if total > MAX_INIT_CANDIDATES:
            raise EngineError(
                f"{self.model.name}: init leaves {total:,} values for {d.name};"
                " constrain init or use a symbolic engine (bmc, kind, pdr)"
            )
        return [v for v in itertools.product(*entries) if ok(v)]

    def _entrywise(self, i: int, t: ir.MapType, own: list[ir.Expr]) -> list[list[Raw]]:
        keys = self.sizes.keys(t)
        allowed = [list(self.sizes.domain(t.value).values) for _ in keys]
        name = self.decls[i].name
        for c in own:
            if not (isinstance(c, ir.Quant) and c.kind == "forall"):
                continue
            if [v.type for v in c.vars] != list(t.keys) or not _reads_only_at(c.body, name, c.vars):
                continue
            body = self._compiler.function(c.body, c.vars)
            for j, key in enumerate(keys):
                view: list[Raw] = [None] * len(self.decls)
                keep = []
                for val in allowed[j]:
                    view[i] = (val,) * len(keys)
                    if body(tuple(view), *key):
                        keep.append(val)
                allowed[j] = keep
        return allowed

    # ------------------------------------------------------------- display

    def show(self, s: State) -> dict[str, Any]:
        return show_state(self.sizes, self.decls, s)

    def show_args(self, ai: ActionInstance) -> dict[str, Any]:
        a = self.model.action(ai.action)
        return {p.name: self.sizes.show(p.type, v) for p, v in zip(a.params, ai.args, strict=True)}

    def read(self, shown: Mapping[str, Any]) -> State:
        """A state from display values (model variables; monitors recomputed are not
        possible, so they must be present too)."""
        return tuple(self.sizes.read(d.type, shown[d.name]) for d in self.decls)


def _split(e: ir.Expr) -> Iterator[ir.Expr]:
    """Top-level conjuncts, also splitting ``forall x. a && b`` into two foralls."""
    if isinstance(e, ir.BinOp) and e.op == "and":
        yield from _split(e.left)
        yield from _split(e.right)
    elif isinstance(e, ir.Quant) and e.kind == "forall":
        parts = list(_split(e.body))
        if len(parts) == 1:
            yield e
        else:
            for p in parts:
                yield ir.Quant("forall", e.vars, p, e.span)
    else:
        yield e


def _state_vars(e: ir.Expr, index: Mapping[str, int]) -> frozenset[int]:
    return frozenset(index[x.name] for x in ir.walk(e) if isinstance(x, ir.StateVar))


def _reads_only_at(body: ir.Expr, name: str, at: tuple[ir.BoundVar, ...]) -> bool:
    """Does ``body`` read state only as ``name[at...]``?"""
    selects = [x for x in ir.walk(body) if isinstance(x, ir.Select)]
    if any(x.map.name != name or x.args != at for x in selects):
        return False
    return sum(isinstance(x, ir.StateVar) for x in ir.walk(body)) == len(selects)
