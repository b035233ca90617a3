"""Dates, times, months and meeting slots as people type them, read the same way by the forms
and the command line, with messages that show the format to use."""

from __future__ import annotations

import calendar
import re
from datetime import date, time

MONTH_NAMES = tuple(calendar.month_name)[1:]
WEEKDAY_NAMES = tuple(calendar.day_name)  # Monday first, as Cycle.meeting_weekday counts

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_date(text: str) -> date:
    """A date typed as YYYY-MM-DD; anything else gets a message that shows the format."""
    raw = text.strip()
    if not raw:
        raise ValueError("enter a date as YYYY-MM-DD")
    if not _DATE.match(raw):
        raise ValueError(f"{raw!r} is not a date; use YYYY-MM-DD, e.g. 2027-01-01")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a day of the calendar") from None


def parse_dates(text: str) -> list[date]:
    """Comma-separated YYYY-MM-DD dates (blank for none), sorted, without repeats."""
    days = set()
    for part in text.replace(";", ",").split(","):
        if part.strip():
            days.add(parse_date(part))
    return sorted(days)


def parse_time(text: str) -> time:
    """A time of day typed as HH:MM (24-hour)."""
    raw = text.strip()
    match = _TIME.match(raw)
    if not match:
        raise ValueError(f"{raw!r} is not a time; use HH:MM, e.g. 09:30")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"{raw!r} is not a time of day; use 00:00 to 23:59")
    return time(hour, minute)


def _named(raw: str, names: tuple[str, ...]) -> int | None:
    """The index of the name `raw` starts (at least three letters, any case), if one."""
    if len(raw) < 3:
        return None
    return next((i for i, name in enumerate(names) if name.lower().startswith(raw.lower())), None)


def parse_month(text: str) -> int:
    """A month as 1-12: its number, its name or the name's first letters ("4", "April", "apr")."""
    raw = text.strip()
    if raw.isdigit() and 1 <= int(raw) <= 12:
        return int(raw)
    index = _named(raw, MONTH_NAMES)
    if index is None:
        raise ValueError(f"{raw!r} is not a month; use 1-12 or a name such as April")
    return index + 1


def parse_meeting_slot(text: str) -> tuple[int | None, time | None]:
    """A meeting's weekday and local time, e.g. "Mon 09:30", "tuesday", "14:00": (weekday with
    Monday as 0, time), None for the part not given."""
    weekday: int | None = None
    at: time | None = None
    parts = text.replace(",", " ").split()
    if not parts or len(parts) > 2:
        raise ValueError(f"{text.strip()!r} is not a meeting slot; write it like \"Mon 09:30\"")
    for part in parts:
        if ":" in part:
            if at is not None:
                raise ValueError(f"{text.strip()!r} gives two times; write it like \"Mon 09:30\"")
            at = parse_time(part)
            continue
        index = _named(part, WEEKDAY_NAMES)
        if index is None or weekday is not None:
            raise ValueError(
                f"{part!r} is not a weekday; write the slot like \"Mon 09:30\" or \"Thu 14:00\""
            )
        weekday = index
    return weekday, at
