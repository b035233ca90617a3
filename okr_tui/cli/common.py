"""What every `okr` command shares: the user-error exit, the clock (--at), the store (--db),
and standard output that fails as one line rather than a traceback."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from okr_tui.domain.clock import Clock
    from okr_tui.store.store import OkrStore


USER_ERROR = 2


INTERRUPTED = 130  # 128 + SIGINT: what a shell reports for a command stopped with Ctrl+C


MAX_PROBLEMS_SHOWN = 20  # of an import's problems; the rest are counted


class UserError(Exception):
    """A mistake in what the user asked for: printed as one line, exit status 2."""


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
    rather than make a store there, for the commands that read (a mistyped --db would export
    an empty store and exit 0, which a backup script would not notice)."""
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


class OutputError(UserError):
    """Standard output cannot be written (a full disk, `> /dev/full`)."""


class _GuardedStream:
    """Standard output, or its bytes, with a failed write raised as OutputError: one line on
    stderr instead of a traceback. A closed pipe stays a BrokenPipeError (see okr_tui.cli._run)."""

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


def _current_cycle_or_fail(store: OkrStore):
    cycle = store.current_cycle()
    if cycle is None:
        raise UserError(f"the store at {store.folder} has no cycle yet (try `okr demo`)")
    return cycle


def _first_validation_message(error: Exception) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        first = errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        return f"{field}: {first['msg']}"
    return str(error)


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
