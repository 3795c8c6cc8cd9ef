"""The one shape every error and warning takes, from loading to cross-record checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: control characters (C0 but tab, DEL, C1): a newline in a file name or value must not start a new log line,
#: which GitHub Actions would read as a workflow command (`::error ...`, `::stop-commands::`)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Text with every control character written as an escape (`\\n`), for one log line."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def _github_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """A workflow command's property value (file=...): as data, plus ':' and ','."""
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


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
        return visible(f"{where}:{label}{field} {self.message}{hint}")

    def format_github(self) -> str:
        """A GitHub Actions workflow command, shown as an annotation on the pull request's line."""
        level = "error" if self.severity == "error" else "warning"
        text = f"{self.field}: {self.message}" if self.field else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        line = f",line={self.line}" if self.line else ""
        return f"::{level} file={_github_property(visible(self.path))}{line}::{_github_data(visible(text))}"


class CatalogueError(Exception):
    """Raised when a catalogue has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} error(s) in the catalogue")


def display_path(path: Path, root: Path) -> str:
    """Path relative to the catalogue root where possible, with forward slashes."""
    try:
        return visible(path.resolve().relative_to(root.resolve()).as_posix())
    except ValueError:
        return visible(path.as_posix())
