"""The JSON export: the whole store (or one cycle) in the okr-tui exchange format.

An export is deterministic (fixed key and entity order, no timestamp of its own), so two exports
of the same data are byte-identical and diff well in git. It is written one cycle at a time, so
years of history never sit in memory at once. Kept apart from json_exchange, whose import models
take a schema build to load that an export does not need.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from operator import itemgetter
from typing import Any, BinaryIO, Final

import orjson

from okr_tui.domain.models import Cycle
from okr_tui.store.store import OkrStore

FORMAT_NAME: Final = "okr-tui"
# 2: key results carry `created_at`; 3: cycles carry `fiscal_start_month` and actions `done_at`.
# 4: meetings carry `reviewed_kr_ids` and check-ins `in_meeting`; key results may carry a
# `source` (okr pull) and check-ins read from one have no confidence.
# Earlier exports (without them) still import.
FORMAT_VERSION: Final = 4
READABLE_VERSIONS = (1, 2, 3, 4)
# Deterministic, and over ten times faster than json's indenting encoder, which is pure Python.
JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS

# How each table is ordered in an export: by what people read first, then by id.
EXPORT_ORDER: dict[str, tuple[str, ...]] = {
    "objectives": ("order", "title"),
    "key_results": ("objective_id", "order", "title"),
    "check_ins": ("meeting_date", "recorded_at"),
    "meetings": ("meeting_date",),
    "actions": ("created_at",),
    "review_decisions": ("decided_at",),
    "reviews": ("completed_at",),
    "scores": ("kr_id",),
    "retrospectives": ("team_id",),
    "audit": ("at",),
}


def _ordered(documents: Iterable[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Sorted by real values (10 after 9); timestamps are UTC ISO strings, so their text order
    is their time order. A missing team (company) sorts first."""
    if "team_id" in keys:
        return sorted(documents, key=lambda d: (d["team_id"] or "", d["id"]))
    return sorted(documents, key=itemgetter(*keys, "id"))


def _exported_cycles(store: OkrStore, cycle_id: str | None) -> list[Cycle]:
    return [c for c in store.cycles() if cycle_id is None or c.id == cycle_id]


def _teams(store: OkrStore) -> list[dict[str, Any]]:
    return _ordered((t.model_dump(mode="json") for t in store.teams()), ("order", "name"))


def cycle_entry(store: OkrStore, cycle: Cycle) -> dict[str, Any]:
    """One cycle of the export: the cycle and each of its tables, in export order.

    Built from the documents the store keeps (each was validated when it was saved or
    imported) instead of re-validating every model: at 60k check-ins that is seconds saved.
    """
    documents = store.cycle_documents(cycle.id)
    entry: dict[str, Any] = {"cycle": cycle.model_dump(mode="json")}
    for table, keys in EXPORT_ORDER.items():
        entry[table] = _ordered(documents[table], keys)
    return entry


def export_document(store: OkrStore, cycle_id: str | None = None) -> dict[str, Any]:
    """The whole export as one piece of plain JSON data (what write_export streams)."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "teams": _teams(store),
        "cycles": [cycle_entry(store, cycle) for cycle in _exported_cycles(store, cycle_id)],
    }


def write_export(store: OkrStore, out: BinaryIO, cycle_id: str | None = None) -> None:
    """Write the export as UTF-8 bytes, one cycle at a time: byte for byte the indented,
    key-sorted dump of export_document with a newline at the end, without holding it all.

    What it writes is checked as an import checks it (shape, references, the store's rules),
    teams and cycles before the first byte, each cycle before it is written: a store the import
    would refuse raises a StoreError naming the file and the record, so a backup that cannot be
    restored is never made.
    """
    from okr_tui.exchange.export_check import ExportCheck

    teams = _teams(store)
    cycles = _exported_cycles(store, cycle_id)
    check = ExportCheck(store, teams, cycles)
    rest = orjson.dumps(
        {"format": FORMAT_NAME, "teams": teams, "version": FORMAT_VERSION},
        option=JSON_OPTIONS,
    )
    # "cycles" sorts before the other keys, so it opens the document; `rest` follows it without
    # its opening brace. Each cycle entry is dumped on its own and indented two levels deeper to
    # sit in the list (strings hold no raw newline: JSON escapes them).
    out.write(b'{\n  "cycles": [')
    separator = b"\n    "
    for index, cycle in enumerate(cycles):
        entry = cycle_entry(store, cycle)
        encoded = orjson.dumps(entry, option=JSON_OPTIONS)
        check.cycle_entry(index, entry, encoded)
        out.write(separator)
        out.write(encoded.replace(b"\n", b"\n    "))
        separator = b",\n    "
    out.write(b"\n  ]," if cycles else b"],")
    out.write(rest[1:])
    out.write(b"\n")
    check.done()


def export_json(store: OkrStore, cycle_id: str | None = None) -> str:
    """The export as text, for callers that want it whole (the in-app export of one cycle)."""
    buffer = io.BytesIO()
    write_export(store, buffer, cycle_id)
    return buffer.getvalue().decode()
