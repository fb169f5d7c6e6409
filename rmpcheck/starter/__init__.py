"""``rmpcheck init``: a starter project a newcomer can run, read and change.

The project is a two-page toy RMP (``toy_rmp.rmp``: a host write path that
consults the RMP and then writes, racing the guest's Page State Changes), a
property file with one claim the gate proves and one a real race refutes, a
``[tool.rmpcheck]`` table expecting exactly that, and a GitHub Actions
workflow that runs the gate. The templates are the files beside this module.

Nothing is overwritten unless asked (``force``), and a ``[tool.rmpcheck]``
table init did not write itself is never replaced: a project's expectations
are its own.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rmpcheck import __version__
from rmpcheck.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

MODEL = Path("models/toy_rmp.rmp")
PROPERTIES = Path("properties/toy_rmp.prop")
CONFIG = Path("pyproject.toml")
WORKFLOW = Path(".github/workflows/rmpcheck.yml")

# the claims of the starter's property file, as its gate expects them
EXPECTED = {"validated_implies_assigned": "proved", "host_writes_shared_only": "refuted"}


def template(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def pyproject_text() -> str:
    """pyproject.toml as init creates it when there is none: the gate's table alone."""
    return template("gate.toml")


def workflow_text() -> str:
    """The workflow, installing the rmpcheck release that wrote it."""
    return template("rmpcheck.yml").replace("RMPCHECK_REQUIREMENT", f"rmpcheck=={__version__}")


@dataclass(frozen=True, slots=True)
class Write:
    """One file init writes: created, replaced (``force``), or appended to."""

    path: Path  # relative to the project
    text: str
    how: str  # "create", "replace" or "append"


def plan(root: Path, force: bool = False) -> list[Write]:
    """What init would write in ``root``; a ConfigError listing every conflict if it
    would overwrite a file without ``force``, or replace a gate table it did not write."""
    writes: list[Write] = []
    conflicts: list[str] = []
    for rel, text in (
        (MODEL, template("toy_rmp.rmp")),
        (PROPERTIES, template("toy_rmp.prop")),
        (WORKFLOW, workflow_text()),
    ):
        exists = (root / rel).exists()
        if exists and not force:
            conflicts.append(f"{rel} exists")
        writes.append(Write(rel, text, "replace" if exists else "create"))
    config = _config_write(root, force, conflicts)
    if config is not None:
        writes.insert(2, config)
    if conflicts:
        raise ConfigError(
            f"rmpcheck init: not writing into {root}: "
            + "; ".join(conflicts)
            + "\n  = hint: --force overwrites the starter's files (a [tool.rmpcheck] table "
            "init did not write is never replaced), or init another directory"
        )
    return writes


def _config_write(root: Path, force: bool, conflicts: list[str]) -> Write | None:
    """pyproject.toml: created with the gate's table, or the table appended to one that
    has none; one that has a gate table is refused (unless it is exactly init's own)."""
    path = root / CONFIG
    if not path.exists():
        return Write(CONFIG, pyproject_text(), "create")
    try:
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        conflicts.append(f"{CONFIG} cannot be read as TOML ({e})")
        return None
    if "rmpcheck" not in doc.get("tool", {}):
        sep = "" if text.endswith("\n\n") or not text else "\n" if text.endswith("\n") else "\n\n"
        return Write(CONFIG, text + sep + pyproject_text(), "append")
    if text == pyproject_text():
        if not force:
            conflicts.append(f"{CONFIG} exists")
        return Write(CONFIG, text, "replace")
    conflicts.append(
        f"{CONFIG} already has a [tool.rmpcheck] table (init adds one only where there is "
        "none; add a [[tool.rmpcheck.check]] for the starter model by hand)"
    )
    return None


def write(root: Path, force: bool = False) -> list[Write]:
    """Write the starter project into ``root`` (created if need be); return what was
    written. Checks every file first, so a refusal writes nothing."""
    writes = plan(root, force)
    for w in writes:
        target = root / w.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(w.text, encoding="utf-8")
        except OSError as e:
            raise ConfigError(f"{target}: cannot write: {e.strerror or e}") from None
    return writes
