"""IR back to source text: parsing the output gives an equal IR.

Used to show models and invariants to users, and by the round-trip tests.
Parentheses are added only where precedence needs them; quantifiers and
``if .. then .. else`` (which extend as far right as possible) are
parenthesised whenever they are not a whole formula.
"""

from __future__ import annotations

from collections.abc import Iterable

from rmpcheck import ir

_SYMBOL = {"and": "&&", "or": "||", "implies": "->", "iff": "<->"}

# Binding strength: operators of a higher level bind tighter.
_OPEN, _IFF, _IMPLIES, _OR, _AND, _SINCE, _CMP, _SUM, _UNARY, _ATOM = range(10)
_LEVEL = {"iff": _IFF, "implies": _IMPLIES, "or": _OR, "and": _AND, "+": _SUM, "-": _SUM}
# (left operand level, right operand level) for each binary level
_OPERANDS = {
    _IFF: (_IMPLIES, _IMPLIES),  # non-associative
    _IMPLIES: (_OR, _IMPLIES),  # right-associative
    _OR: (_OR, _AND),
    _AND: (_AND, _SINCE),
    _SINCE: (_CMP, _CMP),
    _CMP: (_SUM, _SUM),
    _SUM: (_SUM, _UNARY),
}


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t") + '"'


def type_text(t: ir.Type) -> str:
    if isinstance(t, ir.MapType):
        return f"{', '.join(type_text(k) for k in t.keys)} -> {type_text(t.value)}"
    return str(t)  # bool, lo..hi, or the sort/enum name


class Printer:
    """Prints expressions; ``shared`` are enum members that need ``Enum.member``."""

    def __init__(self, enums: Iterable[ir.EnumType] | None) -> None:
        # Without the model's enums we cannot know which members are ambiguous,
        # so every member is qualified.
        self.qualify_all = enums is None
        seen: dict[str, int] = {}
        for t in enums or ():
            for m in t.members:
                seen[m] = seen.get(m, 0) + 1
        self.shared = {m for m, n in seen.items() if n > 1}

    def expr(self, e: ir.Expr, level: int = _OPEN) -> str:
        text, own = self._expr(e)
        if own < level:
            return f"({text})"
        return text

    def _expr(self, e: ir.Expr) -> tuple[str, int]:
        if isinstance(e, ir.BoolLit):
            return ("true" if e.value else "false"), _ATOM
        if isinstance(e, ir.IntLit):
            return str(e.value), (_UNARY if e.value < 0 else _ATOM)
        if isinstance(e, ir.EnumLit):
            if self.qualify_all or e.member in self.shared:
                return f"{e.enum.name}.{e.member}", _ATOM
            return e.member, _ATOM
        if isinstance(e, ir.StateVar):
            return e.name + ("'" if e.primed else ""), _ATOM
        if isinstance(e, ir.BoundVar):
            return e.name, _ATOM
        if isinstance(e, ir.Select):
            return f"{self.expr(e.map)}[{self._list(e.args)}]", _ATOM
        if isinstance(e, ir.Not):
            return "!" + self.expr(e.arg, _UNARY), _UNARY
        if isinstance(e, ir.Past):
            if e.op == "since":
                a, b = e.args
                return f"{self.expr(a, _CMP)} since {self.expr(b, _CMP)}", _SINCE
            return f"{e.op} {self.expr(e.args[0], _UNARY)}", _UNARY
        if isinstance(e, ir.BinOp):
            level = _LEVEL.get(e.op, _CMP)
            left, right = _OPERANDS[level]
            op = _SYMBOL.get(e.op, e.op)
            return f"{self.expr(e.left, left)} {op} {self.expr(e.right, right)}", level
        if isinstance(e, ir.ActionIs):
            args = ", ".join("_" if x is None else self.expr(x, _IFF) for x in e.args)
            return f"{e.action}({args})", _ATOM
        if isinstance(e, ir.Ite):
            c, t, f = (self.expr(x) for x in (e.cond, e.then, e.else_))
            return f"if {c} then {t} else {f}", _OPEN
        assert isinstance(e, ir.Quant), e
        return f"{e.kind} {binders(e.vars)}. {self.expr(e.body)}", _OPEN

    def _list(self, args: Iterable[ir.Expr]) -> str:
        return ", ".join(self.expr(a, _IFF) for a in args)

    # ------------------------------------------------------------ statements

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
            target = s.target.name + (f"[{self._list(s.indices)}]" if s.indices else "")
            return [f"{indent}{target} := {self.expr(s.value)}"]
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


def binders(vs: Iterable[ir.BoundVar]) -> str:
    return ", ".join(f"{v.name}: {type_text(v.type)}" for v in vs)


def _doc(doc: str) -> str:
    return f" {quote(doc)}" if doc else ""


def _instance(i: ir.Instance) -> str:
    return f"instance {i.name} {{ {', '.join(f'{s} = {n}' for s, n in i.sizes)} }}"


def _def(p: Printer, d: ir.Def) -> str:
    params = f"({binders(d.params)})" if d.params else ""
    return f"def {d.name}{params}: {type_text(d.type)} = {p.expr(d.body)}"


def model_to_text(model: ir.Model) -> str:
    """The model as a model file (includes already flattened)."""
    p = Printer(model.enums)
    out = [f"model {model.name}{_doc(model.doc)}", ""]
    out += [f"sort {s.name}" for s in model.sorts]
    out += [f"enum {t.name} {{ {', '.join(t.members)} }}" for t in model.enums]
    out += [f"state {d.name} : {type_text(d.type)}" for d in model.state]
    out += [_def(p, d) for d in model.defs]
    if model.init:
        out += ["", "init {", *(f"  {p.expr(e)}" for e in model.init), "}"]
    out.append("")
    for a in model.actors:
        out.append(f"actor {a.name}" + (f" : {a.role}" if a.role and a.role != a.name else ""))
    for act in model.actions:
        out += ["", f"action {act.full_name}({binders(act.params)}){_doc(act.doc)} {{"]
        out += [*p.stmts(act.body, "  "), "}"]
    if model.instances:
        out += ["", *(_instance(i) for i in model.instances)]
    return "\n".join(out) + "\n"


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
        pattern_vars = {
            a.name
            for x in ir.walk(f)
            if isinstance(x, ir.ActionIs)
            for a in x.args
            if isinstance(a, ir.BoundVar)
        }
        unbound = tuple(v for v in prop.free if v.name not in pattern_vars)
        if unbound:
            f = ir.Quant("exists" if prop.kind == "cover" else "forall", unbound, f)
        out.append(f"{prop.kind} {prop.name}{_doc(prop.doc)}: {p.expr(f)}")
    return "\n".join(out) + "\n"
