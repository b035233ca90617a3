"""Files in and out: export, import, the export schema, the meeting digest, and git sync."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from okr_tui.cli.common import UserError, _current_cycle_or_fail, _team_option, open_store

if TYPE_CHECKING:
    from okr_tui.domain.clock import Clock
    from okr_tui.store.store import OkrStore


@contextlib.contextmanager
def _output(output: str | None, force: bool) -> Iterator[BinaryIO]:
    """Where an export goes: stdout, or the file named with -o (created whole, see below)."""
    if output is None or output == "-":
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    path = Path(output).expanduser()
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name")
    if path.exists() and not force:
        raise UserError(f"{path} exists; use --force to overwrite it")
    try:
        if path.exists() and not _replaceable(path):
            with open(path, "wb") as handle:
                yield handle
        else:
            from okr_tui.file_writer import complete_file

            with complete_file(path) as handle:
                yield handle
    except BrokenPipeError:
        raise
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror or error}") from None
    print(f"Exported to {path}", file=sys.stderr)


def _replaceable(path: Path) -> bool:
    """A file of its own that an export may rename over; not a device or a pipe, nor stdout
    sent to a file by the shell (-o /dev/stdout), which are written to as they are."""
    if not path.is_file():
        return False
    try:
        return not os.path.samestat(path.stat(), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError):  # no real stdout
        return True


def _outside_the_store(output: str | None, store: OkrStore) -> None:
    """An export never writes inside the store folder: `-o STORE/okr.json --force` would replace
    the store's own file with the export and break the store."""
    if output is None or output == "-":
        return
    target = Path(os.path.realpath(Path(output).expanduser()))
    folder = Path(os.path.realpath(store.folder))
    if target == folder or target.is_relative_to(folder):
        raise UserError(f"{output} is inside the store folder {store.folder}; export elsewhere")


def run_export(args: argparse.Namespace, clock: Clock) -> int:
    store = open_store(args, clock, existing=True)
    _outside_the_store(args.output, store)
    cycle_id = store.find_cycle(args.cycle).id if args.cycle else None
    if args.format == "json":
        import gc

        from okr_tui.exchange.json_export import write_export

        # The export makes no reference cycles: the collector would only walk tens of
        # thousands of fresh documents, over and over (~8% of the time). Paused, not left off,
        # in case main() runs inside a longer-lived process.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with _output(args.output, args.force) as out:
                write_export(store, out, cycle_id)
        finally:
            if collecting:
                gc.enable()
        return 0
    from okr_tui.exchange import reports

    cycle = store.find_cycle(args.cycle) if args.cycle else store.current_cycle()
    if cycle is None:
        raise UserError("the store has no cycle to export")
    render = reports.markdown_notes if args.format == "md" else reports.check_ins_csv
    text = render(store, cycle.id)
    with _output(args.output, args.force) as out:
        out.write(text.encode())
    return 0


def run_import(args: argparse.Namespace, clock: Clock) -> int:
    from okr_tui.exchange.files import not_an_import_file
    from okr_tui.exchange.json_exchange import apply_import, import_summary, read_import

    path = Path(args.file).expanduser()
    if (problem := not_an_import_file(path)) is not None:
        raise UserError(f"{path}: {problem}")
    document = read_import(path)
    if args.dry_run:
        from okr_tui.paths import default_store

        # Opening a store creates its folder: a dry run into a new folder must not.
        folder = Path(args.db).expanduser() if args.db else default_store()
        holds_data = folder.exists() and open_store(args, clock).holds_data()
        action = "replace the store with" if holds_data else "import"
        print(f"Dry run: the file is valid; would {action} {import_summary(document)}.")
        if holds_data and not args.replace:
            print("The store already holds data: the real import needs --replace.")
        return 0
    store = open_store(args, clock)
    apply_import(store, document, replace=args.replace)
    print(f"Imported {import_summary(document)} into {store.folder}")
    return 0


def _meeting_day(store: OkrStore, cycle, team, at: str | None, clock: Clock):
    """The meeting `--meeting` names (a past or the current one), else the latest one held."""
    from okr_tui.domain import cadence
    from okr_tui.domain.clock import to_utc
    from okr_tui.exchange.digest import last_meeting_held

    current = cadence.current_meeting(cycle, clock.now())
    if not at:
        held = current and last_meeting_held(store, cycle, team, current.date())
        if not held:
            raise UserError(f"no meeting of {cycle.name} has check-ins or a record yet")
        return held
    try:
        day = to_utc(at, cycle.timezone).in_timezone(cycle.timezone).date()
    except (ValueError, OverflowError) as error:
        raise UserError(f"--meeting {at!r}: {error}") from None
    meeting = cadence.meeting_on(cycle, day)
    if meeting is None:
        dates = ", ".join(d.isoformat() for d in cadence.meeting_dates(cycle))
        raise UserError(f"no meeting of {cycle.name} on {day.isoformat()}; meetings: {dates}")
    if current is not None and meeting.date() > current.date():
        raise UserError(f"the {day.isoformat()} meeting has not happened yet")
    return meeting.date()


def run_digest(args: argparse.Namespace, clock: Clock) -> int:
    """The digest of a meeting, printed, written or posted to a chat webhook. The webhook URL
    is the user's own (this command line, the environment or config.toml), never the store's,
    and no output repeats it."""
    from okr_tui.exchange import digest

    store = open_store(args, clock, existing=True)
    cycle = store.find_cycle(args.cycle) if args.cycle else _current_cycle_or_fail(store)
    team = _team_option(store, args.team)
    day = _meeting_day(store, cycle, team, args.meeting, clock)
    built = digest.build_digest(store, cycle, team, day)
    if args.post is None:
        with _output(args.output, args.force) as handle:
            handle.write(digest.render(built, args.format).encode("utf-8"))
        return 0
    if args.format not in ("slack", "teams"):
        raise UserError("--post sends a chat message: add --format slack or --format teams")
    url = args.post or os.environ.get("OKR_DIGEST_WEBHOOK", "") or _configured_webhook()
    if not url:
        raise UserError(
            "--post needs a webhook URL: give it, set OKR_DIGEST_WEBHOOK, or set "
            "digest_webhook in config.toml"
        )
    payload = digest.slack_payload(built) if args.format == "slack" else digest.teams_payload(built)
    try:
        digest.post(url.strip(), payload)
    except digest.DigestPostError as error:
        raise UserError(f"the digest was not posted: {error}") from None
    print(
        f"Posted the {built.summary.meeting_date.isoformat()} digest of "
        f"{built.summary.team_name} ({args.format})",
        file=sys.stderr,
    )
    return 0


def _configured_webhook() -> str:
    from okr_tui import config

    settings, problems = config.load_settings()
    if problems:
        raise UserError(f"config.toml: {problems[0]}")
    return settings.digest_webhook or ""


def run_sync(args: argparse.Namespace, clock: Clock) -> int:
    from okr_tui.paths import default_store
    from okr_tui.store import sync

    folder = Path(args.db).expanduser() if args.db else default_store()
    try:
        if args.init:
            print(f"okr sync: {sync.init(folder, args.init)}", file=sys.stderr)
        store = open_store(args, clock, existing=True)
        result = sync.sync(store)
    except sync.SyncError as error:
        raise UserError(str(error)) from None
    said = [f"committed {result.committed.splitlines()[0]!r}" if result.committed else ""]
    said += ["pulled the remote's changes" if result.pulled else ""]
    said += ["pushed" if result.pushed else "no remote to push to"]
    print(f"Synced {folder}: {', '.join(part for part in said if part)}", file=sys.stderr)
    return 0


def run_schema(args: argparse.Namespace, clock: Clock) -> int:
    from okr_tui.exchange.json_exchange import export_schema

    sys.stdout.write(export_schema())
    return 0
