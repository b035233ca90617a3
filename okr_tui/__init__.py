"""okr-tui: weekly OKR check-ins from the terminal.

Imports nothing heavy, so `okr --help` is instant.
"""

__version__ = "0.1.0"

from okr_tui import lazy_imports  # noqa: E402, F401  (before any module imports pendulum)
