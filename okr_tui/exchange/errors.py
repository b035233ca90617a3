"""Import problems, in a module of their own so the CLI can catch them without loading the
export models (and their schema build) on every command."""

from __future__ import annotations


class ImportProblem(Exception):
    """An import refused before writing anything; `errors` are (JSON path, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors))
