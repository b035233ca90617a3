"""One store file: a TinyDB database in okr's JSON layout, reopened when another process
replaced it, with its validated models cached. The only other module besides store.py that
touches TinyDB; the store's folder, lock and rules live in store.py."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from tinydb import Query, TinyDB
from tinydb.table import Table

from okr_tui.domain.validation import first_problem
from okr_tui.store.errors import StoreError
from okr_tui.store.storage import AtomicJSONStorage, file_signature

M = TypeVar("M", bound=BaseModel)

# The stamps that say when a cycle file's records were made or changed (domain/as_of.py reads
# the same ones): a file whose stamps all come before a replayed moment reads as it is.
STAMPS: dict[str, tuple[str, ...]] = {
    "check_ins": ("recorded_at",),
    "meetings": ("closed_at",),
    "actions": ("created_at", "done_at"),
    "review_decisions": ("decided_at",),
    "reviews": ("completed_at",),
    "scores": ("scored_at",),
    "retrospectives": ("written_at",),
    "audit": ("at",),
    "key_results": ("created_at",),
}
# Later than any stamp: a file holding an open meeting record (shown from its day, which
# needs the cycle) or a stamp not written in UTC is always filtered.
_UNKNOWN_STAMP = "9999"


def latest_stamp(tables: Mapping[str, Any]) -> str:
    """The latest moment a cycle file's records were stamped with, as "YYYY-MM-DDTHH:MM:SS" in
    UTC ("~" added when it holds a fraction of a second), read from the stored documents
    without validating them: a replay (`--at`) of a moment not before it needs no filtering,
    so a replay of today, or of a closed quarter, costs one scan."""
    latest = ""
    for table, fields in STAMPS.items():
        documents = tables.get(table, {}).values()
        for name in fields:
            stamps = [document.get(name) for document in documents]
            if None not in stamps and _whole_seconds_in_utc(stamps):
                # The usual file: every stamp "YYYY-MM-DDTHH:MM:SSZ", compared as text at C
                # speed (the loop below took 24 M instructions of an 8q start-up with --at).
                latest = max(latest, max(stamps)[:19]) if stamps else latest
            else:
                latest = max(latest, _latest_of(table, stamps))
    return latest


def _whole_seconds_in_utc(stamps: list[Any]) -> bool:
    """True when every stamp is a str of 20 characters ending in "Z"."""
    try:
        top = max(stamps, default="")
    except TypeError:  # not all of one type
        return False
    return (
        isinstance(top, str)
        and set(map(len, stamps)) <= {20}
        and all(map(methodcaller("endswith", "Z"), stamps))
    )


def _latest_of(table: str, stamps: list[Any]) -> str:
    """`latest_stamp` of one field's stamps, one at a time."""
    latest = ""
    for stamp in stamps:
        if stamp is None:
            if table == "meetings":  # an open record
                latest = _UNKNOWN_STAMP
        elif isinstance(stamp, str) and stamp.endswith("Z"):
            # "…:SS~" for a stamp with a fraction of a second: after "…:SS" itself
            latest = max(latest, stamp[:19] if len(stamp) == 20 else f"{stamp[:19]}~")
        else:
            latest = _UNKNOWN_STAMP
    return latest


@functools.cache
def _list_adapter(cls: type[M]) -> TypeAdapter[list[M]]:
    """Validates a whole table in one call: a fifth faster than a model at a time, which counts
    for the 4,000 check-ins of a large organisation's quarter read at start-up."""
    return TypeAdapter(list[cls])  # type: ignore[valid-type]  # a class known only at run time


class _IntKeyedView(MutableMapping[int, Any]):
    """A stored table (string ids, as JSON keeps them) seen with TinyDB's integer ids.

    `touched` collects the ids of every document read, set or deleted through the view (one
    read may be changed in place), so a save re-encodes only those (storage.py)."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self._raw = raw
        self.touched: set[str] = set()

    def __getitem__(self, doc_id: int) -> Any:
        key = str(doc_id)
        self.touched.add(key)
        return self._raw[key]

    def __setitem__(self, doc_id: int, document: Any) -> None:
        key = str(doc_id)
        self.touched.add(key)
        self._raw[key] = document

    def __delitem__(self, doc_id: int) -> None:
        key = str(doc_id)
        self.touched.add(key)
        del self._raw[key]

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self._raw

    def __iter__(self) -> Iterator[int]:
        return (int(doc_id) for doc_id in self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class _InPlaceTable(Table):
    """A TinyDB table whose writes change the stored table in place, and say which table.

    Stock TinyDB re-keys every document of a table twice (str -> int -> str) on each write, which
    was a third of a check-in save at 4,000 check-ins. Changing the table in place is safe here:
    every write runs in a transaction, and a failed one reloads the file (see storage.py). Naming
    the table and the documents touched lets the storage re-encode only those at the save.
    """

    def _update_table(self, updater: Callable[[dict[int, Mapping[str, Any]]], None]) -> None:
        tables = self._storage.read()
        if tables is None:
            tables = {}
        raw = tables.setdefault(self.name, {})
        view = _IntKeyedView(raw)
        updater(view)  # type: ignore[arg-type]
        # OkrStorage's write takes which table and which of its documents changed
        self._storage.write(tables, changed=self.name, ids=view.touched)  # type: ignore[call-arg]
        self.clear_cache()


class _TinyDB(TinyDB):
    table_class = _InPlaceTable


def _validated(path: Path, storage: AtomicJSONStorage, cls: type[M], table: str) -> list[M]:
    """A table's models, or a StoreError naming the file and the first bad record."""
    # The stored documents in file order, as Table.all() lists them but without wrapping each
    # in a TinyDB Document (6 ms for a quarter's 4,200 check-ins).
    documents = list((storage.read() or {}).get(table, {}).values())
    return _validated_documents(path, documents, cls, table)


VALIDATED_AT_ONCE = 500
"""Documents validated in one call. Pydantic holds the interpreter's lock for a whole call, so
a quarter's check-ins validated at once in the app's full check (a worker thread, right after
the first frame) held the keys of the screen for about 100 ms; between calls the screen runs."""


def _validated_documents(path: Path, documents: list[Any], cls: type[M], table: str) -> list[M]:
    """Some of a table's documents as models, or the StoreError `_validated` gives."""
    adapter = _list_adapter(cls)
    try:
        models: list[M] = []
        for start in range(0, len(documents), VALIDATED_AT_ONCE):
            models += adapter.validate_python(documents[start : start + VALIDATED_AT_ONCE])
        return models
    except ValidationError:
        pass  # said as the whole table's check says it: its first problem and how many more
    try:
        return adapter.validate_python(documents)
    except ValidationError as error:
        # One line a person can act on, not pydantic's multi-line report.
        loc, message, others = first_problem(error)
        where = ".".join(str(part) for part in loc[1:]) or "entry"
        more = f" (and {others} more)" if others else ""
        problem = f"holds an invalid {table} entry: {where}: {message}{more}"
        raise StoreError(path, problem) from error


class StoreFile:
    """One TinyDB file, reopened when another process replaced it, with validated models cached.

    A file that changes on disk into something unreadable (truncated, a newer schema, an
    invalid record, deleted) leaves the file as it was last read in use: `refresh()` raises the
    problem and keeps raising it, without reading again, until the file changes once more, and
    `problem` holds it meanwhile. Writes refresh first, so nothing is saved over such a file.
    """

    def __init__(
        self,
        path: Path,
        kind: str,
        meta: dict[str, Any],
        read_only: bool,
        missing: str | None = None,
    ) -> None:
        self.path = path
        self.cycle_id: str | None = meta.get("cycle_id")
        self._kind = kind
        self._meta = meta
        self.read_only = read_only
        self._missing = missing
        self.problem: StoreError | None = None
        self._problem_signature: tuple[int, int, int] | None = None
        self._models: dict[str, list[Any]] = {}
        self._classes: dict[str, type[BaseModel]] = {}
        # (table, field) -> field value -> [(position in the file, model)], built on first use
        self._groups: dict[tuple[str, str], dict[Any, list[tuple[int, Any]]]] = {}
        # A table read only in part so far (`models_where` before any `models`): (table, field)
        # -> the positions of its stored documents by that field's value, and the groups
        # validated so far. Completed (`models`) before anything is saved to the file.
        self._partial: dict[tuple[str, str], tuple[dict[str, list[int]], dict[str, list[Any]]]] = {}
        self._latest: str | None = None  # see latest_stamp()
        # The app's full check of a file runs in a worker thread beside the screens' reads.
        self.cache_lock = threading.RLock()
        # Set by the app for the file it opens on (its check-ins are validated as the screens
        # read them): the first save checks the whole file first (`check_before_saving`).
        self.needs_full_check = False
        self._open()

    def _load(self, missing: str | None) -> tuple[_TinyDB, AtomicJSONStorage]:
        db = _TinyDB(
            self.path,
            storage=AtomicJSONStorage,
            kind=self._kind,
            meta=self._meta,
            read_only=self.read_only,
            missing=missing,
        )
        storage: AtomicJSONStorage = db.storage  # type: ignore[assignment]
        storage.read()  # parse and check the file now, so errors surface at open
        return db, storage

    def _open(self) -> None:
        self.db, self.storage = self._load(self._missing)
        self._models.clear()
        self._groups.clear()
        self._partial.clear()
        self._latest = None

    def latest_stamp(self) -> str:
        """`latest_stamp` of the file, kept until the file changes."""
        if self._latest is None:
            self._latest = latest_stamp(self.storage.read() or {})
        return self._latest

    def refresh(self) -> bool:
        """Reload if the file changed on disk since we last read or wrote it; see the class
        docstring for a file that changed into something unreadable."""
        with self.cache_lock:
            return self._refresh()

    def _refresh(self) -> bool:
        signature = file_signature(self.path)
        if signature == self.storage.signature:
            self.problem = None
            return False
        if self.problem is not None and signature == self._problem_signature:
            raise self.problem
        # A file that was there when last read and is gone now was deleted, not never made.
        existed = "is missing (it was deleted or moved while okr-tui had it open)"
        missing = self._missing or (existed if self.storage.signature is not None else None)
        try:
            db, storage = self._load(missing)
            # The tables in use are checked now, so a bad record is found here rather than
            # half-way through redrawing a screen.
            models = {
                table: _validated(self.path, storage, cls, table)
                for table, cls in self._classes.items()
                if table in self._models
            }
        except StoreError as error:
            self.problem, self._problem_signature = error, signature
            raise
        self.db, self.storage = db, storage
        self._models = models
        self._groups.clear()
        self._partial.clear()
        self._latest = None
        self.problem = None
        return True

    def models(self, cls: type[M], table: str) -> list[M]:
        with self.cache_lock:
            cached = self._models.get(table)
            if cached is None:
                cached = _validated(self.path, self.storage, cls, table)
                self._models[table] = cached
                self._classes[table] = cls
                self._forget_partial(table)
            return list(cached)

    def has_models(self, table: str) -> bool:
        """True once the table has been validated whole (and is cached)."""
        return table in self._models

    def raw_values(self, table: str, *fields: str) -> tuple[set[str], ...]:
        """For each field, the set of its text values in the table's stored documents, read
        without validating them (a key result's check-ins are validated when first read)."""
        with self.cache_lock:
            documents = (self.storage.read() or {}).get(table, {}).values()
            # A set comprehension per field: a quarter's check-ins at start-up, 5x faster than
            # one loop over the documents filling every field's set.
            return tuple(
                {value for document in documents if isinstance(value := document.get(name), str)}
                for name in fields
            )

    def check(self, tables: Mapping[type[BaseModel], str]) -> None:
        """Validate these tables whole now (the ones not validated yet), or raise the
        StoreError that names the file and the first bad record."""
        with self.cache_lock:
            for cls, table in tables.items():
                self.models(cls, table)

    def check_before_saving(self, tables: Mapping[type[BaseModel], str]) -> None:
        """Under the folder lock, before a write: a table read only in part is validated whole
        (a save must never write back a bad record it did not read), and a file the app opened
        on has had its full check (`tables`), done here if its worker has not finished it."""
        with self.cache_lock:
            for cls, table in tables.items():
                if table in self._models:
                    continue
                if self.needs_full_check or any(key[0] == table for key in self._partial):
                    self.models(cls, table)
            self.needs_full_check = False

    def models_where(self, cls: type[M], table: str, field: str, values: Iterable[Any]) -> list[M]:
        """The models whose `field` is one of `values`, in file order, as `models()` would list
        them: the check-ins of a few key results without scanning the thousands of their cycle.
        The grouping is built once and kept in step with appends. Before the whole table has
        been read, only the documents of these values are validated (see `_partial`)."""
        with self.cache_lock:
            if table not in self._models:
                return self._partial_models_where(cls, table, field, set(values))
            return self._models_where(cls, table, field, values)

    def _partial_models_where(
        self, cls: type[M], table: str, field: str, values: set[Any]
    ) -> list[M]:
        partial = self._partial.get((table, field))
        if partial is None:
            documents = list((self.storage.read() or {}).get(table, {}).values())
            positions: dict[str, list[int]] = {}
            for position, document in enumerate(documents):
                # Stored as validated: a str field reads the same raw (pydantic turns nothing
                # else into a str); any other value fails validation, so matches nothing.
                value = document.get(field)
                if isinstance(value, str):
                    positions.setdefault(value, []).append(position)
            partial = (positions, {})
            self._partial[(table, field)] = partial
        positions, validated = partial
        missing = [value for value in values if value not in validated and value in positions]
        if missing:
            documents = list((self.storage.read() or {}).get(table, {}).values())
            for value in missing:
                where = positions[value]
                models = _validated_documents(
                    self.path, [documents[p] for p in where], cls, table
                )
                validated[value] = list(zip(where, models, strict=True))
        found = [entry for value in values for entry in validated.get(value, ())]
        found.sort(key=itemgetter(0))
        return [model for _, model in found]

    def _forget_partial(self, table: str) -> None:
        for key in [key for key in self._partial if key[0] == table]:
            del self._partial[key]

    def _models_where(self, cls: type[M], table: str, field: str, values: Iterable[Any]) -> list[M]:
        groups = self._groups.get((table, field))
        if groups is None:
            groups = {}
            for position, model in enumerate(self.models(cls, table)):
                groups.setdefault(getattr(model, field), []).append((position, model))
            self._groups[(table, field)] = groups
        found = [entry for value in set(values) for entry in groups.get(value, ())]
        found.sort(key=itemgetter(0))
        return [model for _, model in found]

    def _forget_groups(self, table: str) -> None:
        for key in [key for key in self._groups if key[0] == table]:
            del self._groups[key]
        self._forget_partial(table)

    def put(self, model: M, table: str, *, append: bool = False) -> M:
        """Insert or replace (by id) one model, keeping the model cache in step.

        The model is validated again first: `model_copy(update=...)` skips validation.
        """
        model = type(model).model_validate(model.model_dump())
        document = model.model_dump(mode="json")
        self._latest = None
        self._forget_partial(table)  # the positions of its documents may change
        if append:
            self.db.table(table).insert(document)
        else:
            # Replaced whole, not merged as TinyDB's upsert does: a field a model leaves out
            # when empty (a key result's source) must go when it is emptied.
            def replace(stored: MutableMapping[Any, Any]) -> None:
                stored.clear()
                stored.update(document)

            records = self.db.table(table)
            if not records.update(replace, Query().id == document["id"]):
                records.insert(document)
        cached = self._models.get(table)
        if cached is not None and append:
            cached.append(model)  # an append adds a record, as the file does
            for (grouped, field), groups in self._groups.items():
                if grouped == table:
                    groups.setdefault(getattr(model, field), []).append((len(cached) - 1, model))
        elif cached is not None:
            self._forget_groups(table)
            for index, existing in enumerate(cached):
                if existing.id == model.id:  # type: ignore[attr-defined]
                    cached[index] = model
                    break
            else:
                cached.append(model)
        return model

    def replace_table(self, table: str, models: Sequence[BaseModel]) -> None:
        self._latest = None
        self.db.drop_table(table)
        if models:
            self.db.table(table).insert_multiple(m.model_dump(mode="json") for m in models)
        self._models.pop(table, None)
        self._forget_groups(table)

    def write_whole(self) -> None:
        """Save the file as it is in memory, even with nothing changed (a new, empty one)."""
        self.storage.write(self.storage.read() or {})

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside reach disk in one atomic save, or none do."""
        self.storage.begin()
        try:
            yield
        except BaseException:
            self.storage.rollback()
            self._open()
            raise
        try:
            self.storage.commit()
        except BaseException:
            self._open()
            raise
