"""The one shape every error and warning takes, from loading to cross-record checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    severity: str = "error"  # "error" or "warning"

    def format_text(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        field = f" {self.field}:" if self.field else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        label = "" if self.severity == "error" else " warning:"
        return f"{where}:{label}{field} {self.message}{hint}"

    def format_github(self) -> str:
        """A GitHub Actions workflow command, shown as an annotation on the pull request's line."""
        level = "error" if self.severity == "error" else "warning"
        text = f"{self.field}: {self.message}" if self.field else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        line = f",line={self.line}" if self.line else ""
        return f"::{level} file={self.path}{line}::{text}"


class CatalogueError(Exception):
    """Raised when a catalogue has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} error(s) in the catalogue")


def display_path(path: Path, root: Path) -> str:
    """Path relative to the catalogue root where possible, with forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
