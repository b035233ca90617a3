"""The `okr` command line: the top-level options (all that opening the app reads) and each
command's parser, built only when a command is named."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, NoReturn

from okr_tui import __version__

if TYPE_CHECKING:
    pass


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
