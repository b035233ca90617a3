"""OkrStore: the only door to the data on disk, and the only module that touches TinyDB.

Layout of a store folder (see README, "Where the data lives"):

    okr.json              teams and the list of cycles (small, read at start)
    cycles/<id>.json      one file per cycle: objectives, key results, check-ins, meetings, ...
    .lock                 the lock every writer holds around its read-modify-write

Saving a check-in rewrites only the file of its cycle, so its cost does not grow with years of
history, and a closed cycle's file is opened read-only. Every write runs under the folder lock,
first reloads a file that another process replaced, and saves atomically (see storage.py), so two
processes never lose each other's check-ins. Models go in and come out; TinyDB documents and
JSON never leave this module.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import secrets
import shutil
from collections.abc import (
    Callable,
    Collection,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, TypeVar

from filelock import FileLock, Timeout
from pydantic import BaseModel, TypeAdapter, ValidationError
from tinydb import Query, TinyDB
from tinydb.table import Table

from okr_tui.domain import rules
from okr_tui.domain.clock import Clock
from okr_tui.domain.models import (
    Action,
    AuditEntry,
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    Meeting,
    Objective,
    Retrospective,
    Review,
    ReviewDecision,
    ReviewDecisionKind,
    Score,
    Status,
    Team,
)
from okr_tui.store.errors import RuleViolation, StoreError
from okr_tui.store.migrations import META_DOC_ID, META_TABLE, migrate
from okr_tui.store.storage import (
    AtomicJSONStorage,
    file_signature,
    fsync_folder,
    read_json_file,
    remove_stale_temp_files,
)

ROOT_FILE = "okr.json"
CYCLES_FOLDER = "cycles"
LOCK_FILE = ".lock"
# Where an import keeps the files it replaces until the new ones are written and checked.
BACKUP_PREFIX = ".import-backup-"
LOCK_TIMEOUT_SECONDS = 15.0
# A cycle id names its file: nothing that could climb out of the cycles folder (an import
# file chooses the ids).
SAFE_CYCLE_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
# In the root file's meta: every cycle it lists has its file, so a missing one was deleted.
# A store written before this mark read a cycle without a file as empty (its file was made at
# the cycle's first objective); its first save by this version gives each cycle its file.
EVERY_CYCLE_HAS_A_FILE = "every_cycle_has_a_file"

M = TypeVar("M", bound=BaseModel)

ROOT_TABLES: dict[type[BaseModel], str] = {Team: "teams", Cycle: "cycles"}
CYCLE_TABLES: dict[type[BaseModel], str] = {
    Objective: "objectives",
    KeyResult: "key_results",
    CheckIn: "check_ins",
    Meeting: "meetings",
    Action: "actions",
    ReviewDecision: "review_decisions",
    Review: "reviews",
    Score: "scores",
    Retrospective: "retrospectives",
    AuditEntry: "audit",
}
AUDITED_FIELDS = {
    KeyResult: (
        "title",
        "owner",
        "kr_type",
        "unit",
        "baseline",
        "target",
        "weight",
        "status",
        "retired_reason",
        "objective_id",
    ),
    Objective: (
        "title",
        "description",
        "owner",
        "level",
        "kind",
        "parent_id",
        "status",
        "retired_reason",
        "team_id",
    ),
}


@dataclass
class CycleContents:
    """Everything one cycle file holds, as models: what export and import exchange."""

    objectives: list[Objective] = field(default_factory=list)
    key_results: list[KeyResult] = field(default_factory=list)
    check_ins: list[CheckIn] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    review_decisions: list[ReviewDecision] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)
    retrospectives: list[Retrospective] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)


@functools.cache
def _list_adapter(cls: type[M]) -> TypeAdapter[list[M]]:
    """Validates a whole table in one call: a fifth faster than a model at a time, which counts
    for the 4,000 check-ins of a large organisation's quarter read at start-up."""
    return TypeAdapter(list[cls])


class _IntKeyedView(MutableMapping[int, Any]):
    """A stored table (string ids, as JSON keeps them) seen with TinyDB's integer ids."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self._raw = raw

    def __getitem__(self, doc_id: int) -> Any:
        return self._raw[str(doc_id)]

    def __setitem__(self, doc_id: int, document: Any) -> None:
        self._raw[str(doc_id)] = document

    def __delitem__(self, doc_id: int) -> None:
        del self._raw[str(doc_id)]

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
    the table lets the storage re-encode only that one at the save.
    """

    def _update_table(self, updater: Callable[[dict[int, Mapping]], None]) -> None:
        tables = self._storage.read()
        if tables is None:
            tables = {}
        raw = tables.setdefault(self.name, {})
        updater(_IntKeyedView(raw))  # type: ignore[arg-type]
        self._storage.write(tables, changed=self.name)
        self.clear_cache()


class _TinyDB(TinyDB):
    table_class = _InPlaceTable


def _validated(path: Path, storage: AtomicJSONStorage, cls: type[M], table: str) -> list[M]:
    """A table's models, or a StoreError naming the file and the first bad record."""
    # The stored documents in file order, as Table.all() lists them but without wrapping each
    # in a TinyDB Document (6 ms for a quarter's 4,200 check-ins).
    documents = list((storage.read() or {}).get(table, {}).values())
    try:
        return _list_adapter(cls).validate_python(documents)
    except ValidationError as error:
        # One line a person can act on, not pydantic's multi-line report.
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"][1:]) or "entry"
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise StoreError(
            path, f"holds an invalid {table} entry: {where}: {first['msg']}{more}"
        ) from error


class _StoreFile:
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

    def refresh(self) -> bool:
        """Reload if the file changed on disk since we last read or wrote it; see the class
        docstring for a file that changed into something unreadable."""
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
        self.problem = None
        return True

    def models(self, cls: type[M], table: str) -> list[M]:
        cached = self._models.get(table)
        if cached is None:
            cached = _validated(self.path, self.storage, cls, table)
            self._models[table] = cached
            self._classes[table] = cls
        return list(cached)

    def models_where(self, cls: type[M], table: str, field: str, values: Iterable[Any]) -> list[M]:
        """The models whose `field` is one of `values`, in file order, as `models()` would list
        them: the check-ins of a few key results without scanning the thousands of their cycle.
        The grouping is built once and kept in step with appends."""
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

    def put(self, model: M, table: str, *, append: bool = False) -> M:
        """Insert or replace (by id) one model, keeping the model cache in step.

        The model is validated again first: `model_copy(update=...)` skips validation.
        """
        model = type(model).model_validate(model.model_dump())
        document = model.model_dump(mode="json")
        if append:
            self.db.table(table).insert(document)
        else:
            # Replaced whole, not merged as TinyDB's upsert does: a field a model leaves out
            # when empty (a key result's source) must go when it is emptied.
            def replace(stored: dict[str, Any]) -> None:
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


class OkrStore:
    """Reads and writes a store folder; see the module docstring for the layout and guarantees."""

    def __init__(
        self, folder: str | Path, clock: Clock | None = None, *, read_only: bool = False
    ) -> None:
        self.folder = Path(folder).expanduser()
        self.clock = clock or Clock()
        self.read_only = read_only
        if self.folder.exists() and not self.folder.is_dir():
            raise StoreError(self.folder, "is a file; --db expects a store folder")
        if read_only and not self.folder.is_dir():
            # A viewer creates nothing: not the folder, nor (below) the lock or a cleanup.
            raise StoreError(self.folder, "does not exist (a read-only store is never created)")
        if not read_only:
            try:
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                (self.folder / CYCLES_FOLDER).mkdir(mode=0o700, exist_ok=True)
            except OSError as error:
                raise StoreError(self.folder, f"cannot be created ({error.strerror})") from error
        self._lock = FileLock(
            str(self.folder / LOCK_FILE), timeout=LOCK_TIMEOUT_SECONDS, mode=0o600
        )
        if not read_only:
            self._remove_stale_temp_files()
        self._root = _StoreFile(
            self.folder / ROOT_FILE, "root", {EVERY_CYCLE_HAS_A_FILE: True}, read_only=False
        )
        self._cycle_files: dict[str, _StoreFile] = {}

    # --- plumbing ---------------------------------------------------------------------

    def _remove_stale_temp_files(self) -> None:
        """Remove temp files of saves that were killed, but only under the lock: without it we
        could delete the temp file of another process's save in progress and make it fail."""
        try:
            self._lock.acquire(timeout=0)
        except (Timeout, OSError):
            return  # someone is saving (or the folder is read-only): leave the leftovers
        try:
            remove_stale_temp_files(self.folder)
            remove_stale_temp_files(self.folder / CYCLES_FOLDER)
        finally:
            self._lock.release()

    def _cycle_path(self, cycle_id: str) -> Path:
        if not SAFE_CYCLE_ID.fullmatch(cycle_id):
            raise RuleViolation(f"cycle id {cycle_id!r} may only hold letters, digits, '-' and '_'")
        return self.folder / CYCLES_FOLDER / f"{cycle_id}.json"

    def check_cycle_file(
        self, cycle_id: str, records: Collection[type[BaseModel]] = tuple(CYCLE_TABLES)
    ) -> None:
        """Read a cycle's file and check these records now (the app's start-up: those of its
        first screen), so a broken file is reported before anything is shown. Read once: the
        screen that reads them next finds them ready."""
        cycle_file = self._cycle_file(cycle_id)
        for cls in records:
            cycle_file.models(cls, CYCLE_TABLES[cls])

    def _every_cycle_has_a_file(self) -> bool:
        meta = (self._root.storage.read() or {}).get(META_TABLE, {}).get(META_DOC_ID, {})
        return meta.get(EVERY_CYCLE_HAS_A_FILE) is True

    @staticmethod
    def _missing_cycle_file(cycle: Cycle) -> str:
        return (
            f"is missing: {ROOT_FILE} lists cycle {cycle.name}, whose records are kept in this "
            "file (restore it from a backup or an export)"
        )

    def _cycle_file(self, cycle_id: str) -> _StoreFile:
        store_file = self._cycle_files.get(cycle_id)
        cycle = self.cycle(cycle_id)
        closed = cycle.state is CycleState.CLOSED
        if store_file is None or store_file.read_only != closed:
            must_exist = self._every_cycle_has_a_file()
            store_file = _StoreFile(
                self._cycle_path(cycle_id),
                "cycle",
                {"cycle_id": cycle_id},
                read_only=closed,
                missing=self._missing_cycle_file(cycle) if must_exist else None,
            )
            self._cycle_files[cycle_id] = store_file
        # No refresh here: every caller reloads a changed file through _read or _writing.
        return store_file

    @contextlib.contextmanager
    def _writing(self, *files: _StoreFile) -> Iterator[None]:
        """Hold the folder lock, catch up with other processes, then write all-or-nothing."""
        if self.read_only:
            raise RuleViolation("this store is open read-only (a viewer's share): nothing saved")
        with self._locked():
            for store_file in files:
                store_file.refresh()
            self._give_every_cycle_a_file()
            with contextlib.ExitStack() as stack:
                for store_file in files:
                    stack.enter_context(store_file.transaction())
                yield

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the folder lock (every writer's), or say why it cannot be had."""
        try:
            self._lock.acquire()
        except Timeout as error:
            raise StoreError(self.folder, "is locked by another okr process; try again") from error
        except OSError as error:
            raise StoreError(self.folder, f"cannot be locked ({error.strerror})") from error
        try:
            yield
        finally:
            self._lock.release()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the folder lock for work on the files outside the store's own saves (a git
        sync replacing them): no okr process saves meanwhile. `refresh()` afterwards."""
        with self._locked():
            yield

    def _give_every_cycle_a_file(self) -> None:
        """Once, in a store written before the mark (under the lock): make the file of each
        cycle that has none yet, then mark the root file, so a missing file is an error."""
        if self._every_cycle_has_a_file():
            return
        self._root.refresh()
        for cycle in self._root.models(Cycle, "cycles"):
            self._create_cycle_file(cycle.id)
        with self._root.transaction():
            self._root.db.table(META_TABLE).update({EVERY_CYCLE_HAS_A_FILE: True})

    def _create_cycle_file(self, cycle_id: str) -> None:
        """An empty file for a new cycle (under the lock), unless something is there already."""
        path = self._cycle_path(cycle_id)
        if file_signature(path) is None:
            new = _StoreFile(path, "cycle", {"cycle_id": cycle_id}, read_only=False)
            new.storage.write(new.storage.read() or {})

    def refresh(self) -> bool:
        """Pick up changes another process made; True if anything changed. A file that changed
        into something unreadable is not taken: see `problem`."""
        changed = False
        for store_file in (self._root, *self._cycle_files.values()):
            with contextlib.suppress(StoreError):
                changed = store_file.refresh() or changed
        return changed

    @property
    def problem(self) -> StoreError | None:
        """Why a file read earlier cannot be read now (None when all can): the store keeps what
        it last read of that file for reading, and refuses to save over it."""
        for store_file in (self._root, *self._cycle_files.values()):
            if store_file.problem is not None:
                return store_file.problem
        return None

    def _refresh_for_reading(self, store_file: _StoreFile) -> None:
        # A file that cannot be read now is read as it was last: see `problem`.
        with contextlib.suppress(StoreError):
            store_file.refresh()

    def _read(self, store_file: _StoreFile, cls: type[M]) -> list[M]:
        self._refresh_for_reading(store_file)
        tables = ROOT_TABLES if store_file is self._root else CYCLE_TABLES
        return store_file.models(cls, tables[cls])

    def _read_where(
        self,
        store_file: _StoreFile,
        cls: type[M],
        field: str,
        one: str | None,
        many: Collection[str] | None,
    ) -> list[M]:
        """All `cls` models of the file, or (looked up, in file order) those whose `field` is
        `one` and/or one of `many`."""
        if one is None and many is None:
            return self._read(store_file, cls)
        wanted = set(many) if many is not None else {one}
        if one is not None:
            wanted &= {one}
        self._refresh_for_reading(store_file)
        tables = ROOT_TABLES if store_file is self._root else CYCLE_TABLES
        return store_file.models_where(cls, tables[cls], field, wanted)

    def _now(self):
        return self.clock.now()

    # --- teams and cycles ---------------------------------------------------------------

    def is_empty(self) -> bool:
        return not self.teams() and not self.cycles()

    def holds_data(self) -> bool:
        """True when the folder holds any store file with something in it: a cycle file, or an
        okr.json with a team or a cycle (or one that cannot be read). An import or the demo
        takes only a folder without, so cycle files whose okr.json went missing are never
        replaced unasked."""
        files = _store_files(self.folder)
        if any(relative != Path(ROOT_FILE) for relative in files):
            return True
        if not files:
            return False
        try:
            return not self.is_empty()
        except StoreError:
            return True

    def teams(self) -> list[Team]:
        return sorted(self._read(self._root, Team), key=lambda team: (team.order, team.name))

    def team(self, team_id: str) -> Team:
        """The team with `team_id`; RuleViolation when there is none."""
        team = self.team_or_none(team_id)
        if team is None:
            raise RuleViolation(f"no team with id {team_id!r}")
        return team

    def team_or_none(self, team_id: str | None) -> Team | None:
        """The team with `team_id`, or None: no id, or a team removed since the id was read."""
        if team_id is None:
            return None
        return next((team for team in self.teams() if team.id == team_id), None)

    def save_team(self, team: Team, *, expected: Team | None = None) -> Team:
        """Create or change a team. Names are unique (ignoring case and outer spaces): two
        "Growth" teams could not be told apart on the dashboard or in the walk's set-up.
        `expected`: the team as the editor read it; if it changed on disk since, nothing is
        saved (as for objectives and key results)."""
        with self._writing(self._root):
            teams = self._root.models(Team, "teams")
            stored = next((t for t in teams if t.id == team.id), None)
            if expected is not None and stored != expected:
                raise RuleViolation(
                    "this team was changed elsewhere since you opened it (another okr window "
                    "or the command line); nothing saved: leave with escape and open it again"
                )
            if (other := rules.same_name_team(team, teams)) is not None:
                raise RuleViolation(rules.team_name_message(other))
            return self._root.put(team, "teams")

    def cycles(self) -> list[Cycle]:
        return sorted(self._read(self._root, Cycle), key=lambda cycle: (cycle.start, cycle.name))

    def cycle(self, cycle_id: str) -> Cycle:
        for cycle in self.cycles():
            if cycle.id == cycle_id:
                return cycle
        raise RuleViolation(f"no cycle with id {cycle_id!r}")

    def find_cycle(self, id_or_name: str) -> Cycle:
        """A cycle by id or by name (what people type on the command line)."""
        for cycle in self.cycles():
            if id_or_name in (cycle.id, cycle.name):
                return cycle
        raise RuleViolation(f"no cycle called {id_or_name!r}")

    def save_cycle(self, cycle: Cycle) -> Cycle:
        """Create or edit a cycle; a closed cycle stays as it was closed. The rules (a unique
        name, no overlap with another open cycle, new dates that keep the check-ins recorded
        inside them) are checked on the files as they are under the lock."""
        self._cycle_path(cycle.id)
        known = any(c.id == cycle.id for c in self.cycles())
        files = (self._root, self._cycle_file(cycle.id)) if known else (self._root,)
        with self._writing(*files):
            cycles = self._root.models(Cycle, "cycles")
            existing = next((c for c in cycles if c.id == cycle.id), None)
            if existing is not None and existing.state is CycleState.CLOSED:
                raise RuleViolation(f"cycle {existing.name} is closed and can no longer change")
            others = [c for c in cycles if c.id != cycle.id]
            if any(c.name == cycle.name for c in others):
                raise RuleViolation(f"a cycle called {cycle.name!r} already exists")
            if (overlapped := rules.overlapping_cycle(cycle, others)) is not None:
                raise RuleViolation(rules.overlap_message(overlapped))
            if (problem := rules.skipped_dates_problem(cycle)) is not None:
                raise RuleViolation(problem)
            if existing is not None and len(files) > 1:
                check_ins = files[1].models(CheckIn, "check_ins")
                if (problem := rules.dates_problem(cycle, check_ins)) is not None:
                    raise RuleViolation(problem)
            if existing is None:  # its file first: a cycle the root file lists has one
                self._create_cycle_file(cycle.id)
            return self._root.put(cycle, "cycles")

    def current_cycle(self) -> Cycle | None:
        """The cycle the clock is in (active first), else the latest begun, else the first;
        but once that one is closed (early, or after its end), the next cycle still open.

        The app and the CLI both start here: after closing a quarter early, the app moved on
        to the next one, then came back to the closed one when started again.
        """
        cycles = self.cycles()
        if not cycles:
            return None
        now = self._now()

        def today(cycle: Cycle) -> date:
            return now.in_timezone(cycle.timezone).date()

        running = [c for c in cycles if c.contains(today(c))]
        still_open = [c for c in running if c.state is not CycleState.CLOSED]
        if still_open:
            return min(still_open, key=lambda c: (c.state is not CycleState.ACTIVE, c.start))
        begun = [c for c in cycles if c.start <= today(c)]
        latest = running[0] if running else begun[-1] if begun else cycles[0]
        if latest.state is CycleState.CLOSED:
            upcoming = [
                c for c in cycles if c.start > today(c) and c.state is not CycleState.CLOSED
            ]
            if upcoming:
                return min(upcoming, key=attrgetter("start"))
        return latest

    # --- objectives and key results -----------------------------------------------------

    def objectives(self, cycle_id: str) -> list[Objective]:
        objectives = self._read(self._cycle_file(cycle_id), Objective)
        return sorted(objectives, key=lambda o: (o.order, o.title))

    def key_results(
        self,
        cycle_id: str,
        objective_id: str | None = None,
        *,
        objective_ids: Collection[str] | None = None,
    ) -> list[KeyResult]:
        """A cycle's key results in plan order: all, or those of one objective or of
        `objective_ids` (one team's walk needs a dozen of hundreds)."""
        key_results = self._read_where(
            self._cycle_file(cycle_id), KeyResult, "objective_id", objective_id, objective_ids
        )
        return sorted(key_results, key=lambda kr: (kr.order, kr.title))

    def key_result(self, cycle_id: str, kr_id: str) -> KeyResult:
        for kr in self.key_results(cycle_id):
            if kr.id == kr_id:
                return kr
        raise RuleViolation(f"no key result with id {kr_id!r} in this cycle")

    def find_key_result(self, kr_id: str) -> KeyResult:
        """A key result by id (or unique id prefix) in any cycle that is not closed."""
        matches = [
            kr
            for cycle in self.cycles()
            if cycle.state is not CycleState.CLOSED
            for kr in self.key_results(cycle.id)
            if kr.id == kr_id or kr.id.startswith(kr_id)
        ]
        exact = [kr for kr in matches if kr.id == kr_id]
        if exact:
            return exact[0]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise RuleViolation(f"{kr_id!r} matches several key results; give more of the id")
        raise RuleViolation(f"no key result with id {kr_id!r} in an open cycle")

    def save_objective(
        self,
        objective: Objective,
        *,
        author: str = "",
        reason: str = "",
        expected: Objective | None = None,
    ) -> Objective:
        """Create or change an objective. `expected`: the objective as the editor read it; if
        it has changed on disk since (another okr, the CLI), nothing is saved."""
        cycle_file = self._writable_cycle_file(objective.cycle_id)
        with self._writing(self._root, cycle_file):
            if objective.team_id is not None and not any(
                t.id == objective.team_id for t in self._root.models(Team, "teams")
            ):
                raise RuleViolation(f"no team with id {objective.team_id!r}")
            if objective.parent_id is not None:
                objectives = cycle_file.models(Objective, "objectives")
                if (problem := rules.alignment_problem(objective, objectives)) is not None:
                    raise RuleViolation(problem)
            self._check_unchanged(cycle_file, expected)
            self._audit_change(cycle_file, objective, author, reason)
            return cycle_file.put(objective, "objectives")

    def save_key_result(
        self,
        kr: KeyResult,
        *,
        author: str = "",
        reason: str = "",
        expected: KeyResult | None = None,
    ) -> KeyResult:
        """Create or change a key result. `expected`: the key result as the editor read it; if
        it has changed on disk since (another okr, the CLI), nothing is saved."""
        cycle_file = self._writable_cycle_file(kr.cycle_id)
        if not any(o.id == kr.objective_id for o in self.objectives(kr.cycle_id)):
            raise RuleViolation(f"no objective with id {kr.objective_id!r} in this cycle")
        with self._writing(cycle_file):
            self._check_unchanged(cycle_file, expected)
            if kr.created_at is None:  # stamped once; an edit keeps the stored stamp
                previous = self._stored_version(cycle_file, kr)
                added = previous.created_at if previous is not None else self._now()
                kr = kr.model_copy(update={"created_at": added})
            self._audit_change(cycle_file, kr, author, reason)
            return cycle_file.put(kr, "key_results")

    def _check_unchanged(
        self, cycle_file: _StoreFile, expected: Objective | KeyResult | None
    ) -> None:
        """Refuse to save over a change made elsewhere since the editor read `expected` (inside
        a write: the file has just been re-read under the lock), rather than lose it."""
        if expected is None:
            return
        stored = self._stored_version(cycle_file, expected)
        if stored == expected:
            return
        noun = "key result" if isinstance(expected, KeyResult) else "objective"
        if stored is None:
            raise RuleViolation(f"this {noun} was deleted elsewhere since you opened it")
        raise RuleViolation(
            f"this {noun} was changed elsewhere since you opened it (another okr window or "
            "the command line); nothing saved: leave with escape and open it again"
        )

    @staticmethod
    def _stored_version(
        cycle_file: _StoreFile, model: Objective | KeyResult
    ) -> Objective | KeyResult | None:
        """The objective or key result with `model`'s id as the file holds it, if any."""
        table = CYCLE_TABLES[type(model)]
        return next((m for m in cycle_file.models(type(model), table) if m.id == model.id), None)

    def _writable_cycle_file(self, cycle_id: str) -> _StoreFile:
        cycle = self.cycle(cycle_id)
        if cycle.state is CycleState.CLOSED:
            raise RuleViolation(f"cycle {cycle.name} is closed; its records are kept unchanged")
        return self._cycle_file(cycle_id)

    def _audit_change(
        self, cycle_file: _StoreFile, model: Objective | KeyResult, author: str, reason: str
    ) -> None:
        """Record each changed field of an objective or key result (inside a write)."""
        previous = self._stored_version(cycle_file, model)
        now = self._now()
        if previous is None:
            changes = [("created", None, model.title)]
        else:
            changes = []
            before, after = previous.model_dump(mode="json"), model.model_dump(mode="json")
            for name in AUDITED_FIELDS[type(model)]:
                if before[name] != after[name]:
                    changes.append((name, before[name], after[name]))
        for name, old, new in changes:
            entry = AuditEntry(
                cycle_id=model.cycle_id,
                entity_id=model.id,
                field=name,
                old=old,
                new=new,
                reason=reason,
                author=author,
                at=now,
            )
            cycle_file.put(entry, "audit", append=True)

    def audit(self, cycle_id: str, entity_id: str | None = None) -> list[AuditEntry]:
        entries = self._read(self._cycle_file(cycle_id), AuditEntry)
        if entity_id is not None:
            entries = [entry for entry in entries if entry.entity_id == entity_id]
        return sorted(entries, key=lambda entry: entry.at)

    # --- check-ins, meetings, actions ---------------------------------------------------

    def check_ins(
        self, cycle_id: str, kr_id: str | None = None, *, kr_ids: Collection[str] | None = None
    ) -> list[CheckIn]:
        """A cycle's check-ins in meeting order: all, one key result's, or those of `kr_ids`
        (a walk step needs a dozen key results of thousands: they are looked up, not filtered)."""
        check_ins = self._read_where(self._cycle_file(cycle_id), CheckIn, "kr_id", kr_id, kr_ids)
        return sorted(check_ins, key=attrgetter("meeting_date", "recorded_at"))

    def add_check_in(self, check_in: CheckIn) -> CheckIn:
        """Append a check-in; if the KR already has one for that meeting, this one corrects it.

        Refused for a retired KR, a closed cycle, or a date that is not one of the cycle's
        meetings. Returns the check-in as stored (with `supersedes` filled in).
        """
        from okr_tui.domain.cadence import meeting_dates

        cycle = self.cycle(check_in.cycle_id)
        cycle_file = self._writable_cycle_file(cycle.id)
        if check_in.meeting_date not in meeting_dates(cycle):
            raise RuleViolation(
                f"{check_in.meeting_date.isoformat()} is not a check-in meeting of {cycle.name}"
            )
        with self._writing(cycle_file):
            stored = self._append_check_in(cycle_file, cycle, check_in)
        assert stored is not None
        return stored

    def add_check_ins(
        self, cycle_id: str, check_ins: Sequence[CheckIn], *, keep_confidence: bool = False
    ) -> list[CheckIn]:
        """Append many check-ins of one cycle in one save, all or none (`okr pull` records
        hundreds at once; one save each would rewrite the cycle's file hundreds of times).

        Each follows `add_check_in`'s rules. With `keep_confidence`, a check-in without a
        confidence that corrects one for the same meeting keeps its confidence, note and
        blockers (a value read from a source never takes away what the owner said), and one
        whose value the live check-in already holds is not recorded again.
        """
        from okr_tui.domain.cadence import meeting_dates

        cycle = self.cycle(cycle_id)
        cycle_file = self._writable_cycle_file(cycle.id)
        dates = set(meeting_dates(cycle))
        for check_in in check_ins:
            if check_in.cycle_id != cycle.id:
                raise RuleViolation(f"check-in {check_in.id} is not of {cycle.name}")
            if check_in.meeting_date not in dates:
                raise RuleViolation(
                    f"{check_in.meeting_date.isoformat()} is not a check-in meeting of {cycle.name}"
                )
        saved: list[CheckIn] = []
        with self._writing(cycle_file):
            key_results = {kr.id: kr for kr in cycle_file.models(KeyResult, "key_results")}
            for check_in in check_ins:
                stored = self._append_check_in(
                    cycle_file,
                    cycle,
                    check_in,
                    keep_confidence=keep_confidence,
                    key_results=key_results,
                )
                if stored is not None:
                    saved.append(stored)
        return saved

    def _append_check_in(
        self,
        cycle_file: _StoreFile,
        cycle: Cycle,
        check_in: CheckIn,
        *,
        keep_confidence: bool = False,
        key_results: Mapping[str, KeyResult] | None = None,
    ) -> CheckIn | None:
        """Under the lock: append one check-in after the rules (see add_check_in).
        `key_results`: the file's, by id, when appending many."""
        if key_results is not None:
            kr = key_results.get(check_in.kr_id)
        else:
            kr = next(
                (k for k in cycle_file.models(KeyResult, "key_results") if k.id == check_in.kr_id),
                None,
            )
        if kr is None:
            raise RuleViolation(f"no key result with id {check_in.kr_id!r} in {cycle.name}")
        if kr.status is Status.RETIRED:
            raise RuleViolation(f"key result {kr.title!r} is retired; it takes no check-ins")
        same_meeting = [
            ci
            for ci in cycle_file.models_where(CheckIn, "check_ins", "kr_id", [kr.id])
            if ci.meeting_date == check_in.meeting_date
        ]
        superseded = {ci.supersedes for ci in same_meeting}
        live = [ci for ci in same_meeting if ci.id not in superseded]
        if live:
            update: dict[str, Any] = {"supersedes": live[-1].id}
            if keep_confidence and check_in.confidence is None:
                if live[-1].value == check_in.value:
                    return None  # nothing new to record
                update |= {  # what the owner said for this meeting stays
                    "confidence": live[-1].confidence,
                    "confidence_score": live[-1].confidence_score,
                    "note": check_in.note or live[-1].note,
                    "blockers": check_in.blockers or live[-1].blockers,
                }
            check_in = check_in.model_copy(update=update)
        if any(ci.id == check_in.id for ci in same_meeting):
            raise RuleViolation("this check-in was already saved")
        return cycle_file.put(check_in, "check_ins", append=True)

    def meetings(self, cycle_id: str) -> list[Meeting]:
        meetings = self._read(self._cycle_file(cycle_id), Meeting)
        return sorted(meetings, key=lambda m: (m.meeting_date, m.id))

    def open_meeting(
        self, cycle_id: str, team_id: str | None, meeting_date: date
    ) -> Meeting | None:
        """The record of that team's meeting that day while it is still open (not closed): a
        walk in progress keeps its parked topics there, and closing it completes the same
        record."""
        return next(
            (
                m
                for m in self.meetings(cycle_id)
                if m.team_id == team_id and m.meeting_date == meeting_date and not m.is_closed
            ),
            None,
        )

    def closed_meeting(
        self, cycle_id: str, team_id: str | None, meeting_date: date
    ) -> Meeting | None:
        """That team's record of that meeting once closed (the last closed, were there two)."""
        closed = [
            m
            for m in self.meetings(cycle_id)
            if m.team_id == team_id and m.meeting_date == meeting_date and m.is_closed
        ]
        return max(closed, key=attrgetter("closed_at"), default=None)

    def meeting_record(
        self, cycle_id: str, team_id: str | None, meeting_date: date
    ) -> Meeting | None:
        """That team's record of that meeting: the open one, else the one closed."""
        return self.open_meeting(cycle_id, team_id, meeting_date) or self.closed_meeting(
            cycle_id, team_id, meeting_date
        )

    def save_meeting(self, meeting: Meeting, *, amend_closed: bool = False) -> Meeting:
        """Save a meeting's record. A closed record is kept unchanged, unless `amend_closed`:
        a new walk of the same meeting adds its parked topics, and closing it again its
        people and check-ins, to the one record of the meeting (walking again used to add a
        second record for the day, without the first walk's parked topics)."""
        cycle_file = self._writable_cycle_file(meeting.cycle_id)
        with self._writing(cycle_file):
            for existing in cycle_file.models(Meeting, "meetings"):
                if existing.id == meeting.id and existing.is_closed and not amend_closed:
                    raise RuleViolation("this meeting is closed; its record is kept unchanged")
            return cycle_file.put(meeting, "meetings")

    def actions(self, cycle_id: str, kr_id: str | None = None) -> list[Action]:
        actions = self._read(self._cycle_file(cycle_id), Action)
        if kr_id is not None:
            actions = [action for action in actions if action.kr_id == kr_id]
        return sorted(actions, key=lambda a: a.created_at)

    def save_action(self, action: Action) -> Action:
        cycle_file = self._writable_cycle_file(action.cycle_id)
        with self._writing(cycle_file):
            return cycle_file.put(action, "actions")

    def mark_actions_done(self, cycle_id: str, action_ids: Collection[str]) -> list[Action]:
        """Mark these actions done in one save, from the file as it is under the lock (an
        action someone else changed meanwhile keeps their change)."""
        cycle_file = self._writable_cycle_file(cycle_id)
        with self._writing(cycle_file):
            return [
                cycle_file.put(
                    action.model_copy(update={"done": True, "done_at": self._now()}), "actions"
                )
                for action in cycle_file.models(Action, "actions")
                if action.id in action_ids and not action.done
            ]

    # --- review, scoring, retrospective -------------------------------------------------

    def review_decisions(self, cycle_id: str) -> list[ReviewDecision]:
        decisions = self._read(self._cycle_file(cycle_id), ReviewDecision)
        return sorted(decisions, key=lambda d: d.decided_at)

    def record_review_decision(self, decision: ReviewDecision) -> KeyResult:
        """Store a mid-quarter decision and apply it to the KR (with audit), in one save."""
        cycle_file = self._writable_cycle_file(decision.cycle_id)
        kr = self.key_result(decision.cycle_id, decision.kr_id)
        if decision.decision is ReviewDecisionKind.ADJUST:
            decision = decision.model_copy(update={"old_target": kr.target})
            updated = KeyResult.model_validate({**kr.model_dump(), "target": decision.new_target})
        elif decision.decision is ReviewDecisionKind.RETIRE:
            updated = KeyResult.model_validate(
                {
                    **kr.model_dump(),
                    "status": Status.RETIRED,
                    "retired_reason": decision.reason,
                    "retired_at": decision.decided_at,
                }
            )
        else:
            updated = kr
        with self._writing(cycle_file):
            cycle_file.put(decision, "review_decisions", append=True)
            if updated is not kr:
                self._audit_change(cycle_file, updated, decision.author, decision.reason)
                updated = cycle_file.put(updated, "key_results")
        return updated

    def reviews(self, cycle_id: str) -> list[Review]:
        return self._read(self._cycle_file(cycle_id), Review)

    def complete_review(self, review: Review) -> Review:
        cycle_file = self._writable_cycle_file(review.cycle_id)
        with self._writing(cycle_file):
            return cycle_file.put(review, "reviews", append=True)

    def scores(self, cycle_id: str) -> list[Score]:
        return self._read(self._cycle_file(cycle_id), Score)

    def save_score(self, score: Score, *, author: str = "") -> Score:
        """Set the final score of a KR; a changed score replaces the old one, audited."""
        cycle_file = self._writable_cycle_file(score.cycle_id)
        self.key_result(score.cycle_id, score.kr_id)
        with self._writing(cycle_file):
            previous = next(
                (s for s in cycle_file.models(Score, "scores") if s.kr_id == score.kr_id), None
            )
            if previous is not None:
                score = score.model_copy(update={"id": previous.id})
            if previous is None or previous.given != score.given:
                cycle_file.put(
                    AuditEntry(
                        cycle_id=score.cycle_id,
                        entity_id=score.kr_id,
                        field="score",
                        old=previous.given if previous else None,
                        new=score.given,
                        reason=score.reason,
                        author=author,
                        at=self._now(),
                    ),
                    "audit",
                    append=True,
                )
            return cycle_file.put(score, "scores")

    def retrospectives(self, cycle_id: str) -> list[Retrospective]:
        return self._read(self._cycle_file(cycle_id), Retrospective)

    def save_retrospective(self, retrospective: Retrospective) -> Retrospective:
        """One retrospective per team and cycle: saving again replaces it."""
        cycle_file = self._writable_cycle_file(retrospective.cycle_id)
        with self._writing(cycle_file):
            for existing in cycle_file.models(Retrospective, "retrospectives"):
                if existing.team_id == retrospective.team_id:
                    retrospective = retrospective.model_copy(update={"id": existing.id})
            return cycle_file.put(retrospective, "retrospectives")

    def close_cycle(
        self,
        cycle_id: str,
        *,
        carry_into: Cycle | None = None,
        objectives: Sequence[Objective] = (),
        key_results: Sequence[KeyResult] = (),
    ) -> Cycle:
        """Close a cycle, after first saving the carried-over objectives into the next one.

        The next cycle is written before the old one is marked closed, so a crash in between
        leaves both usable and the close can simply be repeated.
        """
        cycle = self.cycle(cycle_id)
        if cycle.state is CycleState.CLOSED:
            raise RuleViolation(f"cycle {cycle.name} is already closed")
        if carry_into is not None:
            if not any(c.id == carry_into.id for c in self.cycles()):
                self.save_cycle(carry_into)
            target = self._writable_cycle_file(carry_into.id)
            with self._writing(target):
                for objective in objectives:
                    self._audit_change(target, objective, "", f"carried over from {cycle.name}")
                    target.put(objective, "objectives")
                for kr in key_results:
                    if kr.created_at is None:  # into a cycle begun already, it owes from now
                        kr = kr.model_copy(update={"created_at": self._now()})
                    self._audit_change(target, kr, "", f"carried over from {cycle.name}")
                    target.put(kr, "key_results")
        with self._writing(self._root):
            return self._root.put(cycle.model_copy(update={"state": CycleState.CLOSED}), "cycles")

    # --- whole-store exchange -----------------------------------------------------------

    def cycle_documents(self, cycle_id: str) -> dict[str, list[dict[str, Any]]]:
        """Every table of a cycle as the JSON documents stored, for a fast export.

        The one place plain documents leave the store: each was validated as a model when it
        was saved or imported, so the export need not validate tens of thousands again. Read
        from disk as it is now and not kept, so an export of years holds one cycle at a time;
        the documents are the caller's own.
        """
        cycle = self.cycle(cycle_id)
        path = self._cycle_path(cycle_id)
        if file_signature(path) is None and self._every_cycle_has_a_file():
            raise StoreError(path, self._missing_cycle_file(cycle))
        tables = migrate(path, read_json_file(path), "cycle") if file_signature(path) else {}
        return {table: list(tables.get(table, {}).values()) for table in CYCLE_TABLES.values()}

    def replace_everything(
        self, teams: Sequence[Team], cycles: Sequence[Cycle], contents: dict[str, CycleContents]
    ) -> None:
        """Make the store hold exactly this (import), under the lock.

        The store files it replaces are first moved aside into a backup folder inside the store
        (`.import-backup-*`), and removed only once the new files are written and read back
        whole; on a failure they are put back, so a failed import leaves the store as it was. A
        broken old store can be replaced too: its files are moved, never read.
        """
        paths = [self._cycle_path(cycle.id) for cycle in cycles]
        if self.read_only:
            raise RuleViolation("this store is open read-only (a viewer's share): nothing saved")
        with self._locked():
            backup = self.folder / f"{BACKUP_PREFIX}{secrets.token_hex(4)}"
            (backup / CYCLES_FOLDER).mkdir(mode=0o700, parents=True)
            moved = _move_store_files(self.folder, backup)
            try:
                for cycle, path in zip(cycles, paths, strict=True):
                    cycle_file = _StoreFile(path, "cycle", {"cycle_id": cycle.id}, read_only=False)
                    tables = {t: getattr(contents[cycle.id], t) for t in CYCLE_TABLES.values()}
                    with cycle_file.transaction():
                        for table, models in tables.items():
                            cycle_file.replace_table(table, models)
                        cycle_file.write_whole()  # an empty cycle gets its file too
                    _check_written(path, "cycle", tables)
                root_path = self.folder / ROOT_FILE
                marked = {EVERY_CYCLE_HAS_A_FILE: True}
                root = _StoreFile(root_path, "root", marked, read_only=False)
                with root.transaction():
                    root.replace_table("teams", teams)
                    root.replace_table("cycles", cycles)
                    root.write_whole()
                _check_written(root_path, "root", {"teams": teams, "cycles": cycles})
            except BaseException as error:
                # The old files come back with their inodes and times: the open ones still match.
                restored = _put_back(self.folder, backup, moved)
                if isinstance(error, (OSError, StoreError)):
                    kept = "left as it was" if restored else f"kept in {backup}"
                    raise StoreError(
                        self.folder,
                        f"the import could not be written ({error}); the store is {kept}",
                    ) from error
                raise
            shutil.rmtree(backup, ignore_errors=True)
        self._root = _StoreFile(
            self.folder / ROOT_FILE, "root", {EVERY_CYCLE_HAS_A_FILE: True}, read_only=False
        )
        self._cycle_files.clear()


def _check_written(path: Path, kind: str, meant: Mapping[str, Sequence[BaseModel]]) -> None:
    """Read a file an import wrote back from disk: it parses, has its kind and version, and
    holds exactly the records meant for it (by id, table by table)."""
    tables = migrate(path, read_json_file(path), kind)
    for table, models in meant.items():
        stored = sorted(str(document.get("id")) for document in tables.get(table, {}).values())
        if stored != sorted(model.id for model in models):  # type: ignore[attr-defined]
            raise StoreError(path, f"does not hold the {table} written to it")


def _store_files(folder: Path) -> list[Path]:
    """The store files in a folder (okr.json and cycles/*.json), relative to it; a dangling
    symlink counts too."""
    found = [Path(ROOT_FILE)] if os.path.lexists(folder / ROOT_FILE) else []
    cycles = folder / CYCLES_FOLDER
    if cycles.is_dir():
        found += sorted(path.relative_to(folder) for path in cycles.glob("*.json"))
    return found


def _move_store_files(folder: Path, backup: Path) -> list[Path]:
    """Move every store file of `folder` into `backup` (same layout); the ones moved."""
    moved = []
    for relative in _store_files(folder):
        os.replace(folder / relative, backup / relative)
        moved.append(relative)
    fsync_folder(folder / CYCLES_FOLDER)
    fsync_folder(folder)
    return moved


def _put_back(folder: Path, backup: Path, moved: list[Path]) -> bool:
    """Undo a failed import: remove the files it wrote and move the old ones back. True when
    the store is as it was (the backup folder is then removed)."""
    try:
        for relative in _store_files(folder):
            (folder / relative).unlink()
        for relative in moved:
            os.replace(backup / relative, folder / relative)
        fsync_folder(folder / CYCLES_FOLDER)
        fsync_folder(folder)
    except OSError:
        return False
    shutil.rmtree(backup, ignore_errors=True)
    return True
