"""The one source of "now".

Every part of the app asks a Clock for the time, so tests, demos and the CLI's `--at` can pin it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pendulum


class Clock:
    """The real clock: the current moment as an aware UTC pendulum DateTime."""

    # True when the store is shown as it was at `now()` (`okr --at`): records stamped later
    # are neither shown nor counted (domain/as_of.py). The real clock never hides anything.
    replay = False

    def now(self) -> pendulum.DateTime:
        return pendulum.now("UTC")


class FixedClock(Clock):
    """A clock stopped at one moment; `advance` moves it, for tests and `--at`.

    `replay`: show the store as it was at that moment (what `--at` means); without it, a
    clock that stands still for tests and shows every record."""

    def __init__(self, moment: datetime | str, *, replay: bool = False) -> None:
        self._moment = to_utc(moment)
        self.replay = replay

    def now(self) -> pendulum.DateTime:
        return self._moment

    def set(self, moment: datetime | str) -> None:
        self._moment = to_utc(moment)

    def advance(self, **delta: int) -> None:
        self._moment = self._moment.add(**delta)


def to_utc(moment: datetime | str, timezone: str = "UTC") -> pendulum.DateTime:
    """An aware UTC DateTime from an ISO string or datetime; naive values are read in `timezone`.

    `pendulum.parse("2025-11-20")` would silently mean UTC midnight; here a bare date or a naive
    time means that wall-clock time in the given zone, which is what a person typing `--at` means.
    """
    if isinstance(moment, str):
        parsed = pendulum.parse(moment, exact=True, tz=pendulum.timezone(timezone))
        if isinstance(parsed, pendulum.Date) and not isinstance(parsed, pendulum.DateTime):
            parsed = pendulum.datetime(parsed.year, parsed.month, parsed.day, tz=timezone)
        elif isinstance(parsed, pendulum.Time):
            raise ValueError(f"{moment!r} is a time without a date")
        elif isinstance(parsed, pendulum.Duration):
            raise ValueError(f"{moment!r} is a duration, not a moment")
        moment = parsed
    if moment.tzinfo is None:
        moment = pendulum.instance(moment, tz=timezone)
    return pendulum.instance(moment.astimezone(UTC)).in_timezone("UTC")


EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
"""A moment a person types is refused outside [EARLIEST, LATEST): its local time in every
timezone, and the days and weeks counted from it, must stay inside the calendar's years 1 to
9999 (9999-12-31T23:59Z is already in the year 10000 in Berlin)."""


class MomentOutOfRange(ValueError):
    """A typed moment outside the years okr works with."""


def typed_moment(text: str, timezone: str = "UTC") -> pendulum.DateTime:
    """A moment a person typed (`--at`, `--meeting`), read as `to_utc` reads it; ValueError if
    it is not a moment, MomentOutOfRange outside the years 1900 to 9998."""
    out_of_range = MomentOutOfRange(
        f"{text!r} is out of range: okr works with dates from {EARLIEST.year} to {LATEST.year - 1}"
    )
    try:
        moment = to_utc(text, timezone)
    except OverflowError:
        raise out_of_range from None
    if not EARLIEST <= moment < LATEST:
        raise out_of_range
    return moment
