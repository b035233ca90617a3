"""Cycles from the command line (`okr cycle`, `okr cycles`) and fiscal years, as a set-up script
uses them: run again, it changes what it names and no more."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from test_cli import CLOCK_AT, _store, assert_user_error, demo_home, home, okr

from okr_tui.domain import cadence
from okr_tui.domain.carry_over import next_quarter_cycle, suggested_cycle
from okr_tui.domain.clock import FixedClock
from okr_tui.domain.dates import parse_meeting_slot, parse_month
from okr_tui.domain.models import Cadence, Cycle, CycleState

__all__ = ["demo_home", "home"]  # the fixtures this module shares with test_cli


def test_a_quarter_name_gives_a_new_cycle_its_dates_and_the_latest_cycle_its_rhythm(
    home: Path,
) -> None:
    q4 = _store(home).find_cycle("2026-Q4")
    result = okr("cycle", "2027-Q1", home=home)
    assert result.returncode == 0, result.stderr
    created = _store(home).find_cycle("2027-Q1")
    assert (created.start, created.end) == (date(2027, 1, 1), date(2027, 3, 31))
    assert (created.timezone, created.meeting_weekday, created.meeting_time) == (
        q4.timezone,
        q4.meeting_weekday,
        q4.meeting_time,
    )
    assert created.state is CycleState.PLANNING  # it begins after the clock's today
    assert result.stdout == (
        f"Created cycle 2027-Q1 ({created.id}), planning: 2027-01-01 to 2027-03-31, "
        f"Mondays 09:30 {q4.timezone}, weekly, 13 meetings\n"
    )
    listing = okr("cycles", home=home)
    assert listing.returncode == 0
    assert f"2027-Q1  ({created.id})  planning\n" in listing.stdout
    assert "2026-Q4" in listing.stdout and "2026-Q3" in listing.stdout


def test_running_it_again_changes_only_what_it_names(home: Path) -> None:
    assert okr("cycle", "2027-Q1", home=home).returncode == 0
    before = _store(home).find_cycle("2027-Q1")
    changed = okr(
        "cycle", "2027-Q1", "--meeting", "Tue 14:00", "--every", "2w", "--skip", "2027-01-19",
        home=home,
    )
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.startswith("Changed cycle 2027-Q1: ")
    after = _store(home).find_cycle("2027-Q1")
    assert after.id == before.id and (after.start, after.end) == (before.start, before.end)
    assert (after.meeting_weekday, after.meeting_time) == (1, time(14, 0))
    assert after.cadence is Cadence.BIWEEKLY
    assert after.skipped_dates == [date(2027, 1, 19)]
    assert date(2027, 1, 19) not in cadence.meeting_dates(after)

    again = okr(
        "cycle", "2027-Q1", "--meeting", "Tue 14:00", "--every", "2w", "--skip", "2027-01-19",
        home=home,
    )
    assert again.stdout == "Cycle 2027-Q1 unchanged\n"
    cleared = okr("cycle", "2027-Q1", "--skip", home=home)
    assert cleared.returncode == 0
    assert _store(home).find_cycle("2027-Q1").skipped_dates == []


def test_a_fiscal_year_from_april_names_and_dates_the_quarters(home: Path) -> None:
    result = okr("cycle", "FY2028-Q1", "--fiscal-start", "april", home=home)
    assert result.returncode == 0, result.stderr
    assert "fiscal year from April" in result.stdout
    created = _store(home).find_cycle("FY2028-Q1")
    assert (created.start, created.end, created.fiscal_start_month) == (
        date(2027, 4, 1),
        date(2027, 6, 30),
        4,
    )


def test_explicit_dates_make_a_cycle_of_any_name(home: Path) -> None:
    result = okr(
        "cycle", "Winter push", "--start", "2027-01-04", "--end", "2027-02-26",
        "--timezone", "America/New_York", "--meeting", "thursday 16:30", home=home,
    )
    assert result.returncode == 0, result.stderr
    created = _store(home).find_cycle("Winter push")
    assert (created.start, created.end, created.timezone) == (
        date(2027, 1, 4),
        date(2027, 2, 26),
        "America/New_York",
    )
    assert (created.meeting_weekday, created.meeting_time) == (3, time(16, 30))


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (("Winter push",), "--start and --end needed for a new cycle"),
        (("Winter push", "--start", "2027-01-04"), "--end needed for a new cycle"),
        (("2027-Q1", "--meeting", "Mon 25:00"), "--meeting: '25:00' is not a time of day"),
        (("2027-Q1", "--meeting", "Someday"), "--meeting: 'Someday' is not a weekday"),
        (("2027-Q1", "--timezone", "Mars/Base"), "--timezone: unknown timezone 'Mars/Base'"),
        (("2027-Q1", "--skip", "2027-01-05"), "--skip: 2027-01-05 is not a meeting day"),
        (("2027-Q1", "--skip", "2027-13-01"), "--skip: '2027-13-01' is not a day of the calendar"),
        (("2027-Q1", "--fiscal-start", "Smarch"), "--fiscal-start: 'Smarch' is not a month"),
        (("2027-Q1", "--review", "2027-05-01"), "okr: the review date must fall inside the cycle"),
        (("2027-Q1", "--start", "2026-12-01"), "the dates overlap 2026-Q4"),
        (("2026-Q3", "--meeting", "Tue"), "cycle 2026-Q3 is closed and can no longer change"),
        (("2026-Q4", "--rename", "2026-Q3"), "a cycle called '2026-Q3' already exists"),
        (("Short", "--start", "2027-02-01", "--end", "2027-01-01"), "must end after it starts"),
    ],
)
def test_a_bad_cycle_command_says_why_in_one_line_and_changes_nothing(
    home: Path, arguments: tuple[str, ...], expected: str
) -> None:
    store_file = home / "data" / "store" / "okr.json"
    before = store_file.read_bytes()
    assert_user_error(okr("cycle", *arguments, home=home), expected)
    assert store_file.read_bytes() == before


# --- the pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "slot"),
    [
        ("Mon 09:30", (0, time(9, 30))),
        ("thursday, 14:00", (3, time(14, 0))),
        ("FRI", (4, None)),
        ("7:05", (None, time(7, 5))),
        ("14:00 Tue", (1, time(14, 0))),
    ],
)
def test_meeting_slots_as_people_type_them(typed: str, slot: tuple) -> None:
    assert parse_meeting_slot(typed) == slot


@pytest.mark.parametrize("typed", ["", "Mo 9:30", "Mon Tue", "9:30 10:30", "Mon 09:30 weekly"])
def test_a_meeting_slot_that_is_not_one_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_meeting_slot(typed)


def test_months_by_number_name_or_abbreviation() -> None:
    assert [parse_month(t) for t in ("1", "12", "April", "apr", "SEPT")] == [1, 12, 4, 4, 9]
    for bad in ("0", "13", "ap", "Smarch"):
        with pytest.raises(ValueError):
            parse_month(bad)


def test_quarter_names_say_fy_when_the_year_does_not_start_in_january() -> None:
    assert cadence.quarter_name(2027, 1) == "2027-Q1"
    assert cadence.quarter_name(2027, 1, 4) == "FY2027-Q1"
    assert cadence.parse_quarter_name("fy2027-q3") == (2027, 3)
    assert cadence.parse_quarter_name("2027-Q4") == (2027, 4)
    assert cadence.parse_quarter_name("2027-Q5") is None
    assert cadence.parse_quarter_name("Winter push") is None


def test_the_next_cycle_keeps_the_fiscal_year_of_the_one_before() -> None:
    fy_q1 = Cycle(
        name="FY2027-Q1", start=date(2026, 4, 1), end=date(2026, 6, 30), fiscal_start_month=4
    )
    suggested = suggested_cycle([fy_q1], FixedClock(CLOCK_AT).now())
    assert (suggested.name, suggested.start, suggested.end) == (
        "FY2027-Q2",
        date(2026, 7, 1),
        date(2026, 9, 30),
    )
    assert suggested.fiscal_start_month == 4
    carried = next_quarter_cycle(fy_q1, ["FY2027-Q1"], date(2026, 6, 30))
    assert (carried.name, carried.start, carried.fiscal_start_month) == (
        "FY2027-Q2",
        date(2026, 7, 1),
        4,
    )
    fourth = fy_q1.model_copy(
        update={"name": "FY2027-Q4", "start": date(2027, 1, 1), "end": date(2027, 3, 31)}
    )
    assert next_quarter_cycle(fourth, [], date(2027, 3, 31)).name == "FY2028-Q1"
