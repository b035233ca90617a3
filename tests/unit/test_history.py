"""Meeting history on hand-made records: who was missing, the board as of a meeting, what
changed since the meeting before, late check-ins and the meetings a key result missed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from okr_tui.domain.history import (
    HistoryRecords,
    is_late,
    meeting_board,
    meeting_history,
    missed_meetings,
)
from okr_tui.domain.models import (
    Action,
    CheckIn,
    Confidence,
    Cycle,
    KeyResult,
    Meeting,
    Objective,
    Status,
    Team,
)

CYCLE = Cycle(
    id="cy",
    name="2026-Q4",
    start=date(2026, 10, 1),
    end=date(2026, 12, 31),
    timezone="Europe/Berlin",
    meeting_weekday=0,
)
GROWTH = Team(id="t-g", name="Growth", members=["Amara", "Ben", "Chen"])
SALES = Team(id="t-s", name="Sales", members=["Elif", "Gus"])
COMPANY_OBJ = Objective(id="o-c", cycle_id="cy", title="Company", team_id=None)
GROWTH_OBJ = Objective(id="o-g", cycle_id="cy", title="Grow", team_id="t-g")
SALES_OBJ = Objective(id="o-s", cycle_id="cy", title="Sell", team_id="t-s")
NRR = KeyResult(
    id="kr-nrr",
    cycle_id="cy",
    objective_id="o-c",
    title="NRR",
    owner="Dana",
    baseline=98,
    target=110,
    unit="%",
)
ACTIVATION = KeyResult(
    id="kr-act",
    cycle_id="cy",
    objective_id="o-g",
    title="Activation",
    owner="amara ",
    baseline=30,
    target=45,
    unit="%",
)
LEADS = KeyResult(
    id="kr-leads",
    cycle_id="cy",
    objective_id="o-s",
    title="Leads",
    owner="Gus",
    baseline=120,
    target=200,
)
# Mondays: 5, 12, 19, 26 Oct, 2, 9, 16, 23 Nov...
OCT_5, OCT_12, OCT_19 = date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19)


def _check_in(kr, day, value, confidence=Confidence.ON_TRACK, *, at=None, blockers="", **kw):
    recorded = at or datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)
    return CheckIn(
        cycle_id="cy",
        kr_id=kr.id,
        meeting_date=day,
        value=value,
        confidence=confidence,
        blockers=blockers,
        recorded_at=recorded,
        **kw,
    )


def _records(check_ins=(), meetings=(), actions=(), key_results=(NRR, ACTIVATION, LEADS)):
    return HistoryRecords(
        cycle=CYCLE,
        objectives=[COMPANY_OBJ, GROWTH_OBJ, SALES_OBJ],
        key_results=list(key_results),
        check_ins=list(check_ins),
        meetings=list(meetings),
        actions=list(actions),
        teams=[GROWTH, SALES],
    )


def test_late_is_after_the_end_of_the_meetings_local_day():
    # 23:30 UTC on the 5th is 01:30 on the 6th in Berlin: late; 21:59 UTC is 23:59 there.
    assert is_late(CYCLE, _check_in(NRR, OCT_5, 99, at=datetime(2026, 10, 5, 23, 30, tzinfo=UTC)))
    assert not is_late(
        CYCLE, _check_in(NRR, OCT_5, 99, at=datetime(2026, 10, 5, 21, 59, tzinfo=UTC))
    )
    # Given ahead (the Friday before) is not late.
    assert not is_late(CYCLE, _check_in(NRR, OCT_5, 99, at=datetime(2026, 10, 2, 9, tzinfo=UTC)))


def _after_the_meeting(day: date) -> datetime:
    """Noon UTC: 13:00 or 14:00 in Berlin, after the cycle's 09:00 meeting."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_history_lists_every_meeting_held_newest_first_with_what_it_held():
    record = Meeting(
        cycle_id="cy",
        team_id=None,
        meeting_date=OCT_12,
        facilitator="Dana",
        attendees=["Amara", "Chen", "Dana", "Elif"],
        decisions=["Keep one SDR on inbound"],
        parked_topics=["Enterprise admins?"],
    )
    action = Action(
        cycle_id="cy",
        kr_id=ACTIVATION.id,
        text="Call Acme",
        meeting_date=OCT_12,
        created_at=datetime(2026, 10, 12, 8, tzinfo=UTC),
    )
    check_ins = [
        _check_in(NRR, OCT_5, 99),
        _check_in(ACTIVATION, OCT_12, 32),
        _check_in(LEADS, OCT_12, 130, at=datetime(2026, 10, 14, 9, tzinfo=UTC)),  # late
    ]
    records = _records(check_ins, [record], [action])
    # At 08:30 in Berlin on the 19th its 09:00 meeting is still the coming one, not history.
    before = datetime(2026, 10, 19, 6, 30, tzinfo=UTC)
    assert [m.day for m in meeting_history(records, None, before)] == [OCT_12, OCT_5]
    history = meeting_history(records, None, _after_the_meeting(OCT_19))
    assert [m.day for m in history] == [OCT_19, OCT_12, OCT_5]
    nothing, held, first = history
    assert not nothing.held and nothing.missing is None and nothing.checked_in == 0
    assert (held.checked_in, held.owed, held.late) == (2, 3, 1)
    assert held.decisions == ("Keep one SDR on inbound",)
    assert held.parked_topics == ("Enterprise admins?",)
    assert [a.text for a in held.actions] == ["Call Acme"]
    # Members of both teams and the owners (Dana owns the company KR); "amara " is Amara.
    assert held.missing == ("Ben", "Gus")
    # No record: attendance unknown, not "everyone missing".
    assert first.held and first.missing is None and first.checked_in == 1


def test_one_teams_history_expects_its_people_and_keeps_company_objectives_in_view():
    record = Meeting(cycle_id="cy", team_id="t-g", meeting_date=OCT_5, attendees=["Amara"])
    other = Meeting(
        cycle_id="cy",
        team_id="t-s",
        meeting_date=OCT_5,
        attendees=["Gus"],
        decisions=["Sales only"],
    )
    (growth,) = meeting_history(_records([], [record, other]), "t-g", _after_the_meeting(OCT_5))
    assert growth.owed == 2  # NRR (company) and Activation, not Sales' Leads
    assert growth.missing == ("Ben", "Chen", "Dana")
    assert growth.decisions == ()


def test_board_as_of_a_meeting_and_what_changed_since_the_one_before():
    check_ins = [
        _check_in(ACTIVATION, OCT_5, 31, blockers="Data team busy"),
        _check_in(ACTIVATION, OCT_12, 34, Confidence.AT_RISK, blockers="Data team busy"),
        _check_in(LEADS, OCT_5, 125),
        _check_in(
            LEADS,
            OCT_12,
            150,
            Confidence.OFF_TRACK,
            blockers="CRM outage",
            at=datetime(2026, 10, 15, 9, tzinfo=UTC),
        ),
        _check_in(ACTIVATION, OCT_19, 40),  # after the meeting shown: not part of its board
    ]
    board = meeting_board(_records(check_ins), None, OCT_12)
    assert board.previous_day == OCT_5
    rows = {row.kr.id: row for row in board.rows}
    assert [row.kr.id for row in board.rows] == ["kr-nrr", "kr-act", "kr-leads"]
    nrr, act, leads = rows["kr-nrr"], rows["kr-act"], rows["kr-leads"]
    assert (nrr.value, nrr.confidence, nrr.check_in, nrr.value_delta) == (98, None, None, None)
    assert act.value == 34 and act.value_delta == 3
    assert act.confidence_before is Confidence.ON_TRACK and act.confidence_changed
    assert act.new_blockers == ""  # said the week before too
    assert not act.late
    assert leads.value_delta == 25 and leads.new_blockers == "CRM outage" and leads.late
    assert board.overview.late == 1 and board.overview.checked_in == 2


def test_board_keeps_the_last_value_for_a_key_result_not_checked_in_that_week():
    check_ins = [_check_in(ACTIVATION, OCT_5, 31)]
    board = meeting_board(_records(check_ins), "t-g", OCT_12)
    act = next(row for row in board.rows if row.kr.id == ACTIVATION.id)
    assert act.check_in is None and act.value == 31 and act.value_delta == 0
    assert act.confidence is Confidence.ON_TRACK and not act.confidence_changed


def test_first_meeting_compares_with_the_baseline():
    board = meeting_board(_records([_check_in(LEADS, OCT_5, 130)]), None, OCT_5)
    leads = next(row for row in board.rows if row.kr.id == LEADS.id)
    assert board.previous_day is None
    assert leads.value_delta == 10 and leads.confidence_before is None


def test_key_results_added_or_retired_owe_only_their_meetings():
    added = ACTIVATION.model_copy(update={"created_at": datetime(2026, 10, 10, 9, tzinfo=UTC)})
    retired = LEADS.model_copy(
        update={
            "status": Status.RETIRED,
            "retired_reason": "dropped",
            "retired_at": datetime(2026, 10, 13, 9, tzinfo=UTC),
        }
    )
    records = _records(key_results=(NRR, added, retired))
    assert [r.kr.id for r in meeting_board(records, None, OCT_5).rows] == ["kr-nrr", "kr-leads"]
    assert [r.kr.id for r in meeting_board(records, None, OCT_12).rows] == [
        "kr-nrr",
        "kr-act",
        "kr-leads",
    ]
    assert [r.kr.id for r in meeting_board(records, None, OCT_19).rows] == ["kr-nrr", "kr-act"]


def test_missed_meetings_are_the_past_ones_without_a_check_in():
    check_ins = [_check_in(ACTIVATION, OCT_12, 32), _check_in(NRR, OCT_5, 99)]
    today = date(2026, 10, 26)  # a meeting day: today's meeting is not missed (yet)
    assert missed_meetings(CYCLE, ACTIVATION, check_ins, today) == [OCT_19, OCT_5]
    added = ACTIVATION.model_copy(update={"created_at": datetime(2026, 10, 10, tzinfo=UTC)})
    assert missed_meetings(CYCLE, added, check_ins, today) == [OCT_19]


def test_the_facilitator_is_not_missing():
    record = Meeting(
        cycle_id="cy", team_id="t-g", meeting_date=OCT_5, facilitator="Ben", attendees=["Amara"]
    )
    (growth,) = meeting_history(_records([], [record]), "t-g", _after_the_meeting(OCT_5))
    assert growth.missing == ("Chen", "Dana")


def test_a_key_result_added_later_but_checked_in_for_the_meeting_is_on_its_board():
    added = ACTIVATION.model_copy(update={"created_at": datetime(2026, 10, 10, tzinfo=UTC)})
    records = _records([_check_in(added, OCT_5, 33)], key_results=(added,))
    (row,) = meeting_board(records, None, OCT_5).rows
    assert row.check_in is not None and row.value == 33
    assert meeting_history(records, None, _after_the_meeting(OCT_5))[0].checked_in == 1


def test_a_meeting_whose_time_has_not_come_is_listed_once_something_is_recorded_for_it():
    """An update given ahead for the 19th, the 19th at 08:30 in Berlin (the meeting is at 09:00)."""
    before = datetime(2026, 10, 19, 6, 30, tzinfo=UTC)
    ahead = _check_in(NRR, OCT_19, 99, at=datetime(2026, 10, 16, 9, tzinfo=UTC))
    assert [m.day for m in meeting_history(_records([], []), None, before)] == [OCT_12, OCT_5]
    listed = meeting_history(_records([ahead], []), None, before)
    assert [m.day for m in listed] == [OCT_19, OCT_12, OCT_5]
    assert listed[0].checked_in == 1
