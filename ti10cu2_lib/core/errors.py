"""User-facing error type: one line naming the file, the problem and the fix; the CLI exits with code 2."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """Bad input from a user (file, option or value).

    The message is one line: ``<file>: <problem>. Fix: <what to do>``. The CLI prints it to stderr
    and exits with status 2; nothing is written anywhere when it is raised.
    """

    def __init__(self, problem: str, *, path: str | Path | None = None, fix: str | None = None):
        self.path = None if path is None else str(path)
        self.problem = problem.rstrip(".")
        self.fix = None if fix is None else fix.rstrip(".")
        parts = [f"{self.path}: " if self.path else "", self.problem, "."]
        if self.fix:
            parts.append(f" Fix: {self.fix}.")
        super().__init__("".join(parts).replace("\n", " "))
