"""Every default a help text states is the default the code uses.

Click prints ``[default: ...]`` from the option itself; what this checks is the
prose: the numbers a docstring or epilog states (the gate's defaults, the
depth in "no violation up to depth k", the interrupted walk's length).
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from rmpcheck.cli import COMMANDS, cli


def help_text(*args: str) -> str:
    r = CliRunner().invoke(cli, [*args, "--help"], terminal_width=200)
    assert r.exit_code == 0, r.output
    return " ".join(r.output.split())  # one line: numbers never split across a wrap


def test_the_gate_defaults_in_prove_help_are_the_gate_defaults() -> None:
    from rmpcheck.gate.settings import DEFAULTS

    text = help_text("prove")
    stated = re.search(
        r"engine (\w+), timeout (\d+) s, memory_mb (\d+) and depth (\d+) for each "
        r"obligation, and vacuity (\w+)",
        text,
    )
    assert stated is not None, text
    engine, timeout, memory, depth, vacuity = stated.groups()
    assert (engine, float(timeout), int(memory), int(depth), vacuity) == (
        DEFAULTS.engine, DEFAULTS.timeout, DEFAULTS.memory_mb, DEFAULTS.depth, DEFAULTS.vacuity)


def test_a_depth_stated_in_prove_help_is_the_default_depth() -> None:
    from rmpcheck.engines.base import DEFAULT_DEPTH

    text = help_text("prove")
    depths = {int(d) for d in re.findall(r"up to depth (\d+)", text)}
    assert depths == {DEFAULT_DEPTH}
    assert f"[default: {DEFAULT_DEPTH};" in text


def test_the_walk_shown_when_interrupted_is_as_long_as_simulate_help_says() -> None:
    from rmpcheck.simulation import SHOWN_WHEN_INTERRUPTED

    assert f"up to its first {SHOWN_WHEN_INTERRUPTED} steps" in help_text("simulate")


def test_the_timeout_grace_prove_help_states_holds() -> None:
    from rmpcheck.engines.sandbox import HARD_GRACE_S

    stated = re.search(r"honoured within (\d+) s", help_text("prove"))
    assert stated is not None
    assert HARD_GRACE_S <= float(stated.group(1))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_help_number_is_accounted_for(name: str) -> None:
    """A number in a help text is an option's own [default], an exit code, or one of
    the facts the tests above check; a new one must be added to them."""
    text = help_text(name)
    text = re.sub(r"\[default: [^\]]*\]|\[[x0-9<>=]+\]", "", text)  # click's own
    exit_codes = {"0", "1", "2", "3", "130"}
    checked_above = {"10", "60", "2048", "30", "1000", "2"}
    examples = {"5", "2.1.0"}  # "refuted (trace of 5 steps)"; the SARIF version
    known = exit_codes | checked_above | examples
    found = set(re.findall(r"(?<![\w.=-])\d+(?:\.\d+)*(?![\w.])", text)) - known
    assert not found, f"{name} --help states {sorted(found)}: check them against the code"
