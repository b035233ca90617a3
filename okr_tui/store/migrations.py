"""Schema versions of the store files and the upgrades between them.

Every file carries `meta.schema_version`. Opening an older file upgrades it in memory, step by
step, with the functions registered here; the upgrade reaches disk with the next save. A file from
a newer okr-tui is refused, never rewritten.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from okr_tui.store.errors import StoreError

SCHEMA_VERSION = 3
META_TABLE = "meta"
META_DOC_ID = "1"

Tables = dict[str, dict[str, Any]]


def _key_results_know_when_they_were_added(tables: Tables) -> Tables:
    """1 -> 2: key results gained `created_at`. Nothing to rewrite (none means planned with the
    cycle); the version tells an older okr-tui, which refuses the field, to ask for an upgrade
    instead of failing on it."""
    return tables


def _actions_know_when_they_were_done(tables: Tables) -> Tables:
    """2 -> 3: actions gained `done_at`, so a meeting's summary lists those ticked off in it.
    Nothing to rewrite: an action done before has no moment (none means "done, when unknown");
    the version tells an older okr-tui, which refuses the field, to ask for an upgrade."""
    return tables


# version N -> function that turns a version-N file into a version-(N+1) file.
UPGRADES: dict[int, Callable[[Tables], Tables]] = {
    1: _key_results_know_when_they_were_added,
    2: _actions_know_when_they_were_done,
}


def read_meta(path: Path, tables: Tables) -> dict[str, Any]:
    meta = tables.get(META_TABLE, {}).get(META_DOC_ID)
    version = meta.get("schema_version") if isinstance(meta, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise StoreError(path, "has no okr-tui schema version; it is not an okr-tui store file")
    return meta


def migrate(path: Path, tables: Tables, expected_kind: str) -> Tables:
    """Check the file's kind and version and upgrade it to SCHEMA_VERSION in memory."""
    meta = read_meta(path, tables)
    if meta.get("kind") != expected_kind:
        raise StoreError(path, f"is a {meta.get('kind')!r} file, not a {expected_kind!r} file")
    version = meta["schema_version"]
    if version > SCHEMA_VERSION:
        raise StoreError(
            path,
            f"was written by a newer okr-tui (schema {version}; this version reads up to "
            f"{SCHEMA_VERSION}). Upgrade okr-tui to open it.",
        )
    while version < SCHEMA_VERSION:
        upgrade = UPGRADES.get(version)
        if upgrade is None:
            raise StoreError(path, f"uses schema {version}, which this okr-tui cannot upgrade")
        tables = upgrade(tables)
        version += 1
        tables[META_TABLE][META_DOC_ID]["schema_version"] = version
    return tables


def new_meta(kind: str, **extra: Any) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "kind": kind, **extra}
