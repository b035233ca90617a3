"""The `okr` command: the app by default, and scriptable commands beside it.

One module per family of commands (app, exports, meetings, plan, sources), the parser in
parser.py and what they share in common.py; `main` here runs them.

Heavy imports (Textual, the store) happen inside the commands that need them, so `okr --help`
and `okr due` start fast. User mistakes print one clear line on stderr and exit 2; no tracebacks.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from okr_tui.cli.app import run_app, run_demo, run_serve
from okr_tui.cli.common import (
    INTERRUPTED,
    MAX_PROBLEMS_SHOWN,
    USER_ERROR,
    OutputError,
    UserError,
    _discard_stdout,
    _flush_stdout,
    _guarded_stdout,
    make_clock,
)
from okr_tui.cli.exports import run_digest, run_export, run_import, run_schema, run_sync
from okr_tui.cli.meetings import run_checkin, run_due, run_list, run_prep
from okr_tui.cli.parser import _NotForTheApp, build_parser
from okr_tui.cli.plan import run_cycle, run_cycles, run_stats, run_team, run_teams, run_tree
from okr_tui.cli.sources import run_pull, run_source, run_sources
from okr_tui.lazy_imports import without_pydantic_plugin_search

if TYPE_CHECKING:
    from okr_tui.domain.clock import Clock

__all__ = [
    "COMMANDS",
    "INTERRUPTED",
    "USER_ERROR",
    "UserError",
    "build_parser",
    "main",
    "parse_arguments",
    "run_app",
]


def main(argv: Sequence[str] | None = None) -> int:
    # Pydantic plugins installed beside okr (observability hooks) are not part of okr: their
    # search (every installed package's entry points) cost start-up 18 M instructions, 0.7%.
    # A user who wants them sets PYDANTIC_DISABLE_PLUGINS to an empty value.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    without_pydantic_plugin_search()
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
    if args.command is None:
        # The app's start-up makes long-lived objects (modules, classes, the store's models,
        # the screen's widgets) and almost no garbage: the collector would walk them again
        # and again, about 5% of the instructions to the first frame. It is paused before the
        # imports; the app freezes what start-up made and resumes it once the first frame is
        # drawn (OkrApp.resume_collector).
        gc.disable()
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
