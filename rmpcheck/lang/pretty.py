"""IR back to source text: parsing the output gives an equal IR.

Used to show models and invariants to users, and by the round-trip tests.
Expressions are printed by :mod:`rmpcheck.ir_text` (the rules every printer
shares); this module adds statements, declarations and whole files.
"""

from __future__ import annotations

from collections.abc import Iterable

from rmpcheck import ir
from rmpcheck.ir_text import ExprPrinter, binders

__all__ = ["Printer", "binders", "model_to_text", "properties_to_text", "quote", "sizes_text"]


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t") + '"'


def sizes_text(sizes: Iterable[tuple[str, int]]) -> str:
    """An instance's sizes as written in its block: ``Page = 3, Thread = 2``."""
    return ", ".join(f"{s} = {n}" for s, n in sizes)


class Printer(ExprPrinter):
    """Prints expressions and statements; see :class:`rmpcheck.ir_text.ExprPrinter`."""

    def stmts(self, body: Iterable[ir.Stmt], indent: str) -> list[str]:
        out: list[str] = []
        for s in body:
            out.extend(self.stmt(s, indent))
        return out

    def stmt(self, s: ir.Stmt, indent: str) -> list[str]:
        inner = indent + "  "
        if isinstance(s, ir.Require):
            return [f"{indent}require {self.expr(s.cond)}"]
        if isinstance(s, ir.Assign):
            return [f"{indent}{self.lvalue(s.target, s.indices)} := {self.expr(s.value)}"]
        if isinstance(s, ir.If):
            return self._if(s, indent, indent)
        if isinstance(s, ir.Choose):
            where = "" if s.where is None else f" where {self.expr(s.where)}"
            head = f"{indent}choose {binders((s.var,))}{where} {{"
            return [head, *self.stmts(s.body, inner), indent + "}"]
        assert isinstance(s, ir.ForallStmt), s
        head = f"{indent}forall {binders(s.vars)} {{"
        return [head, *self.stmts(s.body, inner), indent + "}"]

    def _if(self, s: ir.If, indent: str, lead: str) -> list[str]:
        inner = indent + "  "
        lines = [f"{lead}if {self.expr(s.cond)} {{", *self.stmts(s.then, inner)]
        if len(s.else_) == 1 and isinstance(s.else_[0], ir.If):
            return lines + self._if(s.else_[0], indent, indent + "} else ")
        if s.else_:
            lines += [indent + "} else {", *self.stmts(s.else_, inner)]
        return lines + [indent + "}"]


def _doc(doc: str) -> str:
    return f" {quote(doc)}" if doc else ""


def _instance(i: ir.Instance) -> str:
    return f"instance {i.name} {{ {sizes_text(i.sizes)} }}"


def _def(p: Printer, d: ir.Def) -> str:
    params = f"({binders(d.params)})" if d.params else ""
    return f"def {d.name}{params}: {d.type} = {p.expr(d.body)}"


def model_to_text(model: ir.Model) -> str:
    """The model as a model file (includes already flattened)."""
    p = Printer(model.enums)
    out = [f"model {model.name}{_doc(model.doc)}", ""]
    out += [f"sort {s.name}" for s in model.sorts]
    out += [f"enum {t.name} {{ {', '.join(t.members)} }}" for t in model.enums]
    out += [f"state {d.name} : {d.type}" for d in model.state]
    out += [_def(p, d) for d in model.defs]
    if model.init:
        out += ["", "init {", *(f"  {p.expr(e)}" for e in model.init), "}"]
    out.append("")
    for a in model.actors:
        role = f" : {a.role}" if a.role and a.role != a.name else ""
        out.append(f"actor {a.name}{role}" + (f" per {a.per}" if a.per else ""))
    for act in model.actions:
        out += ["", f"action {act.full_name}({binders(act.params)}){_doc(act.doc)} {{"]
        out += [*p.stmts(act.body, "  "), "}"]
    out += _liveness_decls(p, model.fairness, model.terminal)
    if model.instances:
        out += ["", *(_instance(i) for i in model.instances)]
    return "\n".join(out) + "\n"


def _liveness_decls(
    p: Printer, fairness: Iterable[ir.Fairness], terminal: Iterable[ir.Expr]
) -> list[str]:
    """``fair a.x`` and ``terminal: e`` lines (an actor-wide declaration, one per action)."""
    out = [f"{'strong_fair' if f.kind == 'strong' else 'fair'} {f.action}" for f in fairness]
    out += [f"terminal: {p.expr(e)}" for e in terminal]
    return ["", *out] if out else []


def properties_to_text(props: ir.PropertySet, model: ir.Model | None = None) -> str:
    """The properties as a property file.

    Free variables that no action pattern binds (possible in IR built from
    Python) are written as explicit quantifiers, which means the same. Give
    ``model`` to write enum members unqualified where that is unambiguous.
    """
    p = Printer(None if model is None else model.enums)
    out = [f"properties for {props.model}", ""]
    out += [_instance(i) for i in props.instances]
    for prop in props.properties:
        f = prop.formula
        # the checker makes a free variable only of a bare name in a pattern
        parts = (
            [f]
            if prop.temporal is None or prop.temporal.trigger is None
            else [f, prop.temporal.trigger]
        )
        pattern_vars = {
            a.name
            for part in parts
            for x in ir.walk(part)
            if isinstance(x, ir.ActionIs)
            for a in x.args
            if isinstance(a, ir.BoundVar)
        }
        unbound = tuple(v for v in prop.free if v.name not in pattern_vars)
        if prop.temporal is not None:
            text = p.temporal(prop.temporal, unbound)
            out.append(f"{prop.kind} {prop.name}{_doc(prop.doc)}: {text}")
            continue
        if unbound:
            f = ir.Quant("exists" if prop.kind == "cover" else "forall", unbound, f)
        out.append(f"{prop.kind} {prop.name}{_doc(prop.doc)}: {p.expr(f)}")
    out += _liveness_decls(p, props.fairness, props.terminal)
    return "\n".join(out) + "\n"
