"""Editing expected verdicts in a configuration's text: every shape config.py reads."""

from __future__ import annotations

import pytest

from rmpcheck.errors import ConfigError
from rmpcheck.gate.expect_text import set_verdicts

TOP = ("tool", "rmpcheck")

HEAD = """\
# my project
[project]
name = "x"

[tool.rmpcheck]
engine = "explicit"  # fast
"""


def test_inline_entries_change_in_place_and_new_ones_go_last() -> None:
    text = HEAD + """
[[tool.rmpcheck.check]]
model = "m.rmp"
expect = { "a b" = "proved", c = { verdict = "proved", w = "x, }" } }  # note
properties = "p.prop"
"""
    out = set_verdicts(text, TOP, {0: {"a b": "refuted", "c": "refuted", "d": "covered"}})
    assert out == text.replace(
        'expect = { "a b" = "proved", c = { verdict = "proved", w = "x, }" } }',
        'expect = { "a b" = "refuted", c = { verdict = "refuted", w = "x, }" }, '
        'd = "covered" }',
    )


def test_a_subtable_keeps_its_comments_and_grows_after_its_last_entry() -> None:
    text = HEAD + """
[[tool.rmpcheck.check]]
model = "m.rmp"

[tool.rmpcheck.check.expect]
a = "proved"   # keep
# a comment about b
b = { verdict = "uncoverable", instance = { Page = 2 } }

# about the next check
[[tool.rmpcheck.check]]
model = "n.rmp"
expect = { a = "proved" }
"""
    out = set_verdicts(text, TOP, {0: {"b": "covered", "z": "proved"}, 1: {"a": "refuted"}})
    assert out == text.replace(
        'b = { verdict = "uncoverable", instance = { Page = 2 } }\n',
        'b = { verdict = "covered", instance = { Page = 2 } }\nz = "proved"\n',
    ).replace('expect = { a = "proved" }', 'expect = { a = "refuted" }')
    assert "a = \"proved\"   # keep" in out


def test_a_check_without_expect_gets_a_subtable_before_the_next_check() -> None:
    text = HEAD + """
[[tool.rmpcheck.check]]
model = "m.rmp"
properties = "p.prop"

# the second
[[tool.rmpcheck.check]]
model = "n.rmp"
expect = {}
"""
    out = set_verdicts(text, TOP, {0: {"a": "proved"}, 1: {"b": "covered"}})
    assert out == text.replace(
        'properties = "p.prop"\n',
        'properties = "p.prop"\n\n[tool.rmpcheck.check.expect]\na = "proved"\n',
    ).replace("expect = {}", 'expect = { b = "covered" }')


def test_a_long_inline_table_becomes_a_subtable() -> None:
    text = HEAD + """
[[tool.rmpcheck.check]]
expect = { a_rather_long_claim_name = "proved", another_long_claim_name = "proved" }  # why
model = "m.rmp"
"""
    out = set_verdicts(text, TOP, {0: {"a_third_long_claim_name": "refuted"}})
    assert out == HEAD + """
[[tool.rmpcheck.check]]
model = "m.rmp"

[tool.rmpcheck.check.expect]
# why
a_rather_long_claim_name = "proved"
another_long_claim_name = "proved"
a_third_long_claim_name = "refuted"
"""


def test_a_stand_alone_file() -> None:
    text = '[[check]]\nmodel = "m.rmp"\nexpect = { a = "proved" }\n'
    out = set_verdicts(text, (), {0: {"a": "refuted"}})
    assert out == text.replace('"proved"', '"refuted"')


def test_checks_written_inline_are_left_to_a_person() -> None:
    text = '[tool.rmpcheck]\ncheck = [{ model = "m.rmp", expect = { a = "proved" } }]\n'
    with pytest.raises(ConfigError, match="write them by hand"):
        set_verdicts(text, TOP, {0: {"a": "refuted"}})


def test_tables_of_their_own_and_dotted_keys() -> None:
    text = HEAD + """
[[tool.rmpcheck.check]]
model = "m.rmp"

[tool.rmpcheck.check.expect]
a.verdict = "proved"
a.timeout = 5

[tool.rmpcheck.check.expect.b]
verdict = "proved"   # why
vacuous = "a reason"

[[tool.rmpcheck.check]]
model = "n.rmp"

[tool.rmpcheck.check.expect.c]
verdict = "covered"
"""
    out = set_verdicts(text, TOP, {0: {"a": "refuted", "b": "refuted", "new": "covered"},
                                   1: {"c": "uncoverable", "d": "proved"}})
    assert out == HEAD + """
[[tool.rmpcheck.check]]
model = "m.rmp"

[tool.rmpcheck.check.expect]
a.verdict = "refuted"
a.timeout = 5
new = "covered"

[tool.rmpcheck.check.expect.b]
verdict = "refuted"   # why
vacuous = "a reason"

[[tool.rmpcheck.check]]
model = "n.rmp"

[tool.rmpcheck.check.expect]
d = "proved"

[tool.rmpcheck.check.expect.c]
verdict = "uncoverable"
"""
