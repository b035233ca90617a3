"""OkrStore: the only door to the data on disk. It and the modules beside it are the only ones
that touch TinyDB: store_file.py (one file and its model cache), locking.py (the folder lock),
layout.py (file names and tables), replacing.py (an import's file moves), storage.py (atomic
JSON saves). The rules it checks under the lock are pure functions in domain/rules.py.

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
import secrets
import shutil
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pendulum
from pydantic import BaseModel

from okr_tui.domain import as_of, rules
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
from okr_tui.store import replacing
from okr_tui.store.errors import RuleViolation, StoreError
from okr_tui.store.layout import (
    BACKUP_PREFIX,
    CYCLE_TABLES,
    CYCLES_FOLDER,
    EVERY_CYCLE_HAS_A_FILE,
    ROOT_FILE,
    ROOT_TABLES,
    SAFE_CYCLE_ID,
    store_files,
)
from okr_tui.store.locking import FolderLock, import_lock_library
from okr_tui.store.migrations import META_DOC_ID, META_TABLE, migrate
from okr_tui.store.storage import (
    file_signature,
    read_json_file,
    remove_stale_temp_files,
    stale_temp_files,
)
from okr_tui.store.store_file import M, StoreFile, latest_stamp

# Every table of a cycle file, by model: what the app's full check validates.
_CHECKED_BEFORE_SAVING: dict[type[BaseModel], str] = dict(CYCLE_TABLES)

if TYPE_CHECKING:
    from okr_tui.domain.progress import Histories

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
        self._lock = FolderLock(self.folder)
        if not read_only:
            self._remove_stale_temp_files()
        self._root = StoreFile(
            self.folder / ROOT_FILE, "root", {EVERY_CYCLE_HAS_A_FILE: True}, read_only=False
        )
        self._cycle_files: dict[str, StoreFile] = {}
        self._listeners: list[Callable[[], object]] = []
        self.changes_seen = 0
        """How often a file changed by another process was picked up (reading, saving or
        `refresh`): the app compares it to tell its screens that the store changed elsewhere."""

    def on_saved(self, listener: Callable[[], object]) -> None:
        """Call `listener` after each save this store object makes (not those of other
        processes, which `changes_seen` counts): the app tells its screens."""
        self._listeners.append(listener)

    def _saved(self) -> None:
        for listener in self._listeners:
            listener()

    def _picked_up(self, store_file: StoreFile) -> None:
        """Refresh a file from disk, counting a change another process made."""
        if store_file.refresh():
            self.changes_seen += 1

    # --- plumbing ---------------------------------------------------------------------

    def _remove_stale_temp_files(self) -> None:
        """Remove temp files of saves that were killed, but only under the lock: without it we
        could delete the temp file of another process's save in progress and make it fail.
        Without any, the lock is not taken (nor filelock imported before the first frame)."""
        folders = (self.folder, self.folder / CYCLES_FOLDER)
        if not any(stale_temp_files(folder) for folder in folders):
            return
        with self._lock.held_if_free() as held:
            if held:  # else someone is saving (or the folder is read-only): leave the leftovers
                remove_stale_temp_files(self.folder)
                remove_stale_temp_files(self.folder / CYCLES_FOLDER)

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
        cycle_file.check({cls: CYCLE_TABLES[cls] for cls in records})

    def full_check_pending(self, cycle_id: str) -> Callable[[], None]:
        """For the app, which validates the cycle it opens on only as far as its first screen
        reads it: from now on the file's first save checks the whole file first, and the
        function returned checks it (every table) and can run in a worker thread. Either
        raises the StoreError `check_cycle_file` would, naming the file and the first bad
        record; neither writes anything. The function also imports what the first save needs,
        so the meeting's first check-in does not pay for it."""
        cycle_file = self._cycle_file(cycle_id)
        cycle_file.needs_full_check = True

        def check() -> None:
            with cycle_file.cache_lock:
                if cycle_file.needs_full_check:
                    cycle_file.check(_CHECKED_BEFORE_SAVING)
                    cycle_file.needs_full_check = False
            import_lock_library()

        return check

    def _every_cycle_has_a_file(self) -> bool:
        meta = (self._root.storage.read() or {}).get(META_TABLE, {}).get(META_DOC_ID, {})
        return meta.get(EVERY_CYCLE_HAS_A_FILE) is True

    @staticmethod
    def _missing_cycle_file(cycle: Cycle) -> str:
        return (
            f"is missing: {ROOT_FILE} lists cycle {cycle.name}, whose records are kept in this "
            "file (restore it from a backup or an export)"
        )

    def _cycle_file(self, cycle_id: str) -> StoreFile:
        store_file = self._cycle_files.get(cycle_id)
        cycle = self.cycle(cycle_id)
        closed = cycle.state is CycleState.CLOSED
        if store_file is None or store_file.read_only != closed:
            must_exist = self._every_cycle_has_a_file()
            store_file = StoreFile(
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
    def _writing(self, *files: StoreFile) -> Iterator[None]:
        """Hold the folder lock, catch up with other processes, then write all-or-nothing."""
        if self.read_only:
            raise RuleViolation("this store is open read-only (a viewer's share): nothing saved")
        with self._lock.held(), contextlib.ExitStack() as stack:
            for store_file in files:
                # The app's full check of a file runs in a worker: it waits for a save, and a
                # save for it (or does it, see check_before_saving).
                stack.enter_context(store_file.cache_lock)
                self._picked_up(store_file)
                if store_file is not self._root:
                    store_file.check_before_saving(_CHECKED_BEFORE_SAVING)
            self._give_every_cycle_a_file()
            for store_file in files:
                stack.enter_context(store_file.transaction())
            yield
        self._saved()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the folder lock for work on the files outside the store's own saves (a git
        sync replacing them): no okr process saves meanwhile. `refresh()` afterwards."""
        with self._lock.held():
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
            new = StoreFile(path, "cycle", {"cycle_id": cycle_id}, read_only=False)
            new.storage.write(new.storage.read() or {})

    def refresh(self) -> bool:
        """Pick up changes another process made; True if anything changed. A file that changed
        into something unreadable is not taken: see `problem`."""
        seen = self.changes_seen
        for store_file in (self._root, *self._cycle_files.values()):
            with contextlib.suppress(StoreError):
                self._picked_up(store_file)
        return self.changes_seen != seen

    @property
    def problem(self) -> StoreError | None:
        """Why a file read earlier cannot be read now (None when all can): the store keeps what
        it last read of that file for reading, and refuses to save over it."""
        for store_file in (self._root, *self._cycle_files.values()):
            if store_file.problem is not None:
                return store_file.problem
        return None

    def _refresh_for_reading(self, store_file: StoreFile) -> None:
        # A file that cannot be read now is read as it was last: see `problem`.
        with contextlib.suppress(StoreError):
            self._picked_up(store_file)

    def _read(self, store_file: StoreFile, cls: type[M]) -> list[M]:
        self._refresh_for_reading(store_file)
        tables = ROOT_TABLES if store_file is self._root else CYCLE_TABLES
        models = store_file.models(cls, tables[cls])
        if self._replays(store_file):
            return self._as_it_was(store_file, cls, models)
        return models

    def _read_where(
        self,
        store_file: StoreFile,
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
        models = store_file.models_where(cls, tables[cls], field, wanted)
        if self._replays(store_file):
            return self._as_it_was(store_file, cls, models)
        return models

    def _now(self) -> pendulum.DateTime:
        return self.clock.now()

    # --- as of a past moment (`okr --at`) -----------------------------------------------

    @property
    def as_of(self) -> pendulum.DateTime | None:
        """The moment the store is shown as it was (`okr --at`), or None: everything shown.

        Only a clock that replays (the CLI's `--at`) hides anything: a machine whose clock is
        behind, or a test's stopped clock, shows every record."""
        return self.clock.now() if self.clock.replay else None

    def _replays(self, store_file: StoreFile) -> bool:
        """True when reads of this file must be filtered: the clock replays a moment (`--at`)
        before some record of the file. Without `--at` this is one attribute read."""
        if not self.clock.replay or store_file is self._root:
            return False
        return store_file.latest_stamp() > _second(self._now())

    def _as_it_was(self, store_file: StoreFile, cls: type[M], models: list[M]) -> list[M]:
        """A cycle file's records of `cls` as they stood at the clock's moment (see
        domain/as_of.py): every read goes through here when the clock replays, so every screen
        and command shows the same past. Saves read the file as it is, under the lock."""
        at = self._now()
        shown: Sequence[BaseModel] = models
        if cls is CheckIn:
            shown = as_of.check_ins(cast("list[CheckIn]", models), at)
        elif cls is Action:
            shown = as_of.actions(cast("list[Action]", models), at)
        elif cls is ReviewDecision:
            shown = as_of.review_decisions(cast("list[ReviewDecision]", models), at)
        elif cls is Review:
            shown = as_of.reviews(cast("list[Review]", models), at)
        elif cls is Retrospective:
            shown = as_of.retrospectives(cast("list[Retrospective]", models), at)
        elif cls is AuditEntry:
            shown = as_of.audit(cast("list[AuditEntry]", models), at)
        elif cls is Meeting:
            timezone = self.cycle(store_file.cycle_id or "").timezone
            today = at.in_timezone(timezone).date()
            shown = as_of.meetings(cast("list[Meeting]", models), at, today)
        elif cls is Score:
            trail = self._replayable_audit(store_file)
            shown = as_of.scores(cast("list[Score]", models), trail, at)
        elif cls is KeyResult:
            trail = self._replayable_audit(store_file)
            shown = as_of.key_results(cast("list[KeyResult]", models), trail, at)
        elif cls is Objective:
            trail = self._replayable_audit(store_file)
            every_kr = store_file.models(KeyResult, CYCLE_TABLES[KeyResult])
            key_results = as_of.key_results(every_kr, trail, at)
            shown = as_of.objectives(cast("list[Objective]", models), trail, key_results, at)
        return cast("list[M]", list(shown))

    @staticmethod
    def _replayable_audit(store_file: StoreFile) -> list[AuditEntry]:
        """The audit entries that say what a field was before a change: not those a git sync
        wrote for the side it dropped (their `old` is the other machine's edit)."""
        from okr_tui.store.merge import SYNC_REASON

        entries = store_file.models(AuditEntry, CYCLE_TABLES[AuditEntry])
        return [entry for entry in entries if entry.reason != SYNC_REASON]

    # --- teams and cycles ---------------------------------------------------------------

    def is_empty(self) -> bool:
        return not self.teams() and not self.cycles()

    def holds_data(self) -> bool:
        """True when the folder holds any store file with something in it: a cycle file, or an
        okr.json with a team or a cycle (or one that cannot be read). An import or the demo
        takes only a folder without, so cycle files whose okr.json went missing are never
        replaced unasked."""
        files = store_files(self.folder)
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

    def team_named(self, name: str) -> Team | None:
        """The team called `name` as people type it (any case, outer spaces), or None."""
        wanted = rules.team_key(name)
        return next((team for team in self.teams() if rules.team_key(team.name) == wanted), None)

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
            local_day: date = now.in_timezone(cycle.timezone).date()
            return local_day

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

    def _stored_key_results(self, cycle_id: str) -> list[KeyResult]:
        """A cycle's key results as the file holds them now, whatever moment the clock
        replays: what a save starts from (a save with `--at` is recorded at that moment, but
        onto the store as it is)."""
        cycle_file = self._cycle_file(cycle_id)
        self._refresh_for_reading(cycle_file)
        return cycle_file.models(KeyResult, CYCLE_TABLES[KeyResult])

    def find_key_result(self, kr_id: str) -> KeyResult:
        """A key result by id (or unique id prefix) in any cycle that is not closed, as stored
        (the command line looks one up to save a check-in onto it)."""
        matches = [
            kr
            for cycle in self.cycles()
            if cycle.state is not CycleState.CLOSED
            for kr in self._stored_key_results(cycle.id)
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
                added = previous.created_at if isinstance(previous, KeyResult) else self._now()
                kr = kr.model_copy(update={"created_at": added})
            self._audit_change(cycle_file, kr, author, reason)
            return cycle_file.put(kr, "key_results")

    def _check_unchanged(
        self, cycle_file: StoreFile, expected: Objective | KeyResult | None
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
        cycle_file: StoreFile, model: Objective | KeyResult
    ) -> Objective | KeyResult | None:
        """The objective or key result with `model`'s id as the file holds it, if any."""
        table = CYCLE_TABLES[type(model)]
        return next((m for m in cycle_file.models(type(model), table) if m.id == model.id), None)

    def _writable_cycle_file(self, cycle_id: str) -> StoreFile:
        cycle = self.cycle(cycle_id)
        if cycle.state is CycleState.CLOSED:
            raise RuleViolation(f"cycle {cycle.name} is closed; its records are kept unchanged")
        return self._cycle_file(cycle_id)

    def _audit_change(
        self, cycle_file: StoreFile, model: Objective | KeyResult, author: str, reason: str
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

    def check_in_histories(self, cycle_id: str) -> Histories:
        """`histories(self.check_ins(cycle_id))`, each key result's check-ins read (and
        validated) when first asked for (see LazyHistories): before the app's first frame, the
        dashboard validates those of the key results it draws. Read as a whole when the file's
        check-ins have been read whole already, or when the clock replays a moment (`--at`)."""
        from okr_tui.domain.progress import LazyHistories, histories

        cycle_file = self._cycle_file(cycle_id)
        self._refresh_for_reading(cycle_file)
        table = CYCLE_TABLES[CheckIn]
        if cycle_file.has_models(table) or self._replays(cycle_file):
            return histories(self.check_ins(cycle_id))
        kr_ids, superseded = cycle_file.raw_values(table, "kr_id", "supersedes")
        return LazyHistories(
            kr_ids, superseded, lambda wanted: self.check_ins(cycle_id, kr_ids=wanted)
        )

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
        cycle_file: StoreFile,
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
        else:  # looked up by id, not by scanning the hundreds of a large organisation
            found = cycle_file.models_where(KeyResult, "key_results", "id", [check_in.kr_id])
            kr = found[0] if found else None
        if kr is None:
            raise RuleViolation(f"no key result with id {check_in.kr_id!r} in {cycle.name}")
        if kr.status is Status.RETIRED:
            raise RuleViolation(f"key result {kr.title!r} is retired; it takes no check-ins")
        if self.clock.replay and kr.created_at is not None and kr.created_at > self._now():
            raise RuleViolation(
                f"key result {kr.title!r} was added after {self._now():%Y-%m-%d %H:%M} UTC, "
                "the moment --at names; it takes no check-in from before it existed"
            )
        same_meeting = [
            ci
            for ci in cycle_file.models_where(CheckIn, "check_ins", "kr_id", [kr.id])
            if ci.meeting_date == check_in.meeting_date
        ]
        # Under --at, what it corrects is what existed at that moment: a check-in recorded
        # later is hidden from every read, so linking to it would leave the export (as of the
        # same moment) a correction of a check-in it does not hold.
        existed = as_of.check_ins(same_meeting, self._now()) if self.clock.replay else same_meeting
        superseded = {ci.supersedes for ci in existed}
        live = [ci for ci in existed if ci.id not in superseded]
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
        record = _day_record(self.meetings(cycle_id), team_id, meeting_date)
        return record if record is not None and not record.is_closed else None

    def closed_meeting(
        self, cycle_id: str, team_id: str | None, meeting_date: date
    ) -> Meeting | None:
        """That team's record of that meeting once closed (the last closed, were there two)."""
        closed = [m for m in self.meetings(cycle_id) if m.is_closed]
        return _day_record(closed, team_id, meeting_date)

    def meeting_record(
        self, cycle_id: str, team_id: str | None, meeting_date: date
    ) -> Meeting | None:
        """That team's record of that meeting: the open one, else the one closed last."""
        return _day_record(self.meetings(cycle_id), team_id, meeting_date)

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

    def mark_reviewed(
        self,
        cycle_id: str,
        team_id: str | None,
        meeting_date: date,
        kr_id: str,
        *,
        facilitator: str = "",
        attendees: Sequence[str] = (),
    ) -> Meeting:
        """Record on the meeting's record (the open one, else the one closed last, else a new
        one) that the meeting accepted `kr_id`'s update as it was: no check-in is added. Read
        and written under the lock, so a parked topic or a close saved meanwhile is kept."""
        cycle, cycle_file = self._meeting_cycle(cycle_id, meeting_date)
        with self._writing(cycle_file):
            if not any(k.id == kr_id for k in cycle_file.models(KeyResult, "key_results")):
                raise RuleViolation(f"no key result with id {kr_id!r} in {cycle.name}")
            record = self._record_of_day(
                cycle_file, cycle, team_id, meeting_date, facilitator, attendees
            )
            if kr_id in record.reviewed_kr_ids:
                return record
            return cycle_file.put(
                record.model_copy(update={"reviewed_kr_ids": [*record.reviewed_kr_ids, kr_id]}),
                "meetings",
            )

    def park_topic(
        self,
        cycle_id: str,
        team_id: str | None,
        meeting_date: date,
        topic: str,
        *,
        facilitator: str = "",
        attendees: Sequence[str] = (),
    ) -> Meeting:
        """Add a topic parked in the walk to the meeting's record (the open one, else the one
        closed last, which stays closed, else a new one), as it is parked: leaving the walk or
        a crash loses none. Read and written under the lock, so an accept or a close saved
        meanwhile by another okr is kept."""
        cycle, cycle_file = self._meeting_cycle(cycle_id, meeting_date)
        with self._writing(cycle_file):
            record = self._record_of_day(
                cycle_file, cycle, team_id, meeting_date, facilitator, attendees
            )
            parked = record.model_copy(update={"parked_topics": [*record.parked_topics, topic]})
            return cycle_file.put(parked, "meetings")  # put validates it again

    def close_meeting(
        self,
        cycle_id: str,
        team_id: str | None,
        meeting_date: date,
        *,
        facilitator: str,
        attendees: Sequence[str],
        check_in_ids: Sequence[str],
        action_ids: Sequence[str],
        parked_topics: Sequence[str] = (),
    ) -> Meeting:
        """Close the meeting's record at the clock's now: who was there, its check-ins and
        actions. The record's decisions, notes, accepted updates and parked topics are kept (and
        `parked_topics` not yet on it joined), so a meeting closed again completes its one record
        rather than adding a second. Under the lock, like park_topic."""
        cycle, cycle_file = self._meeting_cycle(cycle_id, meeting_date)
        with self._writing(cycle_file):
            record = self._record_of_day(cycle_file, cycle, team_id, meeting_date, "", ())
            topics = [*record.parked_topics]
            topics += [topic for topic in parked_topics if topic not in topics]
            closed = record.model_copy(
                update={
                    "facilitator": facilitator or record.facilitator,
                    "attendees": list(attendees),
                    "check_in_ids": list(check_in_ids),
                    "action_ids": list(action_ids),
                    "parked_topics": topics,
                    "closed_at": self._now(),
                }
            )
            return cycle_file.put(closed, "meetings")  # put validates it again

    def _meeting_cycle(self, cycle_id: str, meeting_date: date) -> tuple[Cycle, StoreFile]:
        """The cycle and its writable file, for a record of one of its meetings."""
        from okr_tui.domain.cadence import meeting_dates

        cycle = self.cycle(cycle_id)
        cycle_file = self._writable_cycle_file(cycle.id)
        if meeting_date not in meeting_dates(cycle):
            raise RuleViolation(
                f"{meeting_date.isoformat()} is not a check-in meeting of {cycle.name}"
            )
        return cycle, cycle_file

    @staticmethod
    def _record_of_day(
        cycle_file: StoreFile,
        cycle: Cycle,
        team_id: str | None,
        meeting_date: date,
        facilitator: str,
        attendees: Sequence[str],
    ) -> Meeting:
        """Under the lock: that team's record of that meeting as the file holds it now (the
        open one, else the one closed last), else a new one."""
        record = _day_record(cycle_file.models(Meeting, "meetings"), team_id, meeting_date)
        return record or Meeting(
            cycle_id=cycle.id,
            team_id=team_id,
            meeting_date=meeting_date,
            facilitator=facilitator,
            attendees=list(attendees),
        )

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
        """Store a mid-quarter decision and apply it to the KR (with audit), in one save. The
        key result is read under the lock, so a change saved elsewhere meanwhile is kept."""
        cycle_file = self._writable_cycle_file(decision.cycle_id)
        with self._writing(cycle_file):
            stored = cycle_file.models(KeyResult, CYCLE_TABLES[KeyResult])
            kr = next((k for k in stored if k.id == decision.kr_id), None)
            if kr is None:
                raise RuleViolation(f"no key result with id {decision.kr_id!r} in this cycle")
            if decision.decision is ReviewDecisionKind.ADJUST:
                decision = decision.model_copy(update={"old_target": kr.target})
                updated = KeyResult.model_validate(
                    {**kr.model_dump(), "target": decision.new_target}
                )
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
        if not any(kr.id == score.kr_id for kr in self._stored_key_results(score.cycle_id)):
            raise RuleViolation(f"no key result with id {score.kr_id!r} in this cycle")
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
        the documents are the caller's own. When the clock replays (`--at`) a moment before
        some record of the cycle, they are the records as they stood then, read through the
        models.
        """
        cycle = self.cycle(cycle_id)
        path = self._cycle_path(cycle_id)
        if file_signature(path) is None and self._every_cycle_has_a_file():
            raise StoreError(path, self._missing_cycle_file(cycle))
        tables = migrate(path, read_json_file(path), "cycle") if file_signature(path) else {}
        if self.clock.replay and latest_stamp(tables) > _second(self._now()):
            cycle_file = self._cycle_file(cycle_id)
            return {
                table: [m.model_dump(mode="json") for m in self._read(cycle_file, cls)]
                for cls, table in CYCLE_TABLES.items()
            }
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
        with self._lock.held():
            backup = self.folder / f"{BACKUP_PREFIX}{secrets.token_hex(4)}"
            (backup / CYCLES_FOLDER).mkdir(mode=0o700, parents=True)
            moved = replacing.move_store_files(self.folder, backup)
            try:
                for cycle, path in zip(cycles, paths, strict=True):
                    cycle_file = StoreFile(path, "cycle", {"cycle_id": cycle.id}, read_only=False)
                    tables = {t: getattr(contents[cycle.id], t) for t in CYCLE_TABLES.values()}
                    with cycle_file.transaction():
                        for table, models in tables.items():
                            cycle_file.replace_table(table, models)
                        cycle_file.write_whole()  # an empty cycle gets its file too
                    replacing.check_written(path, "cycle", tables)
                root_path = self.folder / ROOT_FILE
                marked = {EVERY_CYCLE_HAS_A_FILE: True}
                root = StoreFile(root_path, "root", marked, read_only=False)
                with root.transaction():
                    root.replace_table("teams", teams)
                    root.replace_table("cycles", cycles)
                    root.write_whole()
                replacing.check_written(root_path, "root", {"teams": teams, "cycles": cycles})
            except BaseException as error:
                # The old files come back with their inodes and times: the open ones still match.
                restored = replacing.put_back(self.folder, backup, moved)
                if isinstance(error, (OSError, StoreError)):
                    kept = "left as it was" if restored else f"kept in {backup}"
                    raise StoreError(
                        self.folder,
                        f"the import could not be written ({error}); the store is {kept}",
                    ) from error
                raise
            shutil.rmtree(backup, ignore_errors=True)
        self._root = StoreFile(
            self.folder / ROOT_FILE, "root", {EVERY_CYCLE_HAS_A_FILE: True}, read_only=False
        )
        self._cycle_files.clear()
        self._saved()


def _second(moment: pendulum.DateTime) -> str:
    """A moment's second in UTC as the stored stamps begin: "YYYY-MM-DDTHH:MM:SS"."""
    return moment.in_timezone("UTC").strftime("%Y-%m-%dT%H:%M:%S")


def _day_record(meetings: Iterable[Meeting], team_id: str | None, day: date) -> Meeting | None:
    """That team's record of the meeting on `day` among `meetings`: the open one, else the one
    closed last (a meeting walked and closed twice before records were kept as one has two)."""
    same_day = [m for m in meetings if m.team_id == team_id and m.meeting_date == day]
    return next((m for m in same_day if not m.is_closed), None) or max(
        same_day, key=attrgetter("closed_at"), default=None
    )
