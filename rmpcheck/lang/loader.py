"""Reading a file with its includes: one flat list of declarations, overrides applied.

An include brings in every declaration of the included file (recursively),
at the place of the include. A file included twice along different paths is
read once (a diamond is not a duplicate declaration); a file that includes
itself, directly or not, is an error. ``override action a.b`` replaces, in
place, the action ``a.b`` that an included file declares.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from rmpcheck.lang import syntax as S
from rmpcheck.lang.parse_tree import parse_source
from rmpcheck.lang.source import Reporter, UnreadableFile, did_you_mean, read_text


@dataclass
class Flat:
    """A root file and everything it includes."""

    root: S.SourceFile
    decls: list[S.Decl]
    headers: list[S.Header] = field(default_factory=list)  # every file's, root first

    @property
    def included_models(self) -> tuple[str, ...]:
        return tuple(h.name for h in self.headers[1:] if isinstance(h, S.ModelHeader))


def _kind(sf: S.SourceFile) -> str:
    return "a model file" if sf.is_model else "a property file"


class Loader:
    def __init__(self, rep: Reporter) -> None:
        self.rep = rep
        self.read: set[str] = set()  # real paths of files already brought in
        # A file that could not be read or parsed leaves declarations missing;
        # type checking the rest would only add confusing "unknown name" errors.
        self.incomplete = False

    def load(self, path: str, text: str | None = None) -> Flat | None:
        """``path`` (or ``text`` standing for it) flattened; None after reporting errors."""
        if text is None:
            try:
                text = read_text(path)
            except UnreadableFile as e:
                self.rep.file_error(path, str(e))
                self.incomplete = True
                return None
        root = self._parse(path, text)
        if root is None:
            return None
        key = os.path.realpath(path)
        self.read.add(key)
        flat = Flat(root, [])
        flat.decls = self._flatten(root, [(key, path)], flat)
        return flat

    def _parse(self, path: str, text: str) -> S.SourceFile | None:
        self.rep.add_source(path, text)
        result = parse_source(text, path)
        if isinstance(result, S.SourceFile):
            return result
        self.rep.diagnostics.append(result)
        self.incomplete = True
        return None

    def _flatten(self, sf: S.SourceFile, stack: list[tuple[str, str]], flat: Flat) -> list[S.Decl]:
        flat.headers.append(sf.header)
        out: list[S.Decl] = []
        for item in sf.items:
            if isinstance(item, S.IncludeD):
                out.extend(self._include(sf, item, stack, flat))
            elif not (isinstance(item, S.ActionD) and item.override):
                out.append(item)
        for item in sf.items:
            if isinstance(item, S.ActionD) and item.override:
                self._override(sf, item, out)
        return out

    def _include(
        self, sf: S.SourceFile, inc: S.IncludeD, stack: list[tuple[str, str]], flat: Flat
    ) -> list[S.Decl]:
        path = os.path.normpath(os.path.join(os.path.dirname(sf.path), inc.path))
        key = os.path.realpath(path)
        if any(key == k for k, _ in stack):
            chain = [shown for _, shown in stack] + [path]
            start = next(i for i, (k, _) in enumerate(stack) if k == key)
            cycle = ", which includes ".join(chain[start:])
            self.rep.error(inc.span, f"include cycle: {cycle}")
            self.incomplete = True
            return []
        if key in self.read:
            return []
        self.read.add(key)
        try:
            text = read_text(path)
        except UnreadableFile as e:
            missing = str(e).startswith("no such file")
            self.rep.error(
                inc.span,
                f'cannot include "{inc.path}": {e}',
                "include paths are relative to the including file's directory" if missing else None,
            )
            self.incomplete = True
            return []
        child = self._parse(path, text)
        if child is None:
            return []
        if child.is_model != sf.is_model:
            self.rep.error(
                inc.span,
                f"{path} is {_kind(child)}; {_kind(sf)} can only include "
                f"{'model' if sf.is_model else 'property'} files",
            )
            self.incomplete = True
            return []
        return self._flatten(child, [*stack, (key, path)], flat)

    def _override(self, sf: S.SourceFile, d: S.ActionD, out: list[S.Decl]) -> None:
        for i, x in enumerate(out):
            if not (isinstance(x, S.ActionD) and x.full_name == d.full_name):
                continue
            if x.span.file == sf.path:
                self.rep.error(
                    d.name_span,
                    f"'override' replaces an action of an included file, "
                    f"but {d.full_name} is declared in this file at "
                    f"{x.name_span.line}:{x.name_span.col}",
                )
            else:
                out[i] = d
            return
        included = [x.full_name for x in out if isinstance(x, S.ActionD) and x.span.file != sf.path]
        hint = did_you_mean(d.full_name, included)
        if hint is None and not included:
            hint = "'override' replaces an action declared in an included file"
        self.rep.error(
            d.name_span,
            f"nothing to override: no included file declares action {d.full_name}",
            hint,
        )
