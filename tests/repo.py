"""The repository's folders, for tests wherever they sit under tests/."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The checkout: pyproject.toml, okr_tui/, themes/, tools/, benchmarks/."""

TESTS = ROOT / "tests"
"""Where the shared helpers are (store_worker.py runs as a script from here)."""
