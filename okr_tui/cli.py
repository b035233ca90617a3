"""The `okr` command: the app by default, and scriptable commands beside it.

Heavy imports (Textual, the store) happen inside the commands that need them, so `okr --help`
and `okr due` start fast. User mistakes print one clear line on stderr and exit 2; no tracebacks.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NoReturn

from okr_tui import __version__

if TYPE_CHECKING:
    from okr_tui.domain.clock import Clock
    from okr_tui.store.store import OkrStore

USER_ERROR = 2
INTERRUPTED = 130  # 128 + SIGINT: what a shell reports for a command stopped with Ctrl+C
MAX_PROBLEMS_SHOWN = 20  # of an import's problems; the rest are counted


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
        help=(
            "show the store as it was at this moment (saves are recorded then), "
            "e.g. 2026-11-23T09:30 (local time) or with +01:00"
        ),
    )


class _NotForTheApp(Exception):
    """The app's own parser cannot take these arguments: the full parser reads them."""


class _AppParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotForTheApp(message)


def build_parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    """The `okr` command line; without its commands, only what opening the app takes."""
    parser = (argparse.ArgumentParser if with_commands else _AppParser)(
        prog="okr",
        description="Weekly OKR check-ins from the terminal. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"okr-tui {__version__}")
    _global_options(parser, defaults=True)
    parser.add_argument("--theme", metavar="NAME", default=None, help="colour theme for the app")
    parser.add_argument(
        "--read-only", action="store_true", help="open the store for viewing only (no saving)"
    )
    parser.add_argument(
        "--owner",
        metavar="NAME",
        dest="app_owner",
        default=None,
        help="open the app on this person's key results: the walk to update them for the "
        "coming meeting, over the dashboard filtered to them",
    )
    # Given by `okr serve` to each browser tab's app: it runs no source on the host.
    parser.add_argument("--served", action="store_true", help=argparse.SUPPRESS)
    if not with_commands:
        parser.set_defaults(command=None)
        return parser
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
    due.add_argument(
        "--owner", metavar="NAME", help="what this person still owes the coming meeting"
    )

    listing = command("list", "the key results of the current cycle with their ids")
    listing.add_argument("--cycle", metavar="ID", help="another cycle (id or name)")
    listing.add_argument("--owner", metavar="NAME", help="only the key results this person owns")

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

    command("cycles", "the cycles with their dates, meeting rhythm and state")
    cycle = command("cycle", "create a cycle, or change the one of that name")
    cycle.add_argument(
        "name", metavar="NAME", help="e.g. 2027-Q1 or FY2027-Q1: a quarter's name gives its dates"
    )
    cycle.add_argument("--start", metavar="DATE", help="first day, YYYY-MM-DD")
    cycle.add_argument("--end", metavar="DATE", help="last day, YYYY-MM-DD")
    cycle.add_argument("--timezone", metavar="TZ", help="IANA name, e.g. Europe/Berlin")
    cycle.add_argument(
        "--meeting", metavar="SLOT", help='weekday and local time of the check-in, e.g. "Mon 09:30"'
    )
    cycle.add_argument(
        "--every", choices=["1w", "2w"], help="a meeting every week (1w) or every two weeks (2w)"
    )
    cycle.add_argument(
        "--skip",
        metavar="DATE",
        nargs="*",
        action="extend",
        help="meeting dates that do not happen (replaces earlier ones; --skip alone clears)",
    )
    cycle.add_argument("--review", metavar="DATE", help="mid-quarter review date")
    cycle.add_argument(
        "--fiscal-start",
        metavar="MONTH",
        help="month the fiscal year starts (e.g. April): dates and names quarters",
    )
    cycle.add_argument("--state", choices=["planning", "active"], help="planning or active")
    cycle.add_argument("--rename", metavar="NEW", help="a new name for the cycle")

    digest = command("digest", "the meeting digest for people not in the room")
    digest.add_argument("--team", metavar="NAME", help="one team (default: all teams)")
    digest.add_argument(
        "--meeting", metavar="DATE", help="a past meeting's date (default: the current meeting)"
    )
    digest.add_argument("--cycle", metavar="ID", help="another cycle (id or name)")
    digest.add_argument(
        "--format",
        choices=["md", "html", "slack", "teams"],
        default="md",
        help="Markdown, one self-contained HTML page, or a Slack / Teams webhook payload",
    )
    digest.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    digest.add_argument("--force", action="store_true", help="overwrite an existing file")
    digest.add_argument(
        "--post",
        nargs="?",
        const="",
        metavar="URL",
        help="send it to this Slack or Teams incoming webhook (without URL: $OKR_DIGEST_WEBHOOK, "
        "else digest_webhook in config.toml)",
    )

    syncing = command("sync", "commit, pull, merge and push the store through git")
    syncing.add_argument(
        "--init",
        metavar="REMOTE",
        help="make the store folder a git repository synced with REMOTE (a folder without a "
        "store joins the remote's)",
    )

    tree = command("tree", "the alignment tree: company, team and personal objectives")
    tree.add_argument("--cycle", metavar="ID", help="another cycle (id or name)")

    stats = command("stats", "quarter statistics: scores, confidence, check-in discipline")
    stats.add_argument("--cycle", metavar="ID", help="another cycle (id or name)")
    stats.add_argument(
        "--cycles", type=int, default=4, metavar="N", help="compare with the N-1 cycles before"
    )
    stats.add_argument("--json", action="store_true", help="machine-readable output")

    prep = command("prep", "the prep lane: what to talk about at the coming meeting")
    prep.add_argument("--team", metavar="NAME", help="one team (default: all teams)")
    prep.add_argument("--json", action="store_true", help="machine-readable output")

    pulling = command("pull", "read each key result's value from its source for the next meeting")
    pulling.add_argument("--team", metavar="NAME", help="one team (default: all teams)")
    pulling.add_argument("--dry-run", action="store_true", help="read the sources, record nothing")
    pulling.add_argument("--json", action="store_true", help="machine-readable output")

    sources = command("sources", "the key results' sources and whether they may run here")
    sources.add_argument(
        "--trust",
        nargs="*",
        metavar="KR_ID",
        help="trust these key results' sources from the store on this machine, as they are "
        "now (all the untrusted ones without ids)",
    )
    sources.add_argument("--json", action="store_true", help="machine-readable output")

    source = command("source", "set where a key result's value is read from (kept in the store)")
    source.add_argument("kr", metavar="KR_ID", help="key result id (or prefix)")
    kinds = source.add_mutually_exclusive_group(required=True)
    kinds.add_argument(
        "--command",
        dest="program",  # not "command": that is the subcommand's name
        metavar="CMD",
        help="a program and its arguments, split as a shell would but run without one, "
        "that prints the value",
    )
    kinds.add_argument("--http", metavar="URL", help="an http(s) URL answering JSON (with --path)")
    kinds.add_argument("--csv", metavar="FILE", help="a CSV file with a header row (with --column)")
    kinds.add_argument("--sqlite", metavar="FILE", help="a SQLite file (with --query)")
    kinds.add_argument("--clear", action="store_true", help="the key result has no source")
    source.add_argument("--path", metavar="PATH", help="where the value is in the JSON: data.rate")
    source.add_argument("--column", metavar="NAME", help="the CSV column holding the value")
    source.add_argument("--key-column", metavar="NAME", help="the CSV column to match --key in")
    source.add_argument("--key", metavar="TEXT", help="the row to read (default: the last row)")
    source.add_argument("--query", metavar="SQL", help="a query whose first value is the value")

    command("schema", "print the JSON Schema of the export format")

    serve = command("serve", "share the app in a web browser (one app process per tab)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--edit",
        action="store_true",
        help="also print an edit link, whose tabs may save; the view link stays read-only",
    )
    serve.add_argument(
        "--owner",
        metavar="NAME",
        dest="app_owner",
        default=argparse.SUPPRESS,
        help="every tab opens on this person's key results (as `okr --owner NAME`)",
    )
    return parser


def make_clock(at: str | None) -> Clock:
    from okr_tui.domain.clock import Clock, FixedClock, MomentOutOfRange, typed_moment

    if not at:
        return Clock()
    import pendulum

    try:
        # The function itself: mypy may read `pendulum.local_timezone` as the module of that name
        from pendulum.tz.local_timezone import get_local_timezone

        return FixedClock(typed_moment(at, get_local_timezone().name), replay=True)
    except MomentOutOfRange as error:
        raise UserError(f"--at {error}") from None
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
    try:
        try:
            return _run(argv)
        finally:
            _flush_stdout()
    except KeyboardInterrupt:
        # Ctrl+C at any point, start-up included: the status shells expect, no traceback.
        return INTERRUPTED
    except OutputError as error:
        print(f"okr: {error}", file=sys.stderr)
        return USER_ERROR


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The parsed command line. Opening the app (no command named) is parsed without building
    the nineteen commands' parsers, a twentieth of start-up; anything the app's parser does not
    take wholly (a command, help, an error) goes to the full parser, for its messages."""
    if not set(argv) & {*COMMANDS, "-h", "--help", "--version"}:
        with contextlib.suppress(_NotForTheApp):
            return build_parser(with_commands=False).parse_args(argv)
    return build_parser().parse_args(argv)


def _run(argv: Sequence[str] | None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else list(argv))
    from okr_tui.exchange.errors import ImportProblem
    from okr_tui.store.errors import RuleViolation, StoreError

    # The app and `serve` own the terminal; every other command's output is guarded.
    guarded = args.command not in (None, "serve")
    try:
        with _guarded_stdout() if guarded else contextlib.nullcontext():
            clock = make_clock(args.at)
            handler = COMMANDS.get(args.command, run_app)
            return handler(args, clock)
    except ImportProblem as problem:
        for path, message in problem.errors[:MAX_PROBLEMS_SHOWN]:
            # "$" is the whole document: no place in it worth naming
            print(f"okr: {message}" if path == "$" else f"okr: {path}: {message}", file=sys.stderr)
        if (more := len(problem.errors) - MAX_PROBLEMS_SHOWN) > 0:
            print(
                f"okr: {more:,} more problems not shown ({len(problem.errors):,} in all)",
                file=sys.stderr,
            )
        return USER_ERROR
    except (UserError, StoreError, RuleViolation) as error:
        if isinstance(error, OutputError):
            _discard_stdout()
        print(f"okr: {error}", file=sys.stderr)
        return USER_ERROR
    except BrokenPipeError:
        # `okr list | head` closed the pipe early: not an error worth a traceback.
        sys.stderr.close()
        return 0


class OutputError(UserError):
    """Standard output cannot be written (a full disk, `> /dev/full`)."""


class _GuardedStream:
    """Standard output, or its bytes, with a failed write raised as OutputError: one line on
    stderr instead of a traceback. A closed pipe stays a BrokenPipeError (see _run)."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, data):
        return self._guard(self._stream.write, data)

    def flush(self) -> None:
        self._guard(self._stream.flush)

    @property
    def buffer(self) -> _GuardedStream:
        return _GuardedStream(self._stream.buffer)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)

    @staticmethod
    def _guard(call, *args):
        try:
            return call(*args)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(f"cannot write the output: {error.strerror or error}") from None


@contextlib.contextmanager
def _guarded_stdout() -> Iterator[None]:
    original = sys.stdout
    sys.stdout = _GuardedStream(original)
    try:
        yield
    finally:
        sys.stdout = original


def _flush_stdout() -> None:
    """Write out what stdout still buffers now, where a failure is one line: at exit, Python
    would print it as an ignored exception and exit with status 120."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader has gone (`okr list | head`): nothing to say
        _discard_stdout()
    except OSError as error:
        _discard_stdout()
        raise OutputError(f"cannot write the output: {error.strerror or error}") from None


def _discard_stdout() -> None:
    """Send what is still buffered for stdout to /dev/null, so the flush at exit does not fail
    again with a second message."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _app_owner(store: OkrStore, typed: str | None) -> str | None:
    """The owner `okr --owner NAME` names, as the store spells it; an unknown name is one line
    listing who owns a key result of the current cycle."""
    if typed is None:
        return None
    from okr_tui.domain.people import find_owner, owner_names

    cycle = _current_cycle_or_fail(store)
    owners = [kr.owner for kr in store.key_results(cycle.id) if kr.is_active]
    name = find_owner(owners, typed)
    if name is None:
        raise UserError(
            f"--owner: no key result of {cycle.name} is owned by {typed.strip()!r} "
            f"(owners: {', '.join(owner_names(owners)) or 'none yet'})"
        )
    return name


def run_app(args: argparse.Namespace, clock: Clock) -> int:
    import gc

    # Start-up makes long-lived objects (modules, classes, the store's models, the screen's
    # widgets) and almost no garbage: the collector would walk them again and again, about 8%
    # of the instructions to the first frame. The app freezes them and resumes it once the
    # first frame is drawn (OkrApp.resume_collector).
    gc.disable()
    store = open_store(args, clock)
    from okr_tui.app import OkrApp

    owner = _app_owner(store, getattr(args, "app_owner", None))
    app = OkrApp(store, theme=args.theme, owner=owner, served=args.served)
    app.run()
    if app.store_error is not None:  # a store file the app found unreadable while starting
        raise app.store_error
    return app.return_code or 0


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
    """An export never writes inside the store folder: `-o STORE/okr.json --force` replaced the
    store's own file with the export and broke the store."""
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


def _current_cycle_or_fail(store: OkrStore):
    cycle = store.current_cycle()
    if cycle is None:
        raise UserError(f"the store at {store.folder} has no cycle yet (try `okr demo`)")
    return cycle


def due_report(store: OkrStore) -> dict:
    """What is due now, per team, as plain data (the JSON of `okr due --json`): the domain's
    list, which the dashboard shows too."""
    from okr_tui.domain.due import due_report_of

    return due_report_of(store, _current_cycle_or_fail(store), store.clock.now())


def run_owner_due(args: argparse.Namespace, clock: Clock) -> int:
    """`okr due --owner NAME`: one person's reminder, for a cron job or a chat bot."""
    from okr_tui.domain.people import same_person
    from okr_tui.domain.prep import owed_by

    store = open_store(args, clock, existing=True)
    cycle = _current_cycle_or_fail(store)
    key_results = store.key_results(cycle.id)
    owners = sorted({kr.owner for kr in key_results if kr.owner and kr.is_active})
    name = next((owner for owner in owners if same_person(owner, args.owner)), None)
    if name is None:
        # A typo in a cron job's name would otherwise remind nobody, silently.
        raise UserError(
            f"--owner: no key result of {cycle.name} is owned by {args.owner!r} "
            f"(owners: {', '.join(owners) or 'none yet'})"
        )
    owed = owed_by(
        name,
        cycle,
        key_results,
        store.check_ins(cycle.id),
        store.actions(cycle.id),
        clock.now(),
    )
    titles = {kr.id: kr.title for kr in key_results}
    day = owed.meeting.isoformat() if owed.meeting else None
    if args.json:
        data = {
            "owner": name,
            "cycle": cycle.name,
            "meeting": day,
            "key_results": [{"kr_id": kr.id, "title": kr.title} for kr in owed.key_results],
            "overdue_actions": [
                {
                    "text": a.text,
                    "due": a.due.isoformat() if a.due else None,
                    "kr_id": a.kr_id,
                    "kr_title": titles.get(a.kr_id, ""),
                }
                for a in owed.actions
            ],
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    who = name
    if not owed.key_results and not owed.actions:
        print(f"{who} owes nothing for the {day} meeting of {cycle.name}.")
        return 0
    print(f"{who} owes the {day} meeting of {cycle.name}:")
    for kr in owed.key_results:
        print(f"  check-in  {kr.id}  {kr.title}")
    for action in owed.actions:
        due = action.due.isoformat() if action.due else ""
        print(f"  action    {action.text} (was due {due}) · {titles.get(action.kr_id, '')}")
    return 0


def run_due(args: argparse.Namespace, clock: Clock) -> int:
    if args.owner is not None:
        return run_owner_due(args, clock)
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
    from okr_tui.domain.people import same_person
    from okr_tui.domain.progress import current_value, histories, value_text

    store = open_store(args, clock, existing=True)
    cycle = store.find_cycle(args.cycle) if args.cycle else _current_cycle_or_fail(store)
    teams = {team.id: team.name for team in store.teams()}
    check_ins = histories(store.check_ins(cycle.id))  # sorted once, not once per key result
    by_objective: dict[str, list] = {}
    for kr in store.key_results(cycle.id):
        if args.owner is None or same_person(kr.owner, args.owner):
            by_objective.setdefault(kr.objective_id, []).append(kr)
    print(f"{cycle.name} ({cycle.state.value})")
    if args.owner is not None and not by_objective:
        print(f"No key result of {cycle.name} is owned by {args.owner.strip()!r}.")
    for objective in store.objectives(cycle.id):
        if args.owner is not None and objective.id not in by_objective:
            continue  # only the objectives holding the person's key results
        team = teams.get(objective.team_id, "Company") if objective.team_id else "Company"
        print(f"\n{team}: {objective.title} [{objective.kind.value}]")
        for kr in by_objective.get(objective.id, []):
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
    from okr_tui.domain.validation import first_problem

    store = open_store(args, clock)
    existing = store.team_named(args.name)
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
        loc, message, _ = first_problem(error)
        where = {"name": "--rename" if args.rename is not None else "NAME"}.get(
            str(loc[0]), f"--{loc[0]}"
        )
        raise UserError(f"{where}: {message}") from None
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


def _cycle_line(cycle) -> str:
    from okr_tui.domain import cadence
    from okr_tui.domain.dates import MONTH_NAMES, WEEKDAY_NAMES
    from okr_tui.domain.progress import counted

    rhythm = "every 2 weeks" if cycle.cadence.weeks == 2 else "weekly"
    slot = f"{WEEKDAY_NAMES[cycle.meeting_weekday]}s {cycle.meeting_time.strftime('%H:%M')}"
    fiscal = (
        f", fiscal year from {MONTH_NAMES[cycle.fiscal_start_month - 1]}"
        if cycle.fiscal_start_month != 1
        else ""
    )
    meetings = counted(len(cadence.meeting_dates(cycle)), "meeting")
    return (
        f"{cycle.start.isoformat()} to {cycle.end.isoformat()}, {slot} {cycle.timezone}, "
        f"{rhythm}, {meetings}{fiscal}"
    )


def run_cycles(args: argparse.Namespace, clock: Clock) -> int:
    store = open_store(args, clock, existing=True)
    cycles = store.cycles()
    if not cycles:
        print("No cycles yet: `okr cycle 2027-Q1` adds one.")
    for cycle in sorted(cycles, key=lambda c: c.start):
        print(f"{cycle.name}  ({cycle.id})  {cycle.state.value}")
        print(f"  {_cycle_line(cycle)}")
    return 0


def run_cycle(args: argparse.Namespace, clock: Clock) -> int:
    """Upsert by name, as `okr team` does: a quarter's set-up script can run again, and it
    changes what it names, no more. A new cycle starts from the app's suggestion (the latest
    cycle's timezone, meeting slot and fiscal year) and takes its dates from a quarter's name
    ("2027-Q1", "FY2027-Q1") unless --start and --end give them."""
    from pydantic import ValidationError

    from okr_tui.domain import cadence, rules
    from okr_tui.domain.carry_over import suggested_cycle
    from okr_tui.domain.dates import parse_date, parse_meeting_slot, parse_month
    from okr_tui.domain.models import Cadence, Cycle, CycleState
    from okr_tui.domain.validation import first_problem

    store = open_store(args, clock)
    cycles = store.cycles()
    wanted = args.name.strip()
    existing = next((c for c in cycles if c.name == wanted), None)

    def read(option: str, parse, text: str):
        try:
            return parse(text)
        except ValueError as error:
            raise UserError(f"--{option}: {error}") from None

    changes: dict[str, object] = {}
    for option in ("start", "end", "review"):
        if (text := getattr(args, option)) is not None:
            changes[f"{option}_date" if option == "review" else option] = read(
                option, parse_date, text
            )
    if args.fiscal_start is not None:
        changes["fiscal_start_month"] = read("fiscal-start", parse_month, args.fiscal_start)
    if args.timezone is not None:
        changes["timezone"] = args.timezone.strip()
    if args.meeting is not None:
        weekday, at = read("meeting", parse_meeting_slot, args.meeting)
        if weekday is not None:
            changes["meeting_weekday"] = weekday
        if at is not None:
            changes["meeting_time"] = at
    if args.every is not None:
        changes["cadence"] = Cadence.BIWEEKLY if args.every == "2w" else Cadence.WEEKLY
    if args.skip is not None:
        changes["skipped_dates"] = sorted({read("skip", parse_date, day) for day in args.skip})
    if args.state is not None:
        changes["state"] = CycleState(args.state)
    if args.rename is not None:
        changes["name"] = args.rename

    if existing is None:
        values = suggested_cycle(cycles, clock.now()).model_dump(exclude={"id", "review_date"})
        values["name"] = args.name
        values.update(changes)
        if "start" not in changes or "end" not in changes:
            quarter = cadence.parse_quarter_name(wanted)
            if quarter is None:
                missing = " and ".join(f"--{o}" for o in ("start", "end") if o not in changes)
                raise UserError(
                    f"{missing} needed for a new cycle, or name it after its quarter "
                    "(2027-Q1, or FY2027-Q1 with --fiscal-start)"
                )
            fiscal_start_month = int(values["fiscal_start_month"])
            start, end = cadence.quarter_bounds(*quarter, fiscal_start_month)
            values["start"] = changes.get("start", start)
            values["end"] = changes.get("end", end)
    else:
        values = {**existing.model_dump(), **changes}
    try:
        cycle = Cycle.model_validate(values)
    except ValidationError as error:
        loc, message, _ = first_problem(error)
        field = str(loc[0]) if loc else ""
        option = {
            "name": "--rename" if args.rename is not None else "NAME",
            "meeting_weekday": "--meeting",
            "meeting_time": "--meeting",
            "cadence": "--every",
            "skipped_dates": "--skip",
            "review_date": "--review",
            "fiscal_start_month": "--fiscal-start",
        }.get(field, f"--{field}")
        # A rule across fields ("the cycle must end after it starts") names them itself.
        raise UserError(f"{option}: {message}" if field else message) from None
    if (problem := rules.skipped_dates_problem(cycle)) is not None:
        raise UserError(f"--skip: {problem}")
    if existing is None and "state" not in changes:
        today = clock.now().in_timezone(cycle.timezone).date()
        running = CycleState.ACTIVE if cycle.contains(today) else CycleState.PLANNING
        cycle = cycle.model_copy(update={"state": running})
    saved = store.save_cycle(cycle)
    if existing is None:
        print(f"Created cycle {saved.name} ({saved.id}), {saved.state.value}: {_cycle_line(saved)}")
    elif saved == existing:
        print(f"Cycle {saved.name} unchanged")
    else:
        print(f"Changed cycle {saved.name}: {_cycle_line(saved)}")
    return 0


def run_checkin(args: argparse.Namespace, clock: Clock) -> int:
    from okr_tui.domain import cadence
    from okr_tui.domain.clock import MomentOutOfRange, typed_moment
    from okr_tui.domain.models import CheckIn
    from okr_tui.domain.progress import effective_check_ins, latest_confidence
    from okr_tui.domain.values import ValueInputError, parse_confidence, parse_value

    store = open_store(args, clock, existing=True)
    kr = store.find_key_result(args.kr)
    cycle = store.cycle(kr.cycle_id)
    try:
        value = parse_value(args.value, kr.kr_type, kr.unit)
        if args.confidence:
            confidence, score = parse_confidence(args.confidence)
        else:
            given = latest_confidence(store.check_ins(cycle.id, kr.id))
            if given is None:
                raise ValueInputError("--confidence is needed for a first check-in")
            confidence, score = given, None
    except ValueInputError as error:
        raise UserError(str(error)) from None
    if cadence.days_to_start(cycle, clock.now()):
        # A clock set back (--at, or a machine's date) would file it under the first meeting,
        # correcting what was said there.
        today = cadence.local_time(cycle, clock.now()).date().isoformat()
        raise UserError(
            f"{cycle.name} has not started: it starts on {cycle.start.isoformat()} and today is "
            f"{today} ({cycle.timezone}); check-ins begin with the cycle"
        )
    if args.meeting:
        try:
            day = typed_moment(args.meeting, cycle.timezone).in_timezone(cycle.timezone).date()
        except MomentOutOfRange as error:
            raise UserError(f"--meeting {error}") from None
        except ValueError as error:
            raise UserError(f"--meeting {args.meeting!r}: {error}") from None
        meeting = cadence.meeting_on(cycle, day)
        if meeting is None:
            dates = ", ".join(d.isoformat() for d in cadence.meeting_dates(cycle))
            raise UserError(f"no meeting of {cycle.name} on {day.isoformat()}; meetings: {dates}")
        coming = cadence.update_meeting(cycle, clock.now())
        if coming is not None and meeting.date() > coming.date():
            raise UserError(
                f"the {day.isoformat()} meeting is not the coming one; updates now go to the "
                f"{coming.date().isoformat()} meeting"
            )
    else:
        meeting = cadence.update_meeting(cycle, clock.now())
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
    """Serve the app through textual-serve, behind a token: each browser tab runs `okr` in its
    own process, read-only unless opened with the --edit link (see okr_tui/share.py)."""
    import shlex

    from okr_tui.paths import default_store

    try:
        from okr_tui.share import Role, ShareTokens, TokenServer, is_loopback
    except ImportError:
        raise UserError("okr serve needs textual-serve: pip install 'okr-tui[serve]'") from None
    store = open_store(args, clock)  # fail now, with a clear line, if the store is broken
    parts = [
        sys.executable,
        "-m",
        "okr_tui",
        "--served",
        "--db",
        str(store.folder or default_store()),
    ]
    if args.at:
        parts += ["--at", args.at]
    if args.theme:
        parts += ["--theme", args.theme]
    if owner := _app_owner(store, getattr(args, "app_owner", None)):
        parts += ["--owner", owner]  # every tab opens on that person's key results
    commands = {Role.VIEW: shlex.join([*parts, "--read-only"])}
    if args.edit:
        commands[Role.EDIT] = shlex.join(parts)
    tokens = ShareTokens.new(edit=args.edit)
    address = f"[{args.host}]" if ":" in args.host else args.host
    base = f"http://{address}:{args.port}/?token="
    print(f"Serving okr-tui on http://{address}:{args.port}", file=sys.stderr)
    print(f"  view (read-only): {base}{tokens.view}", file=sys.stderr)
    if tokens.edit is not None:
        print(f"  edit (may save):  {base}{tokens.edit}", file=sys.stderr)
        print("  Give the edit link only to those who update key results.", file=sys.stderr)
    if not is_loopback(args.host):
        print(
            "  Beyond this machine the links travel as plain HTTP: share them on a network you "
            "trust, or put okr serve behind an HTTPS proxy.",
            file=sys.stderr,
        )
    TokenServer(commands, tokens, host=args.host, port=args.port).serve()
    return 0


def _team_option(store: OkrStore, name: str | None):
    """The team `--team NAME` names (any case, as the store compares names), or None for all
    teams; an unknown name is one line listing the teams there are."""
    if not name:
        return None
    team = store.team_named(name)
    if team is None:
        names = ", ".join(t.name for t in store.teams()) or "none yet"
        raise UserError(f"--team: no team called {name!r} (teams: {names})")
    return team


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


def run_tree(args: argparse.Namespace, clock: Clock) -> int:
    """The alignment tree as indented text, each objective with its rolled-up progress and
    confidence, and its key results (with their ids, as `okr list` shows them)."""
    from okr_tui.domain import board
    from okr_tui.domain.alignment import alignment_tree
    from okr_tui.domain.models import KrType
    from okr_tui.domain.progress import value_text

    store = open_store(args, clock, existing=True)
    cycle = store.find_cycle(args.cycle) if args.cycle else _current_cycle_or_fail(store)
    objectives = store.objectives(cycle.id)
    lines = board.key_result_lines(
        cycle, objectives, store.key_results(cycle.id), store.check_ins(cycle.id), clock.now()
    )
    roots = alignment_tree(objectives, lines, {t.id: t.name for t in store.teams()})

    def figures(progress, confidence) -> str:
        shown = "–" if progress is None else f"{progress * 100:.0f}%"
        return f"{shown} · {confidence.label if confidence else 'no check-in'}"

    def show(node, prefix: str, last: bool, top: bool) -> None:
        branch = "" if top else ("└─ " if last else "├─ ")
        objective = node.objective
        print(
            f"{prefix}{branch}{objective.title}  [{node.team_name} · {objective.level.value}]  "
            f"{figures(node.progress, node.confidence)}"
        )
        inner = prefix + ("" if top else ("   " if last else "│  "))
        items = [*node.key_results, *node.children]
        for index, item in enumerate(items):
            end = index == len(items) - 1
            if isinstance(item, board.KeyResultLine):
                value = value_text(item.kr, item.value)
                if item.kr.kr_type is not KrType.MILESTONE:
                    value += f" / {value_text(item.kr, item.kr.target)}"
                print(
                    f"{inner}{'└─ ' if end else '├─ '}{item.kr.id}  {item.kr.title}  {value}  "
                    f"{figures(item.progress, item.confidence)}"
                )
            else:
                show(item, inner, end, top=False)

    print(f"{cycle.name} ({cycle.state.value})")
    if not roots:
        print("No objectives yet.")
    for root in roots:
        print()
        show(root, "", True, top=True)
    return 0


def run_stats(args: argparse.Namespace, clock: Clock) -> int:
    from okr_tui.domain.stats import as_json
    from okr_tui.exchange.stats_report import stats_history, stats_text

    if args.cycles < 1:
        raise UserError("--cycles: give 1 or more")
    store = open_store(args, clock, existing=True)
    cycle = store.find_cycle(args.cycle) if args.cycle else _current_cycle_or_fail(store)
    history = stats_history(store, cycle, args.cycles, clock.now())
    if args.json:
        print(json.dumps(as_json(history), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(stats_text(history))
    return 0


def run_prep(args: argparse.Namespace, clock: Clock) -> int:
    """The agenda before the walk: who has not updated, confidence drops, behind pace, new
    blockers, actions past due, stale key results, forecast disagreements."""
    from okr_tui.domain.prep import prep_lane

    store = open_store(args, clock, existing=True)
    cycle = _current_cycle_or_fail(store)
    team = _team_option(store, args.team)
    objectives = [o for o in store.objectives(cycle.id) if team is None or o.team_id == team.id]
    lane = prep_lane(
        cycle,
        objectives,
        store.key_results(cycle.id, objective_ids=[o.id for o in objectives]),
        store.check_ins(cycle.id),
        store.actions(cycle.id),
        clock.now(),
    )
    who = team.name if team else "All teams"
    day = lane.meeting.isoformat() if lane.meeting else "none"
    if args.json:
        print(
            json.dumps(
                {
                    "cycle": cycle.name,
                    "team": who,
                    "meeting": lane.meeting.isoformat() if lane.meeting else None,
                    "sections": [
                        {
                            "title": title,
                            "items": [
                                {"kr_id": i.kr.id, "key_result": i.kr.title, "said": i.said}
                                for i in items
                            ],
                        }
                        for title, items in lane.sections()
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"Prep for the {day} meeting · {who} · {cycle.name}")
    for title, items in lane.sections():
        print(f"\n{title} ({len(items)})")
        for item in items:
            print(f"  {item.kr.title}: {item.said}")
        if not items:
            print("  none")
    return 0


def run_schema(args: argparse.Namespace, clock: Clock) -> int:
    from okr_tui.exchange.json_exchange import export_schema

    sys.stdout.write(export_schema())
    return 0


def _settings_or_fail():
    from okr_tui.config import load_settings

    settings, problems = load_settings()
    if problems:
        raise UserError(problems[0])
    return settings


def run_pull(args: argparse.Namespace, clock: Clock) -> int:
    """Read every source that may run here and record the values for the coming meeting;
    status 1 when any source failed or was not run (the others are recorded)."""
    from okr_tui.domain.progress import value_text
    from okr_tui.pull import SourceFailure, failure_line, pull

    store = open_store(args, clock, existing=True)
    cycle = _current_cycle_or_fail(store)
    team = _team_option(store, args.team)
    settings = _settings_or_fail()
    try:
        result = pull(
            store,
            cycle,
            settings.sources,
            now=clock.now(),
            timeout=settings.source_timeout,
            team_id=team.id if team else None,
            dry_run=args.dry_run,
        )
    except SourceFailure as error:
        raise UserError(str(error)) from None
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        verb = "would record" if args.dry_run else "recorded"
        for reading in result.recorded:
            kr = reading.item.kr
            print(f"{kr.id}  {value_text(kr, reading.number)}  {verb}  {kr.title}")
        for reading in result.unchanged:
            kr = reading.item.kr
            print(f"{kr.id}  {value_text(kr, reading.number)}  unchanged  {kr.title}")
        print(result.summary())
    for reading in result.failed:
        print(f"okr: pull: {failure_line(reading)}", file=sys.stderr)
    return 1 if result.failed else 0


def _planned_sources(store: OkrStore, cycle, settings):
    from okr_tui.pull import load_trust, plan

    return plan(store.key_results(cycle.id), settings.sources, load_trust())


def run_sources(args: argparse.Namespace, clock: Clock) -> int:
    """List the sources with whether they may run here; --trust trusts those of the store."""
    from okr_tui.domain.sources import source_text
    from okr_tui.pull import trust_sources

    store = open_store(args, clock, existing=True)
    cycle = _current_cycle_or_fail(store)
    settings = _settings_or_fail()
    planned = _planned_sources(store, cycle, settings)
    if args.trust is not None:
        wanted = [store.find_key_result(kr_id).id for kr_id in args.trust]
        for kr_id in wanted:
            if not any(item.kr.id == kr_id for item in planned):
                raise UserError(f"key result {kr_id} has no source")
            if any(item.kr.id == kr_id and item.own for item in planned):
                print(f"{kr_id}: its source is in your config, which is always trusted")
        trusted = trust_sources(planned, wanted)
        for item in trusted:
            print(f"Trusted {item.kr.id} {item.kr.title}: {source_text(item.source)}")
        if not trusted:
            print("Nothing to trust: every source here is trusted already.")
        return 0
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "kr_id": item.kr.id,
                        "key_result": item.kr.title,
                        "where": item.where,
                        "state": item.trust.value,
                        "source": item.source.model_dump(mode="json"),
                    }
                    for item in planned
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not planned:
        print(f"No key result of {cycle.name} has a source.")
    for item in planned:
        print(f"{item.kr.id}  {item.trust.value:<9}  {item.where:<6}  {item.kr.title}")
        print(f"    {item.source.describe()}")
    return 0


def run_source(args: argparse.Namespace, clock: Clock) -> int:
    """Keep a key result's source in the store; the one who sets it here trusts it here."""
    import shlex

    from pydantic import TypeAdapter, ValidationError

    from okr_tui.domain.sources import Source, source_text
    from okr_tui.pull import PlannedSource, trust_sources

    store = open_store(args, clock, existing=True)
    kr = store.find_key_result(args.kr)
    definition: dict[str, object] | None
    if args.clear:
        definition = None
    elif args.program is not None:
        try:
            definition = {"kind": "command", "argv": shlex.split(args.program)}
        except ValueError as error:
            raise UserError(f"--command: {error}") from None
    elif args.http is not None:
        definition = {"kind": "http", "url": args.http, "path": args.path}
    elif args.csv is not None:
        definition = {"kind": "csv", "file": args.csv, "column": args.column}
        definition |= {"key_column": args.key_column, "key": args.key}
    else:
        definition = {"kind": "sqlite", "file": args.sqlite, "query": args.query}
    source = None
    if definition is not None:
        try:
            source = TypeAdapter(Source).validate_python(definition)
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"][1:]) or "source"
            flag = {"argv": "--command", "url": "--http", "file": "--csv/--sqlite"}.get(
                where, f"--{where.replace('_', '-')}"
            )
            raise UserError(f"{flag}: {problem['msg'].removeprefix('Value error, ')}") from None
    saved = store.save_key_result(kr.model_copy(update={"source": source}), expected=kr)
    if source is None:
        print(f"{saved.id} {saved.title}: no source")
        return 0
    from okr_tui.domain.sources import Trust

    trust_sources([PlannedSource(saved, source, False, Trust.UNTRUSTED)])
    print(f"{saved.id} {saved.title}: {source_text(source)} (trusted on this machine)")
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
    "cycles": run_cycles,
    "cycle": run_cycle,
    "schema": run_schema,
    "prep": run_prep,
    "stats": run_stats,
    "tree": run_tree,
    "digest": run_digest,
    "sync": run_sync,
    "serve": run_serve,
    "pull": run_pull,
    "sources": run_sources,
    "source": run_source,
}
