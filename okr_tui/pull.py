"""`okr pull`: read each key result's value from its source and record them as check-ins.

A source runs only when the user asks (`okr pull`, or the palette's "Pull values from sources")
and only if it may run on this machine: a source in the user's own config always may; one kept
in the store only once this machine trusted its exact text (`okr sources --trust`), so a store
that arrived by import or sync runs nothing. Sources run concurrently (at most WORKERS at once),
each within its timeout (10 s by default) and OUTPUT_CAP bytes of output; a command is an
argument list run without a shell. A source that fails gives one line and records nothing; the
values read are recorded in one save, for the coming meeting, with no confidence (the owner or
the meeting gives it).
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from okr_tui import __version__, paths
from okr_tui.domain.models import CheckIn, Cycle, KeyResult, Objective
from okr_tui.domain.sources import (
    CommandSource,
    CsvSource,
    HttpSource,
    Source,
    SourceValueError,
    SqliteSource,
    Trust,
    printable,
    source_digest,
    trust_of,
    value_from,
    walk_json,
)

SOURCE_AUTHOR = "source"
DEFAULT_TIMEOUT = 10.0
OUTPUT_CAP = 64 * 1024  # what a command may print, or a URL answer
FILE_CAP = 64 * 1024 * 1024  # the largest CSV file read
WORKERS = 32  # sources read at once
_ERROR_TEXT_CAP = 4096
TRUST_FILE_CAP = 16 * 1024 * 1024


class SourceFailure(Exception):
    """A source gave no value: the message is the one line the user reads."""


# --- trust on this machine ---------------------------------------------------------------


def load_trust(path: Path | None = None) -> dict[str, str]:
    """Key result id -> fingerprint of the source text this machine trusted. A missing or
    unreadable file trusts nothing."""
    path = path if path is not None else paths.trusted_sources_file()
    try:
        if path.stat().st_size > TRUST_FILE_CAP:
            return {}
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    trusted = data.get("trusted") if isinstance(data, dict) else None
    if not isinstance(trusted, dict):
        return {}
    return {k: v for k, v in trusted.items() if isinstance(k, str) and isinstance(v, str)}


def save_trust(trusted: Mapping[str, str], path: Path | None = None) -> Path:
    """Write the trust records, readable by their owner only (0600), atomically."""
    from okr_tui.file_writer import write_private_file

    path = path if path is not None else paths.trusted_sources_file()
    text = json.dumps({"version": 1, "trusted": dict(sorted(trusted.items()))}, indent=2)
    write_private_file(path, text + "\n")
    return path


# --- which sources, and may they run ----------------------------------------------------


@dataclass(frozen=True)
class PlannedSource:
    """A key result's source and whether it may run here."""

    kr: KeyResult
    source: Source
    own: bool  # from the user's config (else from the store)
    trust: Trust

    @property
    def where(self) -> str:
        return "config" if self.own else "store"


def plan(
    key_results: Iterable[KeyResult],
    own_sources: Mapping[str, Source],
    trusted: Mapping[str, str],
) -> list[PlannedSource]:
    """The sources of the active `key_results`: the user's config wins over the store."""
    planned = []
    for kr in key_results:
        if not kr.is_active:
            continue
        own = own_sources.get(kr.id)
        source = own if own is not None else kr.source
        if source is None:
            continue
        trust = trust_of(source, own=own is not None, trusted_digest=trusted.get(kr.id))
        planned.append(PlannedSource(kr, source, own is not None, trust))
    return planned


def untrusted_line(item: PlannedSource) -> str:
    if item.trust is Trust.CHANGED:
        return "changed since this machine trusted it: not run (okr sources --trust to run it)"
    return "untrusted on this machine: not run (okr sources --trust to run it)"


# --- reading one source -----------------------------------------------------------------


def _resolve(file: str, base: Path) -> Path:
    path = Path(file).expanduser()
    return path if path.is_absolute() else base / path


class _Drain(threading.Thread):
    """Reads a pipe to its end, keeping at most `cap` bytes; past it, calls `overflow`."""

    def __init__(self, pipe: IO[bytes], cap: int, overflow: Callable[[], None]) -> None:
        super().__init__(daemon=True)
        self.pipe, self.cap, self.overflow = pipe, cap, overflow
        self.chunks: list[bytes] = []
        self.size = 0
        self.over = False

    def run(self) -> None:
        try:
            while chunk := self.pipe.read1(8192):  # type: ignore[attr-defined]
                if not self.over:
                    self.size += len(chunk)
                    if self.size > self.cap:
                        self.over = True
                        self.overflow()
                    else:
                        self.chunks.append(chunk)
        except (OSError, ValueError):
            pass

    @property
    def data(self) -> bytes:
        return b"".join(self.chunks)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Stop the command and whatever it started (its own process group on POSIX)."""
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _run_command(source: CommandSource, timeout: float, cwd: Path) -> bytes:
    extra: dict[str, Any] = {"start_new_session": True} if os.name == "posix" else {}
    try:
        process = subprocess.Popen(  # an argument list, never a shell
            source.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd if cwd.is_dir() else None,
            **extra,
        )
    except FileNotFoundError:
        raise SourceFailure(f"no program {source.argv[0]!r}") from None
    except OSError as error:
        raise SourceFailure(f"cannot run {source.argv[0]!r}: {error.strerror or error}") from None
    assert process.stdout is not None and process.stderr is not None
    out = _Drain(process.stdout, OUTPUT_CAP, lambda: _kill(process))
    err = _Drain(process.stderr, _ERROR_TEXT_CAP, lambda: None)
    out.start()
    err.start()
    deadline = time.monotonic() + timeout
    try:
        status = process.wait(timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        process.wait()
        raise SourceFailure(f"timed out after {timeout:g} s") from None
    finally:
        # A child it left running may hold the pipes open: it is stopped at the deadline.
        for drain in (out, err):
            drain.join(max(0.0, deadline - time.monotonic()))
        if out.is_alive() or err.is_alive():
            _kill(process)
            out.join(1)
            err.join(1)
        process.stdout.close()
        process.stderr.close()
    if out.over:
        raise SourceFailure(f"printed more than {OUTPUT_CAP // 1024} KiB")
    if status != 0:
        said = err.data.decode("utf-8", "replace").strip().splitlines()
        tail = f": {said[-1][:200]}" if said else ""
        raise SourceFailure(f"exited with status {status}{tail}")
    return out.data


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise SourceFailure(f"redirected to {newurl[:100]!r}, not an http(s) URL")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_url(source: HttpSource, timeout: float) -> bytes:
    opener = urllib.request.build_opener(_HttpOnlyRedirects())
    request = urllib.request.Request(
        source.url,
        headers={"Accept": "application/json", "User-Agent": f"okr-tui/{__version__}"},
    )
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as answer:
            chunks, size = [], 0
            while chunk := answer.read1(8192):
                size += len(chunk)
                if size > OUTPUT_CAP:
                    raise SourceFailure(f"answered more than {OUTPUT_CAP // 1024} KiB")
                if time.monotonic() > deadline:
                    raise SourceFailure(f"timed out after {timeout:g} s")
                chunks.append(chunk)
            return b"".join(chunks)
    except urllib.error.HTTPError as error:
        raise SourceFailure(f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise SourceFailure(f"timed out after {timeout:g} s") from None
        raise SourceFailure(f"cannot reach it: {reason}") from None
    except TimeoutError:
        raise SourceFailure(f"timed out after {timeout:g} s") from None
    except (OSError, ValueError) as error:
        raise SourceFailure(f"cannot read it: {error}") from None


def _read_csv(source: CsvSource, base: Path) -> str:
    path = _resolve(source.file, base)
    try:
        with path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size > FILE_CAP:
                raise SourceFailure(f"{path} is larger than {FILE_CAP // (1024 * 1024)} MiB")
            text = handle.read().decode("utf-8-sig")
    except FileNotFoundError:
        raise SourceFailure(f"no file {path}") from None
    except UnicodeDecodeError:
        raise SourceFailure(f"{path} is not UTF-8 text") from None
    except OSError as error:
        raise SourceFailure(f"cannot read {path}: {error.strerror or error}") from None
    try:
        reader = csv.DictReader(io.StringIO(text))
        columns = reader.fieldnames or []
        for wanted in (source.column, source.key_column):
            if wanted is not None and wanted not in columns:
                raise SourceFailure(
                    f"{path} has no column {wanted!r} (it has {', '.join(columns[:8])})"
                )
        found = None
        for row in reader:
            if source.key_column is None or row.get(source.key_column) == source.key:
                found = row
    except csv.Error as error:
        raise SourceFailure(f"{path} is not a CSV file: {error}") from None
    if found is None:
        where = f" where {source.key_column} is {source.key!r}" if source.key_column else ""
        raise SourceFailure(f"{path} has no row{where}")
    return found.get(source.column) or ""


def _read_sqlite(source: SqliteSource, timeout: float, base: Path) -> object:
    path = _resolve(source.file, base)
    if not path.is_file():
        raise SourceFailure(f"no file {path}")
    deadline = time.monotonic() + timeout
    try:
        connection = sqlite3.connect(
            f"file:{quote(str(path))}?mode=ro", uri=True, timeout=timeout, check_same_thread=False
        )
    except sqlite3.Error as error:
        raise SourceFailure(f"cannot open {path}: {error}") from None
    try:
        connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)  # this file, no other
        connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
        row = connection.execute(source.query).fetchone()
    except sqlite3.OperationalError as error:
        if time.monotonic() > deadline:
            raise SourceFailure(f"timed out after {timeout:g} s") from None
        raise SourceFailure(f"the query failed: {error}") from None
    except sqlite3.Error as error:
        raise SourceFailure(f"the query failed: {error}") from None
    finally:
        connection.close()
    if not row:
        raise SourceFailure("the query returned no row")
    return row[0]


def read_source(source: Source, kr: KeyResult, *, timeout: float, base: Path) -> float:
    """The value `source` gives for `kr` now. Raises SourceFailure with the reason."""
    try:
        if isinstance(source, CommandSource):
            raw: object = _decode(_run_command(source, timeout, base))
        elif isinstance(source, HttpSource):
            try:
                document = json.loads(_decode(_read_url(source, timeout)))
            except ValueError:
                raise SourceFailure("did not answer JSON") from None
            raw = walk_json(document, source.path)
        elif isinstance(source, CsvSource):
            raw = _read_csv(source, base)
        else:
            raw = _read_sqlite(source, timeout, base)
        return value_from(raw, kr.kr_type, kr.unit)
    except SourceValueError as error:
        raise SourceFailure(str(error)) from None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceFailure("gave text that is not UTF-8") from None


# --- reading them all -------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What one source gave: a value, or the reason it gave none."""

    item: PlannedSource
    value: float | None = None
    error: str | None = None

    @property
    def number(self) -> float:
        """The value read: every reading without an error has one."""
        if self.value is None:
            raise ValueError(f"no value was read ({self.error})")
        return self.value


Reader = Callable[..., float]


def read_all(
    planned: Sequence[PlannedSource],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    base: Path,
    workers: int = WORKERS,
    reader: Reader = read_source,
    on_progress: Callable[[int, int], None] | None = None,
    grace: float | None = None,
) -> list[Reading]:
    """Read every source that may run, at most `workers` at once; the others are reported as
    not run. In the order given. A source still running `grace` seconds (GRACE) past its
    timeout is reported as timed out."""
    readings: list[Reading | None] = [None] * len(planned)
    runnable = []
    for index, item in enumerate(planned):
        if item.trust.runs:
            runnable.append(index)
        else:
            readings[index] = Reading(item, error=untrusted_line(item))
    if runnable:
        _read_watched(
            planned,
            runnable,
            readings,
            timeout,
            GRACE if grace is None else grace,
            base,
            workers,
            reader,
            on_progress,
        )
    return [reading for reading in readings if reading is not None]


GRACE = 1.0  # seconds a source may run past its timeout before it is given up on


def _read_watched(
    planned: Sequence[PlannedSource],
    runnable: list[int],
    readings: list[Reading | None],
    timeout: float,
    grace: float,
    base: Path,
    workers: int,
    reader: Reader,
    on_progress: Callable[[int, int], None] | None,
) -> None:
    """Read the runnable sources at most `workers` at once, each in a daemon thread that is
    given up on `grace` seconds past its timeout: a reader's own timeout cannot cover everything
    (a DNS lookup blocks in the C library with none), and one hung source must not hold the
    pull, the app's worker or the process's exit."""
    waiting = list(reversed(runnable))
    running: dict[int, float] = {}  # index -> when it started
    finished: dict[int, Reading] = {}
    given_up: set[int] = set()
    changed = threading.Condition()

    def read(index: int) -> None:
        item = planned[index]
        try:
            reading = Reading(item, value=reader(item.source, item.kr, timeout=timeout, base=base))
        except SourceFailure as error:
            reading = Reading(item, error=str(error))
        except Exception as error:  # a source must never stop the others
            reading = Reading(item, error=f"failed: {error or type(error).__name__}")
        with changed:
            if index not in given_up:
                finished[index] = reading
            changed.notify()

    done = 0
    with changed:
        while waiting or running:
            while waiting and len(running) < max(1, workers):
                index = waiting.pop()
                running[index] = time.monotonic()
                threading.Thread(target=read, args=(index,), daemon=True).start()
            give_up_at = min(running.values()) + timeout + grace
            if not finished:
                changed.wait(max(0.0, give_up_at - time.monotonic()))
            now = time.monotonic()
            for index, started in list(running.items()):
                if index in finished:
                    readings[index] = finished.pop(index)
                elif now >= started + timeout + grace:
                    given_up.add(index)
                    readings[index] = Reading(
                        planned[index], error=f"timed out after {timeout:g} s (no answer)"
                    )
                else:
                    continue
                del running[index]
                done += 1
                if on_progress is not None:
                    on_progress(done, len(runnable))


# --- recording ----------------------------------------------------------------------------


@dataclass
class PullResult:
    """What a pull read and recorded (or, dry, would record)."""

    meeting: date | None
    recorded: list[Reading] = field(default_factory=list)
    unchanged: list[Reading] = field(default_factory=list)
    failed: list[Reading] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        verb = "Would record" if self.dry_run else "Recorded"
        text = f"{verb} {len(self.recorded)} value(s)"
        if self.meeting is not None:
            text += f" for the {self.meeting.isoformat()} meeting"
        if self.unchanged:
            text += f", {len(self.unchanged)} unchanged"
        if self.failed:
            text += f"; {len(self.failed)} source(s) failed"
        return text

    def as_json(self) -> dict[str, Any]:
        def entry(reading: Reading) -> dict[str, Any]:
            data: dict[str, Any] = {
                "kr_id": reading.item.kr.id,
                "key_result": reading.item.kr.title,
                "source": reading.item.source.describe(),
                "where": reading.item.where,
            }
            if reading.error is None:
                data["value"] = reading.value
            else:
                data["error"] = reading.error
            return data

        return {
            "meeting": self.meeting.isoformat() if self.meeting else None,
            "dry_run": self.dry_run,
            "recorded": [entry(r) for r in self.recorded],
            "unchanged": [entry(r) for r in self.unchanged],
            "failed": [entry(r) for r in self.failed],
        }


def failure_line(reading: Reading) -> str:
    kr = reading.item.kr
    said = f"{kr.id} {kr.title!r} ({reading.item.source.describe()[:120]}): {reading.error}"
    return printable(said)


def team_key_results(
    objectives: Iterable[Objective], key_results: Iterable[KeyResult], team_id: str | None
) -> list[KeyResult]:
    """The key results of one team's objectives (all with `team_id` None)."""
    if team_id is None:
        return list(key_results)
    ours = {o.id for o in objectives if o.team_id == team_id}
    return [kr for kr in key_results if kr.objective_id in ours]


def pull(
    store: Any,
    cycle: Cycle,
    own_sources: Mapping[str, Source],
    *,
    now: datetime,
    timeout: float = DEFAULT_TIMEOUT,
    team_id: str | None = None,
    dry_run: bool = False,
    trusted: Mapping[str, str] | None = None,
    workers: int = WORKERS,
    reader: Reader = read_source,
    on_progress: Callable[[int, int], None] | None = None,
) -> PullResult:
    """Read the sources of `cycle`'s active key results (one team's with `team_id`) and record
    their values for the coming meeting, in one save. Raises SourceFailure when the cycle has
    no meeting to record for."""
    from okr_tui.domain import cadence, progress

    meeting = cadence.update_meeting(cycle, now)
    if meeting is None:
        raise SourceFailure(f"{cycle.name} has no meeting to record values for")
    day = meeting.date()
    trusted = load_trust() if trusted is None else trusted
    key_results = team_key_results(store.objectives(cycle.id), store.key_results(cycle.id), team_id)
    planned = plan(key_results, own_sources, trusted)
    readings = read_all(
        planned,
        timeout=timeout,
        base=store.folder,
        workers=workers,
        reader=reader,
        on_progress=on_progress,
    )
    result = PullResult(day, dry_run=dry_run)
    live = {
        c.kr_id: c
        for c in progress.effective_check_ins(store.check_ins(cycle.id))
        if c.meeting_date == day
    }
    for reading in readings:
        if reading.error is not None:
            result.failed.append(reading)
        elif (now_live := live.get(reading.item.kr.id)) and now_live.value == reading.value:
            result.unchanged.append(reading)
        else:
            result.recorded.append(reading)
    if result.recorded and not dry_run:
        check_ins = [
            CheckIn(
                cycle_id=cycle.id,
                kr_id=reading.item.kr.id,
                meeting_date=day,
                value=reading.number,
                confidence=None,
                author=SOURCE_AUTHOR,
                recorded_at=now,
            )
            for reading in result.recorded
        ]
        saved = {c.kr_id for c in store.add_check_ins(cycle.id, check_ins, keep_confidence=True)}
        moved = [r for r in result.recorded if r.item.kr.id not in saved]
        result.recorded = [r for r in result.recorded if r.item.kr.id in saved]
        result.unchanged += moved
    return result


def trust_sources(
    planned: Iterable[PlannedSource], kr_ids: Sequence[str] = (), path: Path | None = None
) -> list[PlannedSource]:
    """Trust the store sources among `planned` (those of `kr_ids` if given) on this machine:
    their exact text as it is now. Returns those newly trusted."""
    records = load_trust(path)
    chosen = [
        item
        for item in planned
        if not item.own and item.trust is not Trust.TRUSTED and (not kr_ids or item.kr.id in kr_ids)
    ]
    for item in chosen:
        records[item.kr.id] = source_digest(item.source)
    if chosen:
        save_trust(records, path)
    return chosen
