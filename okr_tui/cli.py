"""The `okr` command: the app by default, and scriptable commands beside it.

Heavy imports (Textual, the store) happen inside the commands that need them, so `okr --help`
and `okr due` start fast. User mistakes print one clear line on stderr and exit 2; no tracebacks.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from okr_tui import __version__

if TYPE_CHECKING:
    from okr_tui.domain.clock import Clock
    from okr_tui.store.store import OkrStore

USER_ERROR = 2


class UserError(Exception):
    """A mistake in what the user asked for: printed as one line, exit status 2."""


def _global_options(parser: argparse.ArgumentParser, defaults: bool) -> None:
    """--db and --at work before or after the command name (`okr --db X due`, `okr due --db X`)."""
    default = None if defaults else argparse.SUPPRESS
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help="store folder (default: $OKR_DB, else the user data folder)",
    )
    parser.add_argument(
        "--at",
        metavar="DATETIME",
        default=default,
        help="pretend it is this moment, e.g. 2026-11-23T09:30 (local time) or with +01:00",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="okr",
        description="Weekly OKR check-ins from the terminal. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"okr-tui {__version__}")
    _global_options(parser, defaults=True)
    parser.add_argument("--theme", metavar="NAME", default=None, help="colour theme for the app")
    parser.add_argument(
        "--read-only", action="store_true", help="open the store for viewing only (no saving)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _global_options(sub, defaults=False)
        return sub

    command("demo", "write a realistic demo store (the store must be empty)")

    export = command("export", "export the store (or one cycle)")
    export.add_argument("--format", choices=["json", "md", "csv"], default="json")
    export.add_argument("--cycle", metavar="ID", help="only this cycle (id or name)")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    export.add_argument("--force", action="store_true", help="overwrite an existing file")

    importer = command("import", "import a JSON export, checking everything before writing")
    importer.add_argument("file", metavar="FILE")
    importer.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    importer.add_argument(
        "--replace", action="store_true", help="replace a store that already holds data"
    )

    due = command("due", "what check-ins, reviews and scoring are due now, per team")
    due.add_argument("--json", action="store_true", help="machine-readable output")

    listing = command("list", "the key results of the current cycle with their ids")
    listing.add_argument("--cycle", metavar="ID", help="another cycle (id or name)")

    checkin = command("checkin", "record a check-in for one key result")
    checkin.add_argument("--kr", required=True, metavar="ID", help="key result id (or prefix)")
    checkin.add_argument("--value", required=True, metavar="V", help="new value (45, 45%%, done)")
    checkin.add_argument(
        "--confidence", metavar="C", help="on track / at risk / off track, or 0-10"
    )
    checkin.add_argument(
        "--note", metavar="TEXT", help="a correction keeps the earlier note unless given"
    )
    checkin.add_argument(
        "--blockers", metavar="TEXT", help="a correction keeps the earlier blockers unless given"
    )
    checkin.add_argument("--author", default="", metavar="NAME")
    checkin.add_argument(
        "--meeting", metavar="DATE", help="a past meeting's date (default: the current meeting)"
    )

    command("teams", "the teams with their people and facilitator")
    team = command("team", "create a team, or change the one of that name")
    team.add_argument("name", metavar="NAME", help="the team's name (any case)")
    team.add_argument("--members", metavar="NAMES", help='its people, e.g. "Amara, Ben, Chen"')
    team.add_argument("--facilitator", metavar="NAME", help="who runs its check-in")
    team.add_argument("--rename", metavar="NEW", help="a new name for the team")

    command("schema", "print the JSON Schema of the export format")

    serve = command("serve", "share the app in a web browser (one app process per tab)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--edit",
        action="store_true",
        help="let browser tabs edit; by default every tab is a read-only viewer",
    )
    return parser


def make_clock(at: str | None) -> Clock:
    from okr_tui.domain.clock import Clock, FixedClock, to_utc

    if not at:
        return Clock()
    import pendulum

    try:
        return FixedClock(to_utc(at, pendulum.local_timezone().name))
    except (ValueError, TypeError, pendulum.parsing.exceptions.ParserError):
        raise UserError(
            f"--at {at!r} is not a date or time: write it like 2026-11-23, 2026-11-23T10:00 "
            "or 2026-11-23T10:00:00Z"
        ) from None


def open_store(args: argparse.Namespace, clock: Clock, *, existing: bool = False) -> OkrStore:
    """The store at --db (or the default one). `existing`: refuse a folder that does not exist
    rather than make a store there, for the commands that read (a mistyped --db exported an
    empty store and exited 0, which a backup script would not notice)."""
    from okr_tui.paths import default_store
    from okr_tui.store.store import OkrStore

    folder = Path(args.db).expanduser() if args.db else default_store()
    if existing and not folder.exists():
        okr = f"okr --db {folder}" if args.db else "okr"
        raise UserError(
            f"there is no okr-tui store at {folder} (start `{okr}` to make one, "
            f"or `{okr} demo` for a demo)"
        )
    return OkrStore(folder, clock, read_only=getattr(args, "read_only", False))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from okr_tui.exchange.errors import ImportProblem
    from okr_tui.store.errors import RuleViolation, StoreError

    try:
        clock = make_clock(args.at)
        handler = COMMANDS.get(args.command, run_app)
        return handler(args, clock)
    except ImportProblem as problem:
        for path, message in problem.errors:
            # "$" is the whole document: no place in it worth naming
            print(f"okr: {message}" if path == "$" else f"okr: {path}: {message}", file=sys.stderr)
        return USER_ERROR
    except (UserError, StoreError, RuleViolation) as error:
        print(f"okr: {error}", file=sys.stderr)
        return USER_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `okr list | head` closed the pipe early: not an error worth a traceback.
        sys.stderr.close()
        return 0


def run_app(args: argparse.Namespace, clock: Clock) -> int:
    store = open_store(args, clock)
    from okr_tui.app import OkrApp

    OkrApp(store, theme=args.theme).run()
    return 0


def run_demo(args: argparse.Namespace, clock: Clock) -> int:
    from okr_tui.demo import build_demo

    store = open_store(args, clock)
    build_demo(store)
    print(f"Demo store written to {store.folder}")
    return 0


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
            with _complete_file(path) as handle:
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


@contextlib.contextmanager
def _complete_file(path: Path) -> Iterator[BinaryIO]:
    """A file that appears at `path` only once it is complete: it is written beside it and
    renamed over it, so an error halfway leaves the old file (or none), never half an export."""
    final = Path(os.path.realpath(path))  # through a symlink, as writing in place would
    temp = final.with_name(f".{final.name}.tmp-{secrets.token_hex(4)}")
    try:
        previous_mode = stat.S_IMODE(final.stat().st_mode)
    except OSError:
        previous_mode = None  # a new file: the default permissions, as open() gives
    try:
        with open(temp, "xb") as handle:
            if previous_mode is not None and hasattr(os, "fchmod"):  # not on Windows
                os.fchmod(handle.fileno(), previous_mode)  # a replaced file keeps its readers
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def run_export(args: argparse.Namespace, clock: Clock) -> int:
    store = open_store(args, clock, existing=True)
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
    from okr_tui.exchange.json_exchange import apply_import, import_summary, read_import

    path = Path(args.file).expanduser()
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    document = read_import(path)
    if args.dry_run:
        from okr_tui.paths import default_store

        # Opening a store creates its folder: a dry run into a new folder must not.
        folder = Path(args.db).expanduser() if args.db else default_store()
        holds_data = folder.exists() and not open_store(args, clock).is_empty()
        action = "replace the store with" if holds_data else "import"
        print(f"Dry run: the file is valid; would {action} {import_summary(document)}.")
        if holds_data and not args.replace:
            print("The store already holds data: the real import needs --replace.")
        return 0
    store = open_store(args, clock)
    apply_import(store, document, replace=args.replace)
    print(f"Imported {import_summary(document)} into {store.folder}")
    return 0


def _current_cycle_or_fail(store: OkrStore):
    cycle = store.current_cycle()
    if cycle is None:
        raise UserError(f"the store at {store.folder} has no cycle yet (try `okr demo`)")
    return cycle


def due_report(store: OkrStore) -> dict:
    """What is due now, per team, as plain data (the JSON of `okr due --json`): the domain's
    list, which the dashboard shows too."""
    from okr_tui.domain.due import due_report as report

    cycle = _current_cycle_or_fail(store)
    return report(
        cycle,
        {team.id: team.name for team in store.teams()},
        store.objectives(cycle.id),
        store.key_results(cycle.id),
        store.check_ins(cycle.id),
        store.reviews(cycle.id),
        store.scores(cycle.id),
        store.retrospectives(cycle.id),
        store.actions(cycle.id),
        store.clock.now(),
    )


def run_due(args: argparse.Namespace, clock: Clock) -> int:
    report = due_report(open_store(args, clock, existing=True))
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    cycle = report["cycle"]
    from okr_tui.domain.progress import counted

    if cycle["starts_in_days"]:  # as the app's header says it
        starts = counted(cycle["starts_in_days"], "day")
        header = f"{cycle['name']} · starts {cycle['start']} · in {starts}"
    else:
        header = (
            f"{cycle['name']} · week {cycle['week']} of {cycle['weeks']}"
            f" · {counted(cycle['days_left'], 'day')} left"
        )
    if cycle["next_meeting"]:
        header += (
            f" · next check-in {cycle['next_meeting'][:16].replace('T', ' ')} ({cycle['timezone']})"
        )
    print(header)
    for team in report["teams"]:
        extras = [name for name in ("review", "scoring", "retrospective") if team[f"{name}_due"]]
        if not team["due"] and not team["overdue"] and not extras and not team["overdue_actions"]:
            print(f"\n{team['team']}: nothing due")
            continue
        print(f"\n{team['team']} (meeting {team['current_meeting']})")
        missed = {item["kr_id"]: ", ".join(item["missed"]) for item in team["overdue"]}
        for item in team["due"]:
            late = f" (also missed {missed.pop(item['kr_id'])})" if item["kr_id"] in missed else ""
            print(f"  due      {item['kr_id']}  {item['title']}{late}")
        for item in team["overdue"]:
            if (dates := missed.get(item["kr_id"])) is not None:
                print(f"  overdue  {item['kr_id']}  {item['title']} (missed {dates})")
        for name in extras:
            print(f"  {name} due")
        for action in team["overdue_actions"]:
            owner = f"{action['owner']}, " if action["owner"] else ""
            print(
                f"  action   {action['text']} ({owner}was due {action['due']}) · "
                f"{action['kr_title']}"
            )
    return 0


def run_list(args: argparse.Namespace, clock: Clock) -> int:
    from okr_tui.domain.models import KrType
    from okr_tui.domain.progress import current_value, value_text

    store = open_store(args, clock, existing=True)
    cycle = store.find_cycle(args.cycle) if args.cycle else _current_cycle_or_fail(store)
    teams = {team.id: team.name for team in store.teams()}
    check_ins = store.check_ins(cycle.id)
    print(f"{cycle.name} ({cycle.state.value})")
    for objective in store.objectives(cycle.id):
        team = teams.get(objective.team_id, "Company") if objective.team_id else "Company"
        print(f"\n{team}: {objective.title} [{objective.kind.value}]")
        for kr in store.key_results(cycle.id, objective.id):
            value = value_text(kr, current_value(kr, check_ins))
            if kr.kr_type is not KrType.MILESTONE:  # a milestone is done or not done
                value += f" / {value_text(kr, kr.target)}"
            retired = " (retired)" if not kr.is_active else ""
            print(f"  {kr.id}  {kr.title}  {value}{retired}")
    return 0


def run_teams(args: argparse.Namespace, clock: Clock) -> int:
    store = open_store(args, clock, existing=True)
    teams = store.teams()
    if not teams:
        print('No teams yet: `okr team NAME --members "A, B"` adds one.')
    for team in teams:
        facilitator = f" · facilitator {team.facilitator}" if team.facilitator else ""
        print(f"{team.name}  ({team.id}){facilitator}")
        print(f"  {', '.join(team.members) if team.members else 'no members yet'}")
    return 0


def run_team(args: argparse.Namespace, clock: Clock) -> int:
    """Upsert by name, so a set-up script can run again: it changes what it names, no more."""
    from pydantic import ValidationError

    from okr_tui.domain.models import Team
    from okr_tui.domain.people import member_names, members_problem

    store = open_store(args, clock)
    wanted = args.name.strip().casefold()  # as the store compares names
    existing = next((t for t in store.teams() if t.name.strip().casefold() == wanted), None)
    changes: dict[str, object] = {}
    if args.members is not None:
        members = member_names(args.members)
        if problem := members_problem(members):
            raise UserError(f"--members: {problem}")
        changes["members"] = members
    if args.facilitator is not None:
        changes["facilitator"] = " ".join(args.facilitator.split())
    if args.rename is not None:
        changes["name"] = args.rename
    if existing is None:
        order = max((t.order for t in store.teams()), default=-1) + 1
        values = {"name": args.name, "order": order, **changes}
    else:
        values = {**existing.model_dump(), **changes}
    try:
        team = Team.model_validate(values)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = {"name": "--rename" if args.rename is not None else "NAME"}.get(
            str(first["loc"][0]), f"--{first['loc'][0]}"
        )
        raise UserError(f"{where}: {first['msg'].removeprefix('Value error, ')}") from None
    saved = store.save_team(team, expected=existing)
    if existing is None:
        print(f"Created team {saved.name} ({saved.id}) with {_people(saved.members)}")
    elif saved == existing:
        print(f"Team {saved.name} unchanged")
    else:
        print(f"Changed team {saved.name}: now {_people(saved.members)}")
    return 0


def _people(members: list[str]) -> str:
    from okr_tui.domain.progress import counted

    return counted(len(members), "member")


def run_checkin(args: argparse.Namespace, clock: Clock) -> int:
    from okr_tui.domain import cadence
    from okr_tui.domain.clock import to_utc
    from okr_tui.domain.models import CheckIn
    from okr_tui.domain.progress import effective_check_ins
    from okr_tui.domain.values import ValueInputError, parse_confidence, parse_value

    store = open_store(args, clock, existing=True)
    kr = store.find_key_result(args.kr)
    cycle = store.cycle(kr.cycle_id)
    try:
        value = parse_value(args.value, kr.kr_type, kr.unit)
        if args.confidence:
            confidence, score = parse_confidence(args.confidence)
        else:
            latest = store.check_ins(cycle.id, kr.id)
            if not latest:
                raise ValueInputError("--confidence is needed for a first check-in")
            confidence, score = latest[-1].confidence, None
    except ValueInputError as error:
        raise UserError(str(error)) from None
    if args.meeting:
        try:
            day = to_utc(args.meeting, cycle.timezone).in_timezone(cycle.timezone).date()
        except ValueError as error:
            raise UserError(f"--meeting {args.meeting!r}: {error}") from None
        meeting = cadence.meeting_on(cycle, day)
        if meeting is None:
            dates = ", ".join(d.isoformat() for d in cadence.meeting_dates(cycle))
            raise UserError(f"no meeting of {cycle.name} on {day.isoformat()}; meetings: {dates}")
        current = cadence.current_meeting(cycle, clock.now())
        if current is not None and meeting.date() > current.date():
            raise UserError(
                f"the {day.isoformat()} meeting has not happened yet; the current meeting is "
                f"{current.date().isoformat()}"
            )
    else:
        meeting = cadence.current_meeting(cycle, clock.now())
        if meeting is None:
            raise UserError(f"{cycle.name} has no meetings")
    # A correction without --note or --blockers keeps what the earlier check-in said: a
    # script fixing a value must not wipe what the meeting wrote down.
    earlier = next(
        (
            c
            for c in reversed(effective_check_ins(store.check_ins(cycle.id, kr.id)))
            if c.meeting_date == meeting.date()
        ),
        None,
    )
    kept = []
    note, blockers = args.note, args.blockers
    if note is None:
        note = earlier.note if earlier else ""
        if note:
            kept.append("note")
    if blockers is None:
        blockers = earlier.blockers if earlier else ""
        if blockers:
            kept.append("blockers")
    try:
        check_in = CheckIn(
            cycle_id=cycle.id,
            kr_id=kr.id,
            meeting_date=meeting.date(),
            value=value,
            confidence=confidence,
            confidence_score=score,
            note=note,
            blockers=blockers,
            author=args.author,
            recorded_at=clock.now(),
        )
    except ValueError as error:
        raise UserError(_first_validation_message(error)) from None
    stored = store.add_check_in(check_in)
    verb = "Corrected the check-in" if stored.supersedes else "Checked in"
    print(f"{verb} for {kr.title!r} at the {meeting.date().isoformat()} meeting of {cycle.name}")
    if kept:
        flags = " and ".join(f"--{name}" for name in kept)
        replace = "replace them" if len(kept) > 1 else "replaces it"
        print(f'Kept the earlier {" and ".join(kept)} ({flags} {replace}; "" clears)')
    return 0


def _first_validation_message(error: Exception) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        first = errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        return f"{field}: {first['msg']}"
    return str(error)


def run_serve(args: argparse.Namespace, clock: Clock) -> int:
    """Serve the app through textual-serve: each browser tab runs `okr` in its own process.

    Tabs are read-only viewers unless --edit; with --edit the store's lock keeps concurrent
    tabs from losing each other's check-ins.
    """
    import shlex

    from okr_tui.paths import default_store

    try:
        from textual_serve.server import Server
    except ImportError:
        raise UserError("okr serve needs textual-serve: pip install 'okr-tui[serve]'") from None
    store = open_store(args, clock)  # fail now, with a clear line, if the store is broken
    parts = [sys.executable, "-m", "okr_tui", "--db", str(store.folder or default_store())]
    if args.at:
        parts += ["--at", args.at]
    if args.theme:
        parts += ["--theme", args.theme]
    if not args.edit:
        parts.append("--read-only")
    command = " ".join(shlex.quote(part) for part in parts)
    mode = "editing" if args.edit else "read-only"
    print(f"Serving okr-tui ({mode}) on http://{args.host}:{args.port}", file=sys.stderr)
    Server(command, host=args.host, port=args.port, title="okr-tui").serve()
    return 0


def run_schema(args: argparse.Namespace, clock: Clock) -> int:
    from okr_tui.exchange.json_exchange import export_schema

    sys.stdout.write(export_schema())
    return 0


COMMANDS: dict[str | None, Callable[[argparse.Namespace, Clock], int]] = {
    "demo": run_demo,
    "export": run_export,
    "import": run_import,
    "due": run_due,
    "list": run_list,
    "checkin": run_checkin,
    "teams": run_teams,
    "team": run_team,
    "schema": run_schema,
    "serve": run_serve,
}
