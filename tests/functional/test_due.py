"""What is due, as the dashboard and `okr due` say it: one list from the domain (due.py)."""

from __future__ import annotations

from datetime import date

from screen_reading import screen_text
from textual.widgets import Static

from okr_tui.domain import board
from okr_tui.domain.clock import FixedClock
from okr_tui.domain.due import due_beyond_check_ins, due_report_of
from okr_tui.domain.models import CheckIn, Confidence, Review
from okr_tui.store.store import OkrStore
from okr_tui.widgets.objective_board import ObjectiveBoard

LAST_WEEK = "2026-12-28T10:00:00+01:00"  # Monday of week 13 of 14: scoring is due


def report_of(store: OkrStore) -> dict:
    cycle = store.current_cycle()
    assert cycle is not None
    return due_report_of(store, cycle, store.clock.now())


def in_last_week(demo_store: OkrStore) -> OkrStore:
    return OkrStore(demo_store.folder, FixedClock(LAST_WEEK))


def test_what_is_due_besides_check_ins_names_only_the_teams_that_owe_it(demo_store):
    store = in_last_week(demo_store)
    report = report_of(store)
    assert due_beyond_check_ins(report) == ("review · scoring · retrospective · 2 overdue actions")
    growth = store.team_named("Growth")
    assert due_beyond_check_ins(report, [None, growth.id]) == (
        "review · scoring · retrospective · 1 overdue action"
    )
    for team in report["teams"]:
        if team["team"] == "Sales":
            team["review_due"] = False  # as if Sales had held its review
    assert due_beyond_check_ins(report).startswith("review (Company, Growth) · scoring")


def test_nothing_besides_check_ins_reads_as_nothing(demo_store):
    report = report_of(demo_store)
    for team in report["teams"]:
        team["review_due"] = False
    assert due_beyond_check_ins(report) == ""


async def test_the_dashboard_says_scoring_and_the_retrospective_are_due(demo_store, make_app):
    """At week 13 of 14 the header said "3 days left" only, while `okr due` said scoring and
    the retrospective were due."""
    app = make_app(in_last_week(demo_store))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        line = app.screen.query_one("#due", Static)
        assert line.display
        assert "Due now: review · scoring · retrospective · 2 overdue actions" in screen_text(app)


async def test_the_dashboard_shows_no_due_line_when_only_check_ins_are_due(demo_store, make_app):
    cycle = demo_store.current_cycle()
    # A company-wide review (no team) counts for every team.
    demo_store.complete_review(Review(cycle_id=cycle.id, completed_at=demo_store.clock.now()))
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#due", Static).display
        assert "Due now" not in screen_text(app)


async def test_a_key_result_checked_in_today_says_missed_not_due_for_earlier_meetings(
    demo_store, make_app
):
    """It read "6 due" though this meeting's check-in was done: the six were missed ones."""
    store = in_last_week(demo_store)
    cycle = store.current_cycle()
    lines = board.key_result_lines(
        cycle,
        store.objectives(cycle.id),
        store.key_results(cycle.id),
        store.check_ins(cycle.id),
        store.clock.now(),
    )
    done, owing = lines[0], lines[1]
    assert done.missed_meetings == owing.missed_meetings == 5
    store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=done.kr.id,
            meeting_date=date(2026, 12, 28),
            value=done.value,
            confidence=Confidence.ON_TRACK,
            recorded_at=store.clock.now(),
        )
    )
    app = make_app(store)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        texts = app.screen.query_one(ObjectiveBoard)
        rows = {
            kr_id: texts.get_option(f"kr:{kr_id}").prompt.plain
            for kr_id in (done.kr.id, owing.kr.id)
        }
        assert rows[done.kr.id].endswith("✓ done · 5 missed")
        assert rows[owing.kr.id].endswith("1 due · 5 missed")
        assert " due" not in rows[done.kr.id]


def test_the_dashboard_line_is_the_same_without_working_out_check_ins_due(demo_store):
    """Issue 19: the dashboard's "Due now:" line names only what is due besides check-ins, so
    it asks for the report without each key result's check-ins due and missed (the same line,
    at a fraction of the work), and those lists are left empty."""
    for store in (demo_store, in_last_week(demo_store)):
        cycle = store.current_cycle()
        assert cycle is not None
        full = due_report_of(store, cycle, store.clock.now())
        light = due_report_of(store, cycle, store.clock.now(), check_ins_due=False)
        assert any(team["due"] or team["overdue"] for team in full["teams"])
        assert all(not team["due"] and not team["overdue"] for team in light["teams"])
        for shown in (None, [None, store.teams()[0].id]):
            assert due_beyond_check_ins(light, shown) == due_beyond_check_ins(full, shown)
