"""okr-tui: weekly OKR check-ins from the terminal.

Imports nothing heavy, so `okr --help` is instant.
"""

__version__ = "0.1.0"
