"""Schema versions of the store files and the upgrades between them.

Every file carries `meta.schema_version`. Opening an older file upgrades it in memory, step by
step, with the functions registered here; the upgrade reaches disk with the next save. A file from
a newer okr-tui is refused, never rewritten.
"""

from __future__ import annotations

import re
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


# The one-line fields of each table (titles, names, units; lists of names), and the free texts.
ONE_LINE_FIELDS: dict[str, tuple[str, ...]] = {
    "teams": ("name", "members", "facilitator"),
    "cycles": ("name",),
    "objectives": ("title", "owner"),
    "key_results": ("title", "owner", "unit"),
    "check_ins": ("author",),
    "actions": ("text", "owner"),
    "meetings": ("facilitator", "attendees"),
    "review_decisions": ("author",),
    "audit": ("author",),
}
FREE_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "objectives": ("description", "retired_reason"),
    "key_results": ("retired_reason",),
    "check_ins": ("note", "blockers"),
    "meetings": ("decisions", "parked_topics", "notes"),
    "review_decisions": ("reason",),
    "scores": ("reason",),
    "retrospectives": ("keep_doing", "stop_doing", "start_doing"),
    "audit": ("reason",),
}
_BREAKS_A_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_C1_CONTROLS = re.compile(r"[\x80-\x9f]+")


def _clean(document: dict[str, Any], fields: tuple[str, ...], pattern: re.Pattern[str]) -> None:
    for name in fields:
        value = document.get(name)
        if isinstance(value, str):
            if pattern.search(value):
                document[name] = pattern.sub(" ", value)
        elif isinstance(value, list):
            document[name] = [
                pattern.sub(" ", item) if isinstance(item, str) else item for item in value
            ]


def _one_line_fields_hold_one_line(tables: Tables) -> Tables:
    """2 -> 3: one-line fields (titles, names, units) refuse line breaks, tabs and C1 controls,
    and free texts C1 controls, which earlier versions let in: each run of them becomes a space,
    so a store written before still opens. Schema 3 also gave cycles `fiscal_start_month` and
    actions `done_at`, which need no rewrite (none means a January fiscal year, and "done, when
    unknown"); the version tells an older okr-tui, which refuses the fields, to ask for an
    upgrade."""
    for table, fields in ONE_LINE_FIELDS.items():
        for document in tables.get(table, {}).values():
            _clean(document, fields, _BREAKS_A_LINE)
    for table, fields in FREE_TEXT_FIELDS.items():
        for document in tables.get(table, {}).values():
            _clean(document, fields, _C1_CONTROLS)
    return tables


# version N -> function that turns a version-N file into a version-(N+1) file.
UPGRADES: dict[int, Callable[[Tables], Tables]] = {
    1: _key_results_know_when_they_were_added,
    2: _one_line_fields_hold_one_line,
}


def read_meta(path: Path, tables: Tables) -> dict[str, Any]:
    meta = tables.get(META_TABLE, {}).get(META_DOC_ID)
    version = meta.get("schema_version") if isinstance(meta, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise StoreError(path, "has no okr-tui schema version; it is not an okr-tui store file")
    assert isinstance(meta, dict)  # the version check above read it as one
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
