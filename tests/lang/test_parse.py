"""Every construct of the language, parsed and checked into the IR it means."""

from __future__ import annotations

import dataclasses

import pytest

from rmpcheck import ir
from rmpcheck.build import (
    BOOL,
    ModelBuilder,
    assign,
    choose,
    did,
    for_each,
    forall,
    if_,
    int_range,
    map_of,
    once,
    require,
    var,
)
from rmpcheck.errors import ModelError
from rmpcheck.lang import parse_model, parse_properties
from rmpcheck.lang.pretty import model_to_text

BASE = """
model race "a doc"
sort Page
sort Thread
enum Step { idle, translated, consulted }
state assigned : Page -> bool
state step     : Thread -> Step
state target   : Thread -> Page
state perm     : Thread, Page -> bool
state count    : 0..3
state lock     : bool
actor guest
actor host : hypervisor
action guest.psc(p: Page) { require !lock; assigned[p] := true }
action host.write(t: Thread) { require step[t] == consulted; step[t] := idle }
action host.translate(t: Thread, p: Page) { target[t] := p }
"""


def model(extra: str = "") -> ir.Model:
    return parse_model(BASE + extra)


def formula(text: str, extra: str = "", kind: str = "always") -> ir.Property:
    m = model(extra)
    return parse_properties(f"properties for race\n{kind} f: {text}\n", m).properties[0]


def shape(e: ir.Expr) -> str:
    """Fully parenthesised rendering, to test precedence and associativity."""
    if isinstance(e, ir.BinOp):
        return f"({shape(e.left)} {e.op} {shape(e.right)})"
    if isinstance(e, ir.Not):
        return f"!{shape(e.arg)}"
    if isinstance(e, ir.Past):
        return f"{e.op}({', '.join(shape(a) for a in e.args)})"
    if isinstance(e, ir.Quant):
        return f"{e.kind}[{','.join(v.name for v in e.vars)}]({shape(e.body)})"
    if isinstance(e, ir.Ite):
        return f"ite({shape(e.cond)}, {shape(e.then)}, {shape(e.else_)})"
    if isinstance(e, ir.Select):
        return f"{shape(e.map)}[{', '.join(shape(a) for a in e.args)}]"
    if isinstance(e, ir.StateVar):
        return e.name + ("'" if e.primed else "")
    if isinstance(e, ir.ActionIs):
        return f"{e.action}({', '.join('_' if a is None else shape(a) for a in e.args)})"
    if isinstance(e, (ir.BoolLit, ir.IntLit)):
        return str(e.value).lower()
    if isinstance(e, ir.EnumLit):
        return e.member
    assert isinstance(e, ir.BoundVar)
    return e.name


# ------------------------------------------------------------------ declarations


def test_declarations_become_the_ir_a_builder_makes() -> None:
    m = model()
    mb = ModelBuilder("race", "a doc")
    page, thread = mb.sort("Page"), mb.sort("Thread")
    step = mb.enum("Step", "idle", "translated", "consulted")
    assigned = mb.state("assigned", map_of(page, BOOL))
    st = mb.state("step", map_of(thread, step))
    target = mb.state("target", map_of(thread, page))
    mb.state("perm", map_of(thread, page, BOOL))
    mb.state("count", int_range(0, 3))
    lock = mb.state("lock", BOOL)
    mb.actor("guest")
    mb.actor("host", "hypervisor")
    p, t = var("p", page), var("t", thread)
    mb.action("guest.psc", [p], require(~lock), assign(assigned[p], True))
    mb.action("host.write", [t], require(st[t] == "consulted"), assign(st[t], "idle"))
    mb.action("host.translate", [t, p], assign(target[t], p))
    assert m == dataclasses.replace(mb.build(), file="<string>")
    assert m.actor("guest").role == "guest" and m.actor("host").role == "hypervisor"
    assert m.span.line == 2 and m.state_decl("perm").span.line == 9


def test_negative_ranges_multiple_init_blocks_and_instances() -> None:
    m = model("""
        state temp : -2..2
        init { forall p: Page. !assigned[p]; count == 0 }
        init { temp == -1  !lock }
        instance small { Page = 3, Thread = 2 }
        instance one { Page = 1, }
    """)
    assert m.state_decl("temp").type == ir.IntType(-2, 2)
    assert len(m.init) == 4
    assert isinstance(m.init[2], ir.BinOp) and m.init[2].right == ir.IntLit(-1)
    assert [i.as_dict() for i in m.instances] == [{"Page": 3, "Thread": 2}, {"Page": 1}]


def test_action_doc_and_optional_parentheses() -> None:
    m = model('action host.tick "advance the clock" { count := count + 1 }')
    tick = m.action("host.tick")
    assert tick.params == () and tick.doc == "advance the clock"
    value = tick.body[0].value  # type: ignore[union-attr]
    assert value.type == ir.IntType(1, 4)  # wide enough for every result


def test_statements() -> None:
    m = model("""
    action host.all(t: Thread) {
      if lock { count := 0 } else if count > 1 { count := 1 } else { lock := true }
      choose q: Page where !assigned[q] { target[t] := q }
      choose r: Page { target[t] := r };
      forall q: Page { if assigned[q] { assigned[q] := false } }
      forall q: Page, u: Thread. perm[u, q] := false
    }""")
    page, thread = ir.SortType("Page"), ir.SortType("Thread")
    t, q, r, u = var("t", thread), var("q", page), var("r", page), var("u", thread)
    mb = ModelBuilder("x")
    assigned = mb.state("assigned", map_of(page, BOOL))
    perm = mb.state("perm", map_of(thread, page, BOOL))
    target = mb.state("target", map_of(thread, page))
    count = mb.state("count", int_range(0, 3))
    lock = mb.state("lock", BOOL)
    expected = (
        if_(lock, [assign(count, 0)], [if_(count > 1, [assign(count, 1)], [assign(lock, True)])]),
        choose(q, ~assigned[q], assign(target[t], q)),
        choose(r, None, assign(target[t], r)),
        for_each([q], if_(assigned[q], [assign(assigned[q], False)])),
        for_each([q, u], assign(perm[u, q], False)),
    )
    assert m.action("host.all").body == expected


def test_defs_are_inlined_with_their_binders_renamed_apart() -> None:
    m = model("""
    def is_private(p: Page): bool = assigned[p]
    def someone_translating(p: Page): bool =
      exists t: Thread. target[t] == p && step[t] == translated
    def locked: bool = lock
    action host.check(t: Thread) {
      require locked && is_private(target[t])
      require someone_translating(target[t])
    }""")
    body = m.action("host.check").body
    assert shape(body[0].cond) == "(lock and assigned[target[t]])"  # type: ignore[union-attr]
    # the def's `t` would capture the action's parameter: it is renamed
    inner = body[1].cond  # type: ignore[union-attr]
    assert isinstance(inner, ir.Quant) and inner.vars[0].name == "t_1"
    assert ir.free_vars(inner) == {ir.BoundVar("t", ir.SortType("Thread"))}
    assert [d.name for d in m.defs] == ["is_private", "someone_translating", "locked"]


def test_renamed_binders_avoid_every_name_in_sight() -> None:
    m = model("""
    state t_1 : bool
    def held(p: Page): bool = exists t: Thread. target[t] == p
    action host.check(t: Thread) { require exists t_2: Thread. held(target[t_2]) && t_1 }
    """)
    cond = m.action("host.check").body[0].cond  # type: ignore[union-attr]
    assert isinstance(cond, ir.Quant) and isinstance(cond.body, ir.BinOp)
    inlined = cond.body.left
    assert isinstance(inlined, ir.Quant)
    assert inlined.vars[0].name == "t_3"  # not t (parameter), t_1 (state) nor t_2 (bound)
    assert parse_model(model_to_text(m)) == dataclasses.replace(m, file="<string>")


def test_enum_members_bare_qualified_and_disambiguated_by_type() -> None:
    m = model("""
    enum Mode { idle, busy }
    state mode : Mode
    init { mode == idle  idle == mode  Step.idle != Step.consulted }
    action host.rest(t: Thread) { mode := idle; step[t] := idle }
    """)
    mode_t = m.enums[1]
    assert m.init[0] == ir.BinOp(
        "==", ir.StateVar("mode", mode_t), ir.EnumLit(mode_t, "idle"), BOOL
    )
    assert isinstance(m.init[1], ir.BinOp) and m.init[1].left == ir.EnumLit(mode_t, "idle")
    rest = m.action("host.rest").body
    assert rest[1].value == ir.EnumLit(m.enums[0], "idle")  # type: ignore[union-attr]


def test_include_and_override(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "base.rmp").write_text(BASE)
    (tmp_path / "lib" / "extra.rmp").write_text('model extra\ninclude "base.rmp"\nsort Asid\n')
    text = """model variant
    include "lib/base.rmp"
    include "lib/extra.rmp"   # includes base.rmp again: read once
    override action host.write(t: Thread) { step[t] := idle }
    """
    m = parse_model(text, str(tmp_path / "variant.rmp"))
    assert m.name == "variant" and m.includes == ("race", "extra")
    assert [s.name for s in m.sorts] == ["Page", "Thread", "Asid"]
    assert [a.full_name for a in m.actions] == ["guest.psc", "host.write", "host.translate"]
    write = m.action("host.write")
    assert len(write.body) == 1 and write.span.file.endswith("variant.rmp")


# ------------------------------------------------------------------ expressions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lock || lock && !lock", "(lock or (lock and !lock))"),
        ("lock -> lock -> lock", "(lock implies (lock implies lock))"),
        ("lock -> lock <-> lock", "((lock implies lock) iff lock)"),
        ("lock && lock since lock", "(lock and since(lock, lock))"),
        ("count + 1 - 2 == 3", "(((count + 1) - 2) == 3)"),
        ("!lock == lock", "(!lock == lock)"),
        ("once !lock && historically lock", "(once(!lock) and historically(lock))"),
        ("prev (count < 2)", "prev((count < 2))"),
        ("forall p: Page. assigned[p] -> lock", "forall[p]((assigned[p] implies lock))"),
        (
            "lock && forall p: Page. assigned[p] || lock",
            "(lock and forall[p]((assigned[p] or lock)))",
        ),
        ("exists t: Thread, p: Page. perm[t, p]", "exists[t,p](perm[t, p])"),
        ("(if lock then 1 else count) > 0", "(ite(lock, 1, count) > 0)"),
        (
            "count' > count && assigned'[target[t]] && host.write(t)",
            "(((count' > count) and assigned'[target[t]]) and host.write(t))",
        ),
        (
            "host.write(t) -> once host.translate(t, _)",
            "(host.write(t) implies once(host.translate(t, _)))",
        ),
        ("(lock)", "lock"),
    ],
)
def test_precedence(text: str, expected: str) -> None:
    assert shape(formula(text).formula) == expected


def test_ite_int_branches_and_arith_types() -> None:
    f = formula("(if lock then 0 else count + 2) < 1").formula
    assert isinstance(f, ir.BinOp) and isinstance(f.left, ir.Ite)
    assert f.left.type == ir.IntType(0, 5)
    g = formula("count - count == 0").formula
    assert isinstance(g, ir.BinOp) and g.left.type == ir.IntType(-3, 3)


def test_implicit_variables_of_action_patterns() -> None:
    p = formula("!assigned[target[t]] || !host.write(t)")
    assert p.free == (ir.BoundVar("t", ir.SortType("Thread")),)
    q = formula("host.translate(t, p) -> once guest.psc(p) && host.write(_)")
    assert [v.name for v in q.free] == ["p", "t"]
    bound = formula("forall t: Thread. host.write(t) -> lock")
    assert bound.free == ()
    literal = formula("host.translate(t, target[t]) -> lock")
    assert [v.name for v in literal.free] == ["t"]


def test_property_kinds_docs_defs_and_instances() -> None:
    m = model()
    props = parse_properties(
        """
    properties for race
    def quiet: bool = !lock
    instance tiny { Page = 1, Thread = 1 }
    invariant i "lock is off": quiet
    always a: lock' -> lock
    cover c: exists t: Thread. step[t] == consulted
    assume fair_env: quiet
    lemma l: once guest.psc(p) -> assigned[p]
    """,
        m,
    )
    assert [(p.kind, p.name) for p in props.properties] == [
        ("invariant", "i"),
        ("always", "a"),
        ("cover", "c"),
        ("assume", "fair_env"),
        ("lemma", "l"),
    ]
    assert props.properties[0].doc == "lock is off"
    assert props.properties[0].formula == ir.Not(ir.StateVar("lock", BOOL))
    assert props.instances[0].as_dict() == {"Page": 1, "Thread": 1}
    assert props.model == "race" and props.file == "<string>"


def test_model_defs_are_usable_in_properties() -> None:
    m = model("def is_private(p: Page): bool = assigned[p]")
    p = parse_properties("properties\ninvariant i: forall q: Page. is_private(q)", m)
    q = var("q", ir.SortType("Page"))
    assigned = ir.StateVar("assigned", map_of(ir.SortType("Page"), BOOL))
    assert p.properties[0].formula == forall([q], ir.Select(assigned, (q.x,))).x


def test_properties_for_an_included_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "base.rmp").write_text(BASE)
    variant = parse_model('model variant\ninclude "base.rmp"\n', str(tmp_path / "v.rmp"))
    props = parse_properties("properties for race\ninvariant i: true\n", variant)
    assert props.model == "variant"
    with pytest.raises(ModelError, match="for model 'other'"):
        parse_properties("properties for other\ninvariant i: true\n", variant)


def test_builder_pattern_matches_parsed_pattern() -> None:
    p = formula("host.write(t) -> once host.translate(t, _)")
    t = var("t", ir.SortType("Thread"))
    assert p.formula == did("host.write", t).implies(once(did("host.translate", t, None))).x


def test_every_error_is_reported_in_one_run() -> None:
    with pytest.raises(ModelError) as info:
        model("state x : Pge\naction host.y() { require nope; lock := 1 }")
    messages = [d.message for d in info.value.diagnostics]
    assert len(messages) == 3
    assert all(d.source_line is not None for d in info.value.diagnostics)
    assert info.value.diagnostics[0].hint == "did you mean 'Page'?"
