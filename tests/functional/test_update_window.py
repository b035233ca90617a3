"""Which meeting an update belongs to: today's until its local day ends, else the coming one, so
an owner who updates on Friday is read in Monday's walk. Across a daylight-saving change and a
skipped week, from the domain and through `okr checkin` as an owner types it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from test_cli import _kr_prefix, _store, demo_home, home, okr

from okr_tui.domain import cadence
from okr_tui.domain.models import Cycle

__all__ = ["demo_home", "home"]  # the fixtures this module shares with test_cli

# Mondays at 09:30 in Berlin; 25 October 2026 is the night clocks go back; 2 November skipped.
BERLIN = Cycle(
    name="2026-Q4",
    start=date(2026, 10, 1),
    end=date(2026, 12, 31),
    timezone="Europe/Berlin",
    meeting_time=time(9, 30),
    skipped_dates=[date(2026, 11, 2)],
)


@pytest.mark.parametrize(
    ("moment", "meeting"),
    [
        ("2026-10-01T12:00:00Z", date(2026, 10, 5)),  # before the first meeting: prepare it
        ("2026-10-05T06:00:00Z", date(2026, 10, 5)),  # the morning of the meeting
        ("2026-10-05T21:59:00Z", date(2026, 10, 5)),  # 23:59 in Berlin: still that day
        ("2026-10-05T22:00:00Z", date(2026, 10, 12)),  # Tuesday 00:00 in Berlin: the next one
        ("2026-10-09T15:00:00Z", date(2026, 10, 12)),  # Friday
        ("2026-10-25T22:59:00Z", date(2026, 10, 26)),  # Sunday 23:59 in winter time (+01:00)
        ("2026-10-26T22:59:00Z", date(2026, 10, 26)),  # Monday 23:59 after the change
        ("2026-10-26T23:00:00Z", date(2026, 11, 9)),  # Tuesday: 2 November is skipped
        ("2026-11-02T08:00:00Z", date(2026, 11, 9)),  # on the skipped Monday itself
        ("2026-12-29T12:00:00Z", date(2026, 12, 28)),  # after the last meeting: the last one
    ],
)
def test_an_update_goes_to_today_s_meeting_else_the_coming_one(moment: str, meeting: date):
    now = datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC)
    found = cadence.update_meeting(BERLIN, now)
    assert found.date() == meeting
    assert (found.hour, found.minute) == (9, 30)  # local time, on both sides of the change


def test_a_friday_update_is_filed_under_the_coming_monday(home) -> None:
    store = _store(home)
    kr_id, prefix = _kr_prefix(store, "Reach 500")
    result = okr(
        "checkin",
        "--kr",
        prefix,
        "--value",
        "430",
        "--confidence",
        "g",
        "--author",
        "Dana",
        home=home,
        at="2026-11-27T16:00:00+01:00",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Checked in for 'Reach 500 paying customers' at the 2026-11-30 meeting of 2026-Q4\n"
    )
    [filed] = [c for c in _store(home).check_ins(store.current_cycle().id, kr_id) if c.value == 430]
    assert filed.meeting_date == date(2026, 11, 30) and filed.author == "Dana"


def test_meeting_names_a_late_check_in_and_may_name_the_coming_meeting(home) -> None:
    _, prefix = _kr_prefix(_store(home), "Reach 500")
    friday = "2026-11-27T16:00:00+01:00"
    late = okr(
        "checkin", "--kr", prefix, "--value", "420", "--meeting", "2026-11-23", home=home, at=friday
    )
    assert late.returncode == 0 and "at the 2026-11-23 meeting" in late.stdout
    coming = okr(
        "checkin", "--kr", prefix, "--value", "425", "--meeting", "2026-11-30", home=home, at=friday
    )
    assert coming.returncode == 0 and "at the 2026-11-30 meeting" in coming.stdout
    beyond = okr(
        "checkin", "--kr", prefix, "--value", "425", "--meeting", "2026-12-07", home=home, at=friday
    )
    assert beyond.returncode == 2
    assert "updates now go to the 2026-11-30 meeting" in beyond.stderr
