"""The cadence engine: meeting rhythm across DST and year ends, fiscal quarters, what is due.

Every moment is spelled out; nothing here depends on today's date.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import okr_tui
from okr_tui.domain.cadence import (
    KeyResultDue,
    check_ins_due,
    current_meeting,
    days_left,
    is_last_week,
    meeting_dates,
    meeting_on,
    meetings,
    next_meeting,
    quarter_bounds,
    quarter_containing,
    review_date,
    team_status,
    week_of_cycle,
)
from okr_tui.domain.models import (
    Cadence,
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    Retrospective,
    Review,
    Score,
    Status,
)

BERLIN = ZoneInfo("Europe/Berlin")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0, tz=BERLIN) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def q4(**changes) -> Cycle:
    """Q4 2026 in Berlin, Monday 09:00 weekly: meetings 2026-10-05 .. 2026-12-28."""
    fields = dict(
        id="c1",
        name="2026-Q4",
        start=date(2026, 10, 1),
        end=date(2026, 12, 31),
        timezone="Europe/Berlin",
        meeting_weekday=0,
        meeting_time=time(9, 0),
    )
    return Cycle(**(fields | changes))


# --- meetings across DST and year ends --------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [
        ("Europe/Berlin", date(2026, 3, 29), date(2026, 10, 25)),
        ("America/New_York", date(2026, 3, 8), date(2026, 11, 1)),
    ],
)
def test_meetings_stay_at_local_time_across_both_dst_changes(zone, spring, autumn):
    cycle = Cycle(
        name="2026",
        start=date(2026, 2, 1),
        end=date(2026, 11, 30),
        timezone=zone,
        meeting_weekday=0,
        meeting_time=time(9, 0),
    )
    schedule = meetings(cycle)
    assert all((m.hour, m.minute, m.weekday()) == (9, 0, 0) for m in schedule)
    assert all(m.timezone_name == zone for m in schedule)
    winter = {m.utcoffset() for m in schedule if m.date() < spring or m.date() > autumn}
    summer = {m.utcoffset() for m in schedule if spring < m.date() < autumn}
    assert len(winter) == len(summer) == 1
    assert summer.pop() - winter.pop() == timedelta(hours=1)
    # Across a change the meetings are 7 local days but 7 days -/+ 1 hour of real time apart.
    for change, real_gap in (
        (spring, timedelta(days=7, hours=-1)),
        (autumn, timedelta(days=7, hours=1)),
    ):
        before = max(m for m in schedule if m.date() < change)
        after = min(m for m in schedule if m.date() > change)
        assert (after.date() - before.date()).days == 7
        assert after - before == real_gap
    assert all(m.astimezone(ZoneInfo(zone)).hour == 9 for m in schedule)


def test_berlin_utc_hours_either_side_of_the_changes():
    cycle = Cycle(
        name="2026", start=date(2026, 3, 1), end=date(2026, 11, 30), timezone="Europe/Berlin"
    )
    utc = {m.date(): m.in_timezone("UTC").hour for m in meetings(cycle)}
    assert utc[date(2026, 3, 23)] == 8
    assert utc[date(2026, 3, 30)] == 7
    assert utc[date(2026, 10, 19)] == 7
    assert utc[date(2026, 10, 26)] == 8


def test_one_meeting_per_iso_week_across_week_53_and_the_year_end():
    cycle = Cycle(name="Winter", start=date(2026, 11, 1), end=date(2027, 1, 31))
    schedule = meetings(cycle)
    weeks = [m.date().isocalendar()[:2] for m in schedule]
    expected = [(2026, w) for w in range(45, 54)] + [(2027, w) for w in range(1, 5)]
    assert weeks == expected
    assert (2026, 53) in weeks
    assert meeting_on(cycle, date(2026, 12, 28)) is not None
    days = meeting_dates(cycle)
    assert all((b - a).days == 7 for a, b in zip(days, days[1:], strict=False))


def test_first_meeting_is_the_first_meeting_weekday_on_or_after_the_start():
    assert meeting_dates(q4())[0] == date(2026, 10, 5)
    assert meeting_dates(q4(meeting_weekday=3))[0] == date(2026, 10, 1)
    assert meeting_dates(q4())[-1] == date(2026, 12, 28)
    assert meeting_dates(q4(meeting_weekday=3))[-1] == date(2026, 12, 31)


def test_meeting_dates_are_plain_dates():
    assert all(type(day) is date for day in meeting_dates(q4()))


def test_biweekly_cadence_and_skipped_dates_keep_the_rhythm():
    cycle = Cycle(
        name="Q1", start=date(2026, 1, 5), end=date(2026, 3, 31), cadence=Cadence.BIWEEKLY
    )
    rhythm = [
        date(2026, 1, 5),
        date(2026, 1, 19),
        date(2026, 2, 2),
        date(2026, 2, 16),
        date(2026, 3, 2),
        date(2026, 3, 16),
        date(2026, 3, 30),
    ]
    assert meeting_dates(cycle) == rhythm
    skipped = cycle.model_copy(update={"skipped_dates": [date(2026, 2, 2)]})
    assert meeting_dates(skipped) == [day for day in rhythm if day != date(2026, 2, 2)]
    assert meeting_on(skipped, date(2026, 2, 2)) is None
    # A skipped date that is not a meeting day changes nothing.
    other = cycle.model_copy(update={"skipped_dates": [date(2026, 2, 9)]})
    assert meeting_dates(other) == rhythm


def test_meeting_on():
    meeting = meeting_on(q4(), date(2026, 10, 12))
    assert meeting is not None
    assert (meeting.hour, meeting.minute, meeting.timezone_name) == (9, 0, "Europe/Berlin")
    assert meeting_on(q4(), date(2026, 10, 13)) is None


# --- fiscal quarters --------------------------------------------------------------------------


def test_fiscal_year_starting_in_february():
    assert quarter_bounds(2027, 1, 2) == (date(2026, 2, 1), date(2026, 4, 30))
    assert quarter_bounds(2027, 2, 2) == (date(2026, 5, 1), date(2026, 7, 31))
    assert quarter_bounds(2027, 3, 2) == (date(2026, 8, 1), date(2026, 10, 31))
    assert quarter_bounds(2027, 4, 2) == (date(2026, 11, 1), date(2027, 1, 31))
    assert quarter_containing(date(2026, 2, 1), 2) == (2027, 1)
    assert quarter_containing(date(2026, 1, 31), 2) == (2026, 4)
    assert quarter_containing(date(2027, 1, 31), 2) == (2027, 4)
    assert quarter_containing(date(2026, 12, 31), 2) == (2027, 4)


def test_calendar_year_quarters():
    assert quarter_bounds(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_containing(date(2026, 1, 1)) == (2026, 1)
    assert quarter_containing(date(2026, 12, 31)) == (2026, 4)


def test_leap_years():
    assert quarter_bounds(2028, 1) == (date(2028, 1, 1), date(2028, 3, 31))
    assert quarter_bounds(2029, 1, 2) == (date(2028, 2, 1), date(2028, 4, 30))
    assert quarter_containing(date(2028, 2, 29), 2) == (2029, 1)
    # A fiscal year starting in March ends with a quarter that ends on the last day of February.
    assert quarter_bounds(2028, 4, 3) == (date(2027, 12, 1), date(2028, 2, 29))
    assert quarter_bounds(2027, 4, 3) == (date(2026, 12, 1), date(2027, 2, 28))
    assert quarter_bounds(2100, 4, 3)[1] == date(2100, 2, 28)  # not a leap year


@pytest.mark.parametrize("start_month", range(1, 13))
def test_every_day_lies_in_the_quarter_that_contains_it(start_month):
    day = date(2026, 1, 1)
    while day <= date(2029, 1, 1):
        first, last = quarter_bounds(*quarter_containing(day, start_month), start_month)
        assert first <= day <= last
        assert first.day == 1 and (last + timedelta(days=1)).day == 1
        day += timedelta(days=1)


def test_quarter_arguments_are_checked():
    with pytest.raises(ValueError):
        quarter_bounds(2026, 5)
    with pytest.raises(ValueError):
        quarter_bounds(2026, 1, 13)
    with pytest.raises(ValueError):
        quarter_containing(date(2026, 1, 1), 0)


# --- where we are ----------------------------------------------------------------------------


def _day_of(meeting) -> date | None:
    return None if meeting is None else meeting.date()


def test_current_meeting_windows():
    cycle = q4()
    assert _day_of(current_meeting(cycle, at(2026, 9, 20))) == date(2026, 10, 5)
    assert _day_of(current_meeting(cycle, at(2026, 10, 2))) == date(2026, 10, 5)
    # On the meeting day, before the meeting starts: already that meeting's window.
    assert _day_of(current_meeting(cycle, at(2026, 10, 12, 7, 0))) == date(2026, 10, 12)
    assert _day_of(current_meeting(cycle, at(2026, 10, 11, 23, 59))) == date(2026, 10, 5)
    # 23:30 UTC on Sunday is already Monday in Berlin.
    sunday_utc = datetime(2026, 10, 11, 23, 30, tzinfo=UTC)
    assert _day_of(current_meeting(cycle, sunday_utc)) == date(2026, 10, 12)
    assert _day_of(current_meeting(cycle, at(2026, 10, 15))) == date(2026, 10, 12)
    assert _day_of(current_meeting(cycle, at(2027, 1, 15))) == date(2026, 12, 28)


def test_skipped_meeting_extends_the_previous_window():
    cycle = q4(skipped_dates=[date(2026, 10, 12)])
    assert _day_of(current_meeting(cycle, at(2026, 10, 14))) == date(2026, 10, 5)
    assert _day_of(next_meeting(cycle, at(2026, 10, 6))) == date(2026, 10, 19)


def test_a_cycle_without_meetings():
    cycle = q4(start=date(2026, 10, 6), end=date(2026, 10, 10))  # Tuesday to Saturday
    assert meetings(cycle) == []
    assert current_meeting(cycle, at(2026, 10, 7)) is None
    assert next_meeting(cycle, at(2026, 10, 7)) is None
    assert review_date(cycle) == date(2026, 10, 8)


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        current_meeting(q4(), datetime(2026, 10, 7, 12, 0))


def test_next_meeting_is_strictly_after_now():
    cycle = q4()
    upcoming = next_meeting(cycle, at(2026, 10, 12, 8, 59))
    assert upcoming is not None and (upcoming.date(), upcoming.hour) == (date(2026, 10, 12), 9)
    assert _day_of(next_meeting(cycle, at(2026, 10, 12, 9, 0))) == date(2026, 10, 19)
    assert _day_of(next_meeting(cycle, at(2026, 9, 1))) == date(2026, 10, 5)
    assert next_meeting(cycle, at(2026, 12, 28, 9, 0)) is None


def test_week_of_cycle():
    cycle = q4()  # 92 days: 14 weeks
    assert week_of_cycle(cycle, at(2026, 9, 1)) == (1, 14)
    assert week_of_cycle(cycle, at(2026, 10, 1)) == (1, 14)
    assert week_of_cycle(cycle, at(2026, 10, 7)) == (1, 14)
    assert week_of_cycle(cycle, at(2026, 10, 8)) == (2, 14)
    assert week_of_cycle(cycle, at(2026, 12, 31)) == (14, 14)
    assert week_of_cycle(cycle, at(2027, 2, 1)) == (14, 14)
    four_weeks = q4(end=date(2026, 10, 28))
    assert week_of_cycle(four_weeks, at(2026, 10, 28)) == (4, 4)


def test_days_left():
    cycle = q4()
    assert days_left(cycle, at(2026, 10, 1)) == 91
    assert days_left(cycle, at(2026, 12, 30)) == 1
    assert days_left(cycle, at(2026, 12, 31)) == 0
    assert days_left(cycle, datetime(2026, 12, 30, 23, 30, tzinfo=UTC)) == 0  # Berlin: 31st
    assert days_left(cycle, at(2027, 1, 5)) == 0


def test_is_last_week():
    cycle = q4()
    assert not is_last_week(cycle, at(2026, 12, 24, 23, 59))
    assert is_last_week(cycle, at(2026, 12, 25, 0, 0))
    assert is_last_week(cycle, at(2027, 1, 10))


def test_review_date():
    assert review_date(q4()) == date(2026, 11, 16)  # middle is Sunday 11-15
    assert review_date(q4(review_date=date(2026, 11, 20))) == date(2026, 11, 20)
    tie = Cycle(name="t", start=date(2026, 1, 5), end=date(2026, 1, 19), cadence=Cadence.BIWEEKLY)
    assert review_date(tie) == date(2026, 1, 5)  # middle 01-12 is 7 days from both: earlier


# --- what is due ------------------------------------------------------------------------------


def objective(oid: str, team: str | None, status: Status = Status.ACTIVE) -> Objective:
    reason = "dropped" if status is Status.RETIRED else ""
    return Objective(
        id=oid, cycle_id="c1", team_id=team, title=oid, status=status, retired_reason=reason
    )


def key_result(kid: str, oid: str, status: Status = Status.ACTIVE) -> KeyResult:
    reason = "dropped" if status is Status.RETIRED else ""
    return KeyResult(
        id=kid, cycle_id="c1", objective_id=oid, title=kid, status=status, retired_reason=reason
    )


def check_in(kid: str, day: date, cycle_id: str = "c1", supersedes: str | None = None) -> CheckIn:
    return CheckIn(
        cycle_id=cycle_id,
        kr_id=kid,
        meeting_date=day,
        value=0.5,
        confidence=Confidence.ON_TRACK,
        recorded_at=datetime(2026, 10, 1, tzinfo=UTC),
        supersedes=supersedes,
    )


OBJECTIVES = [
    objective("o1", "t1"),
    objective("o2", "t2"),
    objective("o3", "t1", Status.RETIRED),
    objective("o4", None),
]
KEY_RESULTS = [
    key_result("k1", "o1"),
    key_result("k2", "o1", Status.RETIRED),
    key_result("k3", "o3"),  # active, but under a retired objective
    key_result("k4", "o2"),
    key_result("k5", "o2"),
    key_result("k6", "o4"),
]
OCT_5, OCT_12, OCT_19 = date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19)


def test_check_ins_due_and_overdue():
    check_ins = [
        check_in("k1", OCT_19),
        check_in("k1", OCT_5),
        check_in("k4", OCT_12),  # clears only the meeting of 10-12
        check_in("k4", OCT_19, cycle_id="other"),  # another cycle's check-in covers nothing
        check_in("k4", date(2026, 10, 20)),  # not a meeting date
        *(check_in("k5", day) for day in (OCT_5, OCT_12)),
        check_in("k5", OCT_19, supersedes="ci-earlier"),  # a correction still covers
        *(check_in(kid, OCT_5) for kid in ("k2", "k3")),
    ]
    due = check_ins_due(q4(), OBJECTIVES, KEY_RESULTS, check_ins, at(2026, 10, 20))
    assert due == [
        KeyResultDue("k1", "o1", "t1", due=False, overdue=(OCT_12,)),
        KeyResultDue("k4", "o2", "t2", due=True, overdue=(OCT_5,)),
        KeyResultDue("k6", "o4", None, due=True, overdue=(OCT_5, OCT_12)),
    ]


def added(kr: KeyResult, moment: datetime) -> KeyResult:
    return kr.model_copy(update={"created_at": moment.astimezone(UTC)})


@pytest.mark.parametrize(
    ("added_at", "due_now", "overdue"),
    [
        # planned before the quarter, or on its first day: every meeting
        (at(2026, 9, 28), True, (OCT_5, OCT_12)),
        (at(2026, 10, 1, 8), True, (OCT_5, OCT_12)),
        # added on the Wednesday after the meeting of 10-05: from 10-12 on
        (at(2026, 10, 7), True, (OCT_12,)),
        # added during the meeting of 10-19 (Berlin; 07:30 UTC): owes it, nothing before
        (at(2026, 10, 19, 9, 30), True, ()),
        # added on Tuesday, the day after this week's meeting: owes the next one, not this one
        (at(2026, 10, 20, 9), False, ()),
        # 22:30 UTC on Monday 10-12 is Tuesday 00:30 in Berlin: the cycle's day counts, not UTC's
        (datetime(2026, 10, 12, 22, 30, tzinfo=UTC), True, ()),
    ],
)
def test_a_key_result_added_mid_cycle_owes_only_the_meetings_from_the_day_it_was_added(
    added_at, due_now, overdue
):
    """A key result added in week 3 showed every earlier meeting as missed ("3 due")."""
    from okr_tui.domain import board

    key_results = [added(key_result("k1", "o1"), added_at)]
    now = at(2026, 10, 20, 12)
    due = check_ins_due(q4(), OBJECTIVES, key_results, [], now)
    expected = [KeyResultDue("k1", "o1", "t1", due_now, overdue)] if due_now or overdue else []
    assert due == expected
    (line,) = board.key_result_lines(q4(), OBJECTIVES, key_results, [], now)
    assert line.owes_this_meeting is due_now
    assert line.missed_meetings == len(overdue)
    assert line.due_count == int(due_now) + len(overdue)


def test_before_the_first_meeting_every_active_key_result_is_due():
    due = check_ins_due(q4(), OBJECTIVES, KEY_RESULTS, [], at(2026, 10, 1))
    assert [(d.kr_id, d.due, d.overdue) for d in due] == [
        ("k1", True, ()),
        ("k4", True, ()),
        ("k5", True, ()),
        ("k6", True, ()),
    ]


def test_nothing_due_in_a_closed_cycle():
    closed = q4(state=CycleState.CLOSED)
    assert check_ins_due(closed, OBJECTIVES, KEY_RESULTS, [], at(2026, 10, 20)) == []


def test_the_board_owes_nothing_in_a_closed_cycle():
    """A closed cycle viewed later (ctrl+y) showed its key results as "8 due"."""
    from okr_tui.domain import board

    now = at(2026, 10, 20)
    open_lines = board.key_result_lines(q4(), OBJECTIVES, KEY_RESULTS, [], now)
    assert open_lines and all(line.due_count > 0 for line in open_lines)
    closed = q4(state=CycleState.CLOSED)
    closed_lines = board.key_result_lines(closed, OBJECTIVES, KEY_RESULTS, [], now)
    assert [line.due_count for line in closed_lines] == [0] * len(open_lines)


async def test_the_dashboard_of_a_closed_cycle_shows_nothing_due(demo_store, make_app):
    """Switched to last quarter (ctrl+y), no key result reads "due" (nor "✓ done")."""
    from tests.screen_reading import screen_text

    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert " due" in screen_text(app)
        app.cycle_id = demo_store.find_cycle("2026-Q3").id
        await pilot.pause()
        shown = screen_text(app)
        assert "2026-Q3" in shown
        assert " due" not in shown and "✓ done" not in shown


def status_at(now: datetime, cycle: Cycle | None = None, **records) -> dict:
    statuses = team_status(
        cycle or q4(),
        ["t1", "t2", None],
        OBJECTIVES,
        KEY_RESULTS,
        records.get("check_ins", []),
        records.get("reviews", []),
        records.get("scores", []),
        records.get("retrospectives", []),
        now,
    )
    assert [s.team_id for s in statuses] == ["t1", "t2", None]
    return {s.team_id: s for s in statuses}


def test_team_status_lists_each_teams_key_results():
    status = status_at(at(2026, 10, 20), check_ins=[check_in("k1", day) for day in (OCT_5, OCT_19)])
    assert status["t1"].current_meeting == OCT_19
    assert [d.kr_id for d in status["t1"].key_results] == ["k1"]
    assert [d.kr_id for d in status["t2"].key_results] == ["k4", "k5"]
    assert [d.kr_id for d in status[None].key_results] == ["k6"]


def test_review_due_from_the_review_date_until_a_review_exists():
    def flags(now, reviews=()):
        return {team: s.review_due for team, s in status_at(now, reviews=list(reviews)).items()}

    assert flags(at(2026, 11, 15, 23, 59)) == {"t1": False, "t2": False, None: False}
    assert flags(at(2026, 11, 16, 0, 0)) == {"t1": True, "t2": True, None: True}
    done = datetime(2026, 11, 16, 10, tzinfo=UTC)
    t1_done = [Review(cycle_id="c1", team_id="t1", completed_at=done)]
    assert flags(at(2026, 11, 20), t1_done) == {"t1": False, "t2": True, None: True}
    elsewhere = [Review(cycle_id="other", team_id=None, completed_at=done)]
    assert flags(at(2026, 11, 20), elsewhere) == {"t1": True, "t2": True, None: True}
    everyone = [Review(cycle_id="c1", team_id=None, completed_at=done)]
    assert flags(at(2026, 11, 20), everyone) == {"t1": False, "t2": False, None: False}
    assert flags(at(2027, 1, 10)) == {"t1": True, "t2": True, None: True}


def test_scoring_and_retrospective_due_in_the_last_week_and_after():
    def flags(now, **records):
        return {
            team: (s.scoring_due, s.retrospective_due)
            for team, s in status_at(now, **records).items()
        }

    assert flags(at(2026, 12, 24)) == {
        "t1": (False, False),
        "t2": (False, False),
        None: (False, False),
    }
    assert flags(at(2026, 12, 25)) == {"t1": (True, True), "t2": (True, True), None: (True, True)}
    when = datetime(2026, 12, 30, tzinfo=UTC)
    # Only k1 is an active key result of an active objective for t1; k2 and k3 need no score.
    scores = [
        Score(cycle_id="c1", kr_id="k1", suggested=0.7, given=0.7, scored_at=when),
        Score(cycle_id="c1", kr_id="k4", suggested=0.5, given=0.5, scored_at=when),
    ]
    retros = [Retrospective(cycle_id="c1", team_id="t2", written_at=when)]
    assert flags(at(2027, 1, 10), scores=scores, retrospectives=retros) == {
        "t1": (False, True),
        "t2": (True, False),
        None: (True, True),
    }
    everyone = [Retrospective(cycle_id="c1", team_id=None, written_at=when)]
    retro_flags = flags(at(2027, 1, 10), retrospectives=everyone)
    assert {team: retro for team, (_, retro) in retro_flags.items()} == {
        "t1": False,
        "t2": False,
        None: False,
    }


@pytest.mark.parametrize(
    "now", [at(2026, 10, 1), at(2026, 10, 20), at(2026, 11, 20), at(2026, 12, 28), at(2027, 2, 1)]
)
def test_nothing_due_when_the_cycle_is_closed(now):
    for status in status_at(now, q4(state=CycleState.CLOSED)).values():
        assert status.key_results == ()
        assert not (status.review_due or status.scoring_due or status.retrospective_due)


# --- properties ------------------------------------------------------------------------------

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "Pacific/Auckland",
    "UTC",
    "Asia/Tokyo",
]

cycles = st.builds(
    lambda zone, start, length, weekday, hour, minute, cadence: Cycle(
        name="prop",
        start=start,
        end=start + timedelta(days=length),
        timezone=zone,
        meeting_weekday=weekday,
        meeting_time=time(hour, minute),
        cadence=cadence,
    ),
    zone=st.sampled_from(ZONES),
    start=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    length=st.integers(1, 400),
    weekday=st.integers(0, 6),
    hour=st.integers(6, 20),
    minute=st.sampled_from([0, 15, 30, 45]),
    cadence=st.sampled_from(list(Cadence)),
)


@settings(deadline=None)
@given(cycles)
def test_every_meeting_is_at_the_configured_local_weekday_and_time(cycle):
    schedule = meetings(cycle)
    zone = ZoneInfo(cycle.timezone)
    for meeting in schedule:
        local = meeting.astimezone(zone)  # checked against the standard library's zone data
        assert local.weekday() == cycle.meeting_weekday
        assert local.time() == cycle.meeting_time
        assert cycle.start <= local.date() <= cycle.end
    days = meeting_dates(cycle)
    step = 7 * cycle.cadence.weeks
    assert all((b - a).days == step for a, b in zip(days, days[1:], strict=False))
    if days:
        assert (days[0] - cycle.start).days < 7
        assert (cycle.end - days[-1]).days < step
    else:
        assert (cycle.end - cycle.start).days < 6


@settings(deadline=None)
@given(cycles, st.integers(-10 * 86400, 420 * 86400))
def test_current_meeting_is_the_last_one_begun_by_local_date(cycle, seconds):
    start = datetime(cycle.start.year, cycle.start.month, cycle.start.day, tzinfo=UTC)
    now = start + timedelta(seconds=seconds)
    today = now.astimezone(ZoneInfo(cycle.timezone)).date()
    days = meeting_dates(cycle)
    current = current_meeting(cycle, now)
    if not days:
        assert current is None
        return
    begun = [day for day in days if day <= today]
    assert current is not None and current.date() == (begun[-1] if begun else days[0])
    upcoming = next_meeting(cycle, now)
    assert upcoming is None or upcoming > now
    assert upcoming is None or upcoming.date() >= current.date()


def test_the_cadence_engine_imports_no_textual_or_tinydb():
    code = (
        "import sys, okr_tui.domain.cadence; "
        "print(any(m.split('.')[0] in ('textual', 'tinydb') for m in sys.modules))"
    )
    root = Path(okr_tui.__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "False"
