"""What can go wrong in the store, as messages a person can act on."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """A store file is missing, unreadable, corrupt, or from a newer version; names the file."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class RuleViolation(ValueError):
    """A change the OKR rules refuse (a check-in on a closed cycle, an unknown key result...)."""
