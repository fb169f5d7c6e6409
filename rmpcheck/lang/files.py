"""Checking a set of model and property files together, as ``rmpcheck check`` does.

Each property file is checked against the model file given alongside it whose
model its ``properties for NAME`` clause names (or that includes NAME); with
no clause, against the only model given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from rmpcheck import ir
from rmpcheck.errors import Diagnostic, ModelError, Span
from rmpcheck.lang import load_model, load_properties
from rmpcheck.lang import syntax as S
from rmpcheck.lang.parse_tree import parse_source
from rmpcheck.lang.source import UnreadableFile, read_text

MODEL_SUFFIX, PROPERTY_SUFFIX = ".rmp", ".prop"


@dataclass
class Checked:
    """What a set of files gave: the checked IR per file, and every diagnostic."""

    models: list[ir.Model] = field(default_factory=list)
    properties: list[ir.PropertySet] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def raise_if_failed(self) -> None:
        if self.diagnostics:
            raise ModelError(list(self.diagnostics))


def check_files(paths: list[str]) -> Checked:
    """Check every file; errors are collected, not raised, so good files still report."""
    out = Checked()
    model_paths = [p for p in paths if p.endswith(MODEL_SUFFIX)]
    prop_paths = [p for p in paths if p.endswith(PROPERTY_SUFFIX)]
    for p in paths:
        if p not in model_paths and p not in prop_paths:
            what = "a directory" if os.path.isdir(p) else "not named .rmp or .prop"
            out.diagnostics.append(
                Diagnostic(
                    Span(p, 1, 1),
                    f"{p} is {what}: expected a model file (.rmp) or a property file (.prop)",
                )
            )
    failed_models = 0
    for p in model_paths:
        try:
            out.models.append(load_model(p))
        except ModelError as e:
            out.diagnostics.extend(e.diagnostics)
            failed_models += 1
    for p in prop_paths:
        try:
            for model in _models_for(p, out.models, failed_models):
                out.properties.append(load_properties(p, model))
        except ModelError as e:
            out.diagnostics.extend(e.diagnostics)
    return out


def _models_for(path: str, models: list[ir.Model], failed: int) -> list[ir.Model]:
    """The models to check property file ``path`` against (raises when there is none)."""
    header = _header(path)
    if header.model is None:
        if len(models) == 1 and not failed:
            return models
        if not models and failed:
            return []  # the model's own errors say why
        given = "no model file is" if not models and not failed else "several model files are"
        raise _error(
            header.span,
            f"which model are these properties for? {given} given",
            "name it: 'properties for MODEL', and give its .rmp file too",
        )
    exact = [m for m in models if m.name == header.model]
    if exact:
        return exact
    # properties for a base model also hold (and are checked) for models including it
    including = [m for m in models if header.model in m.includes]
    if including or failed:
        return including
    if not models:
        raise _error(
            header.span,
            f"these properties are for model '{header.model}', but no model file is given",
            f"give the .rmp file of {header.model} too",
        )
    names = ", ".join(m.name for m in models)
    raise _error(
        header.span,
        f"no model '{header.model}' among the files given (models given: {names})",
        f"add the .rmp file of {header.model}",
    )


def _header(path: str) -> S.PropsHeader:
    try:
        text = read_text(path)
    except UnreadableFile as e:
        raise ModelError([Diagnostic(Span(path, 1, 1), str(e))]) from None
    parsed = parse_source(text, path)
    if isinstance(parsed, Diagnostic):
        raise ModelError([parsed])
    if not isinstance(parsed.header, S.PropsHeader):
        raise _error(
            parsed.header.span,
            f"{os.path.basename(path)} is named like a property file but starts with 'model'",
            "rename it to .rmp",
        )
    return parsed.header


def _error(span: Span, message: str, hint: str | None = None) -> ModelError:
    src = None
    try:
        lines = read_text(span.file).splitlines()
        src = lines[span.line - 1] if 0 < span.line <= len(lines) else None
    except UnreadableFile:
        pass
    return ModelError([Diagnostic(span, message, hint, src)])
