"""okr's git merge driver for store files: a three-way merge by record id.

Git hands the driver three versions of one store file (the common ancestor, ours, theirs); it
writes the merge over ours and exits 0, or leaves ours as it is and exits 1, which stops the merge
in git's usual conflict state with nothing lost. Line merges cannot do this: a store file is one
line, and TinyDB's document numbers collide when two machines append.

The rules:
- A record (by its `id`) changed on one side only takes that side. Added on one side: kept.
  Removed on one side and changed on the other: kept (nothing is lost).
- Fields, not records, are merged: a title changed here and a target changed there are both kept.
- Check-ins are append-only, so both sides' are always kept; two effective check-ins of one key
  result for one meeting become a correction chain in recording order (the later supersedes).
- A field of a key result or objective changed on both sides keeps the later edit (by each
  side's audit entries for it) and writes the other into the audit log.
- Lists a meeting or a team gathers (attendees, decisions, parked topics, members, ...) are
  joined; an action done on either side is done; a meeting closed on either side is closed.
- Anything else changed on both sides, a file that does not parse, a schema newer than this
  okr-tui, or a result that does not validate: the driver cannot decide, and says why.

Run by git as `python -m okr_tui.store.merge %O %A %B %P` (`okr sync` registers it).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError

from okr_tui.domain.models import AuditEntry
from okr_tui.domain.validation import first_problem
from okr_tui.store.errors import StoreError
from okr_tui.store.migrations import META_TABLE, migrate

Document = dict[str, Any]
Tables = dict[str, dict[str, Document]]

# Lists whose two edits are joined rather than one chosen.
JOINED_LISTS = {
    ("meetings", "attendees"),
    ("meetings", "check_in_ids"),
    ("meetings", "action_ids"),
    ("meetings", "decisions"),
    ("meetings", "parked_topics"),
    ("teams", "members"),
    ("cycles", "skipped_dates"),
}
AUDITED_TABLES = {"key_results", "objectives"}
SYNC_REASON = "edited on two machines before a sync; the later edit was kept"


class MergeConflict(Exception):
    """What the driver cannot decide, one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _records(table: dict[str, Document] | None) -> dict[str, Document]:
    """A table's documents by record id, in file order."""
    return {document["id"]: document for document in (table or {}).values() if "id" in document}


def _joined(ours: list[Any], theirs: list[Any]) -> list[Any]:
    return ours + [item for item in theirs if item not in ours]


def _later_side(entity_id: str, ours: Iterable[Document], theirs: Iterable[Document]) -> str | None:
    """"ours" or "theirs": whose newest audit entry for `entity_id` (among those the other side
    lacks) is later; None when neither side audited an edit of it."""
    ours_at = max((a["at"] for a in ours if a["entity_id"] == entity_id), default=None)
    theirs_at = max((a["at"] for a in theirs if a["entity_id"] == entity_id), default=None)
    if ours_at is None and theirs_at is None:
        return None
    if theirs_at is None or (ours_at is not None and ours_at >= theirs_at):
        return "ours"
    return "theirs"


class _FileMerge:
    """One file's merge: tables in, merged tables (or the problems) out."""

    def __init__(self, label: str, base: Tables, ours: Tables, theirs: Tables) -> None:
        self.label = label
        self.base, self.ours, self.theirs = base, ours, theirs
        self.problems: list[str] = []
        self.new_audit: list[Document] = []
        base_audit = _records(base.get("audit"))
        self.ours_audit = [a for i, a in _records(ours.get("audit")).items() if i not in base_audit]
        self.theirs_audit = [
            a for i, a in _records(theirs.get("audit")).items() if i not in base_audit
        ]

    def merge(self) -> Tables:
        merged: Tables = {META_TABLE: self.ours.get(META_TABLE, {})}
        names = [n for n in (*self.ours, *self.theirs) if n != META_TABLE]
        for name in dict.fromkeys(names):
            merged[name] = self._table(name)
        if "check_ins" in merged:
            _chain_corrections(merged["check_ins"])
        if self.new_audit:
            audit = merged.setdefault("audit", {})
            next_id = max((int(doc_id) for doc_id in audit), default=0) + 1
            for offset, entry in enumerate(self.new_audit):
                audit[str(next_id + offset)] = entry
        if self.problems:
            raise MergeConflict(self.problems)
        return merged

    def _table(self, name: str) -> dict[str, Document]:
        base = _records(self.base.get(name))
        ours_table = self.ours.get(name, {})
        ours = _records(ours_table)
        theirs = _records(self.theirs.get(name))
        result: dict[str, Document] = {}
        # Our documents keep their numbers; records new from theirs are numbered after both
        # sides' highest, so no number is taken twice.
        numbers = {document["id"]: doc_id for doc_id, document in ours_table.items()}
        highest = max(
            (int(doc_id) for doc_id in (*ours_table, *self.theirs.get(name, {}))), default=0
        )
        for record_id in dict.fromkeys([*ours, *theirs]):
            document = self._record(name, record_id, base.get(record_id), ours, theirs)
            if document is None:
                continue
            number = numbers.get(record_id)
            if number is None:
                highest += 1
                number = str(highest)
            result[number] = document
        return result

    def _record(
        self,
        table: str,
        record_id: str,
        base: Document | None,
        ours: dict[str, Document],
        theirs: dict[str, Document],
    ) -> Document | None:
        mine, other = ours.get(record_id), theirs.get(record_id)
        if mine is None or other is None:
            present = mine if mine is not None else other
            if base is not None and present == base:
                return None  # removed on one side, untouched on the other
            return present  # added on one side, or changed there while removed here: kept
        if mine == other:
            return mine
        merged: Document = {}
        for key in dict.fromkeys([*mine, *other]):
            merged_value = self._field(table, record_id, key, base or {}, mine, other)
            if merged_value is not _ABSENT:
                merged[key] = merged_value
        return merged

    def _field(
        self, table: str, record_id: str, key: str, base: Document, mine: Document, other: Document
    ) -> Any:
        was = base.get(key, _ABSENT)
        ours, theirs = mine.get(key, _ABSENT), other.get(key, _ABSENT)
        if ours == theirs:
            return ours
        if ours == was:
            return theirs
        if theirs == was:
            return ours
        if (table, key) in JOINED_LISTS and isinstance(ours, list) and isinstance(theirs, list):
            return _joined(ours, theirs)
        if table == "actions" and key == "done":
            return bool(ours) or bool(theirs)
        if table == "meetings" and key == "closed_at":
            return min(t for t in (ours, theirs) if isinstance(t, str))
        if table in AUDITED_TABLES:
            side = _later_side(record_id, self.ours_audit, self.theirs_audit)
            if side is not None:
                kept, dropped = (ours, theirs) if side == "ours" else (theirs, ours)
                self._audit_dropped(record_id, key, kept, dropped, side, mine)
                return kept
        self.problems.append(
            f"{self.label}: {table} record {record_id}: {key} was changed on both sides"
        )
        return ours

    def _audit_dropped(
        self, entity_id: str, key: str, kept: Any, dropped: Any, side: str, record: Document
    ) -> None:
        losing = self.theirs_audit if side == "ours" else self.ours_audit
        entries = [a for a in losing if a["entity_id"] == entity_id]
        latest = max(entries, key=lambda a: a["at"]) if entries else None
        both = [*self.ours_audit, *self.theirs_audit]
        at = max(a["at"] for a in both if a["entity_id"] == entity_id)
        entry = AuditEntry(
            cycle_id=record.get("cycle_id", ""),
            entity_id=entity_id,
            field=key,
            old=_scalar(dropped),
            new=_scalar(kept),
            reason=SYNC_REASON,
            author=latest["author"] if latest else "",
            at=datetime.fromisoformat(at).astimezone(UTC),
        )
        self.new_audit.append(entry.model_dump(mode="json"))


class _Absent:
    def __repr__(self) -> str:
        return "absent"


_ABSENT: Any = _Absent()


def _scalar(value: Any) -> str | float | int | bool | None:
    if value is _ABSENT:
        return None
    if isinstance(value, str | float | int | bool) or value is None:
        return value
    return orjson.dumps(value).decode()


def _chain_corrections(check_ins: dict[str, Document]) -> None:
    """Two effective check-ins of one key result for one meeting (one from each side) become a
    correction chain in recording order: each later one supersedes the one before it."""
    superseded = {d.get("supersedes") for d in check_ins.values() if d.get("supersedes")}
    groups: dict[tuple[str, str], list[Document]] = {}
    for document in check_ins.values():
        if document["id"] not in superseded:
            groups.setdefault((document["kr_id"], document["meeting_date"]), []).append(document)
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda d: (d["recorded_at"], d["id"]))
        for earlier, later in zip(group, group[1:], strict=False):
            later["supersedes"] = earlier["id"]


def _validate(label: str, kind: str, tables: Tables) -> None:
    """Every record of the merged file as the store would read it, and the store's rules
    (domain/rules.py) over them, or a MergeConflict: two teams called "Design" made on two
    machines, overlapping cycles or an alignment loop are refused as the app refuses them."""
    from okr_tui.domain.models import Cycle, Objective, Team
    from okr_tui.domain.rules import (
        alignment_loop_violations,
        cycle_violations,
        team_violations,
    )
    from okr_tui.store.layout import CYCLE_TABLES, ROOT_TABLES

    models = ROOT_TABLES if kind == "root" else CYCLE_TABLES
    problems = []
    read: dict[type, list[Any]] = {}
    for cls, table in models.items():
        documents = list(tables.get(table, {}).values())
        try:
            read[cls] = TypeAdapter(list[cls]).validate_python(documents)  # type: ignore[valid-type]
        except ValidationError as error:
            _, message, _ = first_problem(error)
            problems.append(f"{label}: the merged {table} would not be valid: {message}")
    if problems:
        raise MergeConflict(problems)
    if kind == "root":
        violations = team_violations(read[Team]) + cycle_violations(read[Cycle])
    else:
        violations = alignment_loop_violations(read[Objective])
    if violations:
        raise MergeConflict(
            [f"{label}: the merge would break a rule: {v.message}" for v in violations]
        )


def _kind(tables: Tables) -> str:
    meta = tables.get(META_TABLE, {}).get("1", {})
    return str(meta.get("kind", ""))


def merge_tables(label: str, base: Tables | None, ours: Tables, theirs: Tables) -> Tables:
    """The three-way merge of one store file, each side first upgraded to this okr-tui's
    schema; MergeConflict with every problem when it cannot decide."""
    kind = _kind(ours) or _kind(theirs)
    path = Path(label)
    try:
        sides = [migrate(path, tables, kind) for tables in (ours, theirs)]
        base = migrate(path, base, kind) if base else {}
    except StoreError as error:
        raise MergeConflict([str(error)]) from None
    merged = _FileMerge(label, base, *sides).merge()
    _validate(label, kind, merged)
    return merged


def _read(path: str) -> Tables | None:
    raw = Path(path).read_bytes()
    if not raw.strip():
        return None  # no common ancestor (added on both sides)
    parsed = orjson.loads(raw)
    if not isinstance(parsed, dict):
        raise ValueError("not a store file")
    return parsed


def main(argv: list[str] | None = None) -> int:
    """`%O %A %B %P`: ancestor, ours (written with the result), theirs, the path in the repo."""
    base_path, ours_path, theirs_path, label = (argv or sys.argv[1:])[:4]
    try:
        base, ours, theirs = _read(base_path), _read(ours_path), _read(theirs_path)
        if ours is None or theirs is None:
            raise ValueError("one side is empty")
        merged = merge_tables(label, base, ours, theirs)
    except MergeConflict as conflict:
        for problem in conflict.problems:
            print(f"okr merge: {problem}", file=sys.stderr)
        return 1
    except (OSError, ValueError, orjson.JSONDecodeError) as error:
        print(f"okr merge: {label}: cannot be merged by okr ({error})", file=sys.stderr)
        return 1
    Path(ours_path).write_bytes(orjson.dumps(merged, option=orjson.OPT_SORT_KEYS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
