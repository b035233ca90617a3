"""Where okr-tui keeps things: the store, the config file and user themes.

Each is a small function so there is one place to look. `OKR_HOME` moves all of them under one
folder (tests and demos use it); `OKR_DB` chooses only the store.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "okr-tui"


def _home() -> Path | None:
    home = os.environ.get("OKR_HOME")
    return Path(home).expanduser() if home else None


def data_folder() -> Path:
    if home := _home():
        return home / "data"
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_folder() -> Path:
    if home := _home():
        return home / "config"
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def default_store() -> Path:
    """The store used without --db: OKR_DB, else `store/` in the user data folder."""
    if explicit := os.environ.get("OKR_DB"):
        return Path(explicit).expanduser()
    return data_folder() / "store"


def config_file() -> Path:
    return config_folder() / "config.toml"


def user_themes_folder() -> Path:
    return config_folder() / "themes"


def exports_folder() -> Path:
    """Where exports made from inside the app go."""
    return data_folder() / "exports"


def trusted_sources_file() -> Path:
    """The sources of store key results this machine trusts (`okr sources --trust`): a
    fingerprint of each one's exact text, by key result id. On this machine only, never in
    the store, so a store that arrives by import or sync runs nothing."""
    return data_folder() / "trusted-sources.json"


def checked_exports_file() -> Path:
    """Digests of the closed cycles' export entries that passed the import's check on this
    machine (exchange/export_check.py), so a later export need not check them again."""
    return data_folder() / "checked-exports.txt"
